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
        data = self.known(app, value)
        if data is None:
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                data, signed_at = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if not isinstance(data, dict):  # nothing Flask writes; not worth remembering
                return self.session_class(data)
            self.verified.put(self._key(app, value), int(signed_at.timestamp()), _fresh(data))
        # Either way ``data`` is this request's own: known() copied it, or it was just decoded and
        # the cache holds a copy.
        return self.session_class(data)

    def known(self, app, value: str) -> dict | None:
        """A fresh copy of the data of cookie ``value`` if it was verified before under today's keys
        and is not too old; ``None`` means: not known (verify it, or refuse it)."""
        if not app.secret_key:
            return None
        data = self.verified.get(self._key(app, value), int(app.permanent_session_lifetime.total_seconds()))
        return None if data is None else _fresh(data)

    @staticmethod
    def _key(app, value: str) -> tuple:
        return value, app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())


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
        return self.header_token(request.headers, current_app.config)

    @staticmethod
    def header_token(headers, config) -> str | None:
        """The token a request that is not a form carries in a header (Flask-WTF's header names)."""
        for header_name in config["WTF_CSRF_HEADERS"]:
            token = headers.get(header_name)
            if token:
                return token
        return None

    def _validate(self, data) -> None:
        if self.known_valid(data, session, current_app.config):
            return
        validate_csrf(data)  # Flask-WTF's check: raises ValidationError with its message
        secret = self._secret(current_app.config)
        if data and isinstance(secret, (str, bytes)):
            token, signed_at = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(data, return_timestamp=True)
            self.verified.put((data, secret), int(signed_at.timestamp()), token)

    def known_valid(self, data, session_data, config) -> bool:
        """Whether signed token ``data`` was verified before, is within the time limit and is the
        token of the session whose data is ``session_data``. ``False`` means: let Flask-WTF decide."""
        secret = self._secret(config)
        if not data or not isinstance(secret, (str, bytes)):
            return False
        token = self.verified.get((data, secret), config.get("WTF_CSRF_TIME_LIMIT", 3600))
        stored = session_data.get(config["WTF_CSRF_FIELD_NAME"])
        return token is not None and isinstance(stored, str) and hmac.compare_digest(stored, token)

    @staticmethod
    def _secret(config):
        return config.get("WTF_CSRF_SECRET_KEY", config.get("SECRET_KEY"))

    @staticmethod
    def referrer_problem(is_secure: bool, referrer: str | None, host: str, config) -> str | None:
        """Flask-WTF's extra rule for HTTPS (``WTF_CSRF_SSL_STRICT``): the refusal, or ``None``."""
        if not (is_secure and config["WTF_CSRF_SSL_STRICT"]):
            return None
        if not referrer:
            return "The referrer header is missing."
        if not same_origin(referrer, f"https://{host}/"):
            return "The referrer does not match the host."
        return None

    def protect(self):
        """Flask-WTF's ``protect`` with the remembered verification (same checks, same refusals)."""
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            self._validate(self._get_csrf_token())
        except ValidationError as e:
            logger.info(e.args[0])
            self._error_response(e.args[0])
        problem = self.referrer_problem(request.is_secure, request.referrer, request.host, current_app.config)
        if problem:
            self._error_response(problem)
        g.csrf_valid = True  # mark this request as CSRF valid
