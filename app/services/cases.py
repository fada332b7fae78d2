"""Case exercises in the web app: assignments, each student's fixed variant, saving and grading.

Rules kept here (documented in docs/cases.md, "Web pages"):

- A student's variant is fixed per assignment: the seed is drawn once, on the first visit, and
  stored in :class:`CaseWork`; every later visit rebuilds the same variant from it.
- Free practice (自由练习) is stored as :class:`CaseWork` rows without an assignment, one row per
  practice run, so a student can come back to it; practice never counts for a grade.
- Saving stores answers without grading. Submitting grades with the domain grader; a student may
  resubmit until the due date and the latest submission counts. After the due date nothing is
  saved or submitted.
- Scores and feedback are shown after each submission. The model answers and (for the ABC case)
  the Pareto chart are the review: for an assignment they appear once the due date has passed,
  for practice once the run has been submitted; instructors always see them.

All times are naive UTC; times typed into forms are in the site's time zone.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..database import immediate_transaction
from ..domain.cases import TEXTBOOK, Variant, get_case, grade, list_cases, make_variant
from ..domain.cases.limits import answers_problem_text
from ..extensions import db
from ..models import CaseAssignment, CaseAssignmentClass, CaseWork, ClassGroup, ClassMembership, User
from ..models.base import utcnow
from . import case_rubric
from .accounts import audit


class CaseError(Exception):
    """A refused case operation: ``status`` is the HTTP status, the message is for the user."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


# --- assignments ----------------------------------------------------------------------------

def case_choices() -> list[tuple[str, str]]:
    """``(case id, title)`` of every case, in course order."""
    return [(c["id"], c["title"]) for c in list_cases()]


def case_title(case_id: str) -> str:
    """The case's Chinese title (the id itself for a case that no longer exists)."""
    case = get_case(case_id)
    return case.title if case is not None else case_id


def has_rubric(case_id: str) -> bool:
    """Whether the case is a written task with criteria a teacher scores."""
    case = get_case(case_id)
    return case is not None and bool(case.textbook().manual_criteria)


def local_to_utc(value: datetime) -> datetime:
    """Naive UTC for a time typed in the site's time zone (an aware time is converted as is)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def create_assignment(case_id: str, title: str, instructions: str, due_local: datetime,
                      class_ids: list[int], actor: User) -> CaseAssignment:
    """Create an assignment for the given classes and audit it; the form has validated the input."""
    if get_case(case_id) is None:
        raise CaseError(_("没有这个案例。"), 422)
    groups = list(db.session.scalars(select(ClassGroup).where(ClassGroup.id.in_(class_ids or [-1]))))
    if not groups:
        raise CaseError(_("请至少选择一个班级。"), 422)
    assignment = CaseAssignment(case_id=case_id, title=title.strip(), instructions=(instructions or "").strip(),
                                due_at=local_to_utc(due_local), created_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    for group in groups:
        db.session.add(CaseAssignmentClass(assignment_id=assignment.id, class_id=group.id))
    audit(actor, "case_assignment.create", f"case_assignment:{assignment.id}", title=assignment.title,
          case=case_id, classes=[g.name for g in groups])
    db.session.commit()
    return assignment


def assignment_classes(assignment: CaseAssignment) -> list[ClassGroup]:
    """The classes an assignment was given to, by name."""
    ids = [c.class_id for c in assignment.classes]
    stmt = select(ClassGroup).where(ClassGroup.id.in_(ids or [-1])).order_by(ClassGroup.name)
    return list(db.session.scalars(stmt))


def _user_class_ids(user: User) -> set[int]:
    return set(db.session.scalars(select(ClassMembership.class_id).where(ClassMembership.user_id == user.id)))


def visible_assignments_query(user: User):
    """Assignments given to one of the user's classes (instructors: every assignment), newest due first."""
    stmt = select(CaseAssignment).order_by(CaseAssignment.due_at.desc(), CaseAssignment.id.desc())
    if not user.is_instructor:
        given = select(CaseAssignmentClass.assignment_id).where(
            CaseAssignmentClass.class_id.in_(_user_class_ids(user) or {-1}))
        stmt = stmt.where(CaseAssignment.id.in_(given))
    return stmt


def visible_assignment(assignment_id: int, user: User) -> CaseAssignment:
    """The assignment if ``user`` may work on it (instructors may preview any); else a 404."""
    assignment = db.session.get(CaseAssignment, assignment_id)
    if assignment is None:
        raise CaseError(_("找不到该案例作业。"), 404)
    if not user.is_instructor and not ({c.class_id for c in assignment.classes} & _user_class_ids(user)):
        raise CaseError(_("找不到该案例作业。"), 404)
    return assignment


def works_by_assignment(user: User, assignment_ids: list[int]) -> dict[int, CaseWork]:
    """The user's work on each of these assignments, keyed by assignment id."""
    rows = db.session.scalars(select(CaseWork).where(CaseWork.user_id == user.id,
                                                     CaseWork.assignment_id.in_(assignment_ids or [-1])))
    return {w.assignment_id: w for w in rows}


def is_past_due(assignment: CaseAssignment | None, now: datetime | None = None) -> bool:
    """Whether the due date has passed (practice has none)."""
    return assignment is not None and (now or utcnow()) > assignment.due_at


# --- a student's work -------------------------------------------------------------------------

def _new_seed() -> str:
    return str(secrets.randbelow(10**9))


def work_for(assignment: CaseAssignment, user: User) -> CaseWork:
    """The user's work on ``assignment``, created with a fresh random seed on the first visit."""
    stmt = select(CaseWork).where(CaseWork.assignment_id == assignment.id, CaseWork.user_id == user.id)
    work = db.session.scalar(stmt)
    if work is not None:
        return work
    try:
        # Usually reached from a GET, whose transaction is read-only.
        with immediate_transaction():
            work = CaseWork(assignment_id=assignment.id, user_id=user.id, case_id=assignment.case_id,
                            seed=_new_seed(), answers={})
            db.session.add(work)
    except IntegrityError:  # the same student opened it twice at once: keep the first seed
        work = db.session.scalar(stmt)
        if work is None:
            raise
    return work


def start_practice(case_id: str, user: User, textbook: bool = False) -> CaseWork:
    """A new practice run of ``case_id`` on a fresh random variant (or the textbook variant)."""
    if get_case(case_id) is None:
        raise CaseError(_("没有这个案例。"), 404)
    work = CaseWork(assignment_id=None, user_id=user.id, case_id=case_id,
                    seed=TEXTBOOK if textbook else _new_seed(), answers={})
    db.session.add(work)
    db.session.commit()
    return work


def own_practice(work_id: int, user: User) -> CaseWork:
    """The user's own practice run; anyone else's (or an assignment's work) is a 404."""
    work = db.session.get(CaseWork, work_id)
    if work is None or work.assignment_id is not None or work.user_id != user.id:
        raise CaseError(_("找不到该练习。"), 404)
    return work


def viewable_work(work_id: int, user: User) -> CaseWork:
    """A work its owner or an instructor may look at (downloads); otherwise a 404."""
    work = db.session.get(CaseWork, work_id)
    if work is None or (work.user_id != user.id and not user.is_instructor):
        raise CaseError(_("找不到该作业。"), 404)
    return work


def recent_practice(user: User, limit: int = 10) -> list[CaseWork]:
    """The user's latest practice runs."""
    return list(db.session.scalars(select(CaseWork).where(CaseWork.user_id == user.id,
                                                          CaseWork.assignment_id.is_(None))
                                   .order_by(CaseWork.created_at.desc(), CaseWork.id.desc()).limit(limit)))


def variant_for(work: CaseWork) -> Variant:
    """Rebuild the work's variant from its stored seed."""
    variant, error = make_variant(work.case_id, work.seed)
    if variant is None:
        raise CaseError(error or _("无法生成该案例。"), 404)
    return variant


def review_visible(work: CaseWork, viewer: User, now: datetime | None = None) -> bool:
    """Whether ``viewer`` may see the model answers and the review chart of ``work``."""
    if viewer.is_instructor:
        return True
    if work.assignment is None:
        return work.submitted_at is not None
    return is_past_due(work.assignment, now)


def _check_open(work: CaseWork) -> None:
    if is_past_due(work.assignment):
        raise CaseError(_("已过截止时间，不能再保存或提交。"), 409)


def _check_shape(work: CaseWork, answers: dict) -> None:
    """Refuse answers that do not fit the variant's steps or size caps (nothing is stored)."""
    problem = answers_problem_text(variant_for(work), answers)
    if problem:
        raise CaseError(problem, 422)


def save_answers(work: CaseWork, answers: dict) -> CaseWork:
    """Store the draft answers without grading."""
    _check_open(work)
    _check_shape(work, answers)
    work.answers = answers
    work.saved_at = utcnow()
    db.session.commit()
    return work


def submit_answers(work: CaseWork, answers: dict) -> CaseWork:
    """Save and grade; the latest submission replaces the previous result."""
    _check_open(work)
    _check_shape(work, answers)
    graded = grade(variant_for(work), answers)
    result = graded.to_dict()
    now = utcnow()
    # Written tasks: criteria left for a teacher put an assignment's work in the grading queue;
    # new answers drop an earlier teacher's scores (docs/cases.md, "Written tasks").
    work.needs_manual = case_rubric.queued(work, graded)
    work.graded_by_id = None
    work.graded_at = None
    work.answers = answers
    work.submitted_answers = answers
    work.result = result
    work.score = result["score"]
    work.max_score = result["max_score"]
    work.saved_at = now
    work.submitted_at = now
    work.submit_count = (work.submit_count or 0) + 1
    db.session.commit()
    return work


def work_status(work: CaseWork | None) -> str:
    """``not_started``, ``draft`` (saved, never submitted), ``submitted`` or ``changed``
    (submitted, with later saved changes that were not submitted)."""
    if work is None or (work.saved_at is None and work.submitted_at is None):
        return "not_started"
    if work.submitted_at is None:
        return "draft"
    if work.saved_at and work.saved_at > work.submitted_at:
        return "changed"
    return "submitted"


# --- instructor views -------------------------------------------------------------------------

def students_query(assignment: CaseAssignment):
    """Students of the assignment's classes, ordered by student number."""
    class_ids = [c.class_id for c in assignment.classes] or [-1]
    members = select(ClassMembership.user_id).where(ClassMembership.class_id.in_(class_ids))
    return select(User).where(User.id.in_(members)).order_by(User.student_number, User.username)


def works_of(assignment: CaseAssignment, user_ids: list[int]) -> dict[int, CaseWork]:
    """Works on ``assignment`` keyed by user id."""
    rows = db.session.scalars(select(CaseWork).where(CaseWork.assignment_id == assignment.id,
                                                     CaseWork.user_id.in_(user_ids or [-1])))
    return {w.user_id: w for w in rows}


def student_work(assignment: CaseAssignment, user_id: int) -> tuple[User, CaseWork | None]:
    """A student of the assignment and their work (None before the first visit); 404 otherwise."""
    student = db.session.scalar(students_query(assignment).where(User.id == user_id))
    if student is None:
        raise CaseError(_("该学生不在此作业的班级中。"), 404)
    return student, works_of(assignment, [user_id]).get(user_id)


def assignment_summaries(assignments: list[CaseAssignment]) -> dict[int, dict]:
    """For each assignment: its class names and how many of its students have submitted."""
    ids = [a.id for a in assignments] or [-1]
    summary: dict[int, dict] = {a.id: {"classes": [], "submitted": 0} for a in assignments}
    for assignment_id, name in db.session.execute(
            select(CaseAssignmentClass.assignment_id, ClassGroup.name)
            .join(ClassGroup, ClassGroup.id == CaseAssignmentClass.class_id)
            .where(CaseAssignmentClass.assignment_id.in_(ids)).order_by(ClassGroup.name)):
        summary[assignment_id]["classes"].append(name)
    # Only students of the assigned classes count (an instructor's preview does not).
    for assignment_id, count in db.session.execute(
            select(CaseWork.assignment_id, func.count(func.distinct(CaseWork.id)))
            .join(CaseAssignmentClass, CaseAssignmentClass.assignment_id == CaseWork.assignment_id)
            .join(ClassMembership, (ClassMembership.class_id == CaseAssignmentClass.class_id)
                  & (ClassMembership.user_id == CaseWork.user_id))
            .where(CaseWork.assignment_id.in_(ids), CaseWork.submitted_at.is_not(None))
            .group_by(CaseWork.assignment_id)):
        summary[assignment_id]["submitted"] = count
    return summary
