// The online one-to-one chat (citizen and operator pages): keeps the conversation scrolled to
// the newest message, empties the box after a message was sent, shows refusals (too long, too
// fast) in the log instead of dropping them, and hands what the citizen wrote to the
// knowledge-base suggestions on the operator's page.
(function () {
  "use strict";
  function log() { return document.getElementById("chat-log"); }
  function toBottom() { var box = log(); if (box) { box.scrollTop = box.scrollHeight; } }

  // htmx leaves 4xx answers unswapped by default; the chat's refusals carry the message to show.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (event.detail.target === log() && (status === 400 || status === 409 || status === 429)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (!event.detail.successful || !source) { return; }
    var box = null;
    if (source.id === "chat-send") { box = source.querySelector("textarea"); }
    if (source.id === "chat-say") { box = document.getElementById("id_answer"); }
    if (box) {
      box.value = "";
      box.dispatchEvent(new Event("input", { bubbles: true }));  // the counter
      box.focus();
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== log()) { return; }
    toBottom();
    var said = document.getElementById("chat-citizen-text");
    var content = document.getElementById("id_content");
    if (said && content && content.value !== said.textContent) {
      content.value = said.textContent;
      content.dispatchEvent(new Event("input", { bubbles: true }));  // new suggestions
    }
  });

  document.addEventListener("DOMContentLoaded", toBottom);
})();
