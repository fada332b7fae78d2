"""Regrading after a key fix: attempts answered on an older version, graded again on the current one.

An item keeps ``version_id`` (what the student saw); the regrade is recorded beside it in
``regraded_version_id``/``regraded_at``, its score and feedback are replaced, the attempt's
total is recomputed, and the before/after of every attempt goes into the audit log. Items in
attempts still in progress are left alone (they are graded when submitted), and so are items
an instructor graded by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain.exams import AttemptStatus
from ..domain.questions import grade
from ..domain.questions.feedback import REGRADED, say
from ..extensions import db
from ..models import Attempt, AttemptItem, Question, QuestionVersion, User
from ..models.base import utcnow
from .accounts import audit
from .scoring import recompute_total


@dataclass(frozen=True)
class AttemptChange:
    """One attempt whose total a regrade changes."""

    attempt_id: int
    exam_title: str
    number: int
    username: str
    student: str
    item_before: float | None
    item_after: float
    total_before: float | None
    total_after: float
    max_score: float

    @property
    def delta(self) -> float:
        """How much the attempt's total moves."""
        return round(self.total_after - (self.total_before or 0.0), 4)


@dataclass
class RegradeReport:
    """What a regrade does (planned) or did (applied)."""

    qid: str
    version: int
    applied: bool = False
    items: int = 0
    unchanged: int = 0
    in_progress: int = 0
    manual: int = 0
    changes: list[AttemptChange] = field(default_factory=list)


def stale_items(question: Question) -> list[AttemptItem]:
    """Items answered on an older version of ``question`` and not yet regraded on the current one."""
    current = question.current_version_id
    return list(db.session.scalars(
        select(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)  # leaves out prepared papers (app/models/exam.py)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(QuestionVersion.question_id == question.id, AttemptItem.version_id != current,
               (AttemptItem.regraded_version_id.is_(None)) | (AttemptItem.regraded_version_id != current))
        .order_by(AttemptItem.attempt_id)))


def _new_score(item: AttemptItem, data: dict) -> tuple[float | None, str]:
    """The item's score on ``data``, scaled to the points it carries in its exam (None: manual)."""
    result = grade(data, item.response)
    if result.needs_manual:
        return None, result.feedback
    scale = item.points / result.max_score if result.max_score else 0.0
    return round(result.score * scale, 4), result.feedback


def regrade_question(question: Question, actor: User | None = None, apply: bool = False) -> RegradeReport:
    """Plan (``apply=False``, nothing written) or apply the regrade of ``question``'s stale items."""
    current = question.current_version
    report = RegradeReport(question.qid, current.number if current else 0, applied=apply)
    if current is None:
        return report
    now = utcnow()
    touched: dict[int, tuple[Attempt, float | None, float | None, float]] = {}
    for item in stale_items(question):
        attempt = item.attempt
        if attempt.status != AttemptStatus.SUBMITTED:
            report.in_progress += 1
            continue
        if item.graded_by_id is not None:
            report.manual += 1
            continue
        score, feedback = _new_score(item, current.data)
        if score is None:
            report.manual += 1
            continue
        report.items += 1
        before = item.score
        if abs((before or 0.0) - score) < 1e-9:
            report.unchanged += 1
        touched[attempt.id] = (attempt, attempt.score, before, score)
        if apply:
            item.score = score
            item.feedback = say(REGRADED, feedback=feedback, n=current.number)
            item.needs_manual = False
            item.regraded_version_id = current.id
            item.regraded_at = now
    for attempt, total_before, before, after in touched.values():
        if apply:
            recompute_total(attempt)
            total_after = attempt.score or 0.0
        else:
            total_after = round((total_before or 0.0) - (before or 0.0) + after, 4)
        if abs((total_before or 0.0) - total_after) < 1e-9:
            continue
        student = db.session.get(User, attempt.user_id)
        report.changes.append(AttemptChange(
            attempt.id, attempt.exam.title, attempt.number, student.username if student else "?",
            student.display_name if student else "?", before, after, total_before, total_after,
            attempt.max_score))
    if apply:
        audit(actor, "question.regrade", f"question:{question.qid}", version=report.version, items=report.items,
              unchanged=report.unchanged, skipped_in_progress=report.in_progress, skipped_manual=report.manual,
              changes=[{"attempt": c.attempt_id, "user": c.username, "item": [c.item_before, c.item_after],
                        "total": [c.total_before, c.total_after]} for c in report.changes[:500]])
        db.session.commit()
    return report
