"""Courseware access for the web layer, and per-student progress."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..content.courseware import Course, cached_course
from ..extensions import db
from ..models import LessonProgress


def get_course(slug: str) -> Course | None:
    """The course ``slug`` from the configured courseware folder (cached, refreshed on change)."""
    return cached_course(current_app.config["COURSEWARE_DIR"], slug)


def read_chapters(user_id: int, course: str) -> set[str]:
    """Slugs of the chapters this student marked as read."""
    rows = db.session.scalars(
        select(LessonProgress.chapter).where(LessonProgress.user_id == user_id, LessonProgress.course == course)
    )
    return set(rows)


def set_read(user_id: int, course: str, chapter: str, read: bool) -> None:
    """Mark or unmark a chapter as read for this student."""
    row = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user_id, LessonProgress.course == course, LessonProgress.chapter == chapter))
    if read and row is None:
        db.session.add(LessonProgress(user_id=user_id, course=course, chapter=chapter))
    elif not read and row is not None:
        db.session.delete(row)
    db.session.commit()


def chapter_labels(slug: str) -> dict[str, str]:
    """Chapter slug → its label for pickers and filters, ``第 1 章 客户关系管理概述``, in course order.

    The one place teachers' chapter choices get their words (the value stays the slug).
    """
    found = get_course(slug)
    if found is None:
        return {}
    return {c.slug: _("第 %(n)d 章 %(title)s", n=number, title=c.title)
            for number, c in enumerate(found.chapters, start=1)}
