"""``essay`` (简答题): free text, graded by a teacher against the rubric; not practised."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import TypeWeb
from ..forms import text_of


class Web(TypeWeb):
    """The web side of essays (practice_response keeps the base refusal: essays are not practised)."""

    def describe_response(self, data, response):
        """The text as written."""
        return str(response)

    def answer_text(self, data, view):
        """``评分要点：…``: the rubric's points."""
        if "rubric" not in view:
            return super().answer_text(data, view)
        return _("评分要点：%(p)s", p="；".join(view["rubric"]))

    def read_form(self, form, parsed):
        """The rubric: lines starting with "- " make a list of points, anything else is one text."""
        text = text_of(form, "rubric")
        lines = [line for line in text.split("\n") if line.strip()]
        if lines and all(line.lstrip().startswith("- ") for line in lines):
            parsed.data["rubric"] = [line.lstrip()[2:].strip() for line in lines]
        else:
            parsed.data["rubric"] = text

    def form_fields(self, data, fields):
        """The rubric, a list as "- " lines."""
        rubric = data.get("rubric")
        fields.put("rubric", "\n".join(f"- {point}" for point in rubric) if isinstance(rubric, list) else rubric or "")
