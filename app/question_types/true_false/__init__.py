"""``true_false``: 正确 or 错误, by radio button."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from .. import TypeWeb
from ..forms import AnswerFormError, line_of


def judgement(value: bool) -> str:
    """正确 / 错误 in the reader's language."""
    return pgettext("true_false", "正确") if value else pgettext("true_false", "错误")


class Web(TypeWeb):
    """The web side of true/false."""

    answer_is_content = False  # 正确/错误: interface words, translated

    def practice_response(self, data, form):
        """``"true"`` or ``"false"`` (the grader reads both)."""
        value = line_of(form, "answer")
        if not value:
            raise AnswerFormError(_("请判断正确或错误。"))
        return value

    def practice_fields(self, data, response):
        """``true`` or ``false``."""
        return {"answer": "true" if response else "false"}

    def describe_response(self, data, response):
        """正确 or 错误, never ``true``."""
        if isinstance(response, str) and response.strip().casefold() in ("true", "false"):
            response = response.strip().casefold() == "true"
        return judgement(response) if isinstance(response, bool) else str(response)

    def read_form(self, form, parsed):
        """The judgement."""
        answer = line_of(form, "answer")
        if answer in ("true", "false"):
            parsed.data["answer"] = answer == "true"
        else:
            parsed.add("answer", _("请选择“正确”或“错误”。"))

    def form_fields(self, data, fields):
        """The judgement as ``true``/``false``."""
        fields.put("answer", "true" if data.get("answer") else "false")
