"""Database engine set-up: SQLite pragmas, ``BEGIN IMMEDIATE`` writes, PostgreSQL as is.

SQLite is opened with WAL, a busy timeout, ``synchronous=FULL`` and foreign keys on. A deferred
transaction that reads and then writes fails at once with "database is locked" when another
connection wrote in between, whatever the busy timeout; so every transaction that may write
starts with ``BEGIN IMMEDIATE`` and waits its turn instead. Read-only requests (GET, HEAD), and
work outside a request marked :func:`reads_only`, use a deferred transaction so they never queue
behind writers nor hold the write lock; code that writes during such a request wraps the write in
:func:`immediate_transaction`.
"""

from __future__ import annotations

import contextvars
import functools
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from .extensions import db

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: threads still queue, processes use SQLite's handler
    fcntl = None

_read_only = contextvars.ContextVar("read_only_transaction", default=False)


def configure_engine(engine: Engine, busy_timeout_ms: int, ping_idle_seconds: float = 0.0) -> None:
    """Install the SQLite connection pragmas and transaction mode on ``engine``; on a server
    database, the ping of connections that sat idle (:func:`ping_when_idle`)."""
    if engine.dialect.name != "sqlite":
        if ping_idle_seconds > 0:
            ping_when_idle(engine, ping_idle_seconds)
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
        connection.exec_driver_sql(begin_statement())


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection with a ping on checkout only if it sat idle ``idle_seconds`` or more.

    ``pool_pre_ping`` pings on every checkout: a round trip to PostgreSQL that cost ~15 % of a
    start in a hall's start burst (a start checks out three times). A connection returned moments
    ago is alive unless the server restarted in between; then that one request fails, the pool
    drops the connection, and the next request gets a new one. A failed ping replaces the
    connection before use, as ``pool_pre_ping`` does.
    """

    @event.listens_for(engine, "checkin")
    def _stamp(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or in use moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


def begin_statement() -> str:
    """How a SQLite transaction of the current context starts: deferred when read-only, else immediate."""
    return "BEGIN" if _read_only.get() else "BEGIN IMMEDIATE"


def set_read_only(flag: bool) -> contextvars.Token:
    """Mark the current context's transactions as read-only (deferred) or writing (immediate)."""
    return _read_only.set(flag)


def reset_read_only(token: contextvars.Token) -> None:
    """Undo :func:`set_read_only`."""
    _read_only.reset(token)


def reads_only(func):
    """Run ``func`` with deferred transactions: work outside a request that never writes (a worker's
    warm-up, a read-only command). Outside a request a transaction otherwise begins IMMEDIATE and
    holds SQLite's write lock, stalling every save of a hall, for as long as ``func`` runs."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        token = _read_only.set(True)
        try:
            return func(*args, **kwargs)
        finally:
            _read_only.reset(token)

    return wrapper


def reads_first(view):
    """Mark a writing view whose reads may run deferred: it writes only inside :func:`immediate_transaction`.

    Without it a POST or PUT takes SQLite's write lock at its first query (loading the user) and
    holds it through all its Python work; with it the lock is held only for the write itself.
    """
    view.reads_first = True
    return view


_writer_gate = threading.RLock()
_writer_depth = threading.local()
_lock_files: dict[tuple[int, str], int] = {}


def _writer_lock_fd() -> int | None:
    """This process's descriptor on ``<database>.writelock`` (None: not a SQLite file, or no fcntl)."""
    url = db.engine.url
    if fcntl is None or url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    key = (os.getpid(), url.database)  # a forked worker opens its own
    if key not in _lock_files:
        _lock_files[key] = os.open(url.database + ".writelock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


def holds_writer_queue() -> bool:
    """Whether this thread is inside :func:`writer_queue` (it must not then wait for another writer
    thread, which would be waiting for it)."""
    return getattr(_writer_depth, "value", 0) > 0


@contextmanager
def writer_queue() -> Iterator[None]:
    """Queue SQLite writers on a lock that wakes the next one at once.

    SQLite's busy handler retries a locked database after sleeping 1, 2, 5, 10 … up to 100 ms,
    so under contention the write lock sits idle while writers sleep; waiting here instead
    (threads on a lock, processes on ``flock``) hands it over as soon as it is free. SQLite's
    own locking still decides correctness: this only orders the queue.
    """
    with _writer_gate:
        depth = getattr(_writer_depth, "value", 0)
        fd = _writer_lock_fd() if depth == 0 else None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        _writer_depth.value = depth + 1
        try:
            yield
        finally:
            _writer_depth.value = depth
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def immediate_transaction() -> Iterator[None]:
    """Run a write inside a read-only request: end the deferred transaction, write, commit."""
    db.session.commit()
    token = _read_only.set(False)
    try:
        with writer_queue():
            try:
                yield
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
    finally:
        _read_only.reset(token)
