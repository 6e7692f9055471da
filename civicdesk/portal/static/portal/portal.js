// Character counts under the fields that have a limit, and knowledge-base answers while typing.
(function () {
  "use strict";
  function counter(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var out = document.querySelector('[data-counter-for="' + field.id + '"]');
    if (!out || !limit) { return; }
    function update() {
      var n = field.value.length;
      out.textContent = n + " / " + limit;
      out.classList.toggle("text-danger", n > limit);
    }
    field.addEventListener("input", update);
    update();
  }
  // After a refused submission: the errors are listed at the top (#error-summary) and the
  // page scrolls to the first field in error, so on a phone nobody has to hunt for it.
  function showFirstError() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    var first = document.querySelector(".invalid-feedback, .field-error");
    var target = first ? (first.closest(".mb-3, fieldset") || first) : summary;
    target.scrollIntoView({block: "center"});
  }
  // Again once the pictures (the captcha) have loaded: they move the fields below them.
  window.addEventListener("load", showFirstError);
  document.addEventListener("DOMContentLoaded", function () {
    showFirstError();
    document.querySelectorAll("[data-limit]").forEach(counter);
    var content = document.getElementById("id_content");
    var box = document.getElementById("kb-answers");
    if (content && box && window.htmx) {
      // Posted with the form's CSRF token: what the citizen writes never goes into a URL.
      content.setAttribute("hx-post", box.getAttribute("data-url") || "/portal/answers");
      content.setAttribute("hx-trigger", "input changed delay:800ms");
      content.setAttribute("hx-target", "#kb-answers");
      content.setAttribute("hx-include", "#id_content, [name='csrfmiddlewaretoken']");
      window.htmx.process(content);
    }
  });
})();
