"""Practice forms: starting a set, and reading an answer form into a response.

:func:`response_from_form` turns the fields of the answer form into the response shape of
docs/question-format.md; the graders then check it like any other response.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional

from ..domain.practice import MODE_DUE, MODE_NEW, MODE_WEAK
from ..domain.questions import count_blanks

MODES = (MODE_NEW, MODE_WEAK, MODE_DUE)

DEFAULT_COUNT = 10
MAX_COUNT = 30


class StartForm(FlaskForm):
    """Start a practice set: where from, in which order, how many."""

    scope = HiddenField(validators=[DataRequired(_l("请选择练习范围。"))])
    mode = SelectField(_l("出题方式"), default=MODE_NEW, validate_choice=False,
                       validators=[AnyOf(MODES, _l("出题方式无效：应为新题优先、薄弱优先或到期错题。"))],
                       choices=[SelectChoice(MODE_NEW, _l("新题优先")), SelectChoice(MODE_WEAK, _l("薄弱优先")),
                                SelectChoice(MODE_DUE, _l("到期错题"))])
    count = IntegerField(_l("题数"), default=DEFAULT_COUNT, validators=[
        Optional(), NumberRange(1, MAX_COUNT, _l("题数应在 %(min)d 到 %(max)d 之间。"))])


class FormData(Protocol):
    """What a submitted form offers (Werkzeug's MultiDict)."""

    def get(self, key: str, default: str | None = None) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


class AnswerFormError(ValueError):
    """An answer form that cannot be read; the message says what is missing."""


def _text(form: FormData, name: str) -> str:
    return (form.get(name) or "").strip()


def _position(raw: str) -> int | None:
    try:
        return int(unicodedata.normalize("NFKC", raw))
    except ValueError:
        return None


def _ordering(data: Mapping, form: FormData) -> list[str]:
    ids = list(data.get("options") or {})
    n = len(ids)
    positions: dict[str, int] = {}
    for key in ids:
        raw = _text(form, f"order-{key}")
        if not raw:
            raise AnswerFormError(_("请为每一项填写顺序号（1–%(n)d）。", n=n))
        number = _position(raw)
        if number is None or not 1 <= number <= n:
            raise AnswerFormError(_("顺序号应为 1 到 %(n)d 之间的整数，收到 %(raw)r。", n=n, raw=raw))
        if number in positions.values():
            raise AnswerFormError(_("顺序号 %(k)d 用了不止一次：每个顺序号只能用一次。", k=number))
        positions[key] = number
    return sorted(ids, key=positions.__getitem__)


def _matching(data: Mapping, form: FormData) -> dict[str, str]:
    lefts = list(((data.get("answer") or {}).get("pairs")) or {})
    chosen = {left: _text(form, f"match-{i}") for i, left in enumerate(lefts)}
    if not any(chosen.values()):
        raise AnswerFormError(_("请为左侧各项选择对应的右项。"))
    return {left: right for left, right in chosen.items() if right}


def response_from_form(data: Mapping, form: FormData) -> object:
    """The response given in ``form`` to the question ``data``; AnswerFormError when there is none."""
    qtype = data.get("type")
    if qtype in ("single", "true_false"):
        value = _text(form, "answer")
        if not value:
            raise AnswerFormError(_("请选择一个选项。") if qtype == "single" else _("请判断正确或错误。"))
        return value
    if qtype == "multiple":
        values = [v.strip() for v in form.getlist("answer") if v.strip()]
        if not values:
            raise AnswerFormError(_("请至少选择一个选项。"))
        return values
    if qtype == "ordering":
        return _ordering(data, form)
    if qtype == "numeric":
        value = _text(form, "answer")
        if not value:
            raise AnswerFormError(_("请输入数值。"))
        return value
    if qtype == "fill_blank":
        values = [_text(form, f"blank-{i}") for i in range(count_blanks(str(data.get("stem", ""))))]
        if not any(values):
            raise AnswerFormError(_("请至少填写一个空。"))
        return values
    if qtype == "matching":
        return _matching(data, form)
    raise AnswerFormError(_("该题型不在练习中作答。"))
