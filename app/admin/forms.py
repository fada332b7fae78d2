"""Admin forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..services.passwords import MIN_PASSWORD_LENGTH


class UserForm(FlaskForm):
    """Create an account."""

    username = StringField(_l("用户名"), validators=[
        DataRequired(_l("请输入用户名。")),
        Regexp(r"^[A-Za-z0-9_.\-]{2,64}$", message=_l("用户名只能包含字母、数字、下划线、点和连字符，2–64 个字符。")),
    ])
    full_name = StringField(_l("姓名"), validators=[Optional(), Length(max=100)])
    student_number = StringField(_l("学号"), validators=[Optional(), Length(max=40)])
    role = SelectField(_l("角色"), choices=[SelectChoice("student", _l("学生")), SelectChoice("instructor", _l("教师")),
                                            SelectChoice("admin", _l("管理员"))])
    password = PasswordField(_l("初始密码"), validators=[
        DataRequired(_l("请输入初始密码。")),
        Length(min=MIN_PASSWORD_LENGTH, max=256, message=_l("密码至少 %(n)d 个字符。", n=MIN_PASSWORD_LENGTH)),
    ])
    submit = SubmitField(_l("创建账号"))
