"""Group commit: writes that arrive together share one durable commit.

Every acknowledged write (a save, a submit, a start) must be durable — SQLite ``synchronous=FULL``
or PostgreSQL's WAL flush — and a durable commit costs a disk flush. Writes that arrive while a
commit is in progress queue up; the next thread to take the write turn commits every queued write
in one transaction (one flush for all of them), and each thread answers only after the commit
that holds its write returned. Nothing is acknowledged before it is on disk. Each kind of write
subclasses :class:`GroupCommitter` with its own :meth:`GroupCommitter._write`.
"""

from __future__ import annotations

import threading
from typing import Protocol

from flask import current_app

from ..database import (holds_writer_queue, immediate_transaction, reset_read_only, set_read_only,
                        writer_queue)
from ..extensions import db


class PendingWrite(Protocol):
    """What the committer reads and sets on a queued write."""

    wake: threading.Event  # committed, or asked to lead
    done: bool
    updated: bool
    error: BaseException | None


class GroupCommitter:
    """Commits queued saves together, one leader at a time.

    The first save to arrive when nobody is committing leads: it takes everything queued, commits
    it in one transaction and wakes each save in it. Saves arriving meanwhile wait on their own
    event (not on a shared lock, which would wake them one after another just to learn they are
    done); when the leader finishes it hands the lead to the oldest waiting save, whose batch is
    everything queued by then.
    """

    def __init__(self) -> None:
        self._queue: list = []
        self._lock = threading.Lock()
        self._busy = False  # a leader is committing
        self.commits = 0  # transactions committed (for tests and the benchmark)
        self.writes = 0  # saves they carried

    def save(self, write: PendingWrite) -> bool:
        """Queue ``write`` and return once a commit holding it returned: True if it changed the row."""
        with self._lock:
            self._queue.append(write)
            lead = not self._busy
            self._busy = True
        if not lead:
            write.wake.wait()
        if not write.done:  # leading: our own save is the oldest queued, so it is in this batch
            with self._lock:
                batch, self._queue = self._queue, []
            try:
                self._commit(batch)
            finally:
                with self._lock:
                    if self._queue:
                        self._queue[0].wake.set()  # the lead passes on; _busy stays set
                    else:
                        self._busy = False
        if write.error is not None:
            raise write.error
        return write.updated

    def save_after_read(self, write: PendingWrite) -> bool:
        """:meth:`save` from a thread whose session may hold a read: the read ends first. A thread
        already inside a write (holding the writer queue) writes in its own turn instead, since a
        leader would wait for the lock this thread holds."""
        db.session.commit()
        if holds_writer_queue():
            with immediate_transaction():
                self._write(db.session.connection(), [write])
            return write.updated
        return self.save(write)

    def _commit(self, batch: list) -> None:
        token = set_read_only(False)  # BEGIN IMMEDIATE on SQLite
        try:
            try:
                self._run(batch)
            except Exception:
                if len(batch) == 1:
                    raise
                # One bad save must not fail the others: commit them one by one.
                for write in batch:
                    try:
                        self._run([write])
                    except Exception as exc:  # reported to that save's own request
                        write.error = exc
        except Exception as exc:
            batch[0].error = exc
        finally:
            reset_read_only(token)
            for write in batch:
                write.done = True
                write.wake.set()

    def _run(self, batch: list) -> None:
        with writer_queue(), self._transaction() as connection:
            self._write(connection, batch)
        self.commits += 1
        self.writes += len(batch)

    def _transaction(self):
        """The writing transaction a batch is committed in (a Core connection unless a kind needs another)."""
        return db.engine.begin()

    def _write(self, connection, batch: list) -> None:
        """The batch's statements, in the one transaction :meth:`_run` commits (each kind its own)."""
        raise NotImplementedError

    @classmethod
    def of_app(cls, key: str) -> "GroupCommitter":
        """This application's committer of this kind (one per app, so tests with several databases stay apart)."""
        app = current_app._get_current_object()
        found = app.extensions.get(key)
        if found is None:
            with _committers_lock:
                found = app.extensions.setdefault(key, cls())
        return found


_committers_lock = threading.Lock()
