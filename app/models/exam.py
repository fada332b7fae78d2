"""Exams, attempts, the questions drawn into each attempt, and saved responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Select, String, Text, UniqueConstraint, event
from sqlalchemy import false as sa_false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, ORMExecuteState, mapped_column, relationship, with_loader_criteria

from ..domain.exams.attempt_rules import AttemptStatus
from ..extensions import db
from .base import utcnow


class Exam(db.Model):
    """An exam defined by a blueprint of rules; each attempt draws its own paper from a seed."""

    __tablename__ = "exam"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    course: Mapped[str] = mapped_column(String(64), default="crm")
    blueprint: Mapped[dict] = mapped_column(JSON, default=dict)
    time_limit_minutes: Mapped[int | None] = mapped_column(default=None)
    opens_at: Mapped[datetime | None] = mapped_column(default=None)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    max_attempts: Mapped[int] = mapped_column(default=1)  # 0 = unlimited
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")  # highest|last|first
    review_policy: Mapped[str] = mapped_column(String(20), default="immediately")  # immediately|after_close|never
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    # "sections": the paper is laid out in sections by question type (一、单项选择题 …);
    # "mixed": one run in draw order. Rows made before sections existed stay "mixed".
    paper_layout: Mapped[str] = mapped_column(String(10), default="sections", server_default="mixed")
    grace_seconds: Mapped[int] = mapped_column(default=60)
    # draft: only instructors see it; published: assigned students see it and may start it in its
    # window; closed: ended by a teacher, students see it (and their results) but cannot start.
    status: Mapped[str] = mapped_column(String(10), default="published", server_default="published")
    # Exam-room rules (docs/security.md): who may start, save and submit, and from where.
    access_code: Mapped[str] = mapped_column(String(64), default="")  # "" = none
    allowed_networks: Mapped[list] = mapped_column(JSON, default=list)  # CIDR strings; [] = anywhere
    single_device: Mapped[bool] = mapped_column(default=False)
    closed_book: Mapped[bool] = mapped_column(default=False)  # lessons, search, practice, cases closed while writing
    require_fullscreen: Mapped[bool] = mapped_column(default=False)
    focus_warning_after: Mapped[int] = mapped_column(default=0)  # warn the student after N focus losses; 0 = never
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classes: Mapped[list["ExamClass"]] = relationship(cascade="all, delete-orphan")

    @hybrid_property
    def published(self) -> bool:
        """Visible to assigned students: every status but draft.

        A compatibility alias: the rules of each status live in app.services.exam_access
        (``is_visible``, ``is_open``, ``is_closed``); new code reads ``status`` through them.
        """
        return self.status != "draft"

    @published.inplace.setter
    def _published_setter(self, value: bool) -> None:
        self.status = "published" if value else "draft"

    @published.inplace.expression
    @classmethod
    def _published_expression(cls):
        return cls.status != "draft"


class ExamClass(db.Model):
    """An exam assigned to a class."""

    __tablename__ = "exam_class"
    __table_args__ = (UniqueConstraint("exam_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), index=True)
    # The exam's weight in this class's gradebook total (0 leaves it out).
    weight: Mapped[float] = mapped_column(default=1.0, server_default="1")


class ExamPaper(db.Model):
    """A printed variant of an exam (A卷、B卷 …): the seed that fixes its question and option order."""

    __tablename__ = "exam_paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(db.Model):
    """One student's attempt at an exam."""

    __tablename__ = "attempt"
    __table_args__ = (UniqueConstraint("exam_id", "user_id", "number"),
                      Index("ix_attempt_open", "status", "deadline"))

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    seed: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress|submitted|prepared
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column(default=None)
    max_score: Mapped[float] = mapped_column(default=0.0)
    needs_manual: Mapped[bool] = mapped_column(default=False)
    # single_device: the browser session bound to this attempt; None until bound or after a release.
    device_token: Mapped[str | None] = mapped_column(String(64), default=None)
    # The paper was drawn in sections (the exam's layout when this attempt started), so the
    # review and results group it the same way even if the exam's layout changes later.
    sectioned: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Set for a paper exam's answers typed in by a teacher: the printed variant this attempt
    # reproduces (its seed drew the same questions and option orders).
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("exam_paper.id", ondelete="SET NULL"), default=None)
    # A prepared paper's draw inputs (the exam's draw settings and the bank's current pool) as a
    # digest: a start whose inputs still digest the same skips re-drawing to check the paper.
    draw_key: Mapped[str | None] = mapped_column(String(64), default=None)

    exam: Mapped[Exam] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(back_populates="attempt", order_by="AttemptItem.position",
                                                      cascade="all, delete-orphan")


# A prepared attempt (app/services/prepared_papers.py) is a paper drawn before its student started:
# not an attempt yet. Every ORM query that selects attempts leaves those rows out, so no list,
# count, gradebook, monitor or statistics can show one as started, and neither can a query
# written later. Only the code that prepares and starts them asks for them, with the execution
# option ``include_prepared=True``. (Plain SQL text and ``Attempt.__table__`` selects are not
# ORM queries: Core selects add :func:`started` themselves; the autosave fast path's SQL guards on
# ``status = 'in_progress'``, which a prepared attempt never has.)
PREPARED_STATUS = AttemptStatus.PREPARED.value


def started(attempts):
    """The one clause that leaves prepared attempts out, for the ORM entity or a Core table
    (``Attempt`` or ``Attempt.__table__.c``): the session's criteria below and Core selects."""
    return attempts.status != PREPARED_STATUS


_NOT_PREPARED = with_loader_criteria(Attempt, lambda cls: started(cls), include_aliases=True,
                                     propagate_to_loaders=False)


@event.listens_for(db.session, "do_orm_execute")
def _hide_prepared_attempts(state: ORMExecuteState) -> None:
    if (isinstance(state.statement, Select) and not state.is_column_load and not state.is_relationship_load
            and not state.execution_options.get("include_prepared", False)):
        state.statement = state.statement.options(_NOT_PREPARED)


class AttemptItem(db.Model):
    """A question as drawn into an attempt: its version, points and presentation order."""

    __tablename__ = "attempt_item"
    __table_args__ = (UniqueConstraint("attempt_id", "position"), UniqueConstraint("attempt_id", "qid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    qid: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    points: Mapped[float] = mapped_column(default=1.0)
    presentation: Mapped[dict] = mapped_column(JSON, default=dict)
    # Saved response (autosave), guarded by the client's per-question sequence number.
    response: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON, default=None)
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime | None] = mapped_column(default=None)
    flagged: Mapped[bool] = mapped_column(default=False)
    # Grading.
    score: Mapped[float | None] = mapped_column(default=None)
    feedback: Mapped[str] = mapped_column(Text, default="")
    needs_manual: Mapped[bool] = mapped_column(default=False)
    manual_comment: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when the score was recomputed against a later version (a fixed key); version_id
    # still names the version the student saw.
    regraded_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_version.id"), default=None)
    regraded_at: Mapped[datetime | None] = mapped_column(default=None)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version = relationship("QuestionVersion", foreign_keys=[version_id])

    @property
    def teacher_graded(self) -> bool:
        """A teacher has graded this item: their score replaces the automatic "waiting" feedback."""
        return self.graded_at is not None and self.score is not None


class AttemptEvent(db.Model):
    """A proctoring signal reported by the exam page (focus lost, full screen left, paste)."""

    __tablename__ = "attempt_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
