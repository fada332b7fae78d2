"""Submitting an attempt: graded outside the write lock, written in one statement, commits shared.

When a whole exam hall presses 交卷 within seconds, each submit used to take the write lock,
load its 40 items through the ORM, grade them and write them back one by one. Here:

* **Graded before queueing.** The request thread reads the attempt's items with one plain
  query and grades them with the cached versions (:mod:`app.services.exam_cache`), while other
  submits are being committed.
* **Checked under the lock.** In the writing transaction the attempt is claimed with one guarded
  ``UPDATE`` (still in progress → submitted, with its totals); then one query reads the sequence
  numbers of the claimed attempts' items. An item saved since it was graded (its sequence number
  moved) is read and graded again, so the stored result is exactly that of grading the answers
  the attempt holds when it is submitted — what grading everything under the lock gave.
* **One statement for the items.** The grades of every item of every claimed attempt go out in
  one ``executemany`` ``UPDATE``.
* **Group commit.** Submits that arrive while a commit is in progress queue and are committed
  together by the next leader (:class:`app.services.group_commit.GroupCommitter`): one durable
  commit for all of them. Each request answers only after the commit holding its submit
  returned; a submit is never acknowledged before it is on disk, and claim and grades commit
  together, so a crash leaves an attempt either submitted and graded or still in progress.

A repeated or concurrent submit of the same attempt (another thread, another process) finds the
attempt no longer in progress and changes nothing: the first claim grades once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, Integer, bindparam, text

from ..domain.exams import AttemptStatus
from ..extensions import db
from .group_commit import GroupCommitter
from .scoring import attempt_totals, grade_response

_COLUMNS = "id, version_id, points, presentation, response, seq"
_TYPES = {"id": Integer, "version_id": Integer, "points": Float, "presentation": JSON, "response": JSON,
          "seq": Integer}
# In paper order: the total is summed in that order, as recompute_total sums attempt.items.
_ITEMS = text(f"SELECT {_COLUMNS} FROM attempt_item WHERE attempt_id = :attempt_id ORDER BY position"
              ).columns(**_TYPES)
_SEQS = text("SELECT attempt_id, id, seq FROM attempt_item WHERE attempt_id IN :attempt_ids").bindparams(
    bindparam("attempt_ids", expanding=True)).columns(attempt_id=Integer, id=Integer, seq=Integer)
_TOTALS = "score = :score, max_score = :max_score, needs_manual = :needs_manual"
_TOTAL_PARAMS = (bindparam("score", type_=Float), bindparam("max_score", type_=Float),
                 bindparam("needs_manual", type_=Boolean))
_CLAIM = text(
    f"UPDATE attempt SET status = :submitted, submitted_at = :now, auto_submitted = :auto, {_TOTALS} "
    "WHERE id = :attempt_id AND status = :in_progress"
).bindparams(bindparam("now", type_=DateTime), bindparam("auto", type_=Boolean), *_TOTAL_PARAMS)
_RETOTAL = text(f"UPDATE attempt SET {_TOTALS} WHERE id = :attempt_id").bindparams(*_TOTAL_PARAMS)
_GRADES = text("UPDATE attempt_item SET score = :score, feedback = :feedback, needs_manual = :needs_manual "
               "WHERE id = :item_id").bindparams(bindparam("score", type_=Float),
                                                 bindparam("needs_manual", type_=Boolean))


@dataclass(slots=True)
class GradedItem:
    """One item as read (``seq`` tells whether it changed since) and its grade."""

    id: int
    points: float
    seq: int
    score: float | None
    feedback: str
    needs_manual: bool


def _graded(rows) -> list[GradedItem]:
    graded = []
    for row in rows:
        score, feedback, needs_manual = grade_response(row.version_id, row.points, row.presentation, row.response)
        graded.append(GradedItem(row.id, row.points, row.seq, score, feedback, needs_manual))
    return graded


def grade_attempt(execute, attempt_id: int) -> list[GradedItem]:
    """Read and grade every item of the attempt, in paper order (``execute``: a session's or connection's)."""
    return _graded(execute(_ITEMS, {"attempt_id": attempt_id}).all())


@dataclass
class PendingSubmit:
    """One submit waiting for a commit (the fields :class:`GroupCommitter` reads: wake, done, updated, error)."""

    attempt_id: int
    auto: bool
    now: datetime
    graded: list[GradedItem]
    wake: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    updated: bool = False  # this submit claimed the attempt (and graded it)
    error: BaseException | None = None


def _totals(graded: list[GradedItem]) -> dict:
    score, max_score, needs_manual = attempt_totals(graded)
    return {"score": score, "max_score": max_score, "needs_manual": needs_manual}


def apply(connection, batch: list[PendingSubmit]) -> None:
    """Claim, check and write the submits of ``batch`` inside the caller's transaction on ``connection``."""
    claimed = []
    for pending in batch:
        pending.updated = connection.execute(_CLAIM, {
            "attempt_id": pending.attempt_id, "now": pending.now, "auto": pending.auto,
            "submitted": AttemptStatus.SUBMITTED.value, "in_progress": AttemptStatus.IN_PROGRESS.value,
            **_totals(pending.graded)}).rowcount == 1
        if pending.updated:
            claimed.append(pending)
    if not claimed:
        return
    # The claims stopped further saves; a save that came after the grading moved its item's seq.
    stored: dict[int, dict[int, int]] = {}
    for attempt_id, item_id, seq in connection.execute(_SEQS, {"attempt_ids": [p.attempt_id for p in claimed]}):
        stored.setdefault(attempt_id, {})[item_id] = seq
    grades = []
    for pending in claimed:
        if stored.get(pending.attempt_id, {}) != {g.id: g.seq for g in pending.graded}:
            pending.graded = grade_attempt(connection.execute, pending.attempt_id)
            connection.execute(_RETOTAL, {"attempt_id": pending.attempt_id, **_totals(pending.graded)})
        grades.extend({"item_id": g.id, "score": g.score, "feedback": g.feedback, "needs_manual": g.needs_manual}
                      for g in pending.graded)
    if grades:
        connection.execute(_GRADES, grades)  # one executemany for every item of the batch


class SubmitCommitter(GroupCommitter):
    """The group commit of :mod:`app.services.autosave`, committing submits."""

    def _write(self, connection, batch: list[PendingSubmit]) -> None:
        apply(connection, batch)


def committer() -> SubmitCommitter:
    """This application's submit committer (one per app, as for autosave)."""
    return SubmitCommitter.of_app("submit_committer")


def submit_attempt(attempt_id: int, auto: bool, now: datetime) -> bool:
    """Submit the attempt if it is still in progress; True if this call claimed and graded it.

    Returns once the commit holding the submit returned. The session's transaction is ended
    first (its objects are then reloaded on next access, with the submitted state).
    """
    pending = PendingSubmit(attempt_id, auto, now, grade_attempt(db.session.execute, attempt_id))
    # Also called inside a write (closing overdue attempts under the lock): then written in this
    # thread's own turn (GroupCommitter.save_after_read).
    return committer().save_after_read(pending)
