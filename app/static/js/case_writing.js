// Written case steps: a live count of characters and sentences under the text box, by the rule the
// grader uses (app/domain/cases/rubric.py): Chinese characters, letters and digits count one each,
// punctuation and spaces nothing; sentences end at 。！？ (either width) or a line break.
(function () {
  "use strict";
  var ENDS = /[。！？!?\r\n]+/;
  var COUNTED = /[\p{L}\p{N}]/u;

  function chars(text) {
    var n = 0;
    for (var ch of text.normalize("NFKC")) { if (COUNTED.test(ch)) n += 1; }
    return n;
  }

  document.querySelectorAll("textarea.writing-input").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("aria-describedby"));
    if (!out || !out.dataset.template) return;
    var limit = parseInt(out.dataset.limit || "0", 10);
    function update() {
      var text = area.value;
      var count = chars(text);
      var sentences = text.split(ENDS).filter(function (piece) { return chars(piece) > 0; }).length;
      out.textContent = out.dataset.template.replace("{chars}", count).replace("{sentences}", sentences);
      out.classList.toggle("text-danger", limit > 0 && count > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
