"""Papers ready before the doors open: each assigned student's paper drawn and stored in advance.

When an exam is published, and again when its classes or their rosters change, every student
who may start it gets a *prepared* attempt (``status = "prepared"``): the paper drawn from a
fresh seed and stored with its items, exactly as a start would store it, but not started. A
start then turns it into an attempt in progress with one guarded ``UPDATE`` that sets the start
time and deadline (:func:`claim`), and answers from the stored rows and the cached question
payloads, instead of drawing and inserting 40 rows while a whole hall presses 开始 at once.

A prepared attempt is not an attempt yet: ORM queries never see it (app/models/exam.py), so no
list, count, gradebook, monitor, statistics or "attempts used" shows it. It is used only while it
still is the paper its seed draws now (:func:`still_drawn`: its draw key, else a new draw by
:func:`is_current`): if the exam's blueprint, layout or shuffling, or the bank's versions changed
since, the start discards it and draws afresh, as it does for a student with no prepared paper
(added late). The seed reproduces the paper exactly as for any attempt
(:func:`app.services.attempts.draw_paper`). Starts arriving together share one commit
(:class:`ClaimCommitter`).

Preparing runs in batches, each in its own short write transaction, with the drawing done
outside them, so the database's write lock is never held for long. ``flask exam prepare``
runs it by hand; :func:`request_prepare` runs it after a change, in a background thread when
called from a request (``PREPARE_PAPERS``: ``background``, ``sync`` or ``off``).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, has_request_context
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from ..database import immediate_transaction, reset_read_only, set_read_only
from ..domain.exams import AttemptStatus
from ..extensions import db
from ..models import Attempt, AttemptItem, ClassMembership, Exam, ExamClass, Role, User
from ..models.base import utcnow
from . import attempts, fresh_start
from .group_commit import GroupCommitter
from .exam_access import PUBLISHED, allowed_attempts, is_closed

log = logging.getLogger(__name__)

BATCH_SIZE = 50  # students per write transaction: a few ms of inserts under the lock
_ATTEMPT = Attempt.__table__
_ITEM = AttemptItem.__table__
_ITEM_COLUMNS = (_ITEM.c.position, _ITEM.c.qid, _ITEM.c.version_id, _ITEM.c.points, _ITEM.c.presentation)


@dataclass
class PrepareReport:
    """What one run of :func:`prepare_exam` did."""

    exam_id: int
    prepared: int = 0  # new prepared attempts
    kept: int = 0  # prepared earlier and still the paper their seed draws
    discarded: int = 0  # stale (exam or bank changed) or no longer assigned
    skipped: int = 0  # students with an attempt in progress or no attempts left
    reason: str = ""  # why nothing was prepared (exam not published, closed …)
    failed: list[str] = field(default_factory=list)


def row_key(row) -> tuple:
    """What must match between a stored item and the draw: place, question, version, points, order."""
    return (row["position"], row["qid"], row["version_id"], float(row["points"]), row["presentation"] or {})


def is_current(exam: Exam, seed: int, sectioned: bool, max_score: float, items: list[dict]) -> bool:
    """Whether ``items`` (a prepared paper, in position order) are what ``seed`` draws for ``exam`` now.

    The same draw as a start's: if the blueprint, layout, option shuffling or the bank's
    current versions changed since the paper was prepared, it is stale.
    """
    try:
        paper = attempts.draw_paper(exam, seed)
    except ValueError:  # the bank can no longer fill the blueprint: the start will say so
        return False
    if paper.sectioned != bool(sectioned) or abs(paper.max_score - (max_score or 0.0)) > 1e-9:
        return False
    drawn = [row_key(row) for row in paper.rows]
    stored = [row_key(item) for item in items[:len(drawn)]]
    if stored != drawn:
        return False
    # The case items follow; their variant seeds come from the same generator as the option
    # orders just compared, so only which cases, where and for how many points is left to check.
    cases = [(position, "case:" + case.id, float(case.points))
             for position, case in enumerate(paper.cases, start=len(drawn) + 1)]
    return [(i["position"], i["qid"], float(i["points"])) for i in items[len(drawn):]] == cases


def still_drawn(exam: Exam, key: str | None, seed: int, sectioned: bool, max_score: float,
                items: list[dict] | None) -> bool:
    """Whether a prepared paper is still what its seed draws: at once when its draw key (the digest
    of the draw's inputs when it was prepared) matches today's, else by drawing again
    (:func:`is_current`; ``items`` are then needed)."""
    if key is not None and key == attempts.draw_key(exam):
        return True
    return is_current(exam, seed, sectioned, max_score, items or [])


def preparable(exam: Exam) -> bool:
    """Whether students may still start ``exam`` at some time: published and not closed."""
    return exam.status == PUBLISHED and not is_closed(exam)


# --- the start ----------------------------------------------------------------------------------


def claim(exam: Exam, user: User, prepared: Attempt, number: int, now: datetime,
          deadline: datetime | None) -> Attempt | None:
    """Start ``prepared`` (``user``'s prepared attempt at ``exam``): the attempt in progress, or None
    when the caller must draw afresh.

    ``number`` is the number the next attempt must have (attempts made so far + 1). A stale
    prepared paper is discarded. The ``UPDATE`` is guarded by the prepared status, so of two
    starts at once only one turns it; the other gets the attempt the winner started.
    """
    # Read before the commits below expire the loaded objects (reading after would reload them).
    state = {column.key: getattr(prepared, column.key) for column in Attempt.__mapper__.column_attrs}
    attempt_id = state["id"]
    title, viewer, viewer_is_instructor = exam.title, fresh_start.unproxied(user), user.is_instructor
    items = [dict(row) for row in db.session.execute(
        select(*_ITEM_COLUMNS).where(_ITEM.c.attempt_id == attempt_id).order_by(_ITEM.c.position)).mappings()]
    # The stored object is replaced below by the row as updated (or dropped with the row).
    if prepared in db.session:
        db.session.expunge(prepared)
    if state["number"] != number or not still_drawn(exam, state["draw_key"], state["seed"], state["sectioned"],
                                                    state["max_score"], items):
        discard_for(exam.id, user.id)
        return None
    claimed = ClaimCommitter.of_app("claim_committer").save_after_read(PendingClaim(attempt_id, now, deadline))
    if not claimed:  # started by a concurrent request (or discarded meanwhile)
        return db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id,
                                                       Attempt.status == AttemptStatus.IN_PROGRESS))
    if db.session.identity_map.get(db.session.identity_key(Attempt, attempt_id)) is not None:
        return db.session.get(Attempt, attempt_id, populate_existing=True)
    state.update(status=AttemptStatus.IN_PROGRESS.value, started_at=now, deadline=deadline)
    attempt = Attempt(**state)
    make_transient_to_detached(attempt)  # the row as just updated: no query to read it back
    db.session.add(attempt)
    if not viewer_is_instructor:  # instructors also get results, which need the stored items
        fresh_start.remember(attempt, viewer, title, items)
    return attempt


# The start's one write. Parameter names differ from the columns (SQLAlchemy reserves those).
_CLAIM = (update(_ATTEMPT)
          .where(_ATTEMPT.c.id == bindparam("claim_id"), _ATTEMPT.c.status == AttemptStatus.PREPARED.value)
          .values(status=AttemptStatus.IN_PROGRESS.value, started_at=bindparam("start_time"),
                  deadline=bindparam("claim_deadline")))


@dataclass
class PendingClaim:
    """One start waiting for a commit (the fields :class:`GroupCommitter` reads: wake, done, updated, error)."""

    attempt_id: int
    now: datetime
    deadline: datetime | None
    wake: threading.Event = field(default_factory=threading.Event)
    done: bool = False
    updated: bool = False  # this start turned the prepared attempt
    error: BaseException | None = None


class ClaimCommitter(GroupCommitter):
    """Autosave's group commit, committing starts: a hall pressing 开始 together shares its commits
    (one disk flush for every start that arrived during the previous one)."""

    def _write(self, connection, batch: list[PendingClaim]) -> None:
        for pending in batch:
            pending.updated = connection.execute(_CLAIM, {"claim_id": pending.attempt_id, "start_time": pending.now,
                                                          "claim_deadline": pending.deadline}).rowcount == 1


def discard_for(exam_id: int, user_id: int) -> int:
    """Delete ``user_id``'s prepared attempts at ``exam_id`` in their own write transaction."""
    with immediate_transaction():
        return discard_prepared(_ATTEMPT.c.exam_id == exam_id, _ATTEMPT.c.user_id == user_id)


def discard_prepared(*where) -> int:
    """Delete the prepared attempts matching ``where`` (inside the caller's write transaction)."""
    ids = select(_ATTEMPT.c.id).where(_ATTEMPT.c.status == AttemptStatus.PREPARED, *where)
    db.session.execute(delete(_ITEM).where(_ITEM.c.attempt_id.in_(ids)))
    return db.session.execute(delete(_ATTEMPT).where(_ATTEMPT.c.status == AttemptStatus.PREPARED, *where)).rowcount


# --- preparing ----------------------------------------------------------------------------------


@contextmanager
def _reading() -> Iterator[None]:
    """Reads in deferred transactions (outside a request every transaction would take the write lock)."""
    db.session.commit()
    token = set_read_only(True)
    try:
        yield
    finally:
        db.session.commit()
        reset_read_only(token)


def _assigned_students(exam: Exam) -> dict[int, User]:
    """Active students in the exam's classes, by id."""
    students = db.session.scalars(
        select(User).join(ClassMembership, ClassMembership.user_id == User.id)
        .join(ExamClass, ExamClass.class_id == ClassMembership.class_id)
        .where(ExamClass.exam_id == exam.id, User.role == Role.STUDENT, User.active.is_(True)).distinct())
    return {user.id: user for user in students}


def _attempt_rows(exam_id: int, user_ids: Iterable[int] | None = None) -> list:
    stmt = select(_ATTEMPT.c.id, _ATTEMPT.c.user_id, _ATTEMPT.c.status, _ATTEMPT.c.number, _ATTEMPT.c.seed,
                  _ATTEMPT.c.sectioned, _ATTEMPT.c.max_score, _ATTEMPT.c.draw_key).where(_ATTEMPT.c.exam_id == exam_id)
    if user_ids is not None:
        stmt = stmt.where(_ATTEMPT.c.user_id.in_(list(user_ids)))
    return db.session.execute(stmt).all()


def _stale_prepared(exam: Exam, prepared: list, assigned: dict[int, User]) -> list[int]:
    """Ids of prepared attempts that are no longer assigned or no longer the paper their seed draws."""
    key = attempts.draw_key(exam)
    prepared = [row for row in prepared if row.user_id not in assigned or row.draw_key != key]
    by_attempt: dict[int, list[dict]] = {row.id: [] for row in prepared}
    for chunk in _chunks(list(by_attempt), 500):
        for row in db.session.execute(select(_ITEM.c.attempt_id, *_ITEM_COLUMNS)
                                      .where(_ITEM.c.attempt_id.in_(chunk)).order_by(_ITEM.c.position)).mappings():
            by_attempt[row["attempt_id"]].append(dict(row))
    return [row.id for row in prepared
            if row.user_id not in assigned
            or not is_current(exam, row.seed, row.sectioned, row.max_score, by_attempt[row.id])]


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def prepare_exam(exam_id: int, batch_size: int = BATCH_SIZE) -> PrepareReport:
    """Prepare a paper for every assigned student of ``exam_id`` who may start it and has none.

    Idempotent: prepared papers that are still current are kept, stale ones (or of students no
    longer assigned) are discarded and drawn again. Each batch of ``batch_size`` students is
    one short write transaction; the draws happen before it.
    """
    report = PrepareReport(exam_id)
    with _reading():
        exam = db.session.get(Exam, exam_id)
        if exam is None:
            report.reason = "no such exam"
            return report
        if not preparable(exam):
            report.reason = "not published" if exam.status != "published" else "closed"
            return report
        assigned = _assigned_students(exam)
        rows = _attempt_rows(exam.id)
        prepared = [r for r in rows if r.status == AttemptStatus.PREPARED]
        stale = _stale_prepared(exam, prepared, assigned)
        for chunk in _chunks(stale, batch_size):
            with immediate_transaction():
                report.discarded += discard_prepared(_ATTEMPT.c.id.in_(chunk))
        report.kept = len(prepared) - len(stale)
        has_paper = {r.user_id for r in prepared if r.id not in set(stale)}
        candidates = [uid for uid in sorted(assigned) if uid not in has_paper]
        for chunk in _chunks(candidates, batch_size):
            try:
                _prepare_batch(exam, [assigned[uid] for uid in chunk], report)
            except IntegrityError as exc:  # a student started meanwhile (PostgreSQL): the next run retries
                report.failed.append(f"batch of {len(chunk)}: {exc.orig}")
                log.warning("prepare exam %s: batch skipped: %s", exam.id, exc.orig)
    return report


def _prepare_batch(exam: Exam, students: list[User], report: PrepareReport) -> None:
    """Draw outside the write lock, then check again and insert inside one short transaction."""
    key = attempts.draw_key(exam)
    drawn = {}
    for user in students:
        seed = secrets.randbelow(2**31)
        drawn[user.id] = (seed, attempts.draw_paper(exam, seed))
    if attempts.draw_key(exam) != key:  # the pool was reloaded meanwhile: no key, the start draws to check
        key = None
    limits = {user.id: allowed_attempts(exam, user) for user in students}
    now = utcnow()
    with immediate_transaction():
        # Under the lock: what the students hold now (a start may have come first).
        made: dict[int, int] = {}
        busy: set[int] = set()
        for row in _attempt_rows(exam.id, drawn):
            if row.status in (AttemptStatus.PREPARED, AttemptStatus.IN_PROGRESS):
                busy.add(row.user_id)
            else:
                made[row.user_id] = made.get(row.user_id, 0) + 1
        connection = db.session.connection()
        items = []
        for user_id, (seed, paper) in drawn.items():
            count, limit = made.get(user_id, 0), limits[user_id]
            if user_id in busy or (limit is not None and count >= limit):
                report.skipped += 1
                continue
            result = connection.execute(insert(_ATTEMPT), {
                "exam_id": exam.id, "user_id": user_id, "number": count + 1, "seed": seed,
                "status": AttemptStatus.PREPARED.value, "started_at": now, "deadline": None,
                "sectioned": paper.sectioned, "max_score": paper.max_score, "draw_key": key})
            attempt_id = result.inserted_primary_key[0]
            rows = paper.rows + paper.case_rows()
            items.extend(dict(row, attempt_id=attempt_id) for row in rows)
            report.prepared += 1
        if items:
            connection.execute(insert(_ITEM), items)


# --- when to prepare --------------------------------------------------------------------------

_jobs_lock = threading.Lock()
_running: set[int] = set()
_again: set[int] = set()
_slots = threading.BoundedSemaphore(1)  # one exam prepared at a time per process


def exams_of_classes(class_ids: Iterable[int]) -> list[int]:
    """Ids of the exams assigned to any of ``class_ids``."""
    ids = list(set(class_ids))
    if not ids:
        return []
    return sorted(set(db.session.scalars(select(ExamClass.exam_id).where(ExamClass.class_id.in_(ids)))))


def request_prepare(exam_ids: Iterable[int]) -> None:
    """Prepare papers for these exams after a change was committed (publish, classes, roster).

    ``PREPARE_PAPERS`` = ``background`` (default): in a background thread when called from a
    request, at once otherwise (a command would exit before a thread finished); ``sync``: at
    once; ``off``: never (``flask exam prepare`` still works). Failures are logged, never raised:
    a student without a prepared paper simply draws one at the start.
    """
    mode = current_app.config.get("PREPARE_PAPERS", "background")
    ids = [i for i in dict.fromkeys(exam_ids) if i is not None]
    if mode == "off" or not ids:
        return
    if mode == "sync" or not has_request_context():
        for exam_id in ids:
            try:
                report = prepare_exam(exam_id)
                log.info("prepared papers for exam %s: %s", exam_id, report)
            except Exception:  # noqa: BLE001 - preparing is an optimisation; the start still works
                db.session.rollback()
                log.exception("preparing papers for exam %s failed", exam_id)
        return
    app = current_app._get_current_object()
    for exam_id in ids:
        with _jobs_lock:
            if exam_id in _running:  # a run is going: it runs once more when done
                _again.add(exam_id)
                continue
            _running.add(exam_id)
        threading.Thread(target=_background, args=(app, exam_id), name=f"prepare-exam-{exam_id}",
                         daemon=True).start()


def _background(app, exam_id: int) -> None:
    """Prepare ``exam_id`` in this thread, again while changes keep arriving; log failures."""
    try:
        while True:
            with _slots, app.app_context():
                try:
                    report = prepare_exam(exam_id)
                    log.info("prepared papers for exam %s: %s", exam_id, report)
                except Exception:  # noqa: BLE001 - logged; the start draws afresh without it
                    db.session.rollback()
                    log.exception("preparing papers for exam %s failed", exam_id)
                finally:
                    db.session.remove()
            with _jobs_lock:
                if exam_id not in _again:
                    _running.discard(exam_id)
                    return
                _again.discard(exam_id)
    except BaseException:  # pragma: no cover - never leave the exam marked as running
        with _jobs_lock:
            _running.discard(exam_id)
            _again.discard(exam_id)
        raise


def wait_for_background(timeout: float = 30.0) -> bool:
    """Wait until no background preparation runs in this process (tests, shutdown); False on timeout."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with _jobs_lock:
            if not _running:
                return True
        time.sleep(0.02)
    return False
