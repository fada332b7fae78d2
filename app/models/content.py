"""Per-student lesson progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class LessonProgress(db.Model):
    """A chapter a student marked as read."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course", "chapter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(64))
    chapter: Mapped[str] = mapped_column(String(100))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
