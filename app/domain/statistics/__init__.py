"""Item statistics of exams (题目分析): facility, discrimination, point-biserial, alpha.

Pure functions over plain data; see ``docs/statistics.md`` for every formula. The service
layer builds ``AttemptScores`` and ``QuestionInfo`` from its records, calls
``exam_statistics`` and serves ``ExamStatistics.to_dict()`` as JSON.
"""

from app.domain.statistics.exam import exam_statistics
from app.domain.statistics.groups import GROUP_FRACTION, group_size, upper_lower
from app.domain.statistics.items import FEW_RESPONSES, TOO_EASY, TOO_HARD
from app.domain.statistics.measures import cronbach_alpha, histogram, pearson
from app.domain.statistics.model import (
    AttemptScores,
    ExamStatistics,
    ExamSummary,
    Flag,
    HistogramBin,
    ItemScore,
    ItemStatistics,
    OptionCount,
    QuestionInfo,
)

__all__ = [
    "FEW_RESPONSES",
    "GROUP_FRACTION",
    "TOO_EASY",
    "TOO_HARD",
    "AttemptScores",
    "ExamStatistics",
    "ExamSummary",
    "Flag",
    "HistogramBin",
    "ItemScore",
    "ItemStatistics",
    "OptionCount",
    "QuestionInfo",
    "cronbach_alpha",
    "exam_statistics",
    "group_size",
    "histogram",
    "pearson",
    "upper_lower",
]
