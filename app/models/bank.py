"""The question bank in the database: questions and their immutable versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class Question(db.Model):
    """A question by its stable bank id; its content lives in versions."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    qid: Mapped[str] = mapped_column(String(100), unique=True, index=True)
    course: Mapped[str] = mapped_column(String(64), default="crm")
    chapter: Mapped[str] = mapped_column(String(100), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    difficulty: Mapped[int] = mapped_column(default=3)
    source: Mapped[str] = mapped_column(String(20), default="yaml")  # yaml | web | import
    active: Mapped[bool] = mapped_column(default=True)
    use: Mapped[str] = mapped_column(String(10), default="any")  # any | exam (never offered in practice)
    # Hash of the YAML last synced: a browser edit is not undone by a sync of unchanged YAML.
    synced_hash: Mapped[str] = mapped_column(String(64), default="")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    current_version: Mapped["QuestionVersion | None"] = relationship(foreign_keys=[current_version_id],
                                                                     post_update=True)
    versions: Mapped[list["QuestionVersion"]] = relationship(
        back_populates="question", foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number")

    @property
    def data(self) -> dict:
        return self.current_version.data if self.current_version else {}


class QuestionVersion(db.Model):
    """One immutable version of a question: attempts point here, so edits never rewrite a past grade."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")

    question: Mapped[Question] = relationship(back_populates="versions", foreign_keys=[question_id])
