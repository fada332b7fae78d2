"""Who may take and see what: assigned exams, open and closed, attempt limits, time limits, review.

All times are naive UTC.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..domain.exams import AttemptStatus
from ..extensions import db
from ..models import Attempt, ClassMembership, Exam, ExamClass, User
from ..models.base import utcnow
from .exam_errors import ExamError


def user_class_ids(user: User) -> set[int]:
    """Ids of the classes ``user`` belongs to."""
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
    """Whether attempts may start now: opened and not closed."""
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
_USER_ATTEMPTS_AND_PREPARED = _USER_ATTEMPTS.execution_options(include_prepared=True)


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


def user_attempts(exam: Exam, user: User, include_prepared: bool = False) -> list[Attempt]:
    """The user's attempts at ``exam`` in the order they were made (with ``include_prepared``, also
    the paper prepared for the next one: app/services/prepared_papers.py)."""
    stmt = _USER_ATTEMPTS_AND_PREPARED if include_prepared else _USER_ATTEMPTS
    return list(db.session.scalars(stmt, {"exam_id": exam.id, "user_id": user.id}))


def attempt_for(attempt_id: int, user: User) -> Attempt:
    """The attempt if ``user`` owns it (or teaches); otherwise 404, never a hint that it exists."""
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
