(function () {
  "use strict";
  var table = document.getElementById("table");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var gradeFilter = document.getElementById("grade-filter");
  var shown = document.getElementById("shown");

  function key(row, name, numeric) {
    var value = row.getAttribute("data-" + name) || "";
    if (!numeric) { return value.toLowerCase(); }
    return value === "" ? null : parseFloat(value);
  }

  function sortBy(th) {
    var name = th.getAttribute("data-sort");
    var numeric = th.getAttribute("data-type") === "num";
    var descending = th.getAttribute("aria-sort") !== "descending";
    if (!numeric && th.getAttribute("aria-sort") === null) { descending = false; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    rows.sort(function (a, b) {
      var x = key(a, name, numeric), y = key(b, name, numeric);
      if (x === y) { return 0; }
      if (x === null) { return 1; }  // no value sorts last either way
      if (y === null) { return -1; }
      var order = x < y ? -1 : 1;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilter() {
    var text = filter.value.trim().toLowerCase();
    var grade = gradeFilter.value;
    var count = 0;
    rows.forEach(function (row) {
      var hay = (row.getAttribute("data-target") + " " + row.getAttribute("data-grade") + " " +
                 row.getAttribute("data-blocker") + " " + row.textContent).toLowerCase();
      var visible = (!text || hay.indexOf(text) !== -1) && (!grade || row.getAttribute("data-grade") === grade);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length;
  }

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    var button = th.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(th); }); }
  });
  filter.addEventListener("input", applyFilter);
  gradeFilter.addEventListener("change", applyFilter);
})();
