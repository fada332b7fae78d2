"""Shared fixtures: app → db → users, a test client and CLI runner, and a login helper.

Every test gets its own SQLite file; when TEST_DATABASE_URL is set (CI starts PostgreSQL) the
web tests run against that server instead, with every table emptied between tests.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import flask_babel
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import event, text

from app import create_app
from app.extensions import db as _db

# Property tests check results, not speed: on a shared, loaded machine one example may take longer
# than Hypothesis's default 200 ms deadline without anything being wrong.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")

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


def _app_with_schema(config):
    """Build an app on a fresh schema; drop it afterwards on PostgreSQL (shared between tests)."""
    application = create_app(dict(config))
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
def app(app_config):
    """A Flask app on a fresh database with the schema created (CSRF off for brevity)."""
    yield from _app_with_schema(app_config)


@pytest.fixture
def csrf_app(app_config):
    """Like ``app`` but with CSRF protection on, as in production."""
    yield from _app_with_schema(dict(app_config, WTF_CSRF_ENABLED=True))


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


REAL_BANK = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "question_bank", "crm")


def write_mini_bank(target_dir, per_type=3):
    """Copy the first ``per_type`` real questions of each type into a small bank (fast to sync)."""
    import yaml

    chosen: dict[str, list] = {}
    for name in sorted(os.listdir(REAL_BANK)):
        with open(os.path.join(REAL_BANK, name), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        for question in data["questions"]:
            bucket = chosen.setdefault(data["chapter"], [])
            counted = sum(1 for qs in chosen.values() for q in qs if q["type"] == question["type"])
            if counted < per_type:
                bucket.append(question)
    course_dir = os.path.join(target_dir, "crm")
    os.makedirs(course_dir, exist_ok=True)
    for chapter, questions in chosen.items():
        if questions:
            with open(os.path.join(course_dir, f"{chapter}.yaml"), "w", encoding="utf-8") as fh:
                yaml.safe_dump({"chapter": chapter, "questions": questions}, fh, allow_unicode=True, sort_keys=False)
    return target_dir


@pytest.fixture
def mini_bank(app, tmp_path):
    """A small real-question bank synced into the database; returns the question ids by type."""
    from app.models import Question
    from app.services.bank import sync_bank

    folder = write_mini_bank(str(tmp_path / "bank"))
    app.config["QUESTION_BANK_DIR"] = folder
    with app.app_context():
        report = sync_bank("crm")
        assert not report.problems, report.problems
        by_type: dict[str, list[str]] = {}
        for q in _db.session.scalars(_db.select(Question)):
            by_type.setdefault(q.type, []).append(q.qid)
    return by_type


@pytest.fixture
def exam_factory(app, users, mini_bank):
    """Create an exam for a class holding student and student2."""
    from app.models import User
    from app.services.classes import add_member, get_or_create_class
    from app.services.exams import create_exam

    with app.app_context():
        group = get_or_create_class("一班", None)
        for name in ("student", "student2"):
            add_member(group, _db.session.scalar(_db.select(User).filter_by(username=name)))
        _db.session.commit()

    def make(**overrides):
        definition = {
            "title": "测验", "time_limit_minutes": 30, "max_attempts": 0, "review_policy": "immediately",
            "classes": ["一班"],
            "rules": [{"types": ["single"], "count": 2, "points": 1},
                      {"types": ["multiple"], "count": 1, "points": 2},
                      {"types": ["true_false"], "count": 1},
                      {"types": ["ordering"], "count": 1, "points": 2},
                      {"types": ["numeric"], "count": 1, "points": 3},
                      {"types": ["fill_blank"], "count": 1},
                      {"types": ["matching"], "count": 1, "points": 2},
                      {"types": ["essay"], "count": 1, "points": 5}],
        }
        definition.update(overrides)
        with app.app_context():
            teacher = _db.session.scalar(_db.select(User).filter_by(username="teacher"))
            return create_exam(definition, teacher).id

    return make


@pytest.fixture
def lookups(monkeypatch):
    """Every msgid looked up while rendering, and whether the active catalogue translated it."""
    seen: dict[str, bool] = {}
    original = flask_babel.Domain.get_translations

    def recording(self):
        translations = original(self)
        catalogue = getattr(translations, "_catalog", {})

        class Recorder:
            def __getattr__(self, name):
                return getattr(translations, name)

            def ugettext(self, msgid):
                seen[msgid] = msgid in catalogue
                return translations.ugettext(msgid)

            gettext = ugettext

            def upgettext(self, context, msgid):
                seen[f"{context}|{msgid}"] = f"{context}\x04{msgid}" in catalogue
                return translations.upgettext(context, msgid)

            pgettext = upgettext

        return Recorder()

    monkeypatch.setattr(flask_babel.Domain, "get_translations", recording)
    return seen


@contextmanager
def recorded_statements(app):
    """Every SQL statement the app's engine executes inside the ``with`` block, in order."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def redis_server():
    """A real ``redis-server`` of its own on a free loopback port (no persistence, a temp dir);
    skips only when the binary is missing (CI installs it: .ci/run)."""
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))
    from servers import REDIS_SERVER, RedisServer

    if not RedisServer.available():
        pytest.skip(f"needs redis-server ({REDIS_SERVER} not found; apt-get install redis-server)")
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()
