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
    const fields = () => Array.from(form.elements).filter((el) => el.name && el.type !== "hidden" && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && !("noDraft" in el.dataset));
    try {
      const saved = JSON.parse(localStorage.getItem(key) || "null");
      // A form sent back by the server (an error to fix) shows what was sent, not a draft.
      if (saved && !form.dataset.bound) {
        let restored = false;
        fields().forEach((el) => {
          if (!(el.name in saved)) return;
          if (el.type === "checkbox") { if (el.checked !== !!saved[el.name]) { el.checked = !!saved[el.name]; restored = true; } }
          else if (el.type === "radio") el.checked = saved[el.name] === el.value;
          else if (!el.value) { if (saved[el.name]) { el.value = saved[el.name]; restored = true; } }
          // A select always has a value; restore it while it still shows the page's default.
          else if (el.tagName === "SELECT" && !el.multiple && Array.from(el.options).every((o) => o.selected === o.defaultSelected)) {
            if (el.value !== saved[el.name]) { el.value = saved[el.name]; restored = true; }
          }
        });
        const note = form.querySelector("[data-draft-note]");
        if (note && restored) note.hidden = false;
      }
    } catch (e) { localStorage.removeItem(key); }
    const save = () => {
      if (form.dataset.discarded) return;
      const data = { _saved: Date.now() };
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
  // Fields with a length limit carry it as data-limit, never as maxlength (which makes the
  // browser cut a paste without a word): a live counter shows the length against the limit,
  // and the server refuses a text that is too long, keeping it (civicdesk.lib.textlimits).
  // The same counter as the portal's (portal.js).
  function counter(field) {
    const limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!limit || !field.id || field.type === "hidden" || field.dataset.counted) return;
    field.dataset.counted = "1";
    let out = document.querySelector('[data-counter-for="' + field.id + '"]');
    if (!out) {
      out = document.createElement("div");
      out.className = "form-text text-end small";
      out.setAttribute("data-counter-for", field.id);
      out.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", out);
    }
    const update = () => {
      const n = field.value.length;
      out.textContent = n + " / " + limit;
      out.classList.toggle("text-danger", n > limit);
      field.classList.toggle("is-invalid", n > limit);
    };
    field.addEventListener("input", update);
    update();
  }
  // A draft holds what a caller said: it does not outlive the working day on a shared desk.
  const DRAFT_MAX_AGE_MS = 12 * 3600 * 1000;
  function forgetOldDrafts() {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith("civicdesk-draft:")) continue;
      try {
        const saved = JSON.parse(localStorage.getItem(key) || "null");
        if (!saved || !saved._saved || Date.now() - saved._saved > DRAFT_MAX_AGE_MS) localStorage.removeItem(key);
      } catch (e) { localStorage.removeItem(key); }
    }
  }
  // A result swapped in by htmx (bulk dispatch) is brought into view: the person may be
  // scrolled far below it, at the button they pressed.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-scroll-into-view]:not([data-scrolled])").forEach((el) => {
      el.dataset.scrolled = "1";
      el.scrollIntoView({block: "start"});
      el.focus({preventScroll: true});
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    forgetOldDrafts();
    // Print buttons (the duty roster): no inline handlers, the page's CSP allows none.
    document.querySelectorAll("[data-print]").forEach((el) => el.addEventListener("click", () => window.print()));
    document.querySelectorAll("form[data-draft]").forEach(setUpDraft);
    document.querySelectorAll("textarea[data-limit], input[data-limit]").forEach(counter);
    // Forms that htmx brings in later (the inbox's inline moves) count too.
    document.body.addEventListener("htmx:load", (event) => {
      event.detail.elt.querySelectorAll && event.detail.elt.querySelectorAll("textarea[data-limit], input[data-limit]").forEach(counter);
    });
    document.querySelectorAll("[data-clear-draft]").forEach((el) => el.dataset.clearDraft.split(/\s+/).forEach((key) => {
      if (key) localStorage.removeItem("civicdesk-draft:" + key);
    }));
    // 清空 / 新来电: forget this call's draft, then open the page clean.
    document.querySelectorAll("[data-draft-discard]").forEach((el) => el.addEventListener("click", () => {
      localStorage.removeItem("civicdesk-draft:" + el.dataset.draftDiscard);
      const form = document.querySelector('form[data-draft="' + el.dataset.draftDiscard + '"]');
      if (form) form.dataset.discarded = "1";
    }));
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
      field.dispatchEvent(new Event("picker:sync", { bubbles: true }));  // a searchable picker shows it (picker.js)
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

  // Topics a category proposes (civicdesk.catalogue.tagging): choosing a category under
  // 疫情防控 ticks 涉疫 and marks it as proposed; the operator may untick it, and it is not
  // ticked again for that category. A proposal nobody touched goes when the category changes.
  function setUpTopicProposals(boxes, category) {
    const mark = function (input, on) {
      const label = input.closest("label");
      if (!label) return;
      label.classList.toggle("topic-proposed", on);
      let note = label.querySelector(".topic-proposed-note");
      if (on && !note) {
        note = document.createElement("span");
        note.className = "topic-proposed-note";
        note.textContent = boxes.dataset.proposedLabel || "";
        label.appendChild(note);
      } else if (!on && note) note.remove();
    };
    const announce = (input) => input.dispatchEvent(new Event("change", { bubbles: true }));
    category.addEventListener("change", function () {
      const chosen = category.value;
      boxes.querySelectorAll("input[data-categories]").forEach(function (input) {
        const proposes = chosen !== "" && input.dataset.categories.split(" ").includes(chosen);
        if (proposes && !input.checked && input.dataset.declined !== chosen) {
          input.checked = true;
          input.dataset.proposed = chosen;
          mark(input, true);
          announce(input);
        } else if (!proposes && input.dataset.proposed) {
          input.checked = false;
          delete input.dataset.proposed;
          mark(input, false);
          announce(input);
        }
      });
    });
    boxes.addEventListener("change", function (event) {
      const input = event.target;
      if (!event.isTrusted || !input.dataset.proposed) return;  // the operator's own click only
      if (!input.checked) input.dataset.declined = input.dataset.proposed;
      delete input.dataset.proposed;
      mark(input, false);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const callback = document.getElementById("record-callback");
    if (callback) setUpCallback(callback);
    const boxes = document.getElementById("topic-boxes");
    const category = document.getElementById("id_category");
    if (boxes && category) setUpTopicProposals(boxes, category);
  });
})();
