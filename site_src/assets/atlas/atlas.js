/* MedGen Atlas: filter and sort the data tables (tables marked data-mga-table; one filter bar
   for all the tables inside a data-mga-filter-group), and move through the modality matrix
   (data-mga-grid) with the keyboard.
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

  /* A filter bar over `rows`, inserted before `anchor`; `isPapers` names the kind control, and
     `after(active)` (optional) runs after each filtering; `active`: whether any filter is set. */
  function makeFilter(rows, anchor, isPapers, index, after) {
    if (rows.length < 2) return;
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
      bar.appendChild(control(isPapers ? "Kind" : "Type", kindSelect));
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

    var key = function (row, i) { return row.getAttribute("data-paper") || "row-" + i; };
    var total = Object.keys(rows.reduce(function (seen, row, i) {
      seen[key(row, i)] = true;
      return seen;
    }, {})).length;
    var count = document.createElement("output");
    count.className = "mga-filter-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);

    function apply() {
      var needle = text.value.trim().toLowerCase();
      var kind = kindSelect ? kindSelect.value : "";
      var from = yearFrom && yearFrom.value ? parseInt(yearFrom.value, 10) : -Infinity;
      var to = yearTo && yearTo.value ? parseInt(yearTo.value, 10) : Infinity;
      var shown = {};
      rows.forEach(function (row, i) {
        var year = parseInt(row.getAttribute("data-year"), 10);
        var visible =
          (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
          (!kind || row.getAttribute("data-kind") === kind) &&
          (!code || !code.checked || row.getAttribute("data-code") === "1") &&
          (isNaN(year) || (year >= from && year <= to));
        row.hidden = !visible;
        if (visible) shown[key(row, i)] = true;
      });
      // a paper listed under several techniques counts once
      count.textContent = Object.keys(shown).length + " of " + total + " shown";
      if (after) after(!!needle || !!kind || from > -Infinity || to < Infinity || !!(code && code.checked));
    }
    [text, kindSelect, yearFrom, yearTo, code].forEach(function (el) {
      if (el) {
        el.addEventListener("input", apply);
        el.addEventListener("change", apply);
      }
    });
    apply();
    var section = headingBefore(anchor);
    bar.setAttribute("aria-label", "Filter the table" + (section ? " of " + section : ""));
    bar.id = "mga-filter-" + index;
    anchor.parentNode.insertBefore(bar, anchor);
    bar.id = "mga-filter-" + index;
  }

  function makeFilterable(table, index) {
    var body = table.tBodies[0];
    if (!body) return;
    var wrap = table.parentNode && table.parentNode.classList.contains("mga-table-wrap")
      ? table.parentNode : table;
    makeFilter(Array.prototype.slice.call(body.rows), wrap, table.classList.contains("mga-papers"),
      index, null);
  }

  /* One bar for every table in `group`: a section whose rows are all hidden is hidden too, and
     while a filter is set the sections with a match are open (all close again when it is cleared). */
  function makeGroupFilterable(group, index) {
    var rows = Array.prototype.slice.call(group.querySelectorAll("table tbody tr"));
    var sections = group.querySelectorAll(".mga-paper-section, .mga-group-section");
    var filtering = false;
    function hideEmpty(active) {
      Array.prototype.forEach.call(sections, function (section) {
        section.hidden = !section.querySelector("tbody tr:not([hidden])");
        if (section.tagName === "DETAILS" && (active || filtering)) {
          section.open = active && !section.hidden;
        }
      });
      filtering = active;
    }
    makeFilter(rows, group, !!group.querySelector("table.mga-papers"), "group-" + index, hideEmpty);
  }

  /* A link to a section inside a closed <details> (the papers index's contents) opens it. */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.closest("details");
    if (details) details.open = true;
  }

  /* The modality matrix as a grid: one Tab stop (roving tabindex) that starts on the first
     technique; arrow keys move between cells and the row and column headers, Home/End go to a
     row's ends (with Ctrl, the grid's corners), Enter opens the cell's link. */
  function makeGrid(table) {
    var grid = Array.prototype.map.call(table.rows, function (row) {
      return Array.prototype.map.call(row.cells, function (cell) {
        return cell.querySelector("a") || cell;
      });
    });
    if (grid.length < 2) return;
    table.setAttribute("role", "grid");
    var current = null;
    grid.forEach(function (line, r) {
      line.forEach(function (el, c) {
        el.tabIndex = -1;
        if (!current && r > 0 && c > 0 && el.tagName === "A") current = el;
      });
    });
    current = current || grid[1][0];
    current.tabIndex = 0;
    function position(el) {
      for (var r = 0; r < grid.length; r++) {
        var c = grid[r].indexOf(el);
        if (c >= 0) return [r, c];
      }
      return null;
    }
    var wrap = table.closest(".mga-matrix-wrap");
    /* Scroll the box so the cell is not hidden under the sticky header row or first column. */
    function reveal(el) {
      var td = el.closest("td");
      if (!wrap || !td) return;  // the header row and column are sticky: always in view
      var cell = td.getBoundingClientRect();
      var head = table.tHead ? table.tHead.getBoundingClientRect() : null;
      var label = el.closest("tr").cells[0].getBoundingClientRect();
      if (head && cell.top < head.bottom) wrap.scrollTop -= head.bottom - cell.top;
      if (cell.left < label.right) wrap.scrollLeft -= label.right - cell.left;
    }
    function move(to) {
      current.tabIndex = -1;
      current = to;
      current.tabIndex = 0;
      current.focus();
      reveal(current);
    }
    table.addEventListener("focusin", function (event) {
      // a cell reached by a click or a screen reader becomes the grid's Tab stop
      if (position(event.target) && event.target !== current) {
        current.tabIndex = -1;
        current = event.target;
        current.tabIndex = 0;
      }
    });
    table.addEventListener("keydown", function (event) {
      var at = position(event.target);
      if (!at) return;
      var r = at[0];
      var c = at[1];
      var last = grid.length - 1;
      switch (event.key) {
        case "ArrowRight": c = Math.min(c + 1, grid[r].length - 1); break;
        case "ArrowLeft": c = Math.max(c - 1, 0); break;
        case "ArrowDown": r = Math.min(r + 1, last); break;
        case "ArrowUp": r = Math.max(r - 1, 0); break;
        case "Home": c = 0; if (event.ctrlKey) r = 0; break;
        case "End": c = grid[r].length - 1; if (event.ctrlKey) r = last; break;
        default: return;
      }
      event.preventDefault();
      c = Math.min(c, grid[r].length - 1);
      if (grid[r][c] !== current) move(grid[r][c]);
    });
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
      if (table.getAttribute("data-mga-table") !== "sort") makeFilterable(table, index);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-mga-filter-group]"), makeGroupFilterable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-mga-grid]"), makeGrid);
    openTarget();
    window.addEventListener("hashchange", openTarget);
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
