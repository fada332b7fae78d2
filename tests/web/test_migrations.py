"""The Alembic migrations build the models' schema, and upgrading twice keeps the data."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db


@pytest.mark.sqlite_only
def test_upgrade_is_idempotent_and_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db", "upgrade"])
    assert first.exit_code == 0, (first.output, repr(first.exception))
    assert runner.invoke(args=["demo"]).exit_code == 0
    second = runner.invoke(args=["db", "upgrade"])
    assert second.exit_code == 0, second.output
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        from app.models import User

        assert sorted(u.username for u in db.session.scalars(db.select(User))) == [
            "admin", "student1", "student2", "student3", "teacher"]
        db.session.rollback()  # release this session's write transaction before reading the schema
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.sqlite_only
def test_upgrading_in_process_leaves_the_apps_loggers_on(tmp_path):
    # Alembic's env.py configures logging from alembic.ini; by default that disables every logger
    # that already exists, and the app's (the rate limiter's fail-open warning, the autosave door's
    # notes) would then say nothing in a process that upgraded first (`make run`, the tests).
    import logging

    import app.api.save_door  # noqa: F401  (its logger exists before the upgrade)
    import app.ratelimit  # noqa: F401

    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.db'}"})
    result = application.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    for name in ("app.api.save_door", "app.ratelimit"):
        assert not logging.getLogger(name).disabled, name
