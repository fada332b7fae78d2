"""Case exercises (案例实训): assignments given to classes, and each student's work on a variant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class CaseAssignment(db.Model):
    """A case exercise assigned by an instructor to one or more classes, with a due date."""

    __tablename__ = "case_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column()  # naive UTC
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    classes: Mapped[list["CaseAssignmentClass"]] = relationship(cascade="all, delete-orphan")


class CaseAssignmentClass(db.Model):
    """A case assignment given to a class."""

    __tablename__ = "case_assignment_class"
    __table_args__ = (UniqueConstraint("assignment_id", "class_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("case_assignment.id", ondelete="CASCADE"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), index=True)


class CaseWork(db.Model):
    """One student's work on one variant of a case.

    ``assignment_id`` is None for free practice (自由练习): each practice run is its own row.
    ``answers`` is the latest saved draft and ``submitted_answers`` the answers last graded,
    both in the answers-file shape ``{step id: value}``; ``result`` is the grade payload.
    ``seed`` is the variant's seed as text (digits, or ``"textbook"``), chosen once.
    """

    __tablename__ = "case_work"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_assignment.id", ondelete="CASCADE"), index=True, default=None)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_answers: Mapped[dict | None] = mapped_column(JSON, default=None)
    result: Mapped[dict | None] = mapped_column(JSON, default=None)
    score: Mapped[float | None] = mapped_column(default=None)
    max_score: Mapped[float] = mapped_column(default=0.0)
    submit_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    # Cases with steps only a teacher can judge (written tasks graded by a rubric): the work
    # waits in the manual grading queue until a teacher scores those steps.
    needs_manual: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    graded_at: Mapped[datetime | None] = mapped_column(default=None)

    assignment: Mapped[CaseAssignment | None] = relationship()
    user = relationship("User", foreign_keys=[user_id])
