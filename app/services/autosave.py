"""The autosave fast path: one read, one validated ``UPDATE``, commits shared by concurrent saves.

An exam hall saves answers all the time, so a save must cost little and wait little:

* **One read.** A single Core query joins the item, its attempt, the exam (grace period and
  exam-room rules) and the attempt's owner (still active, session not revoked), instead of the
  ORM loading the session user, the attempt, the exam and the item one by one.
* **Group commit** (:mod:`app.services.group_commit`). Saves that arrive while a commit is in
  progress share the next one — one disk flush for all of them — and each answers only after the
  commit that holds it returned. Nothing is acknowledged before it is on disk.

Both paths decide with one rule, :func:`app.domain.exams.check_save`. Anything unusual (no such
item, another user's attempt, submitted or overdue, a case item, an answer that does not validate,
a stale sequence number) returns ``None`` so the caller takes the full path in
:mod:`app.services.attempts`, which gives the exact error or stale reply. The fast path only ever
answers the plain success.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, bindparam, text

from .. import dbapi
from ..auth.session import session_accepts
from ..domain.exams import AttemptStatus, SaveVerdict, check_save, next_seq
from ..domain.exams.room import room_decision
from ..domain.questions import grade
from ..extensions import db
from ..models.base import utcnow
from . import exam_cache
from .case_items import is_case_data
from .exam_room import RoomRequest
from .attempts import SaveResult
from .group_commit import GroupCommitter

# Plain SQL with typed parameters, run on the DBAPI cursor (app.dbapi): these two statements run
# on every save, and SQLAlchemy's per-statement work cost more than the database's.
_LOOKUP = dbapi.Statement(text(
    'SELECT i.id, i.seq, i.version_id, a.user_id, a.status, a.deadline, e.grace_seconds, u.active, '
    'u.session_version, '
    "(e.status <> 'draft') AS published, e.allowed_networks, e.single_device, a.device_token "  # exam-room rules (room_decision)
    'FROM attempt_item i JOIN attempt a ON a.id = i.attempt_id JOIN exam e ON e.id = a.exam_id '
    'JOIN "user" u ON u.id = a.user_id WHERE i.attempt_id = :attempt_id AND i.qid = :qid'
).columns(id=Integer, seq=Integer, version_id=Integer, user_id=Integer, status=String, deadline=DateTime,
          grace_seconds=Integer, active=Boolean, session_version=Integer, published=Boolean,
          allowed_networks=JSON, single_device=Boolean, device_token=String))
_SET = "response = :response, seq = :seq, saved_at = :saved_at"
_WHERE = (" WHERE id = :item_id AND seq < :seq AND attempt_id IN "
          f"(SELECT id FROM attempt WHERE id = :attempt_id AND status = '{AttemptStatus.IN_PROGRESS.value}'{{lock}})")
_PARAMS = (bindparam("response", type_=JSON), bindparam("saved_at", type_=DateTime))


def _updates(lock: str) -> tuple:
    where = _WHERE.format(lock=lock)
    return (dbapi.Statement(text("UPDATE attempt_item SET " + _SET + where).bindparams(*_PARAMS)),
            dbapi.Statement(text("UPDATE attempt_item SET " + _SET + ", flagged = :flagged" + where).bindparams(
                *_PARAMS, bindparam("flagged", type_=Boolean))))


# (plain, with flag) per dialect. On PostgreSQL (READ COMMITTED) the attempt row is locked FOR
# SHARE: a save racing a submit's uncommitted claim waits for it and then sees the attempt
# submitted, instead of reading the old status from its snapshot and being acknowledged after
# the grading. SQLite serialises every write, so it needs (and has) no lock clause.
_UPDATES = {"postgresql": _updates(" FOR SHARE")}
_UPDATES_DEFAULT = _updates("")


@dataclass
class PendingSave:
    """One save waiting for a commit."""

    attempt_id: int
    item_id: int
    values: dict  # response, seq, saved_at and perhaps flagged: the UPDATE's parameters
    wake: threading.Event = field(default_factory=threading.Event)  # committed, or asked to lead
    done: bool = False
    updated: bool = False
    error: BaseException | None = None


class SaveCommitter(GroupCommitter):
    """The autosave committer: its two statements run on the DBAPI cursor (:mod:`app.dbapi`)."""

    def _transaction(self):
        return dbapi.connection(db.engine, write=True)

    def _write(self, connection, batch: list[PendingSave]) -> None:
        """One guarded UPDATE per save, in the batch's transaction."""
        plain, flagged = _UPDATES.get(db.engine.dialect.name, _UPDATES_DEFAULT)
        for write in batch:
            statement = flagged if "flagged" in write.values else plain
            write.updated = statement.execute(
                connection, dict(write.values, item_id=write.item_id, attempt_id=write.attempt_id)) == 1


def committer() -> SaveCommitter:
    """This application's autosave committer."""
    return SaveCommitter.of_app("autosave_committer")


def save_fast(attempt_id: int, qid: str, user_id: int, response, seq: int | None,
              flagged: bool | None = None, room: RoomRequest | None = None,
              session_version: int = 0) -> SaveResult | None:
    """Save one answer of the user's own open attempt; ``None`` means: take the full path.

    ``room`` is the request's address and device; without it only exams with no room rules
    (published, any network, any device) are saved here. ``session_version`` is the one the
    session cookie carries: a revoked session (logged out, password changed, deactivated) goes
    to the full path, whose user loader refuses it.
    """
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()  # a caller's transaction must not hold SQLite's lock while this save queues to write
    with dbapi.connection(db.engine, write=False) as connection:  # the read ends before queueing for the write
        row = _LOOKUP.first(connection, {"attempt_id": attempt_id, "qid": qid})
    # No such item, a session the full path's user loader refuses, or a case item (whose answers
    # the full path checks): the full path says what happens.
    if row is None or not session_accepts(row, session_version):
        return None
    if is_case_data(exam_cache.version_data(row.version_id)):
        return None
    room = room or RoomRequest(None, None)
    now = utcnow()
    # The full path's checks (check_save). Any refusal, and a device still to bind, goes to the
    # full path, which says why (or binds). is_instructor=False: an instructor's preview of an
    # unpublished exam takes the full path.
    verdict = check_save(
        user_id=user_id, owner_id=row.user_id,
        room=room_decision(published=row.published, is_instructor=False, networks=row.allowed_networks,
                           remote_addr=room.remote_addr, single_device=row.single_device,
                           bound_hash=row.device_token, session_hash=room.session_hash),
        status=row.status, deadline=row.deadline, grace_seconds=row.grace_seconds, now=now, item_found=True,
        response_error=grade(exam_cache.version_spec(row.version_id), response).error if response is not None else None,
        stored_seq=row.seq, seq=seq)
    if verdict is not SaveVerdict.OK:
        return None
    new_seq = next_seq(seq, row.seq)
    values = {"response": response, "seq": new_seq, "saved_at": now}
    if flagged is not None:
        values["flagged"] = bool(flagged)
    if not committer().save(PendingSave(attempt_id, row.id, values)):
        return None  # submitted or overtaken meanwhile: the full path says which
    return SaveResult(now, new_seq, False)
