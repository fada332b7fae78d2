"""Login limits shared by several app processes through Redis, and what happens when Redis is gone.

Real ``redis-server`` (the ``redis_server`` fixture) and, where processes matter, real gunicorn
processes on one SQLite file, configured as production (``RATELIMIT_SWALLOW_ERRORS`` on).
"""

from __future__ import annotations

import logging
import os
import secrets
import time

import pytest

from tests.conftest import PASSWORD, make_user
from tests.recovery.live import Gunicorn, LiveStudent

LIMIT = 10  # failures per minute per username, as in production
LOCKED = "登录失败次数过多"


def _shared_database(tmp_path) -> str:
    """A SQLite file with the schema and two students, for app processes to share."""
    from app import create_app
    from app.extensions import db

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
    make_user(app, "pupil")
    make_user(app, "pupil2")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return url


def _servers(tmp_path, count: int, storage_uri: str, **env) -> list[Gunicorn]:
    url = _shared_database(tmp_path)
    environment = dict(os.environ, APP_CONFIG="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=url,
                       RATELIMIT_STORAGE_URI=storage_uri, LOGIN_FAILURE_LIMIT=f"{LIMIT} per minute",
                       LOGIN_ADDRESS_FAILURE_LIMIT="300 per minute", **env)
    servers = [Gunicorn("app:create_app()", environment, workers=1, threads=2, log_path=tmp_path / f"server{i}.log")
               for i in range(count)]
    try:
        for server in servers:
            server.start("/api/v1/openapi.json")
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


def _login(server: Gunicorn, username: str, password: str) -> tuple[int, object]:
    return LiveStudent(0, username).call(server.url, "POST", "/api/v1/session",
                                         {"username": username, "password": password})


@pytest.mark.slow
@pytest.mark.parametrize("storage", ["redis", "memory"])
def test_the_username_limit_counts_failures_from_both_app_processes(storage, redis_server, tmp_path):
    uri = redis_server.url if storage == "redis" else "memory://"
    one, other = _servers(tmp_path, 2, uri)
    try:
        assert one.proc.pid != other.proc.pid
        for _ in range(LIMIT - 1):
            assert _login(one, "pupil", "wrong-password")[0] == 401
        assert _login(other, "pupil", "wrong-password")[0] == 401
        if storage == "memory":
            # The reason for Redis: each process counted only its own failures, so the guesser
            # still gets in on either (2 processes = twice the tries).
            assert _login(other, "pupil", PASSWORD)[0] == 200
            assert _login(one, "pupil", PASSWORD)[0] == 200
            return
        # N-1 failures on one process and one on the other: locked on both, even with the right password.
        for server in (one, other):
            status, body = _login(server, "pupil", PASSWORD)
            assert status == 429 and LOCKED in body["error"], (status, body)
        # Per username, not per process or address: another student logs in on both.
        assert _login(one, "pupil2", PASSWORD)[0] == 200
        assert _login(other, "pupil2", PASSWORD)[0] == 200
    finally:
        one.stop()
        other.stop()


@pytest.mark.slow
def test_with_redis_stopped_logins_still_work_and_the_log_says_why(redis_server, tmp_path):
    (server,) = _servers(tmp_path, 1, redis_server.url, RATELIMIT_STORAGE_RETRY_SECONDS="1")
    try:
        assert _login(server, "pupil", "wrong-password")[0] == 401  # counted in Redis
        redis_server.stop()
        started = time.monotonic()
        assert _login(server, "pupil", PASSWORD)[0] == 200
        for _ in range(LIMIT + 2):  # fail open: nothing is counted, nothing is limited
            assert _login(server, "pupil", "wrong-password")[0] == 401
        assert _login(server, "pupil", PASSWORD)[0] == 200
        # Connection refused is immediate; 14 logins (argon2 at production cost) in well under 14 s.
        assert time.monotonic() - started < 14
        log = (tmp_path / "server0.log").read_text(errors="replace")
        line = next((line for line in log.splitlines() if "rate limit storage unavailable" in line), "")
        assert f"login rate limit storage unavailable ({redis_server.url})" in line, log[-3000:]
        assert "ConnectionError" in line and "allowing the request" in line
        assert log.count("rate limit storage unavailable") == 1  # once per outage, not once per login
        assert "Traceback" not in log

        # Redis back (same port, empty): after the retry interval the limit holds again.
        redis_server.start()
        time.sleep(1.2)
        for _ in range(LIMIT):
            assert _login(server, "pupil", "wrong-password")[0] == 401
        assert _login(server, "pupil", PASSWORD)[0] == 429
        assert "rate limit storage answers again" in (tmp_path / "server0.log").read_text(errors="replace")
    finally:
        server.stop()


# --- in process: a hung Redis, and the exam access code -------------------------------------------

@pytest.fixture
def app_config(app_config, redis_server):
    """The test app on the real Redis, failing open as production does; short timeout and retry."""
    return dict(app_config, RATELIMIT_STORAGE_URI=redis_server.url, RATELIMIT_SWALLOW_ERRORS=True,
                RATELIMIT_STORAGE_TIMEOUT=0.3, RATELIMIT_STORAGE_RETRY_SECONDS=30)


def _redis_keys(redis_server, pattern: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    try:
        return [key.decode() for key in client.keys(pattern)]
    finally:
        client.close()


@pytest.mark.slow
def test_a_hung_redis_costs_one_timeout_not_one_per_login(app, client, users, redis_server, caplog):
    assert client.post("/api/v1/session", json={"username": "student", "password": "wrong"}).status_code == 401
    assert _redis_keys(redis_server, "*login-user:student*")  # the counter lives in Redis
    redis_server.pause()  # accepts connections, answers nothing
    try:
        caplog.set_level(logging.WARNING, logger="app.ratelimit")
        started = time.monotonic()
        for _ in range(LIMIT + 2):
            assert client.post("/api/v1/session", json={"username": "student", "password": "wrong"}).status_code == 401
        assert client.post("/api/v1/session", json={"username": "student", "password": PASSWORD}).status_code == 200
        elapsed = time.monotonic() - started
        # One 0.3 s timeout, then no waiting: 13 logins without the breaker would wait ≥ 13 × 0.3 s
        # (more, as each login asks Redis several times); without timeouts they would hang.
        assert elapsed < 3.0, elapsed
        warnings = [r.getMessage() for r in caplog.records if r.name == "app.ratelimit"]
        assert len(warnings) == 1 and "TimeoutError" in warnings[0] and "allowing the request" in warnings[0]
        assert warnings[0].startswith(f"login rate limit storage unavailable ({redis_server.url})")
    finally:
        redis_server.resume()


def test_the_access_code_limit_is_shared_and_fails_open_the_same_way(app, client, exam_factory, redis_server,
                                                                     caplog):
    from tests.web.test_exams_api import login

    exam_id = exam_factory(access_code="CRM-2026")
    headers = login(client)
    url = f"/api/v1/exams/{exam_id}/attempts"
    assert client.post(url, json={"access_code": "guess"}, headers=headers).status_code == 403
    assert _redis_keys(redis_server, f"*exam-code*{exam_id}*")  # counted where every process sees it
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="app.ratelimit")
    for _ in range(12):  # beyond the limit of 10: nothing is counted while Redis is down
        wrong = client.post(url, json={"access_code": "guess"}, headers=headers)
        assert wrong.status_code == 403 and "访问码不正确" in wrong.get_json()["error"]
    assert client.post(url, json={"access_code": "CRM-2026"}, headers=headers).status_code == 200
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.ratelimit"]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"exam access code rate limit storage unavailable ({redis_server.url})")
    assert "allowing the request" in warnings[0]


def test_failing_open_is_the_swallow_errors_setting(app, redis_server):
    from app.auth.session import password_change_failures

    redis_server.stop()
    with app.test_request_context():
        assert not password_change_failures.exceeded(1)  # swallowed: not limited
        app.config["RATELIMIT_SWALLOW_ERRORS"] = False
        with pytest.raises(ConnectionError):
            password_change_failures.exceeded(1)


def test_storage_options_and_redacted_addresses():
    from app.ratelimit import is_shared, redact, storage_options

    options = storage_options("redis://10.0.0.5:6379/0", 0.5)
    assert options["socket_connect_timeout"] == options["socket_timeout"] == 0.5
    assert options["retry"]._retries == 0
    assert storage_options("memory://", 0.5) == {}
    assert redact("redis://:s3cret@10.0.0.5:6379/0") == "redis://:***@10.0.0.5:6379/0"
    assert redact("redis://crm:s3cret@10.0.0.5:6379/0") == "redis://crm:***@10.0.0.5:6379/0"
    assert redact("redis://10.0.0.5:6379/0") == "redis://10.0.0.5:6379/0"
    assert is_shared("redis://x:1/0") and not is_shared("memory://") and not is_shared(None)
