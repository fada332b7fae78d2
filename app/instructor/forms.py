"""Instructor forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ClassForm(FlaskForm):
    """Create a class (班级)."""

    name = StringField(_l("班级名称"), validators=[DataRequired(_l("请输入班级名称。")), Length(max=100)])
    description = TextAreaField(_l("说明"), validators=[Length(max=500)])
    submit = SubmitField(_l("创建班级"))


class RosterForm(FlaskForm):
    """Upload a roster (CSV or XLSX)."""

    file = FileField(_l("名单文件（CSV 或 XLSX）"), validators=[
        FileRequired(_l("请选择文件。")),
        FileAllowed(["csv", "xlsx"], _l("只支持 .csv 或 .xlsx 文件。")),
    ])
    submit = SubmitField(_l("导入名单"))


class ConfirmStudentForm(FlaskForm):
    """A confirmation page's form: it names the student (username) it was shown for.

    A POST that does not name the student (a script, a stale page, a replayed request) changes
    nothing; the view checks the name against the URL's student.
    """

    student = HiddenField()

    def confirmed(self, username: str) -> bool:
        """True for a valid POST naming ``username``; resets the field for showing the page again."""
        ok = self.validate_on_submit() and self.student.data == username
        self.student.data = username
        return bool(ok)


class ResetPasswordForm(ConfirmStudentForm):
    """Confirm giving a student a one-time password."""

    submit = SubmitField(_l("确认重置密码"))


class RemoveStudentForm(ConfirmStudentForm):
    """Confirm taking a student out of a class."""

    submit = SubmitField(_l("确认移出班级"))
