"""Flask-Login wiring, revocable sessions, role decorators and the login rate limits.

A session names its user as ``"<user id>:<session version>"`` (``User.get_id``). Logging out,
changing the password, "log out everywhere" and deactivation bump ``User.session_version``, so
every cookie signed before (a copy taken on a lab computer, another device) stops working.
"""

from __future__ import annotations

import math
from functools import wraps

from flask import Flask, abort, current_app, g, jsonify, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from limits import parse_many

from ..extensions import db, limiter, login_manager
from ..models import User
from ..ratelimit import fail_open
from ..services.passwords import dummy_hash
from .verified import VerifiedSessionInterface

# Session keys that outlive a logout or a login: only the chosen language.
_KEPT_KEYS = ("locale",)
# Set by a login with a one-time password until the new password is chosen (see must_change_guard).
MUST_CHANGE_KEY = "must_change_password"
# What a session that must change its password may still reach: the page to change it, logging
# out, logging in as someone else, the language switch, and static files.
_ALLOWED_BEFORE_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "api.delete_session",
                          "main.set_language", "static"}


def init_login(app: Flask) -> None:
    """Register the user loader and the unauthorised handler."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "warning"
    app.session_interface = VerifiedSessionInterface()  # each distinct cookie's signature checked once per process
    dummy_hash(app.config)  # so the first unknown username costs no extra hash

    @login_manager.user_loader
    def _load_user(user_id: str):
        identity = parse_identity(user_id)
        if identity is None:
            return None
        user = db.session.get(User, identity[0])
        if not session_accepts(user, identity[1]):
            return None  # a revoked session: anonymous from here on
        return user

    app.before_request(must_change_guard)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if request.path.startswith("/api/"):
            return jsonify(error=_("请先登录。")), 401
        from flask import redirect, url_for

        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def parse_identity(raw) -> tuple[int, int] | None:
    """``"<id>:<version>"`` → (id, version); a bare id (cookies from before versions) is version 0."""
    if raw is None:
        return None
    user_id, _sep, version = str(raw).partition(":")
    try:
        return int(user_id), int(version or 0)
    except (TypeError, ValueError):
        return None


def session_accepts(user, session_version: int) -> bool:
    """Whether a session signed with ``session_version`` still speaks for ``user``: the one rule of
    the user loader and of the paths that read the user's columns themselves (the exam page).

    ``user`` is a :class:`User` or anything with its ``active`` and ``session_version`` (None: no
    such account). An inactive account is refused here as Flask-Login's ``is_authenticated``
    refuses it; a bumped session version (logout, password change, "log out everywhere",
    deactivation) revokes every older cookie.
    """
    return user is not None and bool(user.active) and (user.session_version or 0) == session_version


def session_identity() -> tuple[int, int] | None:
    """(user id, session version) the session cookie was signed with, without loading the user.

    Whoever trusts this without the user loader must apply :func:`session_accepts` to the user's
    own columns (the exam page and the autosave fast path do, on the columns their one query reads).
    """
    return parse_identity(session.get("_user_id"))


def session_user_id() -> int | None:
    """The user id the session cookie was signed with, without loading the user (None: none)."""
    identity = session_identity()
    return identity[0] if identity else None


def _fresh_session() -> None:
    """Empty the session except the language, and drop the CSRF token so a new one is made."""
    kept = {key: session[key] for key in _KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)  # Flask-WTF's per-request copy


def start_session(user: User) -> None:
    """Log ``user`` in on a clean session with a new CSRF token (nothing of a previous user's survives).

    A login with a one-time password marks the session: it must choose a new password first.
    """
    _fresh_session()
    login_user(user)
    if user.must_change_password:
        session[MUST_CHANGE_KEY] = True


def password_change_done() -> None:
    """The forced password change is done: the session may go everywhere again."""
    session.pop(MUST_CHANGE_KEY, None)


def must_change_guard():
    """``before_request``: a session logged in with a one-time password reaches only the password page.

    Pages redirect there; the API answers 403 JSON. The mark lives in the session (set at that
    login, every older session having ended with the reset), so no request pays a query for it.
    """
    if not session.get(MUST_CHANGE_KEY) or request.endpoint in _ALLOWED_BEFORE_CHANGE:
        return None
    if session_user_id() is None:  # logged out since: the mark means nothing any more
        session.pop(MUST_CHANGE_KEY, None)
        return None
    from ..errors import wants_json
    from flask import redirect, url_for

    if wants_json():
        return jsonify(error=_("请先修改密码：你用一次性密码登录，须设置新密码后才能继续。")), 403
    return redirect(url_for("auth.change_password"))


def restamp_session(user: User) -> None:
    """Keep the current session valid after ``user``'s session version was bumped (own password change)."""
    login_user(user)


def end_session() -> None:
    """Log out here: clear the session (language kept) and the CSRF token."""
    _fresh_session()
    logout_user()  # after the clear: it may mark a remember-me cookie for deletion


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
    # Behind TRUSTED_PROXIES hops ProxyFix has already put the client's address here.
    return "login-addr:" + (request.remote_addr or "unknown")


def _is_login_failure(response) -> bool:
    return response.status_code == 401


def login_rate_limit(view):
    """429 after LOGIN_FAILURE_LIMIT failures for one username or LOGIN_ADDRESS_FAILURE_LIMIT for one address.

    Only failures count. The address limit is far higher than the username one: a school's
    students share one NAT address, and one student's typos must not lock out the hall.
    """

    def username_limit():
        return current_app.config["LOGIN_FAILURE_LIMIT"]

    def address_limit():
        return current_app.config["LOGIN_ADDRESS_FAILURE_LIMIT"]

    view = limiter.limit(username_limit, key_func=_login_username_key, deduct_when=_is_login_failure,
                         methods=["POST"])(view)
    view = limiter.limit(address_limit, key_func=_login_address_key, deduct_when=_is_login_failure,
                         methods=["POST"])(view)
    return view


class FailureLimit:
    """Failures counted by hand in the limiter's storage, for checks a decorator cannot express.

    ``config_key`` names a limit string such as ``"5 per 10 minutes"``; ``key`` what is counted
    (a user id). When the storage fails and RATELIMIT_SWALLOW_ERRORS is set, nothing is limited
    (``app.ratelimit``: the same rule and log line as the login limits).
    """

    def __init__(self, config_key: str, scope: str) -> None:
        self.config_key = config_key
        self.scope = scope

    def _items(self):
        return parse_many(current_app.config[self.config_key])

    def _run(self, action, key: str) -> bool:
        if not limiter.enabled:
            return True
        try:
            return all([action(item, self.scope, key) for item in self._items()])  # every window counts
        except Exception as exc:
            if fail_open(exc):
                return True
            raise

    def exceeded(self, key) -> bool:
        """True when ``key`` used up its failures for now."""
        return not self._run(limiter.limiter.test, str(key))

    def record(self, key) -> None:
        """Count one failure for ``key``."""
        self._run(limiter.limiter.hit, str(key))

    def minutes(self) -> int:
        """The longest window of the limit, in whole minutes (for messages)."""
        return max(1, math.ceil(max(item.get_expiry() for item in self._items()) / 60))


password_change_failures = FailureLimit("PASSWORD_CHANGE_FAILURE_LIMIT", "password-change")

