"""Manual grading (人工评分) of essay responses in submitted attempts.

The queue is ordered by a hash of attempt id and question id: stable from one visit to the
next, but unrelated to names, student numbers or submission times, so the order in which
answers are read does not follow (and so cannot bias) anything about the student.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.exams import AttemptStatus
from ..extensions import db
from ..models import Attempt, AttemptItem, Exam, User
from ..models.base import utcnow
from .accounts import audit
from .scoring import recompute_total

MAX_COMMENT = 2000


class GradingError(Exception):
    """A refused grade; the message is for the instructor."""


@dataclass(frozen=True)
class QueueSummary:
    """Essays of one question of one exam: how many wait and how many are graded."""

    exam: Exam
    qid: str
    pending: int
    graded: int


def order_key(attempt_id: int, qid: str) -> str:
    """The queue position of an essay: a hash, so the order says nothing about the student."""
    return hashlib.sha256(f"{attempt_id}:{qid}".encode()).hexdigest()


def _essays():
    """Essay items of submitted attempts (graded or not)."""
    return (select(AttemptItem).join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .where(AttemptItem.needs_manual.is_(True), Attempt.status == AttemptStatus.SUBMITTED))


def overview() -> list[QueueSummary]:
    """Every exam and question that has essays, pending first, then by exam and question."""
    rows = db.session.execute(
        select(Attempt.exam_id, AttemptItem.qid, AttemptItem.score.is_(None), func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.needs_manual.is_(True), Attempt.status == AttemptStatus.SUBMITTED)
        .group_by(Attempt.exam_id, AttemptItem.qid, AttemptItem.score.is_(None))).all()
    counts: dict[tuple[int, str], list[int]] = {}
    for exam_id, qid, pending, count in rows:
        counts.setdefault((exam_id, qid), [0, 0])[0 if pending else 1] += count
    exams = {e.id: e for e in db.session.scalars(select(Exam).where(Exam.id.in_({k[0] for k in counts})))}
    summaries = [QueueSummary(exams[exam_id], qid, p, g) for (exam_id, qid), (p, g) in counts.items()]
    return sorted(summaries, key=lambda s: (s.pending == 0, -s.exam.id, s.qid))


def queue(exam: Exam, qid: str | None = None, graded: bool = False) -> list[AttemptItem]:
    """The exam's essays waiting for a grade (``graded``: those already graded), in hash order."""
    stmt = _essays().where(Attempt.exam_id == exam.id)
    stmt = stmt.where(AttemptItem.score.is_not(None) if graded else AttemptItem.score.is_(None))
    if qid:
        stmt = stmt.where(AttemptItem.qid == qid)
    items = db.session.scalars(stmt).all()
    return sorted(items, key=lambda i: order_key(i.attempt_id, i.qid))


def students_of(items: list[AttemptItem]) -> dict[int, User]:
    """The students who wrote ``items``, by user id."""
    ids = {item.attempt.user_id for item in items}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def parse_score(text: object, points: float) -> float:
    """A score typed by the grader: a number from 0 to ``points`` with at most 2 decimals."""
    raw = str(text if text is not None else "").strip().replace(",", ".")
    if not raw:
        raise GradingError(_("请输入分数。"))
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise GradingError(_("分数“%(s)s”不是数字。", s=raw[:20])) from None
    if not value.is_finite():
        raise GradingError(_("分数“%(s)s”不是数字。", s=raw[:20]))
    if value < 0:
        raise GradingError(_("分数不能为负数。"))
    if value > Decimal(str(points)):
        raise GradingError(_("分数不能超过本题满分 %(p)s 分。", p=f"{points:g}"))
    if value != value.quantize(Decimal("0.01")):
        raise GradingError(_("分数最多保留两位小数。"))
    number = float(value)
    return 0.0 if math.isclose(number, 0.0) else number


def essay_item(item_id: int) -> AttemptItem | None:
    """An essay item of a submitted attempt, or None."""
    return db.session.scalar(_essays().where(AttemptItem.id == item_id))


def parse_comment(text: object) -> str:
    """A teacher's comment, trimmed; GradingError when it is too long."""
    comment = str(text or "").strip()
    if len(comment) > MAX_COMMENT:
        raise GradingError(_("评语过长（上限 %(n)d 字）。", n=MAX_COMMENT))
    return comment


def save_grade(item: AttemptItem, score_text: object, comment: str | None, grader: User) -> AttemptItem:
    """Validate and store a grade, recompute the attempt's total and audit it; nothing changes on error."""
    score = parse_score(score_text, item.points)
    comment = parse_comment(comment)
    previous = item.score
    item.score = score
    return record_item_grade(item, comment, grader, previous)


def record_item_grade(item: AttemptItem, comment: str, grader: User, previous: float | None,
                      **details: object) -> AttemptItem:
    """Finish a teacher's grade of an attempt item whose score is already set: who and when, the
    attempt's new total, the audit entry (``grading.save``, with ``details``), one commit."""
    item.manual_comment = comment
    item.graded_by_id = grader.id
    item.graded_at = utcnow()
    attempt = item.attempt
    recompute_total(attempt)
    audit(grader, "grading.save", f"attempt_item:{item.id}", attempt_id=attempt.id, qid=item.qid,
          score=item.score, previous=previous, points=item.points, **details)
    db.session.commit()
    return item
