"""Configuration safety: production secret, cookie flags, SQLite pragmas."""

import pytest
from sqlalchemy import text

from app import create_app
from config import ConfigError


@pytest.mark.parametrize("secret", [None, "", "dev-secret-change-me", "short"])
def test_production_refuses_default_or_weak_secret(monkeypatch, tmp_path, secret):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secret)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app("production")


def test_production_starts_with_real_secret_and_secure_cookies(monkeypatch, tmp_path):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_never_creates_demo_data(monkeypatch, tmp_path):
    from config import ProductionConfig
    from app.extensions import db

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/p.db")
    app = create_app("production")
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "生产" in result.output
    with app.app_context():
        assert db.session.execute(text("select count(*) from user")).scalar() == 0


def test_session_cookie_is_httponly_and_lax(client, users):
    response = client.post("/api/v1/session", json={"username": "student", "password": "secret-pass-123"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.sqlite_only
def test_sqlite_pragmas(app):
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.sqlite_only
def test_write_transactions_begin_immediate(app):
    """A second writer waits for the first instead of failing with 'database is locked'."""
    import threading
    import time

    from app.extensions import db
    from app.models import ClassGroup

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
    errors = []

    def writer(name, hold):
        try:
            with app.app_context():
                db.session.execute(text("select count(*) from class_group")).scalar()  # read first
                db.session.add(ClassGroup(name=name))
                db.session.flush()
                time.sleep(hold)
                db.session.commit()
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"c{i}", 0.2)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert db.session.query(ClassGroup).count() == 4
