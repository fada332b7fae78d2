"""Forms of the case area: the instructor's new-assignment form."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.base import utcnow
from ..services.cases import local_to_utc

DUE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


class LocalDateTimeField(StringField):
    """A ``datetime-local`` input read in the site's time zone, with a Chinese error message."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        self.data = None
        if not text:
            return
        for fmt in DUE_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt)
                return
            except ValueError:
                continue
        raise ValueError(_l("日期时间格式不正确，请按 2026-06-30 18:00 的格式填写。"))

    def _value(self):
        if isinstance(self.data, datetime):
            return self.data.strftime("%Y-%m-%dT%H:%M")
        return getattr(self, "raw_text", "") or ""


def _class_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0  # no class has id 0: reported as unknown by the validator


class CaseAssignmentForm(FlaskForm):
    """Assign a case to classes with a due date."""

    case_id = SelectField(_l("案例"), validate_choice=False)
    title = StringField(_l("作业标题"), validators=[DataRequired(_l("请输入作业标题。")), Length(max=200)])
    instructions = TextAreaField(_l("作业说明（可选，支持 Markdown）"), validators=[Length(max=5000)])
    due_at = LocalDateTimeField(_l("截止时间（北京时间）"))
    classes = SelectMultipleField(_l("布置给班级"), coerce=_class_id, validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    submit = SubmitField(_l("布置作业"))

    def validate_case_id(self, field):
        if field.data not in {key for key, _ in self.case_id.choices}:
            raise ValidationError(_l("请选择一个案例。"))

    def validate_due_at(self, field):
        if field.process_errors:
            return
        if field.data is None:
            raise ValidationError(_l("请填写截止时间。"))
        if local_to_utc(field.data) <= utcnow():
            raise ValidationError(_l("截止时间应晚于现在。"))

    def validate_classes(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一个班级。"))
        known = {key for key, _ in self.classes.choices}
        if any(value not in known for value in field.data):
            raise ValidationError(_l("所选班级不存在。"))
