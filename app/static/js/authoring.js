// Question editor: live preview (posts the form to the preview endpoint and swaps the HTML),
// extra option and pair rows, and section suggestions for the chosen chapter. Without
// JavaScript the form still works: the "预览" button re-renders the page with the preview.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) return;
  var preview = document.getElementById("preview");
  var spinner = document.getElementById("preview-spinner");
  var timer = null;
  var pending = null;

  function renderMaths(root) {
    if (!window.renderMathInElement) return;
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      window.renderMathInElement(el, {
        delimiters: [{ left: "\\[", right: "\\]", display: true }, { left: "\\(", right: "\\)", display: false }],
        throwOnError: false,
      });
    });
  }

  function refresh() {
    var data = new FormData(form);
    if (pending) pending.abort();
    pending = new AbortController();
    spinner.classList.remove("d-none");
    fetch(form.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin", signal: pending.signal,
      headers: { "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      preview.innerHTML = html;
      renderMaths(preview);
    }).catch(function () { /* aborted by a newer edit, or offline: keep the last preview */ })
      .finally(function () { spinner.classList.add("d-none"); });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.getElementById("preview-btn").addEventListener("click", function (event) {
    event.preventDefault();
    refresh();
  });

  // Extra rows: clone the last row and renumber its names, ids and labels.
  function addRow(button, rowSelector, next) {
    var rows = form.querySelectorAll(rowSelector);
    if (!rows.length || rows.length >= Number(button.dataset.max)) return;
    var last = rows[rows.length - 1];
    var clone = last.cloneNode(true);
    next(clone, last);
    clone.querySelectorAll("input").forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") input.checked = false;
      else input.value = "";
      input.classList.remove("is-invalid");
    });
    last.parentNode.appendChild(clone);
    clone.querySelector("input[type=text], input:not([type])").focus();
    if (rows.length + 1 >= Number(button.dataset.max)) button.disabled = true;
  }

  function rename(row, from, to) {
    row.querySelectorAll("[name], [id], [for], [value]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(new RegExp("-" + from + "$"), "-" + to));
      });
      if ((el.type === "radio" || el.type === "checkbox") && el.value === from) el.value = to;
    });
    row.querySelectorAll("label, .input-group-text").forEach(function (el) {
      el.textContent = el.textContent.replace(from, to);
    });
  }

  var addOption = document.getElementById("add-option");
  if (addOption) {
    addOption.classList.remove("d-none");
    addOption.addEventListener("click", function () {
      addRow(addOption, ".option-row", function (clone, last) {
        var from = last.dataset.letter;
        var to = String.fromCharCode(from.charCodeAt(0) + 1);
        clone.dataset.letter = to;
        rename(clone, from, to);
      });
    });
  }
  var addPair = document.getElementById("add-pair");
  if (addPair) {
    addPair.classList.remove("d-none");
    addPair.addEventListener("click", function () {
      addRow(addPair, ".pair-row", function (clone, last) {
        var from = Number(last.dataset.index);
        clone.dataset.index = String(from + 1);
        rename(clone, String(from), String(from + 1));
        clone.querySelectorAll("label").forEach(function (el) {
          el.textContent = el.textContent.replace(String(from + 1), String(from + 2));
        });
      });
    });
  }

  // Section suggestions follow the chosen chapter.
  var anchors = JSON.parse(document.getElementById("chapter-anchors").textContent);
  var chapter = document.getElementById("chapter");
  var list = document.getElementById("section-list");
  chapter.addEventListener("change", function () {
    list.innerHTML = "";
    (anchors[chapter.value] || []).forEach(function (anchor) {
      var option = document.createElement("option");
      option.value = anchor;
      list.appendChild(option);
    });
  });
})();
