"""Practice forms: starting a set, and reading an answer form into a response.

:func:`response_from_form` turns the fields of the answer form into the response shape of
docs/question-format.md; the graders then check it like any other response.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, NumberRange, Optional

from ..domain.practice import MODE_DUE, MODE_NEW, MODE_REDO, MODE_WEAK
from ..question_types import web_type
from ..question_types.forms import AnswerFormError, FormData

__all__ = ["DEFAULT_COUNT", "MAX_COUNT", "AnswerFormError", "StartForm", "response_from_form"]

MODES = (MODE_NEW, MODE_WEAK, MODE_DUE, MODE_REDO)

DEFAULT_COUNT = 10
MAX_COUNT = 30


class StartForm(FlaskForm):
    """Start a practice set: where from, in which order, how many."""

    scope = HiddenField(validators=[DataRequired(_l("请选择练习范围。"))])
    mode = SelectField(_l("出题方式"), default=MODE_NEW, validate_choice=False,
                       validators=[AnyOf(MODES, _l("出题方式无效：应为新题优先、薄弱优先或到期错题。"))],
                       choices=[SelectChoice(MODE_NEW, _l("新题优先")), SelectChoice(MODE_WEAK, _l("薄弱优先")),
                                SelectChoice(MODE_DUE, _l("到期错题")), SelectChoice(MODE_REDO, _l("重做错题"))])
    count = IntegerField(_l("题数"), default=DEFAULT_COUNT, validators=[
        Optional(), NumberRange(1, MAX_COUNT, _l("题数应在 %(min)d 到 %(max)d 之间。"))])


def response_from_form(data: Mapping, form: FormData) -> object:
    """The response given in ``form`` to the question ``data``; AnswerFormError when there is none.

    Each type reads its own fields (app/question_types/<type>/, named in its practice.html).
    """
    web = web_type(data.get("type"))
    if web is None or not web.domain.practised:
        raise AnswerFormError(_("该题型不在练习中作答。"))
    return web.practice_response(data, form)
