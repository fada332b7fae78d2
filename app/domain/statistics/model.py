"""Records of exam item statistics: what the service layer passes in and what comes back.

Inputs are plain frozen dataclasses built from attempts and questions; outputs are frozen
dataclasses whose ``to_dict()`` is the JSON of ``GET /api/v1/exams/<exam_id>/statistics``.
Values that are undefined (too few attempts, zero variance) are ``None``, never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Decimal places kept in JSON: enough for a report, short enough to read.
JSON_DIGITS = 4

ItemScore = tuple[float | None, float]
"""``(score, max_score)`` of one question in one attempt; a ``None`` score is not graded yet."""


@dataclass(frozen=True)
class QuestionInfo:
    """What the statistics need to know about one question of the exam.

    ``type`` is the bank's type string (``"single"``, ``"multiple"``, …). For choice
    questions, ``options`` are the option ids in display order and ``key`` the right ones;
    they enable the distractor analysis. ``max_score`` is the question's points, used for
    display when nobody answered it.
    """

    type: str = ""
    options: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    max_score: float | None = None


@dataclass(frozen=True)
class AttemptScores:
    """One submitted attempt.

    ``scores`` maps every question the attempt contained to ``(score, max_score)``; a question
    left blank scores 0, a question not presented to this student is absent (random draws).
    ``choices`` maps choice questions to the option ids chosen (empty when left blank).
    ``total`` is the attempt's total score; ``None`` means the sum of ``scores``.
    """

    scores: Mapping[str, ItemScore]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    total: float | None = None


def json_number(value: float | int | None) -> float | int | None:
    """A number fit for JSON: rounded, and ``None`` instead of NaN or infinity."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        return None
    rounded = round(value, JSON_DIGITS)
    return 0.0 if rounded == 0 else rounded  # no "-0.0" in reports


@dataclass(frozen=True)
class Flag:
    """A reason to review a question: a stable ``code`` and a message for instructors."""

    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """``{"code", "message"}``."""
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class OptionCount:
    """How often one option of a choice question was chosen, overall and per group."""

    option: str
    is_key: bool
    count: int
    upper: int
    lower: int
    flagged: bool

    def to_dict(self) -> dict[str, object]:
        """``{"option", "is_key", "count", "upper", "lower", "flagged"}``."""
        return {
            "option": self.option,
            "is_key": self.is_key,
            "count": self.count,
            "upper": self.upper,
            "lower": self.lower,
            "flagged": self.flagged,
        }


@dataclass(frozen=True)
class ItemStatistics:
    """Statistics of one question over the attempts that contained it.

    ``n`` counts graded responses, ``pending`` responses still waiting for grading.
    ``upper_n`` and ``lower_n`` are how many of the upper and lower groups saw the question.
    ``distractors`` is ``None`` for questions without options; ``omitted`` counts choice
    responses with no option chosen.
    """

    id: str
    type: str
    n: int
    pending: int
    max_score: float | None
    mean_score: float | None
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    point_biserial_uncorrected: float | None
    upper_n: int
    lower_n: int
    distractors: tuple[OptionCount, ...] | None
    omitted: int | None
    flags: tuple[Flag, ...]

    def to_dict(self) -> dict[str, object]:
        """The question's entry in the statistics JSON."""
        return {
            "id": self.id,
            "type": self.type,
            "n": self.n,
            "pending": self.pending,
            "max_score": json_number(self.max_score),
            "mean_score": json_number(self.mean_score),
            "facility": json_number(self.facility),
            "discrimination": json_number(self.discrimination),
            "point_biserial": json_number(self.point_biserial),
            "point_biserial_uncorrected": json_number(self.point_biserial_uncorrected),
            "upper_n": self.upper_n,
            "lower_n": self.lower_n,
            "distractors": (
                None if self.distractors is None else [d.to_dict() for d in self.distractors]
            ),
            "omitted": self.omitted,
            "flags": [flag.to_dict() for flag in self.flags],
        }


@dataclass(frozen=True)
class HistogramBin:
    """Totals in ``[lower, upper)``; the last of equal-width bins also holds ``upper``."""

    lower: float
    upper: float
    count: int

    def to_dict(self) -> dict[str, object]:
        """``{"lower", "upper", "count"}``."""
        return {
            "lower": json_number(self.lower),
            "upper": json_number(self.upper),
            "count": self.count,
        }


@dataclass(frozen=True)
class ExamSummary:
    """Statistics of the attempts' total scores and of the test as a whole."""

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    min: float | None
    max: float | None
    max_score: float | None
    alpha: float | None
    sem: float | None
    histogram: tuple[HistogramBin, ...]

    def to_dict(self) -> dict[str, object]:
        """The ``"exam"`` entry of the statistics JSON."""
        return {
            "n": self.n,
            "mean": json_number(self.mean),
            "sd": json_number(self.sd),
            "median": json_number(self.median),
            "min": json_number(self.min),
            "max": json_number(self.max),
            "max_score": json_number(self.max_score),
            "alpha": json_number(self.alpha),
            "sem": json_number(self.sem),
            "histogram": [item.to_dict() for item in self.histogram],
        }


@dataclass(frozen=True)
class ExamStatistics:
    """Everything the statistics report shows; ``warnings`` explain input that was skipped."""

    exam: ExamSummary
    questions: tuple[ItemStatistics, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """``{"exam": {...}, "questions": [...], "warnings": [...]}``, ready for JSON."""
        return {
            "exam": self.exam.to_dict(),
            "questions": [question.to_dict() for question in self.questions],
            "warnings": list(self.warnings),
        }
