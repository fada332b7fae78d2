"""The rate limiter and its storage: per process (``memory://``) or shared by every app process (Redis).

Where several app processes serve one school the login limits only hold if they count in one
place, so production points ``RATELIMIT_STORAGE_URI`` at Redis (docs/deployment.md §4). That
storage can fail; the rules for then are kept here, in one place:

- short socket timeouts and no retries, so a Redis that is down or hung costs a login at most
  one timeout (``RATELIMIT_STORAGE_TIMEOUT`` seconds), not the operating system's TCP timeout;
- after a failure the storage is not asked again for ``RATELIMIT_STORAGE_RETRY_SECONDS`` (5): the calls in between
  fail at once, so a blackholed Redis cannot make every login wait;
- every outage is logged once, in English, with the storage address (password masked), the
  error and what happens to the request; its end is logged too;
- whether a request then goes through is ``RATELIMIT_SWALLOW_ERRORS`` (on in production: while
  Redis is down students can still log in and start their exam, nothing is limited).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.constants import ConfigVars
from limits.storage import Storage
from limits.strategies import STRATEGIES

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix")
RETRY_SECONDS = 5.0
STILL_DOWN_LOG_SECONDS = 60.0


class StorageUnavailable(ConnectionError):
    """The limiter's storage failed (or failed moments ago); the outage has already been logged."""


def is_shared(uri: str | None) -> bool:
    """True for a storage that lives outside the process (anything but ``memory://``)."""
    return bool(uri) and urllib.parse.urlsplit(uri).scheme not in ("", "memory")


def redact(uri: str) -> str:
    """``uri`` without its password, for logs."""
    parts = urllib.parse.urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urllib.parse.urlunsplit(parts._replace(netloc=user + host))


def storage_options(uri: str | None, timeout: float) -> dict:
    """Client options for the storage at ``uri``: for Redis, ``timeout`` seconds to connect and to
    answer, and no retries (redis-py 6 would otherwise retry three times with backoff)."""
    if not uri or urllib.parse.urlsplit(uri).scheme not in REDIS_SCHEMES:
        return {}
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def _what(key: str) -> str:
    """Which limit a storage key belongs to, for the log line."""
    if "login-" in key:
        return "login"
    if "exam-code" in key:
        return "exam access code"
    if "password-change" in key:
        return "password change"
    return "request"


class FailFastStorage(Storage):
    """Wraps the limiter's storage: failures are logged once per outage and, for ``retry_seconds``
    after one, calls fail at once with :class:`StorageUnavailable` instead of waiting on the network."""

    STORAGE_SCHEME = None  # never chosen by URI; installed by AppLimiter

    def __init__(self, inner: Storage, uri: str, fail_open: bool, retry_seconds: float = RETRY_SECONDS):
        super().__init__(uri)
        self.inner = inner
        self.uri = redact(uri)
        self.fail_open = fail_open
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._down_until = 0.0  # monotonic; 0 while the storage answers
        self._down_since = 0.0
        self._logged_at = 0.0

    @property
    def base_exceptions(self):
        return StorageUnavailable

    def _consequence(self) -> str:
        if self.fail_open:
            return "allowing the request; limits are not enforced until it answers again"
        return "the request fails (RATELIMIT_SWALLOW_ERRORS is off)"

    def _call(self, method: str, key: str | None, *args, **kwargs):
        now = time.monotonic()
        if now < self._down_until:
            with self._lock:
                if now - self._logged_at >= STILL_DOWN_LOG_SECONDS:
                    self._logged_at = now
                    log.warning("rate limit storage still unavailable (%s) for %.0f s; %s", self.uri,
                                now - self._down_since, self._consequence())
            raise StorageUnavailable(f"rate limit storage unavailable ({self.uri}); next try within "
                                     f"{self.retry_seconds:g} s")
        try:
            result = getattr(self.inner, method)(*((key,) if key is not None else ()), *args, **kwargs)
        except Exception as exc:
            with self._lock:
                first = self._down_until == 0.0
                self._down_until = time.monotonic() + self.retry_seconds
                if first:
                    self._down_since = self._logged_at = time.monotonic()
            if first:
                log.warning("%s rate limit storage unavailable (%s): %s: %s; %s", _what(key or ""), self.uri,
                            type(exc).__name__, exc, self._consequence())
            raise StorageUnavailable(f"rate limit storage unavailable ({self.uri}): {exc}") from exc
        if self._down_until:
            with self._lock:
                was_down, self._down_until = self._down_until, 0.0
            if was_down:
                log.warning("rate limit storage answers again (%s) after %.0f s; limits are enforced again",
                            self.uri, time.monotonic() - self._down_since)
        return result

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self._call("incr", key, expiry, amount=amount)

    def get(self, key: str) -> int:
        return self._call("get", key)

    def get_expiry(self, key: str) -> float:
        return self._call("get_expiry", key)

    def clear(self, key: str) -> None:
        return self._call("clear", key)

    def check(self) -> bool:
        try:
            return bool(self._call("check", None))
        except StorageUnavailable:
            return False

    def reset(self) -> int | None:
        return self._call("reset", None)


class AppLimiter(Limiter):
    """Flask-Limiter with the storage rules of this module: short Redis timeouts, fail fast, log why."""

    def init_app(self, app) -> None:
        """Bind to ``app``; a shared storage is wrapped in :class:`FailFastStorage`."""
        uri = app.config.get(ConfigVars.STORAGE_URI)
        timeout = float(app.config.get("RATELIMIT_STORAGE_TIMEOUT", 0.5))
        app.config[ConfigVars.STORAGE_OPTIONS] = {**storage_options(uri, timeout),
                                                  **(app.config.get(ConfigVars.STORAGE_OPTIONS) or {})}
        # Flask-Limiter reads these from the first app's config only; this one object serves every
        # app built in the process (the tests build many), so each app's own settings must count.
        self._swallow_errors = self._headers_enabled = self._fail_on_first_breach = None
        super().init_app(app)
        if not self.enabled or not is_shared(uri):
            return
        # Flask-Limiter has no hook for wrapping its storage: replace it and the strategy built on it.
        self._storage = FailFastStorage(self._storage, uri, bool(app.config.get(ConfigVars.SWALLOW_ERRORS)),
                                        float(app.config.get("RATELIMIT_STORAGE_RETRY_SECONDS", RETRY_SECONDS)))
        self._limiter = STRATEGIES[self._strategy](self._storage)

    def _has_request_wide_limits(self) -> bool:
        """Whether any limit applies beyond a view's own decorator (application, default, meta or
        blueprint limits, or the in-memory fallback that replaces them while the storage is down)."""
        manager = self.limit_manager
        return bool(manager._application_limits or manager._default_limits or self._meta_limits
                    or manager._blueprint_limits or self._in_memory_fallback_enabled)

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        # Flask-Limiter's before_request hook (in_middleware) evaluates only request-wide limits; a
        # decorated view's own limits (the login limits) are checked by its decorator, which calls
        # this with in_middleware=False. This app sets no request-wide limit, so on every request
        # the hook resolved an empty list at ~0.1 ms: skip it while there is none to check.
        if in_middleware and callable_name is None and not self._has_request_wide_limits():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)


def fail_open(exc: Exception) -> bool:
    """Whether a request goes on after the limiter's storage raised ``exc`` (RATELIMIT_SWALLOW_ERRORS);
    logs the failure unless :class:`FailFastStorage` already did."""
    if not current_app.config.get(ConfigVars.SWALLOW_ERRORS):
        return False
    if not isinstance(exc, StorageUnavailable):
        log.warning("rate limit storage failed: %s: %s; allowing the request", type(exc).__name__, exc)
    return True
