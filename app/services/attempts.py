"""The attempt lifecycle: start or resume, save a response, submit, and closing overdue attempts.

All times are naive UTC. Every state change here checks the attempt's state under the
database's write lock (SQLite ``BEGIN IMMEDIATE``; a row lock on PostgreSQL), so double
submits and late saves resolve to one outcome.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from ..database import immediate_transaction
from ..domain.exams import AttemptStatus, SaveVerdict, check_save, in_sections, next_seq, past_deadline
from ..domain.exams import room as room_rules
from ..domain.questions import grade, shuffle
from ..extensions import db
from ..i18n import translate_message
from ..models import Attempt, AttemptItem, Exam, User
from ..models.base import utcnow
from . import case_items, exam_cache, exam_room, fresh_start, prepared_papers
from .exam_access import allowed_attempts, effective_minutes, is_open, may_take, user_attempts
from .exam_errors import ExamError
from .exams import exam_definition

_INSERT_ATTEMPT = insert(Attempt.__table__)
_INSERT_ITEMS = insert(AttemptItem.__table__)


def is_overdue(attempt: Attempt, now: datetime | None = None, grace: bool = True) -> bool:
    """Whether the attempt's deadline (plus the exam's grace period, unless ``grace`` is off) has passed."""
    if attempt.deadline is None:
        return False
    return past_deadline(attempt.deadline, attempt.exam.grace_seconds if grace else 0, now or utcnow())


class _HasSpec:
    """A validated spec as the domain's "object with a ``spec``": read as a plain attribute, not
    by a failing attribute lookup on the pydantic model (which costs more than the shuffle)."""

    __slots__ = ("spec",)

    def __init__(self, spec) -> None:
        self.spec = spec


@dataclass
class DrawnPaper:
    """The paper a seed draws for an exam: its question rows (position, qid, version_id, points,
    presentation) in paper order; the exam's cases follow through :meth:`case_rows`."""

    rows: list[dict]
    cases: tuple
    rng: random.Random
    sectioned: bool
    max_score: float

    def case_rows(self) -> list[dict]:
        """The case items' rows, each with the student's variant seed from the paper's generator.

        Call once, after the question rows were drawn (the generator continues from them) and
        inside a transaction: the first use of a case creates its stand-in question.
        """
        rows = []
        for offset, case in enumerate(self.cases, start=len(self.rows) + 1):
            case_item = case_items.new_case_item(case.id, case.points, offset, self.rng)
            rows.append({"position": case_item.position, "qid": case_item.qid, "version_id": case_item.version_id,
                         "points": case_item.points, "presentation": case_item.presentation})
        return rows


def draw_paper(exam: Exam, seed: int, sectioned: bool | None = None) -> DrawnPaper:
    """The questions, points and option orders that ``seed`` draws for ``exam``: the one draw of
    online attempts and printed papers (app/services/paper_exam.py), so a printed variant and an
    attempt with its seed hold the same paper.

    ``sectioned`` (default: the exam's layout) groups the questions in sections by type, keeping
    the draw's own order within each. Raises ValueError when the bank cannot fill the blueprint.
    """
    definition = exam_definition(exam)
    plan, versions = exam_cache.draw_plan(definition)  # the pool's candidates per rule, built once
    drawn = plan.draw(seed)
    if sectioned is None:
        sectioned = exam.paper_layout == "sections"
    if sectioned:  # one section per type, the draw's own order (its shuffle) kept within each
        drawn = in_sections(drawn, lambda item: versions[item.qid][1].get("type", ""))
    rng = random.Random(seed ^ 0x5EED)
    rows = []
    for position, item in enumerate(drawn, start=1):
        version_id, _data = versions[item.qid]
        presentation = shuffle(_HasSpec(exam_cache.version_spec(version_id)), rng) if exam.shuffle_options else {}
        rows.append({"position": position, "qid": item.qid, "version_id": version_id, "points": item.points,
                     "presentation": presentation})
    max_score = sum(d.points for d in drawn) + sum(c.points for c in definition.cases)
    return DrawnPaper(rows, tuple(definition.cases), rng, sectioned, max_score)


def draw_key(exam: Exam) -> str:
    """The digest of ``exam``'s draw inputs now (settings, blueprint, cases and the bank's current
    pool): a paper stored with this key is what its seed draws today (see prepared papers)."""
    return exam_cache.draw_inputs_digest(exam_definition(exam))


def start_or_resume(exam: Exam, user: User) -> Attempt:
    """The user's open attempt, or a new one with its own paper drawn from a fresh seed."""
    if not may_take(exam, user):
        raise ExamError(_("该考试未分配给你"), 404)
    existing = user_attempts(exam, user, include_prepared=True)
    prepared = next((a for a in existing if a.status == AttemptStatus.PREPARED), None)
    existing = [a for a in existing if a.status != AttemptStatus.PREPARED]
    for attempt in existing:
        if attempt.status == AttemptStatus.IN_PROGRESS:
            if is_overdue(attempt):
                submit(attempt, auto=True)
            else:
                return attempt
    if not is_open(exam):
        raise ExamError(_("考试未开放或已关闭"), 409)
    limit = allowed_attempts(exam, user)
    if limit is not None and len(existing) >= limit:
        raise ExamError(_("已用完全部 %(n)d 次作答机会", n=limit), 409)
    now = utcnow()
    minutes = effective_minutes(exam, user)
    deadline = now + timedelta(minutes=minutes) if minutes else None
    if exam.closes_at and (deadline is None or exam.closes_at < deadline):
        deadline = exam.closes_at
    if prepared is not None:  # drawn before the exam opened: one guarded UPDATE starts it
        started = prepared_papers.claim(exam, user, prepared, len(existing) + 1, now, deadline)
        if started is not None:
            return started
    return _start_new(exam, user, len(existing) + 1, now, deadline)


def _start_new(exam: Exam, user: User, number: int, now: datetime, deadline: datetime | None,
               retry: bool = True) -> Attempt:
    """Draw a paper from a fresh seed and insert it as attempt ``number``, started ``now``."""
    seed = secrets.randbelow(2**31)
    paper = draw_paper(exam, seed)
    rows = paper.rows
    values = {"exam_id": exam.id, "user_id": user.id, "number": number, "seed": seed, "started_at": now,
              "deadline": deadline, "sectioned": paper.sectioned, "max_score": paper.max_score}
    # Read before the commits below expire the loaded objects (reading after would reload them).
    title, viewer, viewer_is_instructor = exam.title, fresh_start.unproxied(user), user.is_instructor
    try:
        with immediate_transaction():  # the write lock only for the inserts, not for drawing the paper
            rows.extend(paper.case_rows())
            # Core inserts on the session's connection: the ORM's unit of work, or even its bulk
            # insert, costs more than the rest of the start (the commit above flushed the session).
            connection = db.session.connection()
            result = connection.execute(_INSERT_ATTEMPT, values)
            attempt_id = result.inserted_primary_key[0]
            inserted = result.last_inserted_params()  # with the column defaults (status, score …)
            # One executemany: the ORM would insert item by item to read back each primary key.
            connection.execute(_INSERT_ITEMS, [dict(row, attempt_id=attempt_id) for row in rows])
    except IntegrityError:  # the same student started twice at once: use the other one
        db.session.rollback()
        found = db.session.scalar(select(Attempt).where(Attempt.exam_id == exam.id, Attempt.user_id == user.id,
                                                        Attempt.status == AttemptStatus.IN_PROGRESS))
        if found is None and retry and prepared_papers.discard_for(exam.id, user.id):
            # A paper prepared meanwhile holds this number (stale, or it lost the race): drop it.
            return _start_new(exam, user, number, now, deadline, retry=False)
        if found is None:
            raise
        return found
    if db.session.identity_map.get(db.session.identity_key(Attempt, attempt_id)) is not None:
        # A stale object of a deleted row whose id SQLite reused: load the new row over it.
        return db.session.get(Attempt, attempt_id, populate_existing=True)
    # The row as inserted and committed, attached as if just loaded: no query to read it back.
    # A column left out of the INSERT holds NULL unless the database supplies a default.
    state = {column.key: inserted.get(column.name) for column in Attempt.__table__.columns
             if column.name in inserted or column.server_default is None}
    attempt = Attempt(**dict(state, id=attempt_id))
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    if not viewer_is_instructor:  # instructors also get results, which need the stored items
        fresh_start.remember(attempt, viewer, title, rows)
    return attempt


def get_item(attempt: Attempt, qid: str) -> AttemptItem | None:
    """The item of ``attempt`` holding question ``qid``, or None."""
    return db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.qid == qid))


@dataclass(frozen=True)
class SaveResult:
    """A save's outcome: when and with which sequence number the stored response was saved;
    ``stale`` when the save was older than the stored one and changed nothing."""

    saved_at: datetime
    seq: int
    stale: bool


def _response_error(item: AttemptItem, response) -> str | None:
    """Why ``response`` does not fit the item's question, in the words the client gets; None when it does."""
    if case_items.is_case_item(item):
        return case_items.check_case_response(item, response) or None
    if response is None:  # clears the answer
        return None
    error = grade(exam_cache.item_spec(item), response).error
    return _("答案格式不正确：%(e)s", e=translate_message(error)) if error else None


def save_response(attempt: Attempt, qid: str, response, seq: int | None, flagged: bool | None = None, *,
                  user: User | None = None, here: exam_room.RoomRequest | None = None) -> SaveResult:
    """Store a response durably; a save with an older sequence number never overwrites a newer one.

    With ``user`` (a request's user), the attempt must be theirs and the exam room must admit
    ``here`` (default: the current request); without, a trusted caller saves. The checks are
    :func:`app.domain.exams.check_save`, the same as the autosave fast path's.
    """
    item = get_item(attempt, qid)
    reason = None
    if user is not None:
        reason = exam_room.decision(attempt, exam_room.RoomRules.of(attempt.exam, user),
                                    here or exam_room.current_request())
    problem = _response_error(item, response) if item is not None else None
    now = utcnow()
    verdict = check_save(user_id=user.id if user is not None else None, owner_id=attempt.user_id,
                         room=None if reason == room_rules.BIND else reason, status=attempt.status,
                         deadline=attempt.deadline, grace_seconds=attempt.exam.grace_seconds, now=now,
                         item_found=item is not None, response_error=problem,
                         stored_seq=item.seq if item is not None else 0, seq=seq)
    if verdict not in (SaveVerdict.OK, SaveVerdict.STALE):
        raise _save_refusal(verdict, qid, reason, problem)
    if reason == room_rules.BIND:  # the first save from this browser binds a single-device attempt
        exam_room.bind_device(attempt)
    new_seq = next_seq(seq, item.seq)
    values = {"response": response, "seq": new_seq, "saved_at": now}
    if flagged is not None:
        values["flagged"] = bool(flagged)
    item_id, attempt_id = item.id, attempt.id  # read before the commit below expires them
    updated = 0
    if verdict is SaveVerdict.OK:
        # One conditional UPDATE: the checks above saw loaded rows; under the write lock the
        # attempt must still be open and the sequence still newer.
        with immediate_transaction():
            updated = db.session.execute(
                update(AttemptItem)
                .where(AttemptItem.id == item_id, AttemptItem.seq < new_seq,
                       AttemptItem.attempt_id.in_(select(Attempt.id).where(
                           Attempt.id == attempt_id, Attempt.status == AttemptStatus.IN_PROGRESS)
                           .with_for_update(read=True)))  # FOR SHARE on PostgreSQL: see autosave._UPDATES
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
    if updated:
        return SaveResult(now, new_seq, False)
    # Not stored (stale, or overtaken meanwhile): submitted since, or a newer answer is stored.
    db.session.refresh(attempt)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise _save_refusal(SaveVerdict.SUBMITTED, qid)
    db.session.refresh(item)
    return SaveResult(item.saved_at or now, item.seq, True)


def _save_refusal(verdict: SaveVerdict, qid: str, room_reason: str | None = None,
                  problem: str | None = None) -> ExamError:
    """The error a refused save answers with."""
    if verdict is SaveVerdict.NOT_OWNER:
        return ExamError(_("只能修改自己的答卷"), 404)
    if verdict is SaveVerdict.ROOM:
        return exam_room.refusal_message(room_reason)
    if verdict is SaveVerdict.SUBMITTED:
        return ExamError(_("答卷已提交，不能再修改答案"), 409)
    if verdict is SaveVerdict.TIME_UP:
        return ExamError(_("考试时间已到，不能再保存答案"), 409)
    if verdict is SaveVerdict.NO_ITEM:
        return ExamError(_("本试卷中没有题目 %(q)s", q=qid), 404)
    return ExamError(problem, 422)  # INVALID


def submit(attempt: Attempt, auto: bool = False) -> Attempt:
    """Submit once: concurrent or repeated calls all end with the same single graded result.

    Graded from the cached versions, all items written in one statement, and committed together
    with the submits arriving meanwhile (:mod:`app.services.submissions`); returns after the
    commit, the attempt reloading its submitted state on next access.
    """
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return attempt  # submitted already (a status never goes back): nothing to claim
    from .submissions import submit_attempt  # here: it builds on autosave, which imports this module

    submit_attempt(attempt.id, auto, utcnow())
    return attempt


def close_overdue(now: datetime | None = None) -> int:
    """Submit every open attempt whose deadline (plus grace) has passed; returns how many."""
    now = now or utcnow()
    candidates = db.session.scalars(select(Attempt).where(Attempt.status == AttemptStatus.IN_PROGRESS,
                                                          Attempt.deadline.is_not(None),
                                                          Attempt.deadline < now)).all()
    count = 0
    for attempt in candidates:
        if is_overdue(attempt, now):
            submit(attempt, auto=True)
            count += 1
    return count


def refresh_if_overdue(attempt: Attempt) -> Attempt:
    """Auto-submit on access when the time is up; returns the attempt (loaded as an ORM object
    if it came as exam_access's light stand-in and had to be submitted)."""
    if attempt.status == AttemptStatus.IN_PROGRESS and is_overdue(attempt):
        if not isinstance(attempt, Attempt):
            attempt = db.session.get(Attempt, attempt.id)
        submit(attempt, auto=True)
    return attempt
