// Searchable pickers: every <select data-picker> (civicdesk.lib.picker) becomes a Tom Select
// (vendor/tom-select-2.6.2) that finds an option by its Chinese name, its pinyin initials or
// full pinyin, in any mix (住建, zj, zhujian, 住jian), and by its place in the tree (石岛 马家).
// Without this script the page keeps its plain <select>, which works the same.
//
// Matching: each option's data says, for every character of its name, the readings the
// server computed (pypinyin) and whether a word starts there (jieba). A word the operator
// typed must be spelled, left to right, by some of the name's characters, each giving either
// itself or the start of one of its readings. Characters may be skipped, as abbreviations
// are made (住建局 is 住房和城乡建设局 without the rest); jumping to the start of a word costs
// little, jumping into the middle of one a lot, so "zj" ranks 住建局 before 民政局.
(function () {
  "use strict";

  function unitsOf(text, py, starts) {
    const chars = Array.from(text || "");
    const tokens = py ? py.split(" ") : [];
    const flags = starts && starts.length === chars.length ? starts : "";
    return chars.map(function (c, i) {
      const lower = c.toLowerCase();
      const readings = (tokens.length === chars.length ? tokens[i] : lower).split("|");
      return { c: lower, r: readings, start: flags ? flags[i] === "1" : true };
    });
  }

  // The lowest cost of spelling `word` (an array of characters) with `units`; Infinity if it
  // cannot be. Whole characters and whole syllables cost nothing, a syllable's first letters
  // a little, a rare reading more; going on with the next character is free, a jump costs
  // (see above).
  function cost(word, units) {
    const memo = new Map();
    function best(qi, ui) {
      if (qi === word.length) return 0;
      const key = qi * 1000 + ui;
      if (memo.has(key)) return memo.get(key);
      let found = Infinity;
      const first = word[qi];
      for (let j = ui; j < units.length; j++) {
        const unit = units[j];
        // Where this piece starts: early in the name is better; a word's start is where
        // abbreviations take their characters from; the middle of a word rarely.
        let jump;
        if (qi === 0) jump = 0.1 * j + (unit.start ? 0 : 2);
        else if (j === ui) jump = unit.start ? 0 : 0.1;
        else jump = unit.start ? 0.2 : 3;
        if (unit.c === first) found = Math.min(found, jump + best(qi + 1, j + 1));
        for (let n = 0; n < unit.r.length; n++) {
          const reading = unit.r[n];
          if (reading[0] !== first) continue;
          // A character's rarer readings (前 as jian) count, but less than the usual one.
          const rare = n === 0 ? 0 : 1.5;
          let k = 0;
          while (k < reading.length && qi + k < word.length && word[qi + k] === reading[k]) {
            k++;
            const piece = rare + (k === reading.length ? 0 : 0.3);
            found = Math.min(found, jump + piece + best(qi + k, j + 1));
          }
        }
      }
      memo.set(key, found);
      return found;
    }
    return best(0, 0);
  }

  function prepare(item) {
    if (!item._units) {
      item._units = unitsOf(item.name || item.text, item.py, item.w);
      item._up = item.up ? unitsOf(item.up, item.uppy, item.upw) : [];
    }
  }

  // Every word typed must be found in the name or (worth less) in the path above it.
  function scorer(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean).map(function (w) { return Array.from(w); });
    return function (item) {
      if (!words.length) return 1;
      if (item.value === "") return 0;  // "全部" / "---------" is chosen by clearing
      prepare(item);
      let total = 0;
      for (const word of words) {
        const inName = cost(word, item._units);
        const inPath = cost(word, item._up) + 1;
        const c = Math.min(inName, inPath);
        if (c === Infinity) return 0;
        total += c;
      }
      // Shorter names first among equal matches: 住建局 before 住建局执法大队.
      return 1 / (1 + total + item._units.length / 100);
    };
  }

  function label(data, escape, full) {
    if (!data.name) return "<div>" + escape(data.text) + "</div>";
    let up = data.up || "";
    if (!full && up) up = up.split(" ▸ ").pop();  // the chosen item: its parent is enough
    const path = up ? '<span class="picker-path">' + escape(up) + " ▸ </span>" : "";
    const title = data.up ? ' title="' + escape(data.up + " ▸ " + data.name) + '"' : "";
    return "<div" + title + ">" + path + '<span class="picker-name">' + escape(data.name) + "</span></div>";
  }

  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const multi = select.multiple;
    // eslint-disable-next-line no-new
    new TomSelect(select, {
      dataAttr: "data",  // the option's data-data JSON (a dataset key)
      maxOptions: null,
      // The empty choice ("全部", "---------") shows as the box's placeholder; a field that
      // may stay empty gets a × to clear it (Backspace does the same).
      allowEmptyOption: false,
      searchField: [],
      score: scorer,
      selectOnTab: !multi,
      closeAfterSelect: !multi,
      clearAfterSelect: true,  // the next assisting unit is searched afresh
      hideSelected: multi,
      plugins: multi ? ["remove_button"] : (select.required ? [] : [{ name: "clear_button", options: { title: select.dataset.clear || "×" } }]),
      render: {
        option: function (data, escape) { return label(data, escape, true); },
        item: function (data, escape) { return label(data, escape, false); },
        no_results: function () { return '<div class="no-results">' + (select.dataset.noResults || "—") + "</div>"; },
      },
    });
  }

  function setUpAll(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("select[data-picker]").forEach(setUp);
  }

  // Other scripts (intake suggestions, drafts) set the <select>'s value: show it.
  document.addEventListener("picker:sync", function (event) {
    const select = event.target;
    if (select.tomselect) select.tomselect.sync();
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpAll(document);
    document.body.addEventListener("htmx:load", function (event) { setUpAll(event.detail.elt); });
    // A page kept in htmx's history must come back as plain selects, to be set up again.
    document.body.addEventListener("htmx:beforeHistorySave", function () {
      document.querySelectorAll("select[data-picker]").forEach(function (s) { if (s.tomselect) s.tomselect.destroy(); });
    });
  });
})();
