"""An attempt's paper in sections by type (app/domain/exams/sections.py), with headings in the reader's language.

The exam page, the review, the results and the gradebook all describe sections through here:
the section title is the question type's label from the type registry (案例分析题 for case
exercises), the numeral is Chinese (一、二 …) in Chinese and Roman (I, II …) in English, and the
heading states the count and points as a paper does: （共 8 题，每题 1 分，共 8 分）, or
（共 3 题，共 4 分） when the points differ within the section.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.exams.sections import CASE_TYPE, PaperItem, Section, chinese_numeral, paper_sections, roman_numeral
from ..domain.questions import QUESTION_TYPES
from ..extensions import db
from ..i18n import N_
from ..models import AttemptItem, Question, QuestionVersion
from . import exam_cache

CASE_LABEL = N_("案例分析题")


def section_title(question_type: str) -> str:
    """The section's title in the current language: the type's registry label."""
    if question_type == CASE_TYPE:
        return _(CASE_LABEL)
    found = QUESTION_TYPES.get(question_type)
    return _(found.label) if found is not None else question_type


def section_numeral(number: int) -> str:
    """一、二、三 … in Chinese; I, II, III … in other languages."""
    return chinese_numeral(number) if str(get_locale() or "zh").startswith("zh") else roman_numeral(number)


def _points(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Heading:
    """A section with its heading texts in the reader's language."""

    section: Section
    label: str  # 一、单选题
    summary: str  # （共 8 题，每题 1 分，共 8 分）


def heading(section: Section) -> Heading:
    """``section``'s heading texts in the current language."""
    label = _("%(number)s、%(title)s", number=section_numeral(section.number), title=section_title(section.type))
    if section.each is not None:
        summary = _("（共 %(n)d 题，每题 %(each)s 分，共 %(total)s 分）", n=section.count,
                    each=_points(section.each), total=_points(section.points))
    else:
        summary = _("（共 %(n)d 题，共 %(total)s 分）", n=section.count, total=_points(section.points))
    return Heading(section, label, summary)


def item_type(item) -> str:
    """An attempt item's question type (``case`` for a case exercise), from the version cache."""
    return exam_cache.item_data(item).get("type") or ""


def paper_items(items: Iterable) -> list[PaperItem]:
    """Attempt items (in paper order) as the domain's paper items, with their scores so far.

    Items just inserted by a start carry no score yet (``getattr``: no load for them).
    """
    out = []
    for item in items:
        score = getattr(item, "score", None)
        out.append(PaperItem(item_type(item), float(item.points), score,
                             bool(getattr(item, "needs_manual", False) and score is None)))
    return out


def headings(items: Sequence) -> list[Heading]:
    """The section headings of a paper's items (in paper order)."""
    return [heading(section) for section in paper_sections(paper_items(items))]


def api_sections(items: Sequence, results: bool = False, withheld: frozenset[str] = frozenset()) -> list[dict]:
    """The API's ``sections`` of a sectioned paper: each section's type, title, count, points
    (``each`` when they are equal) and question ids in paper order; with ``results`` also its
    ``score`` (None when it holds a withheld question) and ``pending`` manual gradings."""
    out = []
    for section in paper_sections(paper_items(items)):
        qids = [items[i].qid for i in section.indexes]
        entry = {"number": section.number, "type": section.type, "title": section_title(section.type),
                 "count": section.count, "points": section.points, "each": section.each, "questions": qids}
        if results:
            entry["score"] = None if withheld.intersection(qids) else section.score
            entry["pending"] = section.pending
        out.append(entry)
    return out


def attempts_subtotals(attempt_ids: Sequence[int]) -> dict[int, list[Section]]:
    """attempt id → its sections with subtotals, for many attempts in one query (the gradebook)."""
    if not attempt_ids:
        return {}
    rows = db.session.execute(
        select(AttemptItem.attempt_id, Question.type, AttemptItem.points, AttemptItem.score,
               AttemptItem.needs_manual)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id.in_(list(attempt_ids)))
        .order_by(AttemptItem.attempt_id, AttemptItem.position))
    by_attempt: dict[int, list[PaperItem]] = {}
    for attempt_id, qtype, points, score, needs_manual in rows:
        by_attempt.setdefault(attempt_id, []).append(
            PaperItem(qtype, float(points), score, bool(needs_manual and score is None)))
    return {attempt_id: paper_sections(items) for attempt_id, items in by_attempt.items()}
