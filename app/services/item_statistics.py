"""Item statistics of an exam: gathers submitted attempts for ``app.domain.statistics``.

One attempt per student: by default the one that counts under the exam's grading method
(``which="kept"``), or every submitted attempt (``which="all"``). Attempts are passed in id
order so ties in the 27 % groups break the same way every time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.questions.presented import LETTERED_TYPES
from ..domain.statistics import AttemptScores, ExamStatistics, QuestionInfo, exam_statistics
from ..domain.exams import AttemptStatus
from ..extensions import db
from ..models import Attempt, AttemptItem, Exam
from .gradebook import kept_attempt
from .rendering import html

CHOICE_TYPES = LETTERED_TYPES  # distractor analysis: the lettered choice types
WHICH = ("kept", "all")


@dataclass(frozen=True)
class Report:
    """The domain's statistics plus what the page shows about each question."""

    stats: ExamStatistics
    stems: dict[str, str]
    options: dict[str, dict[str, str]]
    which: str


def _ids(value) -> tuple[str, ...]:
    """Option ids from a key or a response (``"b"``, ``[" A", "d"]``), normalised as the graders do."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(v.strip().upper() for v in value if isinstance(v, str) and v.strip())


def submitted_attempts(exam: Exam, which: str = "kept") -> list[Attempt]:
    """The attempts to analyse, in id order."""
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.exam_id == exam.id, Attempt.status == AttemptStatus.SUBMITTED)
        .options(selectinload(Attempt.items).selectinload(AttemptItem.version))
        .order_by(Attempt.id)).all()
    if which == "all":
        return list(attempts)
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_user[attempt.user_id].append(attempt)
    kept = []
    for user_attempts in by_user.values():
        chosen = kept_attempt(exam, user_attempts)
        if chosen is not None:
            kept.append(chosen)
    return sorted(kept, key=lambda a: a.id)


def gather(attempts: list[Attempt]) -> tuple[list[AttemptScores], dict[str, QuestionInfo]]:
    """The domain's input: per attempt, each item's (score, points) and chosen options."""
    data_by_qid: dict[str, dict] = {}
    points: dict[str, float] = {}
    responses = []
    for attempt in attempts:
        scores: dict[str, tuple[float | None, float]] = {}
        choices: dict[str, tuple[str, ...]] = {}
        for item in attempt.items:
            data = item.version.data
            data_by_qid.setdefault(item.qid, data)
            points.setdefault(item.qid, item.points)
            pending = item.needs_manual and item.score is None
            scores[item.qid] = (None if pending else (item.score or 0.0), item.points)
            if data.get("type") in CHOICE_TYPES:
                choices[item.qid] = _ids(item.response)
        responses.append(AttemptScores(scores=scores, choices=choices, total=attempt.score))
    info = {}
    for qid in sorted(data_by_qid):
        data = data_by_qid[qid]
        qtype = data.get("type", "")
        if qtype in CHOICE_TYPES:
            info[qid] = QuestionInfo(type=qtype, options=tuple(data.get("options") or {}),
                                     key=_ids(data.get("answer")), max_score=points[qid])
        else:
            info[qid] = QuestionInfo(type=qtype, max_score=points[qid])
    return responses, info


def exam_report(exam: Exam, which: str = "kept") -> Report:
    """Statistics of ``exam`` and each question's stem and options for display."""
    which = which if which in WHICH else "kept"
    attempts = submitted_attempts(exam, which)
    responses, info = gather(attempts)
    stats = exam_statistics(responses, info)
    stems: dict[str, str] = {}
    options: dict[str, dict[str, str]] = {}
    for attempt in attempts:
        for item in attempt.items:
            if item.qid not in stems:
                data = item.version.data
                stems[item.qid] = html(data.get("stem", ""))
                options[item.qid] = {str(k): str(v) for k, v in (data.get("options") or {}).items()}
    return Report(stats, stems, options, which)


def question_across_exams(qid: str, which: str = "kept") -> list[dict]:
    """This question's statistics in every exam that used it (any version), newest exam first."""
    exam_ids = db.session.scalars(
        select(Attempt.exam_id).join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(AttemptItem.qid == qid, Attempt.status == AttemptStatus.SUBMITTED).distinct()).all()
    rows = []
    for exam in db.session.scalars(select(Exam).where(Exam.id.in_(exam_ids)).order_by(Exam.id.desc())):
        report = exam_report(exam, which)
        found = next((q for q in report.stats.to_dict()["questions"] if q["id"] == qid), None)
        if found is not None:
            rows.append({"exam": exam, "n_exam": report.stats.exam.n, **found})
    return rows
