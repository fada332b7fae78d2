"""``POST /api/v1/session``: log in and receive the CSRF token."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..auth.session import end_session, login_rate_limit, login_required, start_session
from ..extensions import csrf, db
from ..services.accounts import authenticate, end_all_sessions
from . import bp
from .docs import ERROR_SCHEMA, documented
from .helpers import json_object, string_field

USER_SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "username": {"type": "string"},
                   "role": {"type": "string", "enum": ["student", "instructor", "admin"]}},
}
SESSION_SCHEMA = {"type": "object", "properties": {"csrf_token": {"type": "string"}, "user": USER_SCHEMA}}


def user_json(user) -> dict:
    return {"id": user.id, "username": user.username, "role": user.role.value}


@bp.route("/session", methods=["POST"])
@csrf.exempt
@login_rate_limit
@documented(
    "Log in",
    description="Starts a cookie session. Send the returned csrf_token as X-CSRFToken on state-changing calls.",
    request={"type": "object", "required": ["username", "password"],
             "properties": {"username": {"type": "string"}, "password": {"type": "string"}}},
    responses={200: SESSION_SCHEMA, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 429: ERROR_SCHEMA},
    auth=False,
)
def create_session():
    """Log in with username and password; 401 on bad credentials."""
    data = json_object()
    user = authenticate(string_field(data, "username", 64), string_field(data, "password"))
    if user is None:
        return jsonify(error=_("用户名或密码错误。")), 401
    start_session(user)  # a new CSRF token: one taken before the login is refused from now on
    return jsonify(csrf_token=generate_csrf(), user=user_json(user))


@bp.route("/session", methods=["GET"])
@login_required
@documented("Current session", responses={200: SESSION_SCHEMA, 401: ERROR_SCHEMA})
def get_session():
    """The logged-in user and a fresh CSRF token."""
    return jsonify(csrf_token=generate_csrf(), user=user_json(current_user))


@bp.route("/session", methods=["DELETE"])
@login_required
@documented("Log out",
            description="Ends every session of the user (this cookie, copies of it and other devices: 401 from then on) "
                        "and drops the CSRF token.",
            responses={200: {"type": "object"}, 401: ERROR_SCHEMA}, csrf=True)
def delete_session():
    """End every session of the user."""
    end_all_sessions(current_user)
    db.session.commit()
    end_session()
    return jsonify(logged_out=True)
