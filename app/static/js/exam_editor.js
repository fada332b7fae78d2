// Exam editor: add and remove rule rows, and show live per-rule counts from the bank.
// Without this script the page still works: "添加规则", "删除" and "检查规则" are submit buttons.
(function () {
  "use strict";
  var form = document.getElementById("exam-form");
  if (!form) return;
  var rows = document.getElementById("rule-rows");
  var template = document.getElementById("rule-template");
  var summary = document.getElementById("rule-summary");
  var text = JSON.parse(document.getElementById("exam-editor-text").textContent);
  var paper = rows.closest("fieldset");
  var timer = null;
  var pending = null;

  function fill(message, values) {
    return message.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  }

  function nextIndex() {
    var highest = -1;
    rows.querySelectorAll("[name^='rules-']").forEach(function (input) {
      var match = /^rules-(\d+)-/.exec(input.name);
      if (match) highest = Math.max(highest, parseInt(match[1], 10));
    });
    return highest + 1;
  }

  function renumber() {
    rows.querySelectorAll("[data-rule-row]").forEach(function (row, position) {
      row.querySelector("[data-rule-number]").textContent = String(position + 1);
    });
  }

  function addRow() {
    var index = nextIndex();
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    renumber();
    var first = row.querySelector("select, input");
    if (first) first.focus();
    schedule();
  }

  function removeRow(row) {
    if (rows.querySelectorAll("[data-rule-row]").length <= 1) return;
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber();
    var button = next && next.querySelector("[data-remove-rule]");
    if (button) button.focus();
    schedule();
  }

  function showStatus(row, check) {
    var status = row.querySelector("[data-rule-status]");
    if (!status) return;
    status.classList.remove("text-success", "text-danger", "text-muted", "fw-semibold");
    if (!check) { status.textContent = ""; return; }
    if (check.available === null) {
      status.textContent = check.message;
    } else {
      status.textContent = fill(text.rule_ok, {a: check.available, n: check.needed}) +
        // Competing rules: the count alone does not say why the rule cannot be filled.
        (check.ok || check.available < check.needed ? "" : " — " + check.message);
    }
    status.classList.add(check.ok ? "text-success" : "text-danger");
    if (!check.ok) status.classList.add("fw-semibold");
  }

  function showSummary(report) {
    summary.textContent = "";
    var box = document.createElement("div");
    box.className = "alert py-2 mb-0 " + (report.ok ? "alert-success" : "alert-danger");
    var line = document.createElement("div");
    line.textContent = fill(text.summary, {n: report.questions, p: report.points});
    box.appendChild(line);
    report.problems.forEach(function (problem) {
      var item = document.createElement("div");
      item.textContent = problem;
      box.appendChild(item);
    });
    summary.appendChild(box);
  }

  function check() {
    if (paper && paper.disabled) return;
    if (pending) pending.abort();
    pending = new AbortController();
    var data = new FormData(form);
    fetch(form.dataset.checkUrl, {method: "POST", body: data, credentials: "same-origin",
                                  headers: {"Accept": "application/json"}, signal: pending.signal})
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (report) {
        var list = rows.querySelectorAll("[data-rule-row]");
        list.forEach(function (row, position) { showStatus(row, report.rules[position]); });
        showSummary(report);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        summary.textContent = text.failed;
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-rule]");
    var remove = event.target.closest("[data-remove-rule]");
    if (add) { event.preventDefault(); addRow(); }
    if (remove) { event.preventDefault(); removeRow(remove.closest("[data-rule-row]")); }
  });
  var watched = function (event) {
    var name = event.target.name || "";
    if (name.indexOf("rules-") === 0 || name === "fixed" || name === "course") schedule();
  };
  form.addEventListener("change", watched);
  form.addEventListener("input", watched);
  check();
})();
