"""Exams, attempts, the questions drawn into each attempt, and saved responses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    grace_seconds: Mapped[int] = mapped_column(default=60)
    published: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classes: Mapped[list["ExamClass"]] = relationship(cascade="all, delete-orphan")


class ExamClass(db.Model):
    """An exam assigned to a class."""

    __tablename__ = "exam_class"
    __table_args__ = (UniqueConstraint("exam_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exam.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), index=True)


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
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress|submitted
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    auto_submitted: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column(default=None)
    max_score: Mapped[float] = mapped_column(default=0.0)
    needs_manual: Mapped[bool] = mapped_column(default=False)

    exam: Mapped[Exam] = relationship()
    items: Mapped[list["AttemptItem"]] = relationship(back_populates="attempt", order_by="AttemptItem.position",
                                                      cascade="all, delete-orphan")


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
