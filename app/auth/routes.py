"""Login, logout and password change pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..services.accounts import authenticate
from .forms import ChangePasswordForm, LoginForm
from .passwords import hash_password, verify_password
from .session import login_rate_limit, login_required

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limit
def login():
    """Log in with username and password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            flash(_("欢迎,%(name)s!", name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
        flash(_("用户名或密码错误。"), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, so a link on another site cannot do it)."""
    logout_user()
    flash(_("你已退出登录。"), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("当前密码不正确。"))
        else:
            current_user.password_hash = hash_password(form.new_password.data)
            db.session.commit()
            flash(_("密码已修改。"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
