"""PostgreSQL connections are pinged on checkout only after sitting idle (app.database.ping_when_idle)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


def _backend_pid(app) -> int:
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # back to the pool
        return pid


def _terminate(pid: int) -> None:
    killer = create_engine(PG_URL)
    try:
        with killer.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}) is True
    finally:
        killer.dispose()
    time.sleep(0.2)  # the backend has gone


@pytest.fixture
def pg_app():
    made = []

    def make(idle_seconds: float):
        app = create_app({"SQLALCHEMY_DATABASE_URI": PG_URL, "DB_PING_IDLE_SECONDS": idle_seconds,
                          "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}})
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_a_connection_that_sat_idle_is_pinged_and_replaced_when_dead(pg_app):
    app = pg_app(0.3)
    first = _backend_pid(app)
    _terminate(first)
    time.sleep(0.3)  # idle longer than DB_PING_IDLE_SECONDS: the checkout pings it
    assert _backend_pid(app) != first  # the dead connection was replaced before use, no error


def test_a_connection_used_moments_ago_is_not_pinged(pg_app):
    # The documented trade-off: a server restart between two requests fails the next one on that
    # connection; the pool drops it and the request after gets a new one.
    app = pg_app(60)
    first = _backend_pid(app)
    _terminate(first)
    with app.app_context():
        with pytest.raises(OperationalError):
            db.session.execute(text("SELECT 1"))
        db.session.remove()
    assert _backend_pid(app) != first


def test_zero_pings_every_checkout_as_pool_pre_ping():
    app = create_app({"SQLALCHEMY_DATABASE_URI": PG_URL, "DB_PING_IDLE_SECONDS": 0})
    try:
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
        first = _backend_pid(app)
        _terminate(first)
        assert _backend_pid(app) != first  # pinged at once, replaced, no error
    finally:
        with app.app_context():
            db.engine.dispose()
