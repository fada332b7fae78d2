"""Login, logout, password change and "log out everywhere" pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import marked
from ..services.accounts import (authenticate, change_password as set_new_password, end_all_sessions,
                                 finish_forced_password_change)
from .forms import ChangePasswordForm, ForcedPasswordForm, LoginForm, LogoutEverywhereForm
from ..services.passwords import verify_password
from .session import (end_session, login_rate_limit, login_required, password_change_done, password_change_failures,
                      restamp_session, start_session)

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
            start_session(user)
            flash(marked(_("欢迎，%(name)s！"), name=user.display_name), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
        flash(_("用户名或密码错误。"), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, so a link on another site cannot do it); every session of the user ends."""
    if current_user.is_authenticated:
        end_all_sessions(current_user)
        db.session.commit()
    end_session()
    flash(_("你已退出登录。"), "info")
    return redirect(url_for("main.index"))


def _password_page(form: ChangePasswordForm, everywhere: LogoutEverywhereForm, status: int = 200):
    return render_template("auth/change_password.html", form=form, everywhere=everywhere), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password: other sessions end, this one goes on.

    After a login with a one-time password the new password is asked for without the current one
    (that login consumed it), and nothing else opens until it is set.
    """
    everywhere = LogoutEverywhereForm(formdata=None)
    if current_user.must_change_password:
        form = ForcedPasswordForm()
        if form.validate_on_submit():
            user = current_user._get_current_object()
            finish_forced_password_change(user, form.new_password.data)
            db.session.commit()
            restamp_session(user)
            password_change_done()
            flash(_("新密码已设置，请记住它。"), "success")
            return redirect(url_for("main.index"))
        return _password_page(form, everywhere, 400 if form.errors else 200)
    password_change_done()  # a stale mark (the change was made in another session) lets go here
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if password_change_failures.exceeded(current_user.id):
            form.current_password.errors.append(
                _("当前密码输错次数过多，请 %(n)d 分钟后再试。", n=password_change_failures.minutes()))
            return _password_page(form, everywhere, 429)
        if not verify_password(current_user.password_hash, form.current_password.data):
            password_change_failures.record(current_user.id)
            form.current_password.errors.append(_("当前密码不正确。"))
        else:
            user = current_user._get_current_object()  # the object itself: login_user keeps it for the request
            set_new_password(user, form.new_password.data)
            db.session.commit()
            restamp_session(user)
            flash(_("密码已修改，其他设备上的登录已退出。"), "success")
            return redirect(url_for("main.index"))
    return _password_page(form, everywhere)


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the current user, this one included (after a ticked confirmation)."""
    everywhere = LogoutEverywhereForm()
    if not everywhere.validate_on_submit():
        return _password_page(ChangePasswordForm(formdata=None), everywhere, 400)
    end_all_sessions(current_user)
    db.session.commit()
    end_session()
    flash(_("已退出所有设备上的登录，请重新登录。"), "info")
    return redirect(url_for("auth.login"))
