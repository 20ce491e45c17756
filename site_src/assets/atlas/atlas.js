/* MedGen Atlas: filter and sort the data tables (tables marked data-mga-table).
   Progressive enhancement: without JavaScript the tables are complete, just static.
   Text from the page is only ever read with textContent and written with textContent. */
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    if (kind === "number") {
      var n = parseFloat(text);
      return isNaN(n) ? -Infinity : n;
    }
    return text.toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      th.tabIndex = 0;
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          if (other.hasAttribute("data-sort")) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind);
          var y = cellValue(b, index, kind);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function control(labelText, input) {
    var label = document.createElement("label");
    label.textContent = labelText + " ";
    label.appendChild(input);
    return label;
  }

  function makeFilterable(table, index) {
    var body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    var rows = Array.prototype.slice.call(body.rows);
    var bar = document.createElement("div");
    bar.className = "mga-filter";
    bar.setAttribute("role", "search");

    var text = document.createElement("input");
    text.type = "search";
    text.placeholder = "Filter rows";
    text.setAttribute("aria-label", "Filter the table");
    text.className = "mga-filter-text";
    bar.appendChild(text);

    var kinds = [];
    rows.forEach(function (row) {
      var k = row.getAttribute("data-kind");
      if (k && kinds.indexOf(k) < 0) kinds.push(k);
    });
    var kindSelect = null;
    if (kinds.length > 1) {
      kindSelect = document.createElement("select");
      kindSelect.className = "mga-filter-kind";
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "all";
      kindSelect.appendChild(all);
      kinds.sort().forEach(function (k) {
        var option = document.createElement("option");
        option.value = k;
        option.textContent = k;
        kindSelect.appendChild(option);
      });
      bar.appendChild(control(table.classList.contains("mga-papers") ? "Kind" : "Type", kindSelect));
    }

    var years = rows.map(function (r) { return parseInt(r.getAttribute("data-year"), 10); })
      .filter(function (y) { return !isNaN(y); });
    var yearFrom = null;
    var yearTo = null;
    if (years.length) {
      var low = Math.min.apply(null, years);
      var high = Math.max.apply(null, years);
      yearFrom = document.createElement("input");
      yearFrom.type = "number";
      yearFrom.className = "mga-filter-year-from";
      yearFrom.min = String(low);
      yearFrom.max = String(high);
      yearFrom.placeholder = String(low);
      yearTo = document.createElement("input");
      yearTo.type = "number";
      yearTo.className = "mga-filter-year-to";
      yearTo.min = String(low);
      yearTo.max = String(high);
      yearTo.placeholder = String(high);
      bar.appendChild(control("Year from", yearFrom));
      bar.appendChild(control("to", yearTo));
    }

    var code = null;
    if (rows.some(function (r) { return r.hasAttribute("data-code"); })) {
      code = document.createElement("input");
      code.type = "checkbox";
      code.className = "mga-filter-code";
      var codeLabel = document.createElement("label");
      codeLabel.appendChild(code);
      codeLabel.appendChild(document.createTextNode(" has code"));
      bar.appendChild(codeLabel);
    }

    var count = document.createElement("output");
    count.className = "mga-filter-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);

    function apply() {
      var needle = text.value.trim().toLowerCase();
      var kind = kindSelect ? kindSelect.value : "";
      var from = yearFrom && yearFrom.value ? parseInt(yearFrom.value, 10) : -Infinity;
      var to = yearTo && yearTo.value ? parseInt(yearTo.value, 10) : Infinity;
      var shown = 0;
      rows.forEach(function (row) {
        var year = parseInt(row.getAttribute("data-year"), 10);
        var visible =
          (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
          (!kind || row.getAttribute("data-kind") === kind) &&
          (!code || !code.checked || row.getAttribute("data-code") === "1") &&
          (isNaN(year) || (year >= from && year <= to));
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = shown + " of " + rows.length + " shown";
    }
    [text, kindSelect, yearFrom, yearTo, code].forEach(function (el) {
      if (el) {
        el.addEventListener("input", apply);
        el.addEventListener("change", apply);
      }
    });
    apply();
    var wrap = table.parentNode && table.parentNode.classList.contains("mga-table-wrap")
      ? table.parentNode : table;
    var section = headingBefore(wrap);
    bar.setAttribute("aria-label", "Filter the table" + (section ? " of " + section : ""));
    wrap.parentNode.insertBefore(bar, wrap);
    bar.id = "mga-filter-" + index;
  }

  // A table box that scrolls sideways can be focused and scrolled with the arrow keys, and is
  // announced as a region named for the section it is in; one that fits is left alone.
  function headingBefore(el) {
    for (var node = el.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-3]$/.test(node.tagName)) return node.textContent.replace(/\s+$/, "").replace(/¶$/, "");
    }
    return "";
  }

  function markScrollable(wraps) {
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var name = headingBefore(wrap);
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (name ? name + ": " : "") + "table, scrolls sideways");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function init() {
    var tables = document.querySelectorAll("table[data-mga-table]");
    Array.prototype.forEach.call(tables, function (table, index) {
      makeSortable(table);
      makeFilterable(table, index);
    });
    var wraps = document.querySelectorAll(".mga-table-wrap");
    markScrollable(wraps);
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () { markScrollable(wraps); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
