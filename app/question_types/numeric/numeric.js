// numeric: one text box; the response is the text as typed ("2.6万"): the server parses numbers.
(function (types) {
  "use strict";
  types.numeric = {
    read: function (section) {
      var value = section.querySelector(".answer-input").value;
      return value.trim() === "" ? null : value;
    },
    apply: function (section, response) {
      section.querySelector(".answer-input").value = String(response);
    },
  };
})(window.CRMQuestionTypes = window.CRMQuestionTypes || {});
