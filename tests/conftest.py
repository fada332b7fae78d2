"""Shared fixtures: app → db → users, a test client and CLI runner, and a login helper.

Every test gets its own SQLite file; when TEST_DATABASE_URL is set (CI starts PostgreSQL) the
web tests run against that server instead, with every table emptied between tests.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db as _db

PASSWORD = "secret-pass-123"
PG_URL = os.environ.get("TEST_DATABASE_URL")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: exercises SQLite specifics")
    config.addinivalue_line("markers", "browser: needs Chromium")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


@pytest.fixture
def app_config(tmp_path):
    """Overrides for the testing configuration (tests may add to them before ``app`` is built)."""
    url = PG_URL or f"sqlite:///{tmp_path / 'test.db'}"
    return {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False}


@pytest.fixture
def app(app_config):
    """A Flask app on a fresh database with the schema created."""
    application = create_app(dict(app_config))
    with application.app_context():
        if PG_URL:
            _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        if PG_URL:
            _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def csrf_app(app_config):
    """Like ``app`` but with CSRF protection on, as in production."""
    app_config["WTF_CSRF_ENABLED"] = True
    application = create_app(dict(app_config))
    with application.app_context():
        if PG_URL:
            _db.drop_all()
        _db.create_all()
    yield application
    with application.app_context():
        _db.session.remove()
        if PG_URL:
            _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(app, username, role="student", full_name="", student_number="", password=PASSWORD):
    """Create a user directly through the service layer."""
    from app.models import Role
    from app.services.accounts import create_user

    with app.app_context():
        user = create_user(username, password, Role(role), full_name, student_number)
        _db.session.commit()
        return user.id


@pytest.fixture
def users(app):
    """One account per role: student, student2, teacher, admin."""
    return {
        "student": make_user(app, "student", full_name="张三", student_number="S001"),
        "student2": make_user(app, "student2", full_name="李四", student_number="S002"),
        "teacher": make_user(app, "teacher", "instructor", "王老师"),
        "admin": make_user(app, "admin", "admin", "管理员"),
    }


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, username="student", password=PASSWORD):
        return self._client.post("/auth/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")

    def api_login(self, username="student", password=PASSWORD):
        response = self._client.post("/api/v1/session", json={"username": username, "password": password})
        return response.get_json()


@pytest.fixture
def auth(client):
    return AuthActions(client)
