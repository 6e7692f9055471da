// The statistics dashboard: one JSON request, ECharts charts, a table under every chart.
// Every number links to the orders behind it and carries its definition as a tooltip.
(function () {
  "use strict";
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function pct(f) { return f && f.value !== null ? +(f.value * 100).toFixed(2) : null; }
  function cell(figure, defs, code, href) {
    var td = el("td", {"data-code": code});
    var text = figure ? figure.display : "—";
    var a = el(href ? "a" : "span", href ? {href: href, title: defs[code].definition} : {title: defs[code].definition}, text);
    a.className = "stats-num";
    td.appendChild(a);
    return td;
  }
  function fill(tbody, rows) {
    tbody.textContent = "";
    rows.forEach(function (cells) {
      var tr = el("tr");
      cells.forEach(function (c) { tr.appendChild(typeof c === "string" || typeof c === "number" ? el("td", {}, c) : c); });
      tbody.appendChild(tr);
    });
  }
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return;
    var c = window.echarts.init(node);
    c.setOption(Object.assign({tooltip: {trigger: "axis"}, grid: {left: 50, right: 50, top: 30, bottom: 60}}, option));
    window.addEventListener("resize", function () { c.resize(); });
  }
  function bar(id, rows, label, code, name) {
    chart(id, {
      xAxis: {type: "category", data: rows.map(function (r) { return r[label]; }), axisLabel: {rotate: 30, interval: 0}},
      yAxis: {type: "value"},
      series: [{type: "bar", name: name, data: rows.map(function (r) { return r[code].numerator; })}]
    });
  }
  // Figures other parts add beside the order measures (calls, the online desk): each figure
  // carries its own name and definition, each number of the period opens what is behind it.
  function numberCell(f, href) {
    var td = el("td", {"data-code": f.code});
    var a = el(href ? "a" : "span", href ? {href: href, title: f.definition} : {title: f.definition}, f.display);
    a.className = "stats-num";
    td.appendChild(a);
    return td;
  }
  function parts(f) {
    if (f.denominator === null) return String(+f.numerator.toFixed(1));
    return (+f.numerator.toFixed(1)) + " / " + f.denominator;
  }
  function renderSections(sections) {
    var box = document.getElementById("stats-sections");
    if (!box) return;
    var labels = box.dataset;
    box.textContent = "";
    sections.forEach(function (s) {
      var part = el("div", {"class": "mt-3", id: "section-" + s.key});
      var head = el("h3", {"class": "h6"}, s.title);
      if (s.more) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("a", {"class": "small ms-2", href: s.more}, labels.labelMore)); }
      part.appendChild(head);
      if (s.note) part.appendChild(el("p", {"class": "small text-muted mb-1"}, s.note));
      if (s.as_of) part.appendChild(el("p", {"class": "small text-muted mb-1"}, s.as_of));
      var table = el("table", {"class": "table table-sm", id: "section-table-" + s.key});
      var tr = el("tr");
      [labels.labelName, labels.labelNow, labels.labelParts, labels.labelPrevious, labels.labelYear].forEach(function (h) { tr.appendChild(el("th", {}, h)); });
      table.appendChild(el("thead")).appendChild(tr);
      fill(table.appendChild(el("tbody")), s.figures.map(function (f) {
        return [el("td", {title: f.definition}, f.name), numberCell(f, f.drill), parts(f),
                numberCell(Object.assign({}, f, f.previous)), numberCell(Object.assign({}, f, f.last_year))];
      }));
      var wrap = el("div", {"class": "table-responsive"});
      wrap.appendChild(table);
      part.appendChild(wrap);
      if (s.breakdown && s.breakdown.rows.length) {
        part.appendChild(el("p", {"class": "small mb-1"}, s.breakdown.title));
        var rows = el("table", {"class": "table table-sm small", id: "section-breakdown-" + s.key});
        var hr = el("tr"); hr.appendChild(el("th", {}, labels.labelWho)); hr.appendChild(el("th", {}, s.breakdown.title));
        rows.appendChild(el("thead")).appendChild(hr);
        fill(rows.appendChild(el("tbody")), s.breakdown.rows.map(function (r) {
          var td = el("td"); td.appendChild(el("a", {href: r.drill}, r.value));
          return [r.name, td];
        }));
        part.appendChild(rows);
      }
      box.appendChild(part);
    });
  }
  function render(data) {
    var defs = data.definitions;
    document.getElementById("period-label").textContent = data.period.label;
    document.getElementById("stats-as-of").textContent = data.as_of;
    // Today and this month.
    var glance = document.getElementById("glance");
    glance.textContent = "";
    var labels = document.getElementById("stats-dashboard").dataset;
    [["today", labels.labelToday], ["month", labels.labelMonth]].forEach(function (pair) {
      Object.keys(data.glance[pair[0]]).forEach(function (code) {
        var f = data.glance[pair[0]][code];
        var card = el("div", {"class": "col-6 col-md-3"});
        var box = el("div", {"class": "border rounded p-2", title: defs[code].definition});
        box.appendChild(el("div", {"class": "small text-muted"}, pair[1] + " · " + defs[code].name));
        box.appendChild(el("div", {"class": "fs-5 stats-num", "data-code": code}, f.display));
        card.appendChild(box);
        glance.appendChild(card);
      });
    });
    fill(document.querySelector("#overview-table tbody"), Object.keys(data.overview).map(function (code) {
      var f = data.overview[code];
      var name = el("td", {title: defs[code].definition}, defs[code].name);
      return [name, cell(f, defs, code, data.drill[code]),
              f.denominator === null ? String(f.numerator) : (+f.numerator.toFixed(1)) + " / " + f.denominator,
              cell(f.previous, defs, code), cell(f.last_year, defs, code)];
    }));
    renderSections(data.sections || []);
    var t = data.trend;
    chart("chart-trend", {
      legend: {data: [defs.accepted.name, defs.completion.name, defs.satisfaction.name]},
      xAxis: {type: "category", data: t.map(function (r) { return r.key; })},
      yAxis: [{type: "value", name: defs.accepted.name}, {type: "value", name: "%", max: 100}],
      series: [
        {type: "bar", name: defs.accepted.name, data: t.map(function (r) { return r.accepted.numerator; })},
        {type: "line", name: defs.completion.name, yAxisIndex: 1, data: t.map(function (r) { return pct(r.completion); })},
        {type: "line", name: defs.satisfaction.name, yAxisIndex: 1, data: t.map(function (r) { return pct(r.satisfaction); })}
      ]
    });
    fill(document.querySelector("#table-trend tbody"), t.map(function (r) {
      return [r.key, cell(r.accepted, defs, "accepted"), cell(r.completion, defs, "completion"),
              cell(r.satisfaction, defs, "satisfaction"), cell(r.overdue, defs, "overdue")];
    }));
    chart("chart-satisfaction", {
      xAxis: {type: "category", data: t.map(function (r) { return r.key; })}, yAxis: {type: "value", max: 100},
      series: [{type: "line", name: defs.satisfaction.name, data: t.map(function (r) { return pct(r.satisfaction); })}]
    });
    fill(document.querySelector("#table-satisfaction tbody"), t.map(function (r) {
      return [r.key, cell(r.satisfaction, defs, "satisfaction")];
    }));
    [["category", data.by_category], ["area", data.by_area]].forEach(function (pair) {
      var rows = pair[1].slice(0, 20);
      bar("chart-" + pair[0], rows, "name", "accepted", defs.accepted.name);
      fill(document.querySelector("#table-" + pair[0] + " tbody"), pair[1].map(function (r) {
        return [r.name, cell(r.accepted, defs, "accepted", r.drill), cell(r.completion, defs, "completion"),
                cell(r.satisfaction, defs, "satisfaction")];
      }));
    });
    fill(document.querySelector("#table-topic tbody"), data.by_topic.map(function (r) {
      return [r.name, cell(r.accepted, defs, "accepted", r.drill), cell(r.completion, defs, "completion"),
              cell(r.satisfaction, defs, "satisfaction")];
    }));
    var rk = data.ranking;
    document.getElementById("ranking-definition").textContent = rk.definition;
    document.getElementById("ranking-note").textContent = rk.note;
    // No unit reached the minimum volume: say so in words instead of an empty chart and table.
    var empty = document.getElementById("ranking-empty");
    empty.textContent = rk.empty;
    empty.hidden = !rk.empty;
    document.getElementById("chart-ranking").hidden = !!rk.empty;
    document.getElementById("table-ranking").hidden = !!rk.empty;
    if (!rk.empty) chart("chart-ranking", {
      xAxis: {type: "category", data: rk.rows.slice(0, 20).map(function (r) { return r.name; }), axisLabel: {rotate: 30, interval: 0}},
      yAxis: {type: "value", max: 100},
      series: [{type: "bar", name: labels.labelScore, data: rk.rows.slice(0, 20).map(function (r) { return r.score; })}]
    });
    fill(document.querySelector("#table-ranking tbody"), rk.rows.map(function (r) {
      var volume = el("td"); volume.appendChild(el("a", {href: r.drill, title: defs.response.definition}, r.volume));
      return [r.rank, r.name, volume, el("td", {title: rk.definition}, r.score), cell(r.response, defs, "response"),
              cell(r.resolution, defs, "resolution"), cell(r.satisfaction, defs, "satisfaction")];
    }));
    bar("chart-overdue", data.overdue_by_unit.slice(0, 20), "name", "overdue", defs.overdue.name);
    fill(document.querySelector("#table-overdue tbody"), data.overdue_by_unit.map(function (r) {
      return [r.name, cell(r.overdue, defs, "overdue", r.drill), cell(r.on_time, defs, "on_time")];
    }));
    var heat = data.area_heat, max = Math.max.apply(null, [1].concat(heat.map(function (r) { return r.accepted.numerator; })));
    fill(document.querySelector("#table-heat tbody"), heat.map(function (r) {
      var accepted = cell(r.accepted, defs, "accepted", r.drill);
      accepted.style.background = "rgba(220,53,69," + (0.08 + 0.6 * r.accepted.numerator / max).toFixed(2) + ")";
      return [r.name, accepted, cell(r.overdue, defs, "overdue"), cell(r.completion, defs, "completion"),
              cell(r.satisfaction, defs, "satisfaction")];
    }));
    var exportBase = document.getElementById("stats-dashboard").dataset.export;
    document.querySelectorAll("[data-export-table]").forEach(function (a) {
      a.setAttribute("href", exportBase + (exportBase.indexOf("?") < 0 ? "?" : "&") + "table=" + a.dataset.exportTable);
    });
    document.getElementById("stats-loading").remove();
    document.getElementById("stats-dashboard").dataset.ready = "1";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("stats-dashboard");
    if (!root) return;
    fetch(root.dataset.api, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function () { document.getElementById("stats-loading").textContent = root.dataset.labelFailed; });
  });
})();
