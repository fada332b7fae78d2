// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline script: a <select data-autosubmit> submits its form when it changes (the
// language switch in the navigation bar).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });

  // A lesson's table of four or more columns (and the review's table of case steps) becomes one
  // card per row on a phone (.table-cards in site.css): each cell is labelled with its column
  // heading, as the page templates do by hand.
  document.querySelectorAll(".lesson-body table, table.case-review").forEach(function (table) {
    var labels = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (labels.length < 4) return;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (labels[i]) cell.setAttribute("data-label", labels[i]);
      });
    });
    table.classList.add("table-cards");
  });
})();
