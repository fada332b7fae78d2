"""``fill_blank``: one text box per blank of the stem."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import pgettext

from ...domain.questions import count_blanks
from ...domain.questions.base import N_
from .. import TypeWeb
from ..forms import AnswerFormError, line_of, text_of

_ALTERNATIVE_SPLIT = re.compile(r"[|｜；]")


class Web(TypeWeb):
    """The web side of fill-in-the-blank."""

    stem_hint = N_("用连续 4 个或更多下划线 ____ 表示一个空。")

    def practice_response(self, data, form):
        """One text per blank, at least one filled."""
        values = [line_of(form, f"blank-{i}") for i in range(count_blanks(str(data.get("stem", ""))))]
        if not any(values):
            raise AnswerFormError(_("请至少填写一个空。"))
        return values

    def practice_fields(self, data, response):
        """One box per blank."""
        return {f"blank-{i}": str(text) for i, text in enumerate(response)}

    def describe_response(self, data, response):
        """``第 1 空：…；第 2 空：…``, the labels and separator in the reader's language."""
        if not isinstance(response, list):
            return str(response)
        return pgettext("list separator", "；").join(_("第 %(n)d 空：%(v)s", n=n, v=v) for n, v in enumerate(response, 1))

    def answer_text(self, data, view):
        """``第 1 空：运营型 / 操作型；…``: each blank's accepted forms."""
        if "accepted" not in view:
            return super().answer_text(data, view)
        return pgettext("list separator", "；").join(
            _("第 %(n)d 空：%(v)s", n=n, v=" / ".join(forms)) for n, forms in enumerate(view["accepted"], 1))

    def read_form(self, form, parsed):
        """One line per blank, alternatives separated by | or ；."""
        lines = [line for line in text_of(form, "blanks").split("\n") if line.strip()]
        parsed.data["answer"] = [
            [form_text.strip() for form_text in _ALTERNATIVE_SPLIT.split(line) if form_text.strip()] for line in lines
        ]
        if not lines:
            parsed.add("answer", _("请为每个空填写可接受的答案（每行一个空）。"))

    def form_fields(self, data, fields):
        """The accepted forms, a line per blank."""
        fields.put("blanks", "\n".join(" | ".join(forms) for forms in data.get("answer") or []))
