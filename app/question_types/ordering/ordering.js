// ordering: a list moved with 上移/下移 buttons; the response is every item id in the student's order.
// Unanswered until the student moves something (the starting order is not an answer).
(function (types) {
  "use strict";
  types.ordering = {
    read: function (section) {
      if (section.dataset.touched !== "1") return null;
      return Array.prototype.map.call(section.querySelectorAll(".ordering-list > li"), function (li) { return li.dataset.id; });
    },
    apply: function (section, response) {
      if (!Array.isArray(response)) return;
      var list = section.querySelector(".ordering-list");
      response.forEach(function (id) {
        var li = list.querySelector('li[data-id="' + CSS.escape(String(id)) + '"]');
        if (li) list.appendChild(li);
      });
      section.dataset.touched = "1";
    },
    init: function (section, changed) {
      section.querySelectorAll(".move-up, .move-down").forEach(function (btn) {
        btn.addEventListener("click", function () {
          var li = btn.closest("li");
          var list = li.parentNode;
          if (btn.classList.contains("move-up") && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
          if (btn.classList.contains("move-down") && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
          section.dataset.touched = "1";
          btn.focus();
          changed();
        });
      });
    },
    close: function (section) {
      section.querySelectorAll(".move-up, .move-down").forEach(function (btn) { btn.disabled = true; });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
