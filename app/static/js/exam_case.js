// Case items on the exam page (not a bank question type: a case exercise with per-student data).
// Registered like the question types' modules (app/question_types/<type>/<type>.js) for exam.js.
(function (types) {
  "use strict";
  // A case answer is {step id: value}; table steps are {row: value} or {row: {column: value}}.
  function read(section) {
    var answers = {};
    var any = false;
    section.querySelectorAll(".case-step").forEach(function (step) {
      var kind = step.dataset.kind;
      var value = null;
      if (kind === "choice") {
        var checked = step.querySelector("input:checked");
        value = checked ? checked.value : null;
      } else if (kind === "number" || kind === "text" || kind === "ranking" || kind === "writing") {
        var text = step.querySelector(kind === "writing" ? "textarea" : "input").value.trim();
        value = text === "" ? null : text;
      } else {
        var table = {};
        step.querySelectorAll(".case-cell").forEach(function (cell) {
          if (!cell.value.trim()) return;
          var row = cell.dataset.row;
          var col = cell.dataset.col;
          if (!col) { table[row] = cell.value.trim(); } else { table[row] = table[row] || {}; table[row][col] = cell.value.trim(); }
          value = table;
        });
      }
      if (value !== null) { answers[step.dataset.step] = value; any = true; }
    });
    return any ? answers : null;
  }

  function apply(section, answers) {
    section.querySelectorAll(".case-step").forEach(function (step) {
      var value = answers[step.dataset.step];
      if (value === undefined || value === null) return;
      var kind = step.dataset.kind;
      if (kind === "choice") {
        step.querySelectorAll("input").forEach(function (i) { i.checked = i.value === String(value); });
      } else if (kind === "number" || kind === "text" || kind === "ranking" || kind === "writing") {
        step.querySelector(kind === "writing" ? "textarea" : "input").value = Array.isArray(value) ? value.join(" > ") : String(value);
      } else if (typeof value === "object") {
        step.querySelectorAll(".case-cell").forEach(function (cell) {
          var rowValue = value[cell.dataset.row];
          if (rowValue === undefined || rowValue === null) return;
          cell.value = cell.dataset.col ? (rowValue[cell.dataset.col] !== undefined ? String(rowValue[cell.dataset.col]) : "") : String(rowValue);
        });
      }
    });
  }

  types["case"] = { read: read, apply: function (section, response) { if (typeof response === "object") apply(section, response); } };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
