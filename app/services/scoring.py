"""Scores: grading an attempt's items, the attempt's total, and the score that counts for an exam."""

from __future__ import annotations

from ..domain.exams import AttemptStatus
from ..domain.questions import grade
from ..models import Attempt, AttemptItem, Exam, User
from . import case_items, exam_cache
from .exam_access import user_attempts


def grade_response(version_id: int, points: float, presentation: dict | None, response) -> tuple[float | None, str, bool]:
    """Grade one saved response of an attempt item: (score scaled to ``points``, feedback, needs_manual).

    Plain values, so a submit grades the rows it read without loading items or versions through
    the ORM; the version comes from the per-process cache. A score of None waits for a teacher.
    """
    data = exam_cache.version_data(version_id)
    if case_items.is_case_data(data):
        return case_items.grade_case(data, points, presentation, response)
    result = grade(exam_cache.version_spec(version_id), response)
    if result.needs_manual:
        return None, result.feedback, True
    scale = points / result.max_score if result.max_score else 0.0
    return round(result.score * scale, 4), result.feedback, False


def grade_item(item: AttemptItem) -> None:
    """Grade one item's saved response, scaled to the points it carries in this exam."""
    item.score, item.feedback, item.needs_manual = grade_response(item.version_id, item.points, item.presentation,
                                                                  item.response)


def attempt_totals(items) -> tuple[float, float, bool]:
    """(score, max_score, needs_manual) of an attempt from its items in paper order.

    Items are anything with ``score``, ``points`` and ``needs_manual``; summed in the order given,
    so the same items in the same order give the same floating-point total.
    """
    items = list(items)
    needs_manual = any(i.needs_manual and i.score is None for i in items)
    return round(sum(i.score or 0.0 for i in items), 4), round(sum(i.points for i in items), 4), needs_manual


def recompute_total(attempt: Attempt) -> None:
    """Total of graded items; the attempt is partially graded while an essay waits."""
    attempt.score, attempt.max_score, attempt.needs_manual = attempt_totals(attempt.items)


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
