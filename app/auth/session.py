"""Flask-Login wiring, role decorators and the login rate limit."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, jsonify, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, limiter, login_manager
from ..models import User


def init_login(app: Flask) -> None:
    """Register the user loader and the unauthorised handler."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def _load_user(user_id: str):
        try:
            return db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error=_("请先登录。")), 401
        from flask import redirect, url_for

        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def session_user_id() -> int | None:
    """The user id the session cookie was signed with, without loading the user (None: none)."""
    raw = session.get("_user_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def login_required(view):
    """Like Flask-Login's, but answers JSON for the API."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapper


def instructor_required(view):
    """Instructors and admins only; students get 403."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_instructor:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    """Admins only."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _login_username_key() -> str:
    data = request.get_json(silent=True) if request.is_json else None
    name = (data or {}).get("username") if isinstance(data, dict) else None
    if name is None:
        name = request.form.get("username", "")
    return "login-user:" + str(name).strip().lower()[:64]


def _login_address_key() -> str:
    return "login-addr:" + (request.remote_addr or "unknown")


def _is_login_failure(response) -> bool:
    return response.status_code == 401


def login_rate_limit(view):
    """After LOGIN_FAILURE_LIMIT failures for one username or one address: 429."""
    from flask import current_app

    def limit_value():
        return current_app.config["LOGIN_FAILURE_LIMIT"]

    view = limiter.limit(limit_value, key_func=_login_username_key, deduct_when=_is_login_failure,
                         methods=["POST"])(view)
    view = limiter.limit(limit_value, key_func=_login_address_key, deduct_when=_is_login_failure,
                         methods=["POST"])(view)
    return view
