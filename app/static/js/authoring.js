// Question editor: live preview (posts the form to the preview endpoint and swaps the HTML),
// extra option and pair rows, the chosen chapter's sections, a new question's id following the
// chapter, and clearing a field's error once it is edited. Without JavaScript the form still
// works: the "预览" button re-renders the page with the preview, the server fills an empty id.
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

  // The section picker shows the chosen chapter's sections only (without JavaScript: every
  // chapter's, grouped; the server checks that the section belongs to the chapter).
  var chapter = document.getElementById("chapter");
  var section = document.getElementById("section");
  function filterSections() {
    section.querySelectorAll("optgroup").forEach(function (group) {
      var other = chapter.value !== "" && group.dataset.chapter !== chapter.value;
      group.hidden = other;
      group.disabled = other;
    });
    var picked = section.options[section.selectedIndex];
    if (picked && picked.parentNode.disabled) section.value = "";
  }
  if (section) {
    chapter.addEventListener("change", filterSections);
    filterSections();
  }

  // A new question's id follows the chapter while the teacher has not typed one of their own:
  // the suggestion is the chapter's prefix and its next free number (app/services/authoring.py).
  var idInput = document.getElementById("id");
  var suggested = document.getElementById("suggested-id");
  var ids = JSON.parse(document.getElementById("chapter-ids").textContent);
  if (idInput && suggested) {
    chapter.addEventListener("change", function () {
      if (idInput.value.trim() !== "" && idInput.value.trim() !== suggested.value) return;
      idInput.value = ids[chapter.value] || "";
      suggested.value = idInput.value;
      idInput.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // A field's error message goes once the teacher edits that field: it described the value that
  // was sent, not the one being typed (the server checks again on save).
  var ERROR_KEYS = [[/^option-/, "options"], [/^(rank|left|right)-/, "answer"], [/^blanks$/, "answer"],
                    [/^tolerance_kind$/, "tolerance"]];
  function errorKey(name) {
    for (var i = 0; i < ERROR_KEYS.length; i++) {
      if (ERROR_KEYS[i][0].test(name)) return ERROR_KEYS[i][1];
    }
    return name;
  }
  function clearErrors(event) {
    var target = event.target;
    if (!target.name) return;
    var key = errorKey(target.name);
    var pattern = new RegExp("^err-" + key.replace(/[^\w-]/g, "") + "\\d+$");
    var messages = Array.prototype.filter.call(form.querySelectorAll(".invalid-feedback[id]"), function (el) {
      return pattern.test(el.id);
    });
    if (!messages.length && !target.classList.contains("is-invalid")) return;
    messages.forEach(function (el) { el.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      if (!el.name || errorKey(el.name) !== key) return;
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
      var described = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !pattern.test(id);
      });
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
    });
    var summary = document.getElementById("form-errors");
    if (summary && !summary.querySelector("li") && !form.querySelector(".invalid-feedback")) summary.remove();
  }
  form.addEventListener("input", clearErrors);
  form.addEventListener("change", clearErrors);
})();
