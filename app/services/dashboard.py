"""The home page's dashboards: what waits for a teacher, and what is open and due for a student.

Each dashboard is a fixed handful of queries however many exams, classes or students there are
(``tests/web/test_dashboard.py`` counts them): counts are grouped in SQL, the rows of many exams
are fetched in one query, and item statistics are computed for a bounded number of recently
written exams and kept per app until their submitted attempts change.

Nothing here writes: overdue attempts are counted as no longer writing, not submitted.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.dashboard import closing_soon, hours_left
from ..domain.exams import AttemptStatus, attempts_left, writing_now
from ..domain.statistics import FEW_RESPONSES, exam_statistics
from ..extensions import db
from ..models import Attempt, AttemptItem, CaseAssignment, ClassGroup, ClassMembership, Exam, ExamClass, Role, User
from ..models.base import utcnow
from . import case_rubric, grading
from .cases import visible_assignments_query, work_status, works_by_assignment
from .courseware import read_chapters
from .exam_access import allowed_attempts, is_closed, is_open, review_allowed, visible_exams
from .gradebook import kept_attempt
from .item_statistics import gather
from .practice import course_mastery, notebook_summary

COURSE = "crm"
#: Exams analysed for flagged questions: the most recently written ones (bounds the work).
STATS_EXAMS = 5
#: Seconds a cached analysis is trusted even when its exam's attempts look unchanged (regrades).
STATS_TTL_SECONDS = 600
#: Rows shown per block before "more" links take over.
RUNNING_SHOWN = 10
NAMES_SHOWN = 5
CASES_SHOWN = 5
FLAGGED_SHOWN = 3
#: Flags that make a question worth a look on the dashboard ("few responses" alone does not).
IGNORED_FLAGS = frozenset({"few_responses"})
#: Which flagged questions come first (a wrong key shows as negative discrimination).
FLAG_ORDER = {"negative_discrimination": 0, "distractor_attracts_upper": 1, "too_hard": 2, "too_easy": 3}


# --- the teacher's home --------------------------------------------------------------------------

@dataclass(frozen=True)
class GradingWait:
    """Answers waiting for a teacher: in an exam (``kind="exam"``) or a case assignment (``"case"``)."""

    kind: str
    id: int
    title: str
    pending: int


@dataclass(frozen=True)
class ExamProgress:
    """A published exam not yet closed: who is writing now, who has submitted, who it is for."""

    exam: Exam
    open: bool
    writing: int
    submitted: int
    assigned: int
    hours_left: int | None


@dataclass(frozen=True)
class FlaggedQuestion:
    """A question and the codes of its flags (``Flag.code`` of app.domain.statistics)."""

    qid: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class FlaggedExam:
    """An exam whose item statistics flag questions (flags other than "few responses")."""

    exam: Exam
    n: int
    few: bool
    questions: tuple[FlaggedQuestion, ...]


@dataclass(frozen=True)
class QuietClass:
    """A class with students who never logged in (``names``: the first few of them)."""

    id: int
    name: str
    never: int
    total: int
    names: tuple[str, ...]


@dataclass
class TeacherDashboard:
    """The teacher's blocks; ``running_more`` counts open exams beyond the ones listed."""

    grading: list[GradingWait] = field(default_factory=list)
    running: list[ExamProgress] = field(default_factory=list)
    closing: list[ExamProgress] = field(default_factory=list)
    flagged: list[FlaggedExam] = field(default_factory=list)
    quiet: list[QuietClass] = field(default_factory=list)
    running_more: int = 0


def teacher_dashboard(now: datetime | None = None) -> TeacherDashboard:
    """Everything the teacher's home shows (instructors and admins see every exam and class)."""
    now = now or utcnow()
    board = TeacherDashboard(grading=_grading_waits(), flagged=_flagged_exams(), quiet=_quiet_classes())
    progress = _exam_progress(now)
    running = [p for p in progress if p.open and p.exam.published]
    # Busiest first, then the one closing soonest.
    running.sort(key=lambda p: (-p.writing, p.exam.closes_at or datetime.max, -p.exam.id))
    board.running, board.running_more = running[:RUNNING_SHOWN], max(0, len(running) - RUNNING_SHOWN)
    board.closing = sorted((p for p in progress if closing_soon(p.exam.closes_at, now)),
                           key=lambda p: p.exam.closes_at)
    return board


def _grading_waits() -> list[GradingWait]:
    """Exams with manually graded answers waiting (essays, written case items), then case assignments."""
    pending: dict[int, int] = defaultdict(int)
    exams: dict[int, Exam] = {}
    for summary in grading.overview():
        if summary.pending:
            pending[summary.exam.id] += summary.pending
            exams[summary.exam.id] = summary.exam
    waits = [GradingWait("exam", exam_id, exams[exam_id].title, count) for exam_id, count in pending.items()]
    waits.sort(key=lambda w: -w.id)
    waits += [GradingWait("case", q.assignment.id, q.assignment.title, q.pending)
              for q in case_rubric.work_overview() if q.pending]
    return waits


def _exam_progress(now: datetime) -> list[ExamProgress]:
    """Exams not closed yet (drafts too: one closing soon still needs publishing), with their counts."""
    exams = list(db.session.scalars(
        select(Exam).where(Exam.status != "closed", or_(Exam.closes_at.is_(None), Exam.closes_at > now))
        .order_by(Exam.id.desc())))
    if not exams:
        return []
    ids = [e.id for e in exams]
    by_id = {e.id: e for e in exams}
    students = select(User.id).where(User.role == Role.STUDENT)  # a teacher's own try-out never counts
    writing: dict[int, set[int]] = defaultdict(set)
    for exam_id, user_id, status, deadline in db.session.execute(
            select(Attempt.exam_id, Attempt.user_id, Attempt.status, Attempt.deadline)
            .where(Attempt.exam_id.in_(ids), Attempt.status == AttemptStatus.IN_PROGRESS,
                   Attempt.user_id.in_(students))):
        if writing_now(status, deadline, by_id[exam_id].grace_seconds, now):
            writing[exam_id].add(user_id)
    submitted = dict(db.session.execute(
        select(Attempt.exam_id, func.count(func.distinct(Attempt.user_id)))
        .where(Attempt.exam_id.in_(ids), Attempt.status == AttemptStatus.SUBMITTED, Attempt.user_id.in_(students))
        .group_by(Attempt.exam_id)).all())
    assigned = dict(db.session.execute(
        select(ExamClass.exam_id, func.count(func.distinct(ClassMembership.user_id)))
        .join(ClassMembership, ClassMembership.class_id == ExamClass.class_id)
        .where(ExamClass.exam_id.in_(ids), ClassMembership.user_id.in_(students))
        .group_by(ExamClass.exam_id)).all())
    return [ExamProgress(exam, is_open(exam, now), len(writing.get(exam.id, ())), submitted.get(exam.id, 0),
                         assigned.get(exam.id, 0), hours_left(exam.closes_at, now)) for exam in exams]


def _quiet_classes() -> list[QuietClass]:
    """Classes with active students who never logged in (``User.last_login_at`` empty), by name."""
    def members(*columns):
        return (select(*columns).join(ClassGroup, ClassGroup.id == ClassMembership.class_id)
                .join(User, User.id == ClassMembership.user_id)
                .where(User.role == Role.STUDENT, User.active.is_(True)))

    never_col = func.sum(case((User.last_login_at.is_(None), 1), else_=0))
    counts = db.session.execute(members(ClassMembership.class_id, ClassGroup.name, func.count(), never_col)
                                .group_by(ClassMembership.class_id, ClassGroup.name)).all()
    quiet = {class_id: (name, total, int(never)) for class_id, name, total, never in counts if never}
    if not quiet:
        return []
    names: dict[int, list[str]] = defaultdict(list)
    for class_id, username, full_name in db.session.execute(
            members(ClassMembership.class_id, User.username, User.full_name)
            .where(User.last_login_at.is_(None), ClassMembership.class_id.in_(list(quiet)))
            .order_by(ClassMembership.class_id, User.student_number, User.username)):
        if len(names[class_id]) < NAMES_SHOWN:
            names[class_id].append(full_name or username)
    rows = [QuietClass(class_id, name, never, total, tuple(names[class_id]))
            for class_id, (name, total, never) in quiet.items()]
    return sorted(rows, key=lambda c: c.name)


def _stats_cache() -> dict:
    """Analyses kept for this app (per worker): exam id → (fingerprint, time, result)."""
    return current_app.extensions.setdefault("dashboard_statistics", {})


def _flagged_exams() -> list[FlaggedExam]:
    """Flagged questions of the most recently written exams, analysed as the statistics page does.

    One query fingerprints the candidates (count, last submission, sum of scores, so a grade given
    or a regrade changes it); only exams whose fingerprint changed, or whose analysis is older than
    ``STATS_TTL_SECONDS``, are analysed again, all in one load.
    """
    latest = func.max(Attempt.submitted_at)
    rows = db.session.execute(
        select(Attempt.exam_id, func.count(), latest, func.sum(Attempt.score))
        .where(Attempt.status == AttemptStatus.SUBMITTED)
        .group_by(Attempt.exam_id).order_by(latest.desc(), Attempt.exam_id.desc()).limit(STATS_EXAMS)).all()
    if not rows:
        return []
    cache = _stats_cache()
    clock = time.monotonic()
    prints = {exam_id: (count, str(last), round(total or 0.0, 4)) for exam_id, count, last, total in rows}
    stale = [exam_id for exam_id, mark in prints.items()
             if exam_id not in cache or cache[exam_id][0] != mark or clock - cache[exam_id][1] > STATS_TTL_SECONDS]
    exams = {e.id: e for e in db.session.scalars(select(Exam).where(Exam.id.in_(list(prints))))}
    if stale:
        for exam_id, found in _analyse([exams[i] for i in stale if i in exams]).items():
            cache[exam_id] = (prints[exam_id], clock, found)
        if len(cache) > 10 * STATS_EXAMS:  # exams no longer recent: drop the oldest analyses
            for exam_id in sorted(cache, key=lambda i: cache[i][1])[:len(cache) - STATS_EXAMS]:
                cache.pop(exam_id, None)
    result = []
    for exam_id, _count, _last, _total in rows:
        if exam_id in exams and exam_id in cache and cache[exam_id][2] is not None:
            n, questions = cache[exam_id][2]
            result.append(FlaggedExam(exams[exam_id], n, n < FEW_RESPONSES, questions))
    return result


def _analyse(exams: list[Exam]) -> dict[int, tuple[int, tuple[FlaggedQuestion, ...]] | None]:
    """Item statistics of ``exams`` from their kept attempts, loaded together (three queries)."""
    if not exams:
        return {}
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.exam_id.in_([e.id for e in exams]), Attempt.status == AttemptStatus.SUBMITTED)
        .options(selectinload(Attempt.items).selectinload(AttemptItem.version))
        .order_by(Attempt.id)).all()
    grouped: dict[int, dict[int, list[Attempt]]] = defaultdict(lambda: defaultdict(list))
    for attempt in attempts:
        grouped[attempt.exam_id][attempt.user_id].append(attempt)
    found: dict[int, tuple[int, tuple[FlaggedQuestion, ...]] | None] = {}
    for exam in exams:
        # One attempt per student, the one that counts: as the statistics page's default ("kept").
        kept = sorted((a for per_user in grouped[exam.id].values()
                       if (a := kept_attempt(exam, per_user)) is not None), key=lambda a: a.id)
        stats = exam_statistics(*gather(kept))
        flagged = [FlaggedQuestion(q.id, tuple(f.code for f in q.flags if f.code not in IGNORED_FLAGS))
                   for q in stats.questions if any(f.code not in IGNORED_FLAGS for f in q.flags)]
        # The likeliest mistakes in a key first: the dashboard shows only the first few.
        flagged.sort(key=lambda q: min(FLAG_ORDER.get(code, len(FLAG_ORDER)) for code in q.codes))
        flagged = tuple(flagged)
        found[exam.id] = (stats.exam.n, flagged) if flagged else None
    return found


# --- the student's home --------------------------------------------------------------------------

@dataclass(frozen=True)
class ExamToDo:
    """An exam the student may write now or soon."""

    exam: Exam
    open: bool
    running: Attempt | None
    left: int | None
    used: int


@dataclass(frozen=True)
class LastResult:
    """The student's latest submitted attempt; ``visible`` says whether its score and review may show."""

    attempt: Attempt
    visible: bool


@dataclass(frozen=True)
class ChapterProgress:
    """A chapter: read or not, and the practice mastery of its questions."""

    slug: str
    number: int
    title: str
    read: bool
    mastery: object  # domain.practice.Mastery


@dataclass
class StudentDashboard:
    """The student's blocks; ``overall`` is the course-wide practice mastery."""

    exams: list[ExamToDo] = field(default_factory=list)
    cases: list[dict] = field(default_factory=list)
    notebook_due: int = 0
    notebook_active: int = 0
    chapters: list[ChapterProgress] = field(default_factory=list)
    chapters_read: int = 0
    overall: object = None
    last: LastResult | None = None


def student_dashboard(user: User, now: datetime | None = None) -> StudentDashboard:
    """Everything the student's home shows, from the same rules as the exam, case and practice pages."""
    now = now or utcnow()
    board = StudentDashboard()
    exams = visible_exams(user)  # published and assigned to one of the student's classes
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    if exams:
        for attempt in db.session.scalars(
                select(Attempt).where(Attempt.user_id == user.id, Attempt.exam_id.in_([e.id for e in exams]))
                .order_by(Attempt.exam_id, Attempt.number)):
            attempts[attempt.exam_id].append(attempt)
    for exam in exams:
        mine = attempts.get(exam.id, [])
        running = next((a for a in mine if writing_now(a.status, a.deadline, exam.grace_seconds, now)), None)
        left = attempts_left(allowed_attempts(exam, user), len(mine))
        opened = is_open(exam, now)
        upcoming = not opened and not is_closed(exam, now) and exam.opens_at is not None and exam.opens_at > now
        # Open with a try left (or one running), or opening later: the rest is done or over.
        if running is not None or (opened and left != 0) or upcoming:
            board.exams.append(ExamToDo(exam, opened, running, left, len(mine)))
    board.exams.sort(key=lambda t: (t.running is None, not t.open, t.exam.closes_at or t.exam.opens_at or datetime.max,
                                    -t.exam.id))
    done = [a for mine in attempts.values() for a in mine
            if a.status == AttemptStatus.SUBMITTED and a.submitted_at is not None]
    if done:
        last = max(done, key=lambda a: (a.submitted_at, a.id))
        board.last = LastResult(last, review_allowed(last, user, now))
    board.cases = _cases_due(user, now)
    summary = notebook_summary(user.id)
    board.notebook_due, board.notebook_active = summary.due, summary.active
    read = read_chapters(user.id, COURSE)
    chapters, board.overall = course_mastery(user.id, COURSE)
    board.chapters = [ChapterProgress(c.slug, c.number, c.title, c.slug in read, c.mastery) for c in chapters]
    board.chapters_read = sum(c.read for c in board.chapters)
    return board


def _cases_due(user: User, now: datetime) -> list[dict]:
    """Case assignments of the student's classes not yet due, soonest first, with the student's status."""
    stmt = (visible_assignments_query(user).order_by(None).where(CaseAssignment.due_at > now)
            .order_by(CaseAssignment.due_at, CaseAssignment.id).limit(CASES_SHOWN))
    found = list(db.session.scalars(stmt))
    works = works_by_assignment(user, [a.id for a in found])
    return [{"assignment": a, "status": work_status(works.get(a.id))} for a in found]
