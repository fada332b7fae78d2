"""Signed cookies and CSRF tokens verified once per process, not on every request.

Every request of a logged-in student carries the same session cookie, and every autosave the same
CSRF token; checking each one's HMAC signature (and decoding its payload) again on every request
cost ~0.1 ms apiece. :class:`VerifiedCache` remembers, per process and bounded, the exact strings
already verified under the current keys, with the time they were signed:

* a changed byte is another string, so a tampered cookie or token is never found and is verified
  (and refused) as before; a changed secret key (or fallback list) misses too;
* the age limits are checked on every request from the stored signing time, exactly as
  itsdangerous would (the session's ``PERMANENT_SESSION_LIFETIME``, ``WTF_CSRF_TIME_LIMIT``);
* only the verification is remembered: each request gets its own fresh copy of the session data,
  and what the data means (a revoked ``session_version``, a CSRF token that is not this session's)
  is decided per request as before.
"""

from __future__ import annotations

import copy
import hmac
import logging
import threading
import time
from typing import Any, Hashable

from flask import current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect, same_origin, validate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import ValidationError

logger = logging.getLogger("flask_wtf.csrf")  # Flask-WTF's own logger: refusals are logged as before

_SCALARS = (str, int, float, bool, type(None))
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class VerifiedCache:
    """A bounded map from a verified signed string (with the keys that verified it) to what it said.

    The oldest entry goes when full: a hall of students keeps one entry each, and a string that
    was evicted is simply verified again.
    """

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._entries: dict[Hashable, tuple[int, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, max_age: int | None) -> Any | None:
        """The value stored for ``key`` if it is there and, with ``max_age``, not older than that."""
        found = self._entries.get(key)
        if found is None:
            return None
        signed_at, value = found
        if max_age is not None:
            age = int(time.time()) - signed_at
            if age > max_age or age < 0:  # itsdangerous: expired, or signed in the future
                return None
        return value

    def put(self, key: Hashable, signed_at: int, value: Any) -> None:
        """Remember ``value`` for ``key``, signed at ``signed_at`` (seconds since the epoch)."""
        with self._lock:
            if key not in self._entries and len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)), None)
            self._entries[key] = (signed_at, value)

    def __len__(self) -> int:
        return len(self._entries)


def _fresh(data: dict) -> dict:
    """A copy of session data no other request shares (scalars need no deeper copy)."""
    if all(type(value) in _SCALARS for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)


class VerifiedSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, each distinct cookie's signature verified once per process."""

    def __init__(self, size: int = 8192) -> None:
        self.verified = VerifiedCache(size)

    def open_session(self, app, request):
        """Like Flask's: the cookie's data, or an empty session when it is missing, forged or expired."""
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        data = self.verified.get(key, max_age)
        if data is None:
            try:
                data, signed_at = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if not isinstance(data, dict):  # nothing Flask writes; not worth remembering
                return self.session_class(data)
            self.verified.put(key, int(signed_at.timestamp()), _fresh(data))
        return self.session_class(_fresh(data))


class VerifiedCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, each distinct signed token verified once per process.

    The rules are Flask-WTF's (``validate_csrf`` decides every token not seen before, with its
    messages); a token seen before must still be this session's token and within the time limit.
    """

    def __init__(self, app=None, size: int = 8192) -> None:
        self.verified = VerifiedCache(size)
        super().__init__(app)

    def _get_csrf_token(self):
        # A body that is not a form has no form fields (Werkzeug parses only these two types):
        # skip building request.form and look at the headers, as Flask-WTF does next.
        if request.mimetype in _FORM_TYPES:
            return super()._get_csrf_token()
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header_name)
            if token:
                return token
        return None

    def _validate(self, data) -> None:
        config = current_app.config
        secret = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
        field_name = config["WTF_CSRF_FIELD_NAME"]
        time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
        key = (data, secret) if data and isinstance(secret, (str, bytes)) else None
        token = self.verified.get(key, time_limit) if key is not None else None
        if token is not None and field_name in session and isinstance(session[field_name], str) \
                and hmac.compare_digest(session[field_name], token):
            return
        validate_csrf(data)  # Flask-WTF's check: raises ValidationError with its message
        if key is not None:
            token, signed_at = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(data, return_timestamp=True)
            self.verified.put(key, int(signed_at.timestamp()), token)

    def protect(self):
        """Flask-WTF's ``protect`` with the remembered verification (same checks, same refusals)."""
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            self._validate(self._get_csrf_token())
        except ValidationError as e:
            logger.info(e.args[0])
            self._error_response(e.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            good_referrer = f"https://{request.host}/"
            if not same_origin(request.referrer, good_referrer):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True  # mark this request as CSRF valid
