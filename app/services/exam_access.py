"""Who may take and see what: assigned exams, open and closed, attempt limits, time limits, review.

An exam's ``status`` (the one home of these rules, docs/exam-definition.md "Drafts, publishing
and closing"):

* ``draft``: only instructors see it; students get 404 by list, API and URL; nobody starts it
  (an instructor previews it at ``/instructor/exams/<id>/preview`` instead).
* ``published``: assigned students see it and may start it inside its window.
* ``closed``: ended by a teacher ("立即结束考试"): still visible, with results and review as the
  review policy allows, but no new starts. An exam whose ``closes_at`` passed is closed too.

All times are naive UTC.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..domain.exams import AttemptStatus
from ..extensions import db
from ..models import Attempt, ClassMembership, Exam, ExamClass, User
from ..models.exam import started
from ..models.base import utcnow
from .exam_errors import ExamError


def user_class_ids(user: User) -> set[int]:
    """Ids of the classes ``user`` belongs to."""
    return set(db.session.scalars(select(ClassMembership.class_id).where(ClassMembership.user_id == user.id)))


DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"
STATUSES = (DRAFT, PUBLISHED, CLOSED)
VISIBLE_STATUSES = (PUBLISHED, CLOSED)  # what students may see; only PUBLISHED accepts new starts


def is_visible(exam: Exam) -> bool:
    """Whether assigned students may see the exam at all (everything but a draft)."""
    return exam.status in VISIBLE_STATUSES


def visible_clause():
    """:func:`is_visible` as a SQL condition on ``Exam``."""
    return Exam.status.in_(VISIBLE_STATUSES)


def visible_exams(user: User) -> list[Exam]:
    """Visible (published or closed) exams assigned to one of the user's classes (instructors: all, drafts too)."""
    stmt = select(Exam).order_by(Exam.id.desc())
    if not user.is_instructor:
        assigned = select(ExamClass.exam_id).where(ExamClass.class_id.in_(user_class_ids(user) or {-1}))
        stmt = stmt.where(Exam.id.in_(assigned), visible_clause())
    return list(db.session.scalars(stmt))


def is_closed(exam: Exam, now: datetime | None = None) -> bool:
    """Whether the exam is over: a teacher closed it, or its closing time has passed (an exam
    without one never closes by itself).

    The one rule for "closed"; app.services.withholding states it as SQL for its query.
    """
    return exam.status == CLOSED or (exam.closes_at is not None and (now or utcnow()) >= exam.closes_at)


def is_open(exam: Exam, now: datetime | None = None) -> bool:
    """Whether attempts may start now: published (not a draft, not closed), opened and not past closing."""
    now = now or utcnow()
    return exam.status == PUBLISHED and (exam.opens_at is None or exam.opens_at <= now) and not is_closed(exam, now)


def display_status(exam: Exam, now: datetime | None = None) -> str:
    """``draft``, ``published`` or ``closed`` as lists and ``exam list --json`` show it: a
    published exam past its closing time shows as closed; a draft stays a draft."""
    if exam.status == DRAFT:
        return DRAFT
    return CLOSED if is_closed(exam, now) else PUBLISHED


def hidden_from(exam: Exam, user: User) -> bool:
    """Whether ``exam`` must not exist for ``user`` (a student and a draft): callers answer 404."""
    return not user.is_instructor and not is_visible(exam)


# Built once: a start runs these on every request (bound parameters keep them cacheable).
_ASSIGNED = (select(ExamClass.id)
             .join(ClassMembership, ClassMembership.class_id == ExamClass.class_id)
             .where(ExamClass.exam_id == bindparam("exam_id"), ClassMembership.user_id == bindparam("user_id"))
             .limit(1))
_USER_ATTEMPTS = (select(Attempt)
                  .where(Attempt.exam_id == bindparam("exam_id"), Attempt.user_id == bindparam("user_id"))
                  .order_by(Attempt.number))
_USER_ATTEMPTS_AND_PREPARED = _USER_ATTEMPTS.execution_options(include_prepared=True)


def may_take(exam: Exam, user: User) -> bool:
    """Visible and assigned to one of the user's classes (instructors: any exam; starting still
    needs :func:`is_open`)."""
    if user.is_instructor:
        return True
    if not is_visible(exam):
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


def user_attempts(exam: Exam, user: User, include_prepared: bool = False) -> list[Attempt]:
    """The user's attempts at ``exam`` in the order they were made (with ``include_prepared``, also
    the paper prepared for the next one: app/services/prepared_papers.py)."""
    stmt = _USER_ATTEMPTS_AND_PREPARED if include_prepared else _USER_ATTEMPTS
    return list(db.session.scalars(stmt, {"exam_id": exam.id, "user_id": user.id}))


_ATTEMPT_COLUMNS = tuple(Attempt.__table__.c)
_EXAM_COLUMNS = tuple(Exam.__table__.c)
# A Core select (the ORM's column query costs three times as much), so the session's criteria that
# hide prepared attempts do not apply: it says so itself, as the autosave fast path does.
_ATTEMPT_AND_EXAM = (select(*_ATTEMPT_COLUMNS, *(c.label(f"exam__{c.name}") for c in _EXAM_COLUMNS))
                     .join_from(Attempt.__table__, Exam.__table__, Attempt.__table__.c.exam_id == Exam.__table__.c.id)
                     .where(Attempt.__table__.c.id == bindparam("attempt_id"), started(Attempt.__table__.c)))


def _attempt_of(values: tuple) -> SimpleNamespace:
    # Every column of the attempt and of its exam (``.exam``), as the ORM objects name them: the
    # rules read them alike, and one Core query costs a fraction of loading and tracking the two.
    attempt = SimpleNamespace(**{c.key: v for c, v in zip(_ATTEMPT_COLUMNS, values)})
    attempt.exam = SimpleNamespace(**{c.key: v for c, v in zip(_EXAM_COLUMNS, values[len(_ATTEMPT_COLUMNS):])})
    return attempt


def _light_attempt(attempt_id: int) -> SimpleNamespace | None:
    row = db.session.connection().execute(_ATTEMPT_AND_EXAM, {"attempt_id": attempt_id}).first()
    return None if row is None else _attempt_of(row._tuple())


class PageUser:
    """A user's columns as a read-only page needs them, without the ORM object: ``User``'s own
    properties (the role rules, the display name, Flask-Login's flags) read them as they read a
    loaded user's."""

    __slots__ = ("id", "username", "full_name", "role", "active", "session_version", "extra_minutes",
                 "time_multiplier", "extra_attempts")
    is_active = User.__dict__["is_active"]
    is_authenticated = User.is_authenticated  # UserMixin's: the account is active
    is_instructor = User.__dict__["is_instructor"]
    is_admin = User.__dict__["is_admin"]
    display_name = User.__dict__["display_name"]

    def __init__(self, values) -> None:
        for name, value in zip(self.__slots__, values):
            setattr(self, name, value)


_PAGE_USER_COLUMNS = tuple(User.__table__.c[name] for name in PageUser.__slots__)
# The attempt, its exam and the session's user in one statement: the user joined by the id the
# session cookie names (not the attempt's owner, which the caller compares).
_ATTEMPT_EXAM_AND_USER = (_ATTEMPT_AND_EXAM.add_columns(*(c.label(f"user__{c.name}") for c in _PAGE_USER_COLUMNS))
                          .join(User.__table__, User.__table__.c.id == bindparam("user_id")))


def attempt_and_user(attempt_id: int, user_id: int, connection=None) -> tuple[SimpleNamespace, PageUser] | None:
    """The attempt as :func:`attempt_for` gives it with ``light`` and user ``user_id``'s columns,
    in one Core query; None when either does not exist (or the attempt is only prepared).
    ``connection``: a Core connection to read on (default: the session's).

    Nothing is checked here: the caller applies the session rule to the user
    (app.auth.session.session_accepts) and :func:`attempt_for`'s ownership rule to the attempt.
    """
    connection = connection if connection is not None else db.session.connection()
    row = connection.execute(_ATTEMPT_EXAM_AND_USER, {"attempt_id": attempt_id, "user_id": user_id}).first()
    if row is None:
        return None
    values = row._tuple()
    split = len(_ATTEMPT_COLUMNS) + len(_EXAM_COLUMNS)
    return _attempt_of(values[:split]), PageUser(values[split:])


def attempt_for(attempt_id: int, user: User, light: bool = False) -> Attempt:
    """The attempt if ``user`` owns it (or teaches); otherwise 404, never a hint that it exists.

    ``light``: a read-only stand-in holding the attempt's and its exam's columns, no ORM object
    (for a page that only reads; whatever changes the attempt loads it again).
    """
    if light:
        attempt = _light_attempt(attempt_id)
    else:
        attempt = db.session.get(Attempt, attempt_id, options=[joinedload(Attempt.exam)])  # every caller needs the exam
    if attempt is None or (attempt.user_id != user.id and not user.is_instructor):
        raise ExamError(_("找不到该答卷"), 404)
    return attempt


def review_allowed(attempt: Attempt, viewer: User, now: datetime | None = None) -> bool:
    """Whether ``viewer`` may see scores, keys and explanations for ``attempt`` now."""
    if viewer.is_instructor:
        return True
    if attempt.status != AttemptStatus.SUBMITTED:
        return False
    policy = attempt.exam.review_policy
    if policy == "immediately":
        return True
    if policy == "after_close":
        return is_closed(attempt.exam, now)
    return False
