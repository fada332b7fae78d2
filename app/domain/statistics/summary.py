"""The summary of one exam's scores in a class: how many have a score, mean, median, pass rate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.statistics.measures import mean, median
from app.domain.statistics.model import json_number

# Exams have no pass mark of their own: a score of at least 60 % of the full marks passes,
# the usual 及格线 of a hundred-point scale.
PASS_FRACTION = 0.6
# Scores are stored rounded to 4 decimals; a score at the pass mark must not fail by rounding.
_EPSILON = 1e-6


@dataclass(frozen=True)
class ScoreSummary:
    """Scores of the students who have one: ``n``, ``mean``, ``median`` (points) and how many
    reached ``pass_mark`` (``passed``; ``pass_rate`` in 0…1). Undefined values are ``None``."""

    n: int
    mean: float | None
    median: float | None
    pass_mark: float | None
    passed: int
    pass_rate: float | None

    def to_dict(self) -> dict[str, object]:
        """The summary as JSON-ready values."""
        return {"n": self.n, "mean": json_number(self.mean), "median": json_number(self.median),
                "pass_mark": json_number(self.pass_mark), "passed": self.passed,
                "pass_rate": json_number(self.pass_rate)}


def pass_mark(max_score: float | None, fraction: float = PASS_FRACTION) -> float | None:
    """The lowest passing score: ``fraction`` of ``max_score`` (None without full marks)."""
    if not max_score or max_score <= 0:
        return None
    return round(max_score * fraction, 4)


def score_summary(scores: Sequence[float | None], max_score: float | None,
                  fraction: float = PASS_FRACTION) -> ScoreSummary:
    """Summary of ``scores`` (missing ones left out) against an exam of ``max_score`` points."""
    values = [float(score) for score in scores if score is not None]
    mark = pass_mark(max_score, fraction)
    passed = sum(1 for value in values if mark is not None and value >= mark - _EPSILON)
    rate = passed / len(values) if values and mark is not None else None
    return ScoreSummary(len(values), mean(values), median(values), mark, passed, rate)
