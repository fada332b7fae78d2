"""``single``: one option, by radio button."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import TypeWeb
from ..forms import AnswerFormError, line_of, read_options


def option_text(options, key: object) -> str:
    """``B. text`` for an option key (``?`` for one the question no longer has)."""
    return f"{key}. {options.get(key, '?')}" if isinstance(key, str) else str(key)


class Web(TypeWeb):
    """The web side of single choice."""

    def practice_response(self, data, form):
        """The chosen option id."""
        value = line_of(form, "answer")
        if not value:
            raise AnswerFormError(_("请选择一个选项。"))
        return value

    def practice_fields(self, data, response):
        """The radio's value."""
        return {"answer": str(response)}

    def describe_response(self, data, response):
        """``B. text``."""
        return option_text(data.get("options") or {}, response)

    def read_form(self, form, parsed):
        """Options and the one right key."""
        read_options(form, parsed)
        answer = line_of(form, "answer")
        if answer:
            parsed.data["answer"] = answer
        else:
            parsed.add("answer", _("请选择正确答案。"))

    def form_fields(self, data, fields):
        """The options and the key."""
        for letter, text in (data.get("options") or {}).items():
            fields.put(f"option-{letter}", text)
        fields.put("answer", data.get("answer"))
