"""``multiple``: any number of options, by checkboxes."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import TypeWeb
from ..forms import AnswerFormError, read_options, read_scoring
from ..single import option_text


class Web(TypeWeb):
    """The web side of multiple choice."""

    def practice_response(self, data, form):
        """The chosen option ids."""
        values = [v.strip() for v in form.getlist("answer") if v.strip()]
        if not values:
            raise AnswerFormError(_("请至少选择一个选项。"))
        return values

    def practice_fields(self, data, response):
        """The ticked boxes."""
        return {"answer": [str(key) for key in response]}

    def describe_response(self, data, response):
        """``A. text;C. text``."""
        options = data.get("options") or {}
        return ";".join(option_text(options, key) for key in (response if isinstance(response, list) else [response]))

    def read_form(self, form, parsed):
        """Options, the right keys (in option order) and the scoring rule."""
        options = read_options(form, parsed)
        chosen = [str(key) for key in form.getlist("answer")]
        parsed.data["answer"] = [key for key in options if key in chosen] + [k for k in chosen if k not in options]
        read_scoring(form, parsed, "partial")

    def form_fields(self, data, fields):
        """The options, the keys and the scoring rule."""
        for letter, text in (data.get("options") or {}).items():
            fields.put(f"option-{letter}", text)
        fields.put("answer", *(data.get("answer") or []))
        if "scoring" in data:
            fields.put("scoring", data["scoring"])
