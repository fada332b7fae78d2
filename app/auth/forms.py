"""Login and password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..services.passwords import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("用户名"), validators=[DataRequired(_l("请输入用户名。")), Length(max=64)])
    password = PasswordField(_l("密码"), validators=[DataRequired(_l("请输入密码。")), Length(max=256)])
    submit = SubmitField(_l("登录"))


class ChangePasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(_l("当前密码"), validators=[DataRequired(_l("请输入当前密码。"))])
    new_password = PasswordField(
        _l("新密码"),
        validators=[
            DataRequired(_l("请输入新密码。")),
            Length(min=MIN_PASSWORD_LENGTH, max=256, message=_l("新密码至少 %(n)d 个字符。", n=MIN_PASSWORD_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("确认新密码"),
        validators=[DataRequired(_l("请再次输入新密码。")), EqualTo("new_password", _l("两次输入的新密码不一致。"))],
    )
    submit = SubmitField(_l("修改密码"))


class ForcedPasswordForm(ChangePasswordForm):
    """Choose a new password after logging in with a one-time password (no current password to ask)."""

    current_password = None
    submit = SubmitField(_l("设置新密码"))


class LogoutEverywhereForm(FlaskForm):
    """End every session of one's account, after a ticked confirmation."""

    confirm_all = BooleanField(_l("我确认要退出所有设备（包括本机）上的登录"),
                               validators=[DataRequired(_l("请先勾选确认。"))])
    submit_all = SubmitField(_l("退出所有设备"))
