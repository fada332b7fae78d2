"""Written tasks graded by a rubric: counting characters and sentences, keyword checks, step results.

A written step (kind ``writing`` or ``text_table``) carries named criteria
(:class:`~.model.Criterion`). The automatic ones are checked here at once; the others wait for a
teacher, whose scores come in as ``manual`` (``{criterion id: score}``) and are added to the same
result. The counting rules, stated once here and on the task page (docs/cases.md says the same):

- **characters** (:func:`count_chars`): after NFKC, every Chinese character, letter and digit
  counts as one; punctuation, symbols and whitespace are not counted (``B2B`` is 3, ``2010年`` 5);
- **sentences** (:func:`sentences`): the text is split at 。！？ (either width) and at line breaks;
  a piece without a counted character (a stray ``”`` after a full stop) is not a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import feedback as fb
from .feedback import say
from .grading import norm_key
from .model import Criterion, CriterionResult, Step, StepResult, tidy
from .numbers import format_number as fmt

#: Where a sentence ends: full stop, exclamation and question marks of either width, line breaks.
SENTENCE_END = re.compile(r"[。！？!?\r\n]+")

# Stored for an empty written step (every sentence lives in feedback.py).
EMPTY = say(fb.UNANSWERED)


def is_counted(char: str) -> bool:
    """Whether a character counts towards the length: a letter (Chinese characters included) or a digit."""
    return unicodedata.category(char)[0] in "LN"


def count_chars(text: object) -> int:
    """The length of a written answer: Chinese characters, letters and digits; no punctuation or spaces."""
    if not isinstance(text, str):
        return 0
    return sum(1 for char in unicodedata.normalize("NFKC", text) if is_counted(char))


def sentences(text: object) -> list[str]:
    """The sentences of a written answer: split at 。！？ and line breaks, empty pieces dropped."""
    if not isinstance(text, str):
        return []
    return [piece.strip() for piece in SENTENCE_END.split(text) if count_chars(piece)]


def found_words(text: object, words: Sequence[str]) -> list[str]:
    """The words of ``words`` that occur in ``text`` (ignoring width, case and spaces), in list order."""
    if not isinstance(text, str):
        return []
    haystack = norm_key(text)
    return [word for word in words if norm_key(word) in haystack]


def written(value: object) -> str:
    """A cell or answer as text; '' when it holds no Chinese character, letter or digit (``???``).

    Numbers are read as the text they show.
    """
    text = _as_text(value)
    return text if count_chars(text) else ""


def _as_text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (int, float)):
        if value != value or abs(value) == float("inf"):
            return ""
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip() if isinstance(value, str) else ""


@dataclass(frozen=True)
class Check:
    """The verdict of one automatic criterion: the share of its points earned and the message."""

    fraction: float
    message: str


def manual_scores(criteria: Sequence[Criterion], manual: object) -> dict[str, float]:
    """The teacher's scores that fit the rubric: ``{criterion id: score}`` within each criterion's points.

    Accepts ``{id: number}`` or ``{id: {"score": number}}``; anything else (an automatic criterion,
    a score out of range, text) is left out, so that criterion still waits for a teacher.
    """
    if not isinstance(manual, Mapping):
        return {}
    scores: dict[str, float] = {}
    for criterion in criteria:
        if criterion.auto:
            continue
        value: Any = manual.get(criterion.id)
        if isinstance(value, Mapping):
            value = value.get("score")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if value == value and 0 <= value <= criterion.points + 1e-9:
            scores[criterion.id] = float(value)
    return scores


def rubric_result(step: Step, checks: Mapping[str, Check], manual: Mapping[str, float],
                  empty: bool) -> tuple[StepResult, list[CriterionResult]]:
    """The result of a written step from its automatic checks and the teacher's scores.

    An empty answer scores 0 on every criterion at once (nothing waits for a teacher). Otherwise
    the automatic criteria score ``fraction × points`` and the others take the teacher's score,
    or stay pending (``score`` None) until there is one.
    """
    results: list[CriterionResult] = []
    messages: list[str] = []
    for criterion in step.criteria:
        if empty:
            results.append(CriterionResult(criterion.id, step.id, criterion.label, 0.0, criterion.points,
                                           criterion.auto, EMPTY))
        elif criterion.auto:
            check = checks.get(criterion.id, Check(0.0, EMPTY))
            score = round(criterion.points * max(0.0, min(1.0, check.fraction)), 4)
            results.append(CriterionResult(criterion.id, step.id, criterion.label, score, criterion.points,
                                           True, check.message))
            messages.append(check.message)
        else:
            results.append(CriterionResult(criterion.id, step.id, criterion.label, manual.get(criterion.id),
                                           criterion.points, False))
    score = sum(r.score or 0.0 for r in results)
    if empty:
        feedback = EMPTY + (say(fb.RUBRIC_EMPTY_MANUAL) if any(not c.auto for c in step.criteria) else "")
    else:
        manual_results = [r for r in results if not r.auto]
        pending = [r for r in manual_results if r.score is None]
        if pending:
            messages.append(say(fb.RUBRIC_PENDING, points=fmt(tidy(sum(r.max for r in pending)))))
        elif manual_results:
            messages.append(say(fb.RUBRIC_TEACHER, score=fmt(tidy(sum(r.score or 0.0 for r in manual_results))),
                                max=fmt(tidy(sum(r.max for r in manual_results)))))
        feedback = "".join(messages)
    return StepResult(step.id, round(score, 4), step.points, feedback), results


__all__ = ["Check", "count_chars", "found_words", "manual_scores", "rubric_result", "sentences", "written"]
