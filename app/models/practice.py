"""Practice history and the wrong-answer notebook (错题本)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class PracticeAnswer(db.Model):
    """One answer given in practice, graded at once."""

    __tablename__ = "practice_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="CASCADE"))
    chapter: Mapped[str] = mapped_column(String(100), index=True)
    response: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON, default=None)
    score: Mapped[float] = mapped_column(default=0.0)
    max_score: Mapped[float] = mapped_column(default=1.0)
    correct: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class NotebookEntry(db.Model):
    """A missed question in the student's notebook, scheduled by Leitner boxes."""

    __tablename__ = "notebook_entry"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    box: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date] = mapped_column()
    correct_days: Mapped[int] = mapped_column(default=0)
    last_correct_on: Mapped[date | None] = mapped_column(default=None)
    # A right answer on the day of a miss does not count as a correct day.
    last_missed_on: Mapped[date | None] = mapped_column(default=None)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(default=None)
    misses: Mapped[int] = mapped_column(default=1)
