"""SQLite writers queue on a lock that hands over at once, and always let go of it."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest

from app.database import immediate_transaction, set_read_only
from app.extensions import db
from app.models import ClassGroup

pytestmark = pytest.mark.sqlite_only


def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        return db.engine.url.database


def test_many_threads_write_through_the_queue_without_errors(app):
    sqlite_only(app)
    errors = []

    def writer(n):
        try:
            with app.app_context():
                set_read_only(True)
                for i in range(10):
                    db.session.execute(db.select(ClassGroup.id)).all()  # a read first, as requests do
                    with immediate_transaction():
                        db.session.add(ClassGroup(name=f"c{n}-{i}"))
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert db.session.query(ClassGroup).count() == 80


def test_the_queue_is_reentrant_and_released_after_an_error(app):
    database = sqlite_only(app)
    with app.app_context():
        with immediate_transaction():
            db.session.add(ClassGroup(name="outer"))
            with immediate_transaction():  # nested: must not wait on itself
                db.session.add(ClassGroup(name="inner"))
        with pytest.raises(RuntimeError):
            with immediate_transaction():
                db.session.add(ClassGroup(name="rolled back"))
                raise RuntimeError("boom")
        assert sorted(db.session.scalars(db.select(ClassGroup.name))) == ["inner", "outer"]
    # Another process (here: another open file description) can take the lock: it was released.
    fd = os.open(database + ".writelock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
