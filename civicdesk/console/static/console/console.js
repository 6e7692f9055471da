// CivicDesk console helpers: keyboard shortcuts and drafts that survive a reload.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (event.key === "/" && !typing) {
      const search = document.getElementById("global-search");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });

  // Forms marked data-draft="key" keep what was typed in localStorage until they are sent.
  function setUpDraft(form) {
    const key = "civicdesk-draft:" + form.dataset.draft;
    const fields = () => Array.from(form.elements).filter((el) => el.name && el.type !== "hidden" && el.type !== "file" && el.name !== "csrfmiddlewaretoken");
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved && !form.dataset.bound) {
        fields().forEach((el) => {
          if (!(el.name in saved)) return;
          if (el.type === "checkbox") el.checked = !!saved[el.name];
          else if (el.type === "radio") el.checked = saved[el.name] === el.value;
          else if (!el.value) el.value = saved[el.name];
          // A select always has a value; restore it while it still shows the page's default.
          else if (el.tagName === "SELECT" && !el.multiple && Array.from(el.options).every((o) => o.selected === o.defaultSelected)) {
            el.value = saved[el.name];
          }
        });
        const note = form.querySelector("[data-draft-note]");
        if (note) note.hidden = false;
      }
    } catch (e) { localStorage.removeItem(key); }
    const save = () => {
      const data = {};
      fields().forEach((el) => {
        if (el.type === "checkbox") data[el.name] = el.checked;
        else if (el.type === "radio") { if (el.checked) data[el.name] = el.value; }
        else data[el.name] = el.value;
      });
      localStorage.setItem(key, JSON.stringify(data));
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", () => { form.dataset.submitted = "1"; });
    if (form.dataset.clearDraft) localStorage.removeItem(key);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-draft]").forEach(setUpDraft);
    document.querySelectorAll("[data-clear-draft]").forEach((el) => localStorage.removeItem("civicdesk-draft:" + el.dataset.clearDraft));
  });
})();
