"""Exams: creation from a definition, attempts, autosave, submission, grading and review policy.

All times are naive UTC. Every state change here checks the attempt's state under the
database's write lock (SQLite ``BEGIN IMMEDIATE``; a row lock on PostgreSQL), so double
submits and late saves resolve to one outcome.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from sqlalchemy import bindparam, event, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, make_transient_to_detached

from ..domain.exams import ExamDefinition, PoolItem, check_rules, parse_definition
from ..database import immediate_transaction
from ..domain.questions import answer_view, grade, shuffle, student_view
from ..extensions import db
from ..models import (Attempt, AttemptItem, ClassGroup, ClassMembership, Exam, ExamClass, Question,
                      QuestionVersion, User)
from ..models.base import utcnow
from .accounts import audit
from . import case_items, exam_cache, withholding
from .rendering import html, inline_html


class ExamError(Exception):
    """A refused exam operation: ``status`` is the HTTP status, the message is for the user."""

    def __init__(self, message: str, status: int = 409, details: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.details = details or []


# --- the bank as a pool -------------------------------------------------------------------

def question_pool(course: str = "crm") -> list[PoolItem]:
    """Every active question of ``course`` in its current version."""
    rows = db.session.execute(
        select(Question.qid, Question.chapter, Question.type, Question.difficulty, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.active.is_(True), Question.course == course)
    )
    return [PoolItem(qid, chapter, qtype, difficulty, tuple(data.get("tags") or ()))
            for qid, chapter, qtype, difficulty, data in rows]


# --- creating exams -----------------------------------------------------------------------

def _as_utc(value: datetime | None) -> datetime | None:
    """Store naive UTC; a time written without an offset is in the site's time zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def create_exam(data: dict, actor: User | None) -> Exam:
    """Validate ``data`` (an exam definition) against the bank and create the exam."""
    definition, errors = parse_definition(data)
    if definition is None:
        raise ExamError("考试定义无效", 422, errors)
    checks, problems = check_rules(definition, question_pool(definition.course))
    if problems:
        raise ExamError("抽题规则无法满足", 422, problems)
    from ..domain.cases import get_case

    unknown = [c.id for c in definition.cases if get_case(c.id) is None]
    if unknown:
        raise ExamError("案例不存在", 422, [f"cases: 没有编号为“{cid}”的案例" for cid in unknown])
    classes = []
    for name in definition.classes:
        group = db.session.scalar(select(ClassGroup).where(ClassGroup.name == name))
        if group is None:
            raise ExamError(f"班级“{name}”不存在", 422, [f"classes: 班级“{name}”不存在"])
        classes.append(group)
    exam = Exam(
        title=definition.title, description=definition.description, course=definition.course,
        blueprint=definition.model_dump(mode="json", include={"rules", "fixed", "cases"}),
        time_limit_minutes=definition.time_limit_minutes,
        opens_at=_as_utc(definition.opens_at), closes_at=_as_utc(definition.closes_at),
        max_attempts=definition.max_attempts, grading_method=definition.grading_method,
        review_policy=definition.review_policy, shuffle_questions=definition.shuffle_questions,
        shuffle_options=definition.shuffle_options, grace_seconds=definition.grace_seconds,
        created_by_id=actor.id if actor else None, **room_settings(definition),
    )
    db.session.add(exam)
    db.session.flush()
    for group in classes:
        db.session.add(ExamClass(exam_id=exam.id, class_id=group.id))
    audit(actor, "exam.create", f"exam:{exam.id}", title=exam.title)
    db.session.commit()
    return exam


ROOM_FIELDS = ("access_code", "allowed_networks", "single_device", "closed_book", "require_fullscreen",
               "focus_warning_after")


def room_settings(definition: ExamDefinition) -> dict:
    """The exam-room fields of a definition, as ``Exam`` column values."""
    return {name: getattr(definition, name) for name in ROOM_FIELDS}


def exam_definition(exam: Exam) -> ExamDefinition:
    """The stored exam as a definition (for assembly and the editor)."""
    data = dict(exam.blueprint or {})
    data.update(title=exam.title, course=exam.course, shuffle_questions=exam.shuffle_questions,
                shuffle_options=exam.shuffle_options)
    return ExamDefinition.model_validate(data)


# --- who may take what --------------------------------------------------------------------

def user_class_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(ClassMembership.class_id).where(ClassMembership.user_id == user.id)))


def visible_exams(user: User) -> list[Exam]:
    """Published exams assigned to one of the user's classes (instructors: all)."""
    stmt = select(Exam).order_by(Exam.id.desc())
    if not user.is_instructor:
        assigned = select(ExamClass.exam_id).where(ExamClass.class_id.in_(user_class_ids(user) or {-1}))
        stmt = stmt.where(Exam.id.in_(assigned), Exam.published.is_(True))
    return list(db.session.scalars(stmt))


def is_closed(exam: Exam, now: datetime | None = None) -> bool:
    """Whether the exam's closing time has passed (an exam without one never closes by itself).

    The one rule for "closed"; app.services.withholding states it as SQL for its query.
    """
    return exam.closes_at is not None and (now or utcnow()) >= exam.closes_at


def is_open(exam: Exam, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (exam.opens_at is None or exam.opens_at <= now) and not is_closed(exam, now)


# Built once: a start runs these on every request (bound parameters keep them cacheable).
_ASSIGNED = (select(ExamClass.id)
             .join(ClassMembership, ClassMembership.class_id == ExamClass.class_id)
             .where(ExamClass.exam_id == bindparam("exam_id"), ClassMembership.user_id == bindparam("user_id"))
             .limit(1))
_USER_ATTEMPTS = (select(Attempt)
                  .where(Attempt.exam_id == bindparam("exam_id"), Attempt.user_id == bindparam("user_id"))
                  .order_by(Attempt.number))
_INSERT_ATTEMPT = insert(Attempt.__table__)
_INSERT_ITEMS = insert(AttemptItem.__table__)


def may_take(exam: Exam, user: User) -> bool:
    """Assigned to one of the user's classes (instructors may preview any exam)."""
    if user.is_instructor:
        return True
    if not exam.published:
        return False
    # One query instead of loading the exam's classes and the user's memberships.
    return db.session.scalar(_ASSIGNED, {"exam_id": exam.id, "user_id": user.id}) is not None


def effective_minutes(exam: Exam, user: User) -> int | None:
    """The time limit with the student's accommodations applied."""
    if not exam.time_limit_minutes:
        return None
    minutes = exam.time_limit_minutes * (user.time_multiplier or 1.0) + (user.extra_minutes or 0)
    return int(round(minutes))


def allowed_attempts(exam: Exam, user: User) -> int | None:
    """None = unlimited."""
    if exam.max_attempts == 0:
        return None
    return exam.max_attempts + (user.extra_attempts or 0)


def user_attempts(exam: Exam, user: User) -> list[Attempt]:
    return list(db.session.scalars(_USER_ATTEMPTS, {"exam_id": exam.id, "user_id": user.id}))


# --- attempts -----------------------------------------------------------------------------

def past_deadline(deadline: datetime | None, grace_seconds: int, now: datetime | None = None) -> bool:
    """Whether ``now`` is after ``deadline`` plus the grace period (no deadline: never)."""
    if deadline is None:
        return False
    return (now or utcnow()) > deadline + timedelta(seconds=grace_seconds)


def is_overdue(attempt: Attempt, now: datetime | None = None, grace: bool = True) -> bool:
    if attempt.deadline is None:
        return False
    return past_deadline(attempt.deadline, attempt.exam.grace_seconds if grace else 0, now)


# --- the start response without reading back what was just written ---------------------

_FRESH_START = "exams.fresh_start"


class _HasSpec:
    """A validated spec as the domain's "object with a ``spec``": read as a plain attribute, not
    by a failing attribute lookup on the pydantic model (which costs more than the shuffle)."""

    __slots__ = ("spec",)

    def __init__(self, spec) -> None:
        self.spec = spec


class _VersionData:
    """Stands in for ``AttemptItem.version``: case items read ``item.version.data``."""

    __slots__ = ("data",)

    def __init__(self, data: dict) -> None:
        self.data = data


class _NewItem:
    """An attempt item as just inserted (a row of start_or_resume), with a new item's saved state."""

    __slots__ = ("position", "qid", "version_id", "points", "presentation")
    response = None
    seq = 0
    saved_at = None
    flagged = False

    def __init__(self, row: dict) -> None:
        self.position, self.qid, self.version_id = row["position"], row["qid"], row["version_id"]
        self.points, self.presentation = row["points"], row["presentation"]

    @property
    def version(self) -> _VersionData:
        return _VersionData(exam_cache.version_data(self.version_id))


@dataclass(frozen=True)
class _FreshStart:
    """What :func:`attempt_payload` needs for an attempt this session has just inserted."""

    attempt: Attempt
    viewer: object
    title: str
    items: list[_NewItem]


def _unproxied(user):
    """The user object behind ``flask_login.current_user`` (compared by identity)."""
    get = getattr(user, "_get_current_object", None)
    return get() if get is not None else user


@event.listens_for(db.session, "after_begin")
def _forget_fresh_start(session, _transaction, _connection) -> None:
    # The snapshot describes the database as of the start's commit; once this session talks
    # to the database again (a save, a submit, a reload) it may no longer, so it is dropped.
    session.info.pop(_FRESH_START, None)


def _take_fresh_start(attempt: Attempt, viewer: User) -> _FreshStart | None:
    fresh = db.session.info.pop(_FRESH_START, None)
    if (fresh is None or fresh.attempt is not attempt or fresh.viewer is not _unproxied(viewer)
            or inspect(attempt).modified):
        return None
    return fresh


def start_or_resume(exam: Exam, user: User) -> Attempt:
    """The user's open attempt, or a new one with its own paper drawn from a fresh seed."""
    if not may_take(exam, user):
        raise ExamError("该考试未分配给你", 404)
    existing = user_attempts(exam, user)
    for attempt in existing:
        if attempt.status == "in_progress":
            if is_overdue(attempt):
                submit(attempt, auto=True)
            else:
                return attempt
    if not is_open(exam):
        raise ExamError("考试未开放或已关闭", 409)
    limit = allowed_attempts(exam, user)
    if limit is not None and len(existing) >= limit:
        raise ExamError(f"已用完全部 {limit} 次作答机会", 409)
    seed = secrets.randbelow(2**31)
    definition = exam_definition(exam)
    plan, versions = exam_cache.draw_plan(definition)  # the pool's candidates per rule, built once
    drawn = plan.draw(seed)
    now = utcnow()
    minutes = effective_minutes(exam, user)
    deadline = now + timedelta(minutes=minutes) if minutes else None
    if exam.closes_at and (deadline is None or exam.closes_at < deadline):
        deadline = exam.closes_at
    rng = random.Random(seed ^ 0x5EED)
    rows = []
    for position, item in enumerate(drawn, start=1):
        version_id, _data = versions[item.qid]
        presentation = shuffle(_HasSpec(exam_cache.version_spec(version_id)), rng) if exam.shuffle_options else {}
        rows.append({"position": position, "qid": item.qid, "version_id": version_id, "points": item.points,
                     "presentation": presentation})
    values = {"exam_id": exam.id, "user_id": user.id, "number": len(existing) + 1, "seed": seed, "started_at": now,
              "deadline": deadline,
              "max_score": sum(d.points for d in drawn) + sum(c.points for c in definition.cases)}
    # Read before the commits below expire the loaded objects (reading after would reload them).
    title, viewer, viewer_is_instructor = exam.title, _unproxied(user), user.is_instructor
    try:
        with immediate_transaction():  # the write lock only for the inserts, not for drawing the paper
            for offset, case in enumerate(definition.cases, start=len(drawn) + 1):
                case_item = case_items.new_case_item(case.id, case.points, offset, rng)
                rows.append({"position": case_item.position, "qid": case_item.qid, "version_id": case_item.version_id,
                             "points": case_item.points, "presentation": case_item.presentation})
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
                                                        Attempt.status == "in_progress"))
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
        db.session.info[_FRESH_START] = _FreshStart(attempt, viewer, title, [_NewItem(row) for row in rows])
    return attempt


def get_item(attempt: Attempt, qid: str) -> AttemptItem | None:
    return db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id, AttemptItem.qid == qid))


@dataclass(frozen=True)
class SaveResult:
    saved_at: datetime
    seq: int
    stale: bool


def save_response(attempt: Attempt, qid: str, response, seq: int | None, flagged: bool | None = None) -> SaveResult:
    """Store a response durably; a save with an older sequence number never overwrites a newer one."""
    if attempt.status != "in_progress":
        raise ExamError("答卷已提交,不能再修改答案", 409)
    if is_overdue(attempt):
        raise ExamError("考试时间已到,不能再保存答案", 409)
    item = get_item(attempt, qid)
    if item is None:
        raise ExamError(f"本试卷中没有题目 {qid}", 404)
    if case_items.is_case_item(item):
        problem = case_items.check_case_response(item, response)
        if problem:
            raise ExamError(problem, 422)
    elif response is not None:
        result = grade(exam_cache.item_spec(item), response)
        if result.error:
            raise ExamError(f"答案格式不正确:{result.error}", 422)
    now = utcnow()
    new_seq = seq if seq is not None else item.seq + 1
    values = {"response": response, "seq": new_seq, "saved_at": now}
    if flagged is not None:
        values["flagged"] = bool(flagged)
    item_id, attempt_id = item.id, attempt.id  # read before the commit below expires them
    # One conditional UPDATE: the attempt must still be open and the sequence must be newer.
    with immediate_transaction():
        updated = db.session.execute(
            update(AttemptItem)
            .where(AttemptItem.id == item_id, AttemptItem.seq < new_seq,
                   AttemptItem.attempt_id.in_(select(Attempt.id).where(Attempt.id == attempt_id,
                                                                         Attempt.status == "in_progress")))
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
    if updated:
        return SaveResult(now, new_seq, False)
    db.session.refresh(attempt)
    if attempt.status != "in_progress":
        raise ExamError("答卷已提交,不能再修改答案", 409)
    db.session.refresh(item)
    return SaveResult(item.saved_at or now, item.seq, True)


def grade_item(item: AttemptItem) -> None:
    """Grade one item's saved response, scaled to the points it carries in this exam."""
    data = exam_cache.item_data(item)
    if case_items.is_case_data(data):
        item.score, item.feedback = case_items.grade_case_item(item)
        item.needs_manual = False
        return
    result = grade(exam_cache.item_spec(item), item.response)
    if result.needs_manual:
        item.needs_manual = True
        item.score = None
        item.feedback = result.feedback
        return
    scale = item.points / result.max_score if result.max_score else 0.0
    item.score = round(result.score * scale, 4)
    item.feedback = result.feedback
    item.needs_manual = False


def recompute_total(attempt: Attempt) -> None:
    """Total of graded items; the attempt is partially graded while an essay waits."""
    attempt.needs_manual = any(i.needs_manual and i.score is None for i in attempt.items)
    attempt.score = round(sum(i.score or 0.0 for i in attempt.items), 4)
    attempt.max_score = round(sum(i.points for i in attempt.items), 4)


def submit(attempt: Attempt, auto: bool = False) -> Attempt:
    """Submit once: concurrent or repeated calls all end with the same single graded result."""
    now = utcnow()
    attempt_id = attempt.id
    # Under the write lock even when called from a read-only request (auto-submit on a page load).
    with immediate_transaction():
        claimed = db.session.execute(
            update(Attempt).where(Attempt.id == attempt_id, Attempt.status == "in_progress")
            .values(status="submitted", submitted_at=now, auto_submitted=auto)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.refresh(attempt)
        if claimed:
            for item in attempt.items:
                grade_item(item)
            recompute_total(attempt)
    return attempt


def close_overdue(now: datetime | None = None) -> int:
    """Submit every open attempt whose deadline (plus grace) has passed; returns how many."""
    now = now or utcnow()
    candidates = db.session.scalars(select(Attempt).where(Attempt.status == "in_progress",
                                                          Attempt.deadline.is_not(None),
                                                          Attempt.deadline < now)).all()
    count = 0
    for attempt in candidates:
        if is_overdue(attempt, now):
            submit(attempt, auto=True)
            count += 1
    return count


def refresh_if_overdue(attempt: Attempt) -> Attempt:
    """Auto-submit on access when the time is up."""
    if attempt.status == "in_progress" and is_overdue(attempt):
        submit(attempt, auto=True)
    return attempt


# --- review policy and payloads -----------------------------------------------------------

def review_allowed(attempt: Attempt, viewer: User, now: datetime | None = None) -> bool:
    """Whether ``viewer`` may see scores, keys and explanations for ``attempt`` now."""
    if viewer.is_instructor:
        return True
    if attempt.status != "submitted":
        return False
    policy = attempt.exam.review_policy
    if policy == "immediately":
        return True
    if policy == "after_close":
        return is_closed(attempt.exam, now)
    return False


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def question_payload(item: AttemptItem) -> dict:
    """A question as the student sees it: rendered HTML, never a key.

    The rendered part depends only on the version (immutable) and the presentation order, so it
    is built once per pair and shared: callers must not modify the nested lists. Case items hold
    a per-student variant and are built every time.
    """
    return _question_payloads([item])[0]


def _question_payloads(items) -> list[dict]:
    """:func:`question_payload` for each item (the caches looked up once)."""
    cache = exam_cache.payloads()
    payloads = []
    for item in items:
        key = (item.version_id, exam_cache.order_key(item.presentation))
        shared = cache.get(key)  # a hit is never a case: those are not stored
        if shared is None:
            if case_items.is_case_data(exam_cache.item_data(item)):
                payloads.append(case_items.case_payload(item))
                continue
            view = student_view(exam_cache.item_spec(item), item.presentation or None)
            shared = cache.put(key, payload_from_view(view, "", 0, 0.0))
        # dict(shared, …) keeps payload_from_view's key order and sets the per-item values.
        payloads.append(dict(shared, id=item.qid, position=item.position, points=item.points))
    return payloads


def payload_from_view(view: dict, qid: str, position: int, points: float) -> dict:
    """A student view (app.domain.questions.student_view) with its texts rendered as safe HTML."""
    payload = {"id": qid, "position": position, "type": view.get("type"), "points": points,
               "stem_html": html(view.get("stem", "")),
               "options": [{"id": o["id"], "html": inline_html(o["text"])} for o in view.get("options", [])]}
    for key in ("blanks", "unit"):
        if key in view:
            payload[key] = view[key]
    if "items" in view:
        payload["items"] = [{"id": o["id"], "html": inline_html(o["text"])} for o in view["items"]]
    if "left" in view:
        payload["left"] = view["left"]
        payload["choices"] = view["choices"]
    return payload


def attempt_payload(attempt: Attempt, viewer: User, with_questions: bool = False) -> dict:
    """The attempt's state and saved responses; results only where the review policy allows.

    Responses and ``results`` speak bank option ids, like the ``questions`` options they refer
    to; only the HTML pages letter options by presented place (docs/exam-definition.md).
    """
    # Right after start_or_resume inserted it: the items as inserted, not read back. Only for
    # students, whose in-progress attempt never shows results.
    fresh = _take_fresh_start(attempt, viewer)
    items = fresh.items if fresh is not None else attempt.items
    data = {
        "attempt_id": attempt.id, "exam_id": attempt.exam_id,
        "title": fresh.title if fresh is not None else attempt.exam.title,
        "number": attempt.number, "status": attempt.status,
        "started_at": _iso(attempt.started_at), "deadline": _iso(attempt.deadline),
        "submitted_at": _iso(attempt.submitted_at), "server_time": _iso(utcnow()),
        "responses": {i.qid: {"response": i.response, "seq": i.seq, "saved_at": _iso(i.saved_at),
                              "flagged": i.flagged} for i in items},
    }
    if with_questions:
        data["questions"] = _question_payloads(items)
    if fresh is None and review_allowed(attempt, viewer):
        data["score"] = attempt.score
        data["max_score"] = attempt.max_score
        data["partially_graded"] = attempt.needs_manual
        withheld = withholding.withheld_qids(viewer.id) if not viewer.is_instructor else frozenset()
        data["results"] = [{"id": i.qid, "max": i.points, "withheld": True} if i.qid in withheld else
                           dict(case_items.case_review(i) if case_items.is_case_item(i) else answer_view(i.version.data),
                                id=i.qid, score=i.score, max=i.points,
                                feedback="" if i.teacher_graded else i.feedback, graded=i.teacher_graded,
                                needs_manual=i.needs_manual and i.score is None, comment=i.manual_comment)
                           for i in attempt.items]
    return data


def attempt_for(attempt_id: int, user: User) -> Attempt:
    """The attempt if ``user`` owns it (or teaches); otherwise 404, never a hint that it exists."""
    attempt = db.session.get(Attempt, attempt_id, options=[joinedload(Attempt.exam)])  # every caller needs the exam
    if attempt is None or (attempt.user_id != user.id and not user.is_instructor):
        raise ExamError("找不到该答卷", 404)
    return attempt


def kept_score(exam: Exam, user: User) -> float | None:
    """The score that counts under the exam's grading method."""
    done = [a for a in user_attempts(exam, user) if a.status == "submitted" and a.score is not None]
    if not done:
        return None
    if exam.grading_method == "first":
        return done[0].score
    if exam.grading_method == "last":
        return done[-1].score
    return max(a.score for a in done)


# --- demo ---------------------------------------------------------------------------------

DEMO_EXAM_TITLE = "CRM 综合测验(演示)"
DEMO_EXAM = {
    "title": DEMO_EXAM_TITLE,
    "description": "覆盖全部章节的综合测验:单选、多选、判断、排序、计算、填空、匹配与简答。时间 60 分钟,可多次作答,提交后立即查看解析。",
    "time_limit_minutes": 60,
    "max_attempts": 0,
    "grading_method": "highest",
    "review_policy": "immediately",
    "rules": [
        {"types": ["single"], "count": 8, "points": 1},
        {"types": ["multiple"], "count": 4, "points": 2},
        {"types": ["true_false"], "count": 4, "points": 1},
        {"types": ["ordering"], "count": 1, "points": 2},
        {"types": ["numeric"], "count": 2, "points": 3},
        {"types": ["fill_blank"], "count": 2, "points": 2},
        {"types": ["matching"], "count": 1, "points": 2},
        {"types": ["essay"], "count": 1, "points": 5},
    ],
}


def ensure_demo_exam(teacher: User, class_name: str) -> list[str]:
    """Create the demo exam for ``class_name`` once (needs the bank loaded)."""
    if db.session.scalar(select(Exam).where(Exam.title == DEMO_EXAM_TITLE)) is not None:
        return []
    try:
        create_exam(dict(DEMO_EXAM, classes=[class_name]), teacher)
    except ExamError as exc:
        return [f"未创建演示考试:{exc}({';'.join(exc.details)})"]
    return [f"已创建演示考试“{DEMO_EXAM_TITLE}”"]
