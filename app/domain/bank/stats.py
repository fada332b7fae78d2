"""Counts over the bank for ``bank stats --json``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.domain.bank.model import Question
from app.domain.questions import QUESTION_TYPES

DIFFICULTIES = ("1", "2", "3", "4", "5")


def bank_stats(questions: Iterable[Question]) -> dict[str, object]:
    """``{"total", "by_type", "by_chapter", "by_difficulty"}``.

    Every registered type and every difficulty 1–5 appears (with 0 when unused); chapters
    appear when they have questions, sorted by slug. Difficulty keys are strings, as in JSON.
    """
    items = list(questions)
    types = Counter(question.type for question in items)
    chapters = Counter(question.chapter for question in items)
    difficulties = Counter(str(question.difficulty) for question in items)
    by_type = {name: types[name] for name in QUESTION_TYPES}
    by_type.update({name: count for name, count in types.items() if name not in by_type})
    return {
        "total": len(items),
        "by_type": by_type,
        "by_chapter": dict(sorted(chapters.items())),
        "by_difficulty": {level: difficulties[level] for level in DIFFICULTIES},
    }
