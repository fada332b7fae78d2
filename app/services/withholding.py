"""Keeping exam keys out of students' reach while an exam can still ask for them.

Two controls (docs/security.md, "Practice never reveals a key that an open exam can still ask"):

* **Withheld questions.** While an exam whose review policy hides its key (``after_close``,
  ``never``) is published and not closed, every question its blueprint can draw (each rule's
  candidates over the current pool, and its fixed questions) is withheld from practice and
  the wrong-answer notebook for the students of the classes it is assigned to. Withholding
  starts at publication, not at ``opens_at``: a key learnt the day before the exam opens is
  the same leak. It ends when ``closes_at`` passes (an exam without one: when the instructor
  ends it with "立即结束考试", which sets its status to ``closed``, or changes the review policy to
  ``immediately``). Drafts withhold nothing; instructors and admins are never affected.
* **Closed book.** While a student has an attempt in progress at an exam with
  ``closed_book``, lessons, search, practice and cases answer 403 to that student.

Both run on hot paths, so each costs one indexed query per request; the withheld set of an
exam comes from its draw plan, which :mod:`app.services.exam_cache` keeps per blueprint and
pool fingerprint (the same matching code that assembles papers).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_request_context, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, or_, select

from ..domain.exams import AttemptStatus, past_deadline
from ..extensions import db
from ..models import Attempt, ClassMembership, Exam, ExamClass, Role, User
from ..models.base import utcnow
from .exam_access import PUBLISHED
from . import exam_cache
from .exams import exam_definition

HIDDEN_POLICIES = ("after_close", "never")
# Areas a closed-book exam closes: blueprints, plus single endpoints of shared blueprints.
CLOSED_BOOK_BLUEPRINTS = frozenset({"lessons", "practice", "cases"})
CLOSED_BOOK_ENDPOINTS = frozenset({"main.search"})

# Built once (bound parameters): the published (status; neither a draft nor closed by a teacher), not
# yet past closing exams that hide their key and are
# assigned to a class the student belongs to. Instructors and admins match nothing.
_HIDDEN_OPEN_EXAMS = (
    select(Exam)
    .where(Exam.status == PUBLISHED, Exam.review_policy.in_(HIDDEN_POLICIES),
           or_(Exam.closes_at.is_(None), Exam.closes_at > bindparam("now")),
           Exam.id.in_(select(ExamClass.exam_id)
                       .join(ClassMembership, ClassMembership.class_id == ExamClass.class_id)
                       .join(User, User.id == ClassMembership.user_id)
                       .where(ClassMembership.user_id == bindparam("user_id"), User.role == Role.STUDENT)))
    .order_by(Exam.id))

_CLOSED_BOOK_ATTEMPTS = (
    select(Attempt.exam_id, Attempt.deadline, Exam.grace_seconds)
    .join(Exam, Exam.id == Attempt.exam_id)
    .where(Attempt.user_id == bindparam("user_id"), Attempt.status == AttemptStatus.IN_PROGRESS, Exam.closed_book.is_(True))
    .order_by(Attempt.id))


# --- withheld questions ----------------------------------------------------------------------

def hidden_open_exams(user_id: int, now: datetime | None = None) -> list[Exam]:
    """The exams that withhold questions from ``user_id`` now (empty for instructors and admins)."""
    return list(db.session.scalars(_HIDDEN_OPEN_EXAMS, {"user_id": user_id, "now": now or utcnow()}))


def exam_withheld_qids(exam: Exam) -> frozenset[str]:
    """Every question ``exam`` can ask: its fixed questions and each rule's candidates in the current pool."""
    return exam_cache.drawable_qids(exam_definition(exam))


def withheld_qids(user_id: int | None) -> frozenset[str]:
    """Question ids withheld from ``user_id``'s practice and notebook now (kept for the request)."""
    if user_id is None:
        return frozenset()
    memo = g.setdefault("withheld_qids", {}) if has_request_context() else None
    if memo is not None and user_id in memo:
        return memo[user_id]
    found: frozenset[str] = frozenset()
    with exam_cache.one_fingerprint():  # one pool check for all of them, however many exams withhold
        for exam in hidden_open_exams(user_id):
            found |= exam_withheld_qids(exam)
    if memo is not None:
        memo[user_id] = found
    return found


def is_withheld(user_id: int | None, qid: str) -> bool:
    """Whether ``qid`` is withheld from ``user_id`` now."""
    return qid in withheld_qids(user_id)


# --- closed book -------------------------------------------------------------------------------

def closed_book_exam_id(user_id: int, now: datetime | None = None) -> int | None:
    """The closed-book exam ``user_id`` is writing now (attempt in progress, within its time), or None."""
    now = now or utcnow()
    for exam_id, deadline, grace in db.session.execute(_CLOSED_BOOK_ATTEMPTS, {"user_id": user_id}):
        if not past_deadline(deadline, grace, now):
            return exam_id
    return None


def closed_book_guard():
    """``before_request``: refuse lessons, search, practice and cases during a closed-book attempt."""
    if request.blueprint not in CLOSED_BOOK_BLUEPRINTS and request.endpoint not in CLOSED_BOOK_ENDPOINTS:
        return None
    if not current_user.is_authenticated or current_user.is_instructor:
        return None
    exam_id = closed_book_exam_id(current_user.id)
    if exam_id is None:
        return None
    from ..errors import wants_json

    message = _("闭卷考试进行中，课程内容、搜索、练习和案例暂不开放。")
    if wants_json():
        return {"error": message}, 403
    return render_template("errors/closed_book.html", message=message,
                           exam_url=url_for("exams.detail", exam_id=exam_id)), 403


def init_app(app: Flask) -> None:
    """Register the closed-book guard (one check for every area it closes)."""
    app.before_request(closed_book_guard)
