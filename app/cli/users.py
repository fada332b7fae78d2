"""``flask --app app user create``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..services.passwords import MIN_PASSWORD_LENGTH
from ..domain.roster import USERNAME_RE
from ..extensions import db
from ..models import Role
from ..services.accounts import create_user, find_user


@click.group("user")
def user_group():
    """Manage accounts."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="student", show_default=True)
@click.option("--full-name", default="", help="姓名")
@click.option("--student-number", default="", help="学号")
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_user_command(username, role, full_name, student_number, password):
    """Create an account."""
    if not USERNAME_RE.match(username):
        raise click.ClickException("用户名只能包含字母、数字、下划线、点和连字符，2–64 个字符。")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    if find_user(username):
        raise click.ClickException(f"用户名“{username}”已存在。")
    user = create_user(username, password, Role(role), full_name, student_number)
    db.session.commit()
    click.echo(f"已创建 {user.role.value} 账号 {user.username}")


@user_group.command("roster-template")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write the roster template to.")
def roster_template_command(fmt, out):
    """Write the class roster template (学号, 姓名, 班级, 初始密码) to import on a class page."""
    from ..domain.roster import template_csv, template_xlsx

    data = template_xlsx(MIN_PASSWORD_LENGTH) if fmt == "xlsx" else template_csv()
    with open(out, "wb") as fh:
        fh.write(data)
    click.echo(f"已写入名单模板：{out}")


@user_group.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username):
    """Give an account a one-time password (printed once); the next login must choose a new one.

    For the server's operator (any role, a locked-out admin included); teachers use the class page.
    """
    from ..services.accounts import reset_to_one_time_password

    user = find_user(username)
    if user is None:
        raise click.ClickException(f"用户名“{username}”不存在。")
    password = reset_to_one_time_password(user, None, via="cli")
    db.session.commit()
    click.echo(f"{user.username} 的一次性密码（只显示这一次）：{password}")
