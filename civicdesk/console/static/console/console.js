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
  // Scripts live here, not in the pages: the Content-Security-Policy allows no inline script.

  // "Tick all" for the dispatch table; delegated so it survives htmx swaps of the board.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-check-all]")) return;
    document.querySelectorAll("#pending-table input[name=selected]").forEach(function (box) { box.checked = event.target.checked; });
  });

  // Intake suggestions: a button marked data-fill copies its data-unit / data-area / data-category
  // into the form's fields (the area only when empty if data-area-if-empty); the category last,
  // since changing it asks for new suggestions.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-fill]");
    if (!button) return;
    const set = function (id, value, onlyIfEmpty, announce) {
      const field = document.getElementById(id);
      if (!field || !value || (onlyIfEmpty && field.value)) return;
      field.value = value;
      if (announce) field.dispatchEvent(new Event("change", { bubbles: true }));
    };
    const data = button.dataset;
    const areaOnly = !data.unit && !data.category;
    set("id_lead_unit", data.unit, false, !data.category);
    set("id_area", data.area, "areaIfEmpty" in data, areaOnly);
    set("id_category", data.category, false, true);
  });

  // Callback form: offer rework only when the citizen is not satisfied or the matter is not solved.
  function setUpCallback(form) {
    const wrap = document.getElementById("rework-wrap");
    if (!wrap) return;
    const update = function () {
      const sat = form.querySelector("input[name='record_callback-satisfaction']:checked");
      const sol = form.querySelector("input[name='record_callback-solved']:checked");
      const show = (sat && sat.value === "unsatisfied") || (sol && sol.value !== "solved");
      wrap.hidden = !show;
      if (!show) { const box = wrap.querySelector("input[type=checkbox]"); if (box) box.checked = false; }
    };
    form.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const callback = document.getElementById("record-callback");
    if (callback) setUpCallback(callback);
  });
})();
