"""Scores: grading an attempt's items, the attempt's total, and the score that counts for an exam."""

from __future__ import annotations

from ..domain.exams import AttemptStatus
from ..domain.questions import grade
from ..models import Attempt, AttemptItem, Exam, User
from . import case_items, exam_cache
from .exam_access import user_attempts


def grade_item(item: AttemptItem) -> None:
    """Grade one item's saved response, scaled to the points it carries in this exam."""
    data = exam_cache.item_data(item)
    if case_items.is_case_data(data):
        item.score, item.feedback, item.needs_manual = case_items.grade_case_item(item)
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


def kept_score(exam: Exam, user: User) -> float | None:
    """The score that counts under the exam's grading method."""
    done = [a for a in user_attempts(exam, user) if a.status == AttemptStatus.SUBMITTED and a.score is not None]
    if not done:
        return None
    if exam.grading_method == "first":
        return done[0].score
    if exam.grading_method == "last":
        return done[-1].score
    return max(a.score for a in done)
