"""Live monitoring of an exam: who has started, progress, time left; extend time, close attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..domain.exams import AttemptStatus
from ..domain.gradebook import NEEDS_GRADING, SUBMITTED
from ..domain.gradebook import STATUS_LABELS as RESULT_LABELS
from ..extensions import db
from ..i18n import N_
from ..models import Attempt, AttemptItem, Exam, User
from ..models.base import utcnow
from .accounts import audit
from .exam_room import event_counts, recent_events
from .attempts import is_overdue, submit
from .exam_errors import ExamError
from .gradebook import exam_students

MAX_EXTENSION_MINUTES = 600
# The live view's own states; a finished attempt has the gradebook's words (app/domain/gradebook.py).
STATUS_LABELS = {"not_started": N_("未开始"), "in_progress": N_("作答中"), "time_up": N_("时间已到"),
                 SUBMITTED: RESULT_LABELS[SUBMITTED], NEEDS_GRADING: RESULT_LABELS[NEEDS_GRADING]}


@dataclass(frozen=True)
class MonitorRow:
    """A student and their latest attempt at the exam."""

    user: User
    attempt: Attempt | None
    attempts: int
    answered: int
    questions: int
    last_saved: datetime | None
    seconds_left: int | None
    status: str
    events: dict | None = None  # proctoring signals of the attempt: {kind: count}
    last_event: datetime | None = None

    @property
    def device_bound(self) -> bool:
        return self.attempt is not None and self.attempt.device_token is not None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def open(self) -> bool:
        """Whether the instructor may still extend or close the attempt."""
        return self.attempt is not None and self.attempt.status == AttemptStatus.IN_PROGRESS


def is_answered(response) -> bool:
    """A saved response that is not blank (the graders treat these as unanswered)."""
    if response is None:
        return False
    if isinstance(response, str):
        return bool(response.strip())
    if isinstance(response, (list, dict)):
        return any(is_answered(v) for v in (response.values() if isinstance(response, dict) else response))
    return True


def _status(attempt: Attempt | None, now: datetime) -> str:
    if attempt is None:
        return "not_started"
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return "time_up" if is_overdue(attempt, now, grace=False) else "in_progress"
    return "needs_grading" if attempt.needs_manual else "submitted"


def monitor_rows(exam: Exam, now: datetime | None = None) -> list[MonitorRow]:
    """One row per student of the exam's classes (and anyone else who attempted it)."""
    now = now or utcnow()
    students = exam_students(exam)
    latest: dict[int, Attempt] = {}
    counts: dict[int, int] = {}
    for attempt in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id).order_by(Attempt.number)):
        latest[attempt.user_id] = attempt
        counts[attempt.user_id] = counts.get(attempt.user_id, 0) + 1
    progress: dict[int, list] = {a.id: [0, 0, None] for a in latest.values()}
    if progress:
        for attempt_id, response, saved_at in db.session.execute(
                select(AttemptItem.attempt_id, AttemptItem.response, AttemptItem.saved_at)
                .where(AttemptItem.attempt_id.in_(progress))):
            entry = progress[attempt_id]
            entry[0] += is_answered(response)
            entry[1] += 1
            if saved_at and (entry[2] is None or saved_at > entry[2]):
                entry[2] = saved_at
    signals = event_counts(progress)
    rows = []
    for user in students:
        attempt = latest.get(user.id)
        answered, total, saved = progress[attempt.id] if attempt else (0, 0, None)
        left = None
        if attempt and attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline:
            left = max(0, int((attempt.deadline - now).total_seconds()))
        signal = signals.get(attempt.id) if attempt else None
        rows.append(MonitorRow(user, attempt, counts.get(user.id, 0), answered, total, saved, left,
                               _status(attempt, now), signal["events"] if signal else None,
                               signal["last"] if signal else None))
    return rows


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def monitor_attempts(exam: Exam, now: datetime | None = None, recent: int = 20) -> list[dict]:
    """Every attempt of the exam (in progress and done) as JSON-ready rows for the monitor API."""
    now = now or utcnow()
    pairs = db.session.execute(select(Attempt, User).join(User, User.id == Attempt.user_id)
                               .where(Attempt.exam_id == exam.id).order_by(Attempt.id)).all()
    ids = [a.id for a, _u in pairs]
    answered = dict.fromkeys(ids, 0)
    totals = dict.fromkeys(ids, 0)
    if ids:
        for attempt_id, response in db.session.execute(select(AttemptItem.attempt_id, AttemptItem.response)
                                                        .where(AttemptItem.attempt_id.in_(ids))):
            answered[attempt_id] += is_answered(response)
            totals[attempt_id] += 1
    signals, latest = event_counts(ids), recent_events(ids, recent)
    rows = []
    for attempt, user in pairs:
        student = {"id": user.id, "username": user.username, "full_name": user.full_name or "",
                   "student_number": user.student_number or ""}
        counts = signals[attempt.id]["events"]
        rows.append({
            "attempt_id": attempt.id, "number": attempt.number, "status": attempt.status,
            "state": _status(attempt, now), "student": student, "user_id": user.id, "username": user.username,
            "full_name": student["full_name"], "student_number": student["student_number"],
            "started_at": _iso(attempt.started_at), "deadline": _iso(attempt.deadline),
            "submitted_at": _iso(attempt.submitted_at), "answered": answered[attempt.id],
            "questions": totals[attempt.id], "device_bound": attempt.device_token is not None,
            "events": dict(counts), **counts, "last_event_at": _iso(signals[attempt.id]["last"]),
            "event_times": [{"kind": kind, "at": _iso(at)} for kind, at in latest[attempt.id]],
        })
    return rows


def summary(rows: list[MonitorRow]) -> dict[str, int]:
    """How many students are in each status."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def exam_attempt(exam: Exam, attempt_id: int) -> Attempt | None:
    """An attempt of this exam, or None."""
    return db.session.scalar(select(Attempt).where(Attempt.id == attempt_id, Attempt.exam_id == exam.id))


def parse_minutes(text: object) -> int:
    """Minutes to add: a whole number from 1 to 600."""
    raw = str(text if text is not None else "").strip()
    if not raw.isdigit() or not raw.isascii() or len(raw) > 6:  # int() raises beyond 4,300 digits
        raise ExamError(_("延长时间应为 1 到 600 之间的整数分钟。"), 400)
    minutes = int(raw)
    if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise ExamError(_("延长时间应为 1 到 600 之间的整数分钟。"), 400)
    return minutes


def extend_time(attempt: Attempt, minutes: int, actor: User) -> datetime:
    """Move an open attempt's deadline ``minutes`` later; returns the new deadline."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ExamError(_("答卷已提交，不能再延长时间。"), 409)
    if attempt.deadline is None:
        raise ExamError(_("该答卷没有时间限制，无需延长。"), 409)
    old = attempt.deadline
    new = old + timedelta(minutes=minutes)
    # Conditional on the state read above: a submit or another extension in between wins.
    changed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.deadline == old)
        .values(deadline=new).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.rollback()
        raise ExamError(_("答卷状态刚刚发生变化，请刷新页面后重试。"), 409)
    audit(actor, "attempt.extend", f"attempt:{attempt.id}", minutes=minutes, user_id=attempt.user_id,
          old_deadline=old.isoformat(), new_deadline=new.isoformat())
    db.session.commit()
    db.session.refresh(attempt)
    return new


def close_attempt(attempt: Attempt, actor: User) -> Attempt:
    """Submit an open attempt on the student's behalf (graded like any submission)."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ExamError(_("答卷已经提交。"), 409)
    audit(actor, "attempt.close", f"attempt:{attempt.id}", user_id=attempt.user_id)
    return submit(attempt)
