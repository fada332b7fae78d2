// essay: a text area with a character count; the response is the text.
(function (types) {
  "use strict";
  function count(section) {
    var counter = section.querySelector(".char-count");
    if (counter) counter.textContent = String(section.querySelector(".answer-input").value.length);
  }
  types.essay = {
    read: function (section) {
      var value = section.querySelector(".answer-input").value;
      return value.trim() === "" ? null : value;
    },
    apply: function (section, response) {
      section.querySelector(".answer-input").value = String(response);
      count(section);
    },
    init: function (section) {
      section.querySelector(".answer-input").addEventListener("input", function () { count(section); });
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
