"""Database engine set-up: SQLite pragmas, ``BEGIN IMMEDIATE`` writes, PostgreSQL as is.

SQLite is opened with WAL, a busy timeout, ``synchronous=FULL`` and foreign keys on. A deferred
transaction that reads and then writes fails at once with "database is locked" when another
connection wrote in between, whatever the busy timeout; so every transaction that may write
starts with ``BEGIN IMMEDIATE`` and waits its turn instead. Read-only requests (GET, HEAD) use a
deferred transaction so they never queue behind writers; code that writes during such a request
wraps the write in :func:`immediate_transaction`.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

_read_only = contextvars.ContextVar("read_only_transaction", default=False)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Install the SQLite connection pragmas and transaction mode on ``engine``."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial
        # Autocommit at the driver level: we issue BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def set_read_only(flag: bool) -> contextvars.Token:
    """Mark the current context's transactions as read-only (deferred) or writing (immediate)."""
    return _read_only.set(flag)


def reset_read_only(token: contextvars.Token) -> None:
    """Undo :func:`set_read_only`."""
    _read_only.reset(token)


def reads_first(view):
    """Mark a writing view whose reads may run deferred: it writes only inside :func:`immediate_transaction`.

    Without it a POST or PUT takes SQLite's write lock at its first query (loading the user) and
    holds it through all its Python work; with it the lock is held only for the write itself.
    """
    view.reads_first = True
    return view


@contextmanager
def immediate_transaction() -> Iterator[None]:
    """Run a write inside a read-only request: end the deferred transaction, write, commit."""
    db.session.commit()
    token = _read_only.set(False)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _read_only.reset(token)
