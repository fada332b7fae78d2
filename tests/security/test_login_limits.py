"""Login limits a school network cannot turn against itself, equal work for unknown usernames,
TRUSTED_PROXIES, and the limit on wrong current passwords."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from argon2 import PasswordHasher

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, _app_with_schema, make_user

NAT = "10.1.1.1"  # one school's NAT address


def _login(client, via, username, password, **kwargs):
    if via == "form":
        return client.post("/auth/login", data={"username": username, "password": password}, **kwargs)
    return client.post("/api/v1/session", json={"username": username, "password": password}, **kwargs)


OK = {"form": 302, "api": 200}


@pytest.mark.parametrize("via", ["form", "api"])
def test_ten_typos_behind_one_nat_do_not_lock_out_the_next_student(client, users, via):
    for i in range(10):
        response = _login(client, via, f"nosuchuser{i}", "wrong", environ_overrides={"REMOTE_ADDR": NAT})
        assert response.status_code == 401
    # A few more real typos from the same hall, on existing accounts, still do not.
    for name in ("student", "teacher"):
        assert _login(client, via, name, "wrong", environ_overrides={"REMOTE_ADDR": NAT}).status_code == 401
    response = _login(client, via, "student2", PASSWORD, environ_overrides={"REMOTE_ADDR": NAT})
    assert response.status_code == OK[via]


def test_the_address_limit_still_stops_one_machine_spraying_usernames(app, client, users):
    app.config["LOGIN_ADDRESS_FAILURE_LIMIT"] = "20 per minute"
    for i in range(20):
        assert _login(client, "api", f"spray{i}", "123456", environ_overrides={"REMOTE_ADDR": NAT}).status_code == 401
    limited = _login(client, "api", "student2", PASSWORD, environ_overrides={"REMOTE_ADDR": NAT})
    assert limited.status_code == 429 and "登录失败次数过多" in limited.get_json()["error"]
    assert _login(client, "api", "student2", PASSWORD, environ_overrides={"REMOTE_ADDR": "10.2.2.2"}).status_code == 200


def test_the_username_limit_is_kept_across_addresses(client, users):
    for i in range(10):
        response = _login(client, "form", "student", "wrong", environ_overrides={"REMOTE_ADDR": f"10.3.0.{i}"})
        assert response.status_code == 401
    assert _login(client, "form", "student", PASSWORD, environ_overrides={"REMOTE_ADDR": "10.3.1.1"}).status_code == 429


def test_address_limit_default_is_sized_for_a_hall_and_env_overridable():
    from config import Config

    assert Config.LOGIN_ADDRESS_FAILURE_LIMIT == os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "300 per minute")
    assert Config.LOGIN_FAILURE_LIMIT == os.environ.get("LOGIN_FAILURE_LIMIT", "10 per minute")
    assert Config.TRUSTED_PROXIES == int(os.environ.get("TRUSTED_PROXIES", "0") or 0)
    env = dict(os.environ, LOGIN_ADDRESS_FAILURE_LIMIT="500 per minute", PASSWORD_CHANGE_FAILURE_LIMIT="3 per hour")
    out = subprocess.run([sys.executable, "-c", "from config import Config as C; "
                          "print(C.LOGIN_ADDRESS_FAILURE_LIMIT, '|', C.PASSWORD_CHANGE_FAILURE_LIMIT)"],
                         env=env, capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == "500 per minute | 3 per hour"


# -- TRUSTED_PROXIES ------------------------------------------------------------------------------

NGINX = "10.0.0.2"


@pytest.fixture(params=[0, 1], ids=["no-proxy", "one-proxy"])
def proxied(request, app_config):
    """An app with TRUSTED_PROXIES = 0 or 1 and a small address limit; every request comes from nginx."""
    overrides = dict(app_config, TRUSTED_PROXIES=request.param, LOGIN_ADDRESS_FAILURE_LIMIT="5 per minute")
    for application in _app_with_schema(overrides):
        make_user(application, "student2")
        yield request.param, application


def _via_nginx(client, client_address, username, password, forwarded=None):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       environ_overrides={"REMOTE_ADDR": NGINX},
                       headers={"X-Forwarded-For": forwarded or client_address})


def test_trusted_proxies_decides_which_address_the_limit_counts(proxied):
    hops, application = proxied
    client = application.test_client()
    for i in range(5):
        assert _via_nginx(client, "203.0.113.7", f"ghost{i}", "x").status_code == 401
    other_student = _via_nginx(client, "203.0.113.8", "student2", PASSWORD)
    if hops == 1:
        # Keyed on the client address nginx reported: only the sprayer is stopped.
        assert other_student.status_code == 200
        assert _via_nginx(client, "203.0.113.7", "student2", PASSWORD).status_code == 429
        # A forged X-Forwarded-For from the client is ignored: nginx appends the real address last.
        forged = _via_nginx(client, "", "student2", PASSWORD, forwarded="198.51.100.1, 203.0.113.7")
        assert forged.status_code == 429
    else:
        # The header is not believed: everyone is nginx's address, so one spray blocks everyone.
        assert other_student.status_code == 429


def test_trusted_proxies_sets_the_address_the_app_sees(proxied):
    from flask import request

    hops, application = proxied
    seen = {}  # ProxyFix acts in the WSGI call, so look from inside a request

    @application.route("/_whoami")
    def _whoami():
        seen["addr"] = request.remote_addr
        return "ok"

    application.test_client().get("/_whoami", environ_overrides={"REMOTE_ADDR": NGINX},
                                  headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"})
    assert seen["addr"] == ("203.0.113.7" if hops == 1 else NGINX)


# -- equal work for known and unknown usernames ----------------------------------------------------


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts argon2 verifications and hashings (the real ones still run)."""
    calls: list[str] = []
    verify, hash_ = PasswordHasher.verify, PasswordHasher.hash

    def counting_verify(self, *args, **kwargs):
        calls.append("verify")
        return verify(self, *args, **kwargs)

    def counting_hash(self, *args, **kwargs):
        calls.append("hash")
        return hash_(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    return calls


@pytest.mark.parametrize("via", ["form", "api"])
@pytest.mark.parametrize("username,password,outcome", [
    ("nobody-here", "whatever-1", 401),
    ("student", "wrong-password", 401),
    ("inactive", PASSWORD, 401),
    ("student", PASSWORD, "ok"),
])
def test_every_login_costs_exactly_one_argon2_verification(app, client, users, argon2_calls, via, username,
                                                           password, outcome):
    make_user(app, "inactive")
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="inactive")).active = False
        db.session.commit()
    argon2_calls.clear()
    response = _login(client, via, username, password)
    assert response.status_code == (OK[via] if outcome == "ok" else outcome)
    assert argon2_calls == ["verify"]


def test_the_dummy_hash_uses_the_configured_parameters(app):
    from app.services.passwords import dummy_hash

    with app.app_context():
        params = PasswordHasher().check_needs_rehash
        hasher = PasswordHasher(time_cost=app.config["ARGON2_TIME_COST"], memory_cost=app.config["ARGON2_MEMORY_COST"],
                                parallelism=app.config["ARGON2_PARALLELISM"])
        assert not hasher.check_needs_rehash(dummy_hash())
        assert params(dummy_hash())  # not the library defaults: the configured (here cheap) ones
        assert dummy_hash() is dummy_hash()  # computed once


# -- wrong current passwords on /auth/password ----------------------------------------------------


def _change(client, current):
    return client.post("/auth/password", data={"current_password": current, "new_password": "brand-new-pass-1",
                                               "confirm": "brand-new-pass-1"})


def test_wrong_current_passwords_are_limited_per_user(app, client, auth, users, argon2_calls):
    auth.login()
    for _ in range(5):
        response = _change(client, "guess-guess")
        assert response.status_code == 200 and "当前密码不正确" in response.get_data(as_text=True)
    argon2_calls.clear()
    limited = _change(client, PASSWORD)  # even the right one waits: guessing gains nothing
    assert limited.status_code == 429
    assert "当前密码输错次数过多，请 10 分钟后再试。" in limited.get_data(as_text=True)
    assert argon2_calls == []  # refused before any verification
    with app.app_context():
        assert db.session.get(User, users["student"]).session_version == 0  # nothing changed
    assert client.get("/api/v1/session").status_code == 200  # the session itself goes on
    # Another user (even from the same address) is not affected.
    other = app.test_client()
    other.post("/auth/login", data={"username": "student2", "password": PASSWORD})
    assert _change(other, PASSWORD).status_code == 302


def test_the_password_limit_in_english(app, client, auth, users):
    app.config["PASSWORD_CHANGE_FAILURE_LIMIT"] = "1 per hour"
    client.post("/language", data={"locale": "en"})
    auth.login()
    _change(client, "guess-guess")
    limited = _change(client, "guess-guess")
    assert limited.status_code == 429 and "try again in 60 minutes" in limited.get_data(as_text=True)


def _bare_limited_app(**limiter_options):
    """A minimal Flask app with its own AppLimiter (the app's limiter is shared by every test app,
    so request-wide limits set on it would leak into other tests)."""
    from flask import Flask

    from app.ratelimit import AppLimiter

    flask_app = Flask("limits-probe")
    flask_app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_HEADERS_ENABLED=True)
    limiter = AppLimiter(key_func=lambda: "one-key", **limiter_options)
    limiter.init_app(flask_app)

    @flask_app.route("/free")
    def free():
        return "ok"

    @flask_app.route("/limited")
    @limiter.limit("2 per minute")
    def limited():
        return "ok"

    return flask_app, limiter


def test_a_view_limit_still_counts_when_no_request_wide_limit_exists():
    # The before_request check is skipped when there is no request-wide limit; a decorated view's
    # own limit (like the login limits) is checked by its decorator and still holds.
    flask_app, limiter = _bare_limited_app()
    assert not limiter._has_request_wide_limits()
    client = flask_app.test_client()
    assert [client.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
    assert all(client.get("/free").status_code == 200 for _ in range(5))


@pytest.mark.parametrize("option", ["application_limits", "default_limits"])
def test_request_wide_limits_are_still_checked_before_every_request(option):
    flask_app, limiter = _bare_limited_app(**{option: ["3 per minute"]})
    assert limiter._has_request_wide_limits()
    client = flask_app.test_client()
    assert [client.get("/free").status_code for _ in range(4)] == [200, 200, 200, 429]
