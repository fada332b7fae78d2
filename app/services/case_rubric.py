"""A teacher's rubric scores for the written case tasks, on assignments and on exam items.

The written tasks (``platform-strengths``, ``presales-pitch``) grade some criteria at once and leave
the others to a teacher (docs/cases.md, "Written tasks"). Rules kept here:

- A submitted assignment work with criteria left waits in the case grading queue
  (``CaseWork.needs_manual``); free practice never does (it counts for nothing: the student compares
  with the model answer and the rubric). Resubmitting before the due date replaces the answers, so
  the teacher's scores are dropped and the work waits again.
- A teacher scores every criterion that needs judgement, each from 0 to its points with at most two
  decimals, plus an optional comment. Saving regrades the work with those scores, stores who and
  when, clears ``needs_manual`` and is audited (``case_work.grade``), like an essay's grade.
- On an exam, the case item waits in the exam's grading queue like an essay (``needs_manual`` with no
  score); the teacher's scores are kept with the item (``presentation["manual_scores"]``, beside the
  variant's seed) so that review and any later regrade use them, and the item's score is the case's
  score scaled to the item's points (audited as ``grading.save`` like an essay).
- Only instructors (and admins) may grade; the service refuses anyone else, whatever the route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.cases import Variant, grade
from ..domain.cases.model import CaseResult, Criterion
from ..extensions import db
from ..models import AttemptItem, CaseAssignment, CaseAssignmentClass, CaseWork, ClassMembership, User
from ..models.base import utcnow
from .accounts import audit
from .grading import GradingError, parse_comment, parse_score, record_item_grade

MANUAL_KEY = "manual_scores"


class RubricError(Exception):
    """A refused rubric grade; ``status`` is the HTTP status, the message is for the teacher."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def field_name(criterion: Criterion) -> str:
    """The form field of one criterion's score."""
    return f"c-{criterion.id}"


def has_rubric(variant: Variant) -> bool:
    """Whether the case has criteria a teacher scores."""
    return bool(variant.manual_criteria)


def parse_manual(variant: Variant, form: Mapping[str, object]) -> dict[str, float]:
    """The teacher's score of every manual criterion from a form; RubricError names the first bad one."""
    scores: dict[str, float] = {}
    for criterion in variant.manual_criteria:
        try:
            scores[criterion.id] = parse_score(form.get(field_name(criterion)), criterion.points)
        except GradingError as exc:
            raise RubricError(_("「%(label)s」：%(error)s", label=criterion.label, error=str(exc))) from None
    return scores


def _comment(text: object) -> str:
    try:
        return parse_comment(text)
    except GradingError as exc:
        raise RubricError(str(exc)) from None


def _check_grader(grader: User) -> None:
    if not grader.is_instructor:
        raise RubricError(_("只有教师可以评分。"), 403)


# --- assignment works ---------------------------------------------------------------------------

def queued(work: CaseWork, result: CaseResult) -> bool:
    """Whether a freshly graded submission waits for a teacher: an assignment's, with criteria left."""
    return work.assignment_id is not None and result.needs_manual


def manual_of(work: CaseWork) -> dict[str, float]:
    """The teacher's scores stored in the work's result (``{}`` before grading)."""
    criteria = (work.result or {}).get("criteria") or []
    return {c["id"]: c["score"] for c in criteria
            if isinstance(c, dict) and not c.get("auto") and c.get("score") is not None} if work.graded_at else {}


def grade_work(work: CaseWork, variant: Variant, form: Mapping[str, object], grader: User) -> CaseWork:
    """Store a teacher's rubric scores for a submitted assignment work; nothing changes on error."""
    _check_grader(grader)
    if not has_rubric(variant):
        raise RubricError(_("这个案例没有需要教师评分的项目。"), 404)
    if work.submitted_answers is None:
        raise RubricError(_("学生还没有提交，不能评分。"), 409)
    scores = parse_manual(variant, form)
    comment = _comment(form.get("comment"))
    result = grade(variant, work.submitted_answers, scores)
    payload = result.to_dict()
    payload["comment"] = comment
    previous = work.score
    work.result = payload
    work.score = payload["score"]
    work.max_score = payload["max_score"]
    work.needs_manual = False
    work.graded_by_id = grader.id
    work.graded_at = utcnow()
    audit(grader, "case_work.grade", f"case_work:{work.id}", assignment_id=work.assignment_id,
          case=work.case_id, user_id=work.user_id, scores=scores, score=work.score, previous=previous,
          max_score=work.max_score)
    db.session.commit()
    return work


def _assigned_work_ids():
    """Ids of submitted works of students of the assigned classes (an instructor's preview never counts).

    A subquery of ids rather than DISTINCT over the rows: PostgreSQL cannot compare JSON columns.
    """
    return (select(CaseWork.id)
            .join(CaseAssignmentClass, CaseAssignmentClass.assignment_id == CaseWork.assignment_id)
            .join(ClassMembership, (ClassMembership.class_id == CaseAssignmentClass.class_id)
                  & (ClassMembership.user_id == CaseWork.user_id))
            .where(CaseWork.submitted_at.is_not(None)))


def work_queue(assignment: CaseAssignment, graded: bool = False) -> list[CaseWork]:
    """The assignment's works waiting for a teacher (``graded``: those a teacher has graded), oldest first."""
    which = CaseWork.graded_at.is_not(None) if graded else CaseWork.needs_manual.is_(True)
    stmt = (select(CaseWork)
            .where(CaseWork.id.in_(_assigned_work_ids()), CaseWork.assignment_id == assignment.id, which)
            .order_by(CaseWork.submitted_at, CaseWork.id))
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class AssignmentQueue:
    """An assignment with works waiting for a teacher or already graded by one."""

    assignment: CaseAssignment
    pending: int
    graded: int


def work_overview() -> list[AssignmentQueue]:
    """Assignments with rubric-graded works, those with works waiting first."""
    counts: dict[int, list[int]] = {}
    for needs, column in ((True, 0), (False, 1)):
        cond = CaseWork.needs_manual.is_(True) if needs else CaseWork.graded_at.is_not(None)
        stmt = (select(CaseWork.assignment_id, func.count())
                .where(CaseWork.id.in_(_assigned_work_ids()), cond)
                .group_by(CaseWork.assignment_id))
        for assignment_id, count in db.session.execute(stmt):
            counts.setdefault(assignment_id, [0, 0])[column] = count
    assignments = {a.id: a for a in db.session.scalars(
        select(CaseAssignment).where(CaseAssignment.id.in_(list(counts) or [-1])))}
    rows = [AssignmentQueue(assignments[i], p, g) for i, (p, g) in counts.items() if i in assignments]
    return sorted(rows, key=lambda r: (r.pending == 0, -r.assignment.id))


# --- exam items ---------------------------------------------------------------------------------

def item_manual(item: AttemptItem) -> dict[str, float]:
    """The teacher's scores kept with a case item (``{}`` before grading)."""
    return manual_scores(item.presentation)


def manual_scores(presentation: dict | None) -> dict[str, float]:
    """:func:`item_manual` from a case item's stored presentation."""
    stored = (presentation or {}).get(MANUAL_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def grade_item(item: AttemptItem, variant: Variant, form: Mapping[str, object], grader: User) -> AttemptItem:
    """Store a teacher's rubric scores for a case item of a submitted attempt; nothing changes on error."""
    from .case_items import grade_case_item

    _check_grader(grader)
    scores = parse_manual(variant, form)
    comment = _comment(form.get("comment"))
    previous = item.score
    # A new dict: the JSON column notices a replaced value, not one changed in place.
    item.presentation = {**(item.presentation or {}), MANUAL_KEY: scores}
    item.score, item.feedback, item.needs_manual = grade_case_item(item)
    # The item stays a manually graded one (it is listed among graded answers), now with a score.
    item.needs_manual = True
    return record_item_grade(item, comment, grader, previous, criteria=scores)
