"""``exam_statistics``: the whole report for one exam, from scored attempts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.domain.statistics.groups import upper_lower
from app.domain.statistics.inputs import CleanAttempt, clean_attempts, clean_questions
from app.domain.statistics.items import item_statistics
from app.domain.statistics.measures import (
    cronbach_alpha,
    histogram,
    mean,
    median,
    sample_sd,
    standard_error_of_measurement,
)
from app.domain.statistics.model import (
    AttemptScores,
    ExamStatistics,
    ExamSummary,
    QuestionInfo,
)

UNEVEN_ITEMS = "各份作答包含的已评分题目不完全相同(随机抽题或有待评分的题目),无法计算 Cronbach's α"


def _alpha(
    attempts: Sequence[CleanAttempt], qids: Sequence[str]
) -> tuple[float | None, str | None]:
    """Alpha over the questions anyone answered; ``None`` unless every attempt has them all."""
    if len(attempts) < 2:
        return None, None
    answered = [qid for qid in qids if any(qid in attempt.scores for attempt in attempts)]
    if any(qid not in attempt.scores for attempt in attempts for qid in answered):
        return None, UNEVEN_ITEMS
    matrix = [[attempt.scores[qid][0] for qid in answered] for attempt in attempts]
    return cronbach_alpha(matrix), None


def _max_score(attempts: Sequence[CleanAttempt], infos: Mapping[str, QuestionInfo]) -> float | None:
    if attempts:
        return max(attempt.max_total for attempt in attempts) or None
    points = [info.max_score for info in infos.values()]
    if points and all(point is not None for point in points):
        return sum(point for point in points if point is not None)
    return None


def exam_statistics(
    responses: Sequence[AttemptScores], question_info: Mapping[str, QuestionInfo]
) -> ExamStatistics:
    """Item and test statistics of an exam.

    ``responses`` are the submitted attempts, in a stable order (ties in the 27 % groups are
    broken by it); ``question_info`` lists the exam's questions in display order. Malformed
    entries are skipped and explained in ``warnings``; nothing here raises on bad input.
    """
    infos, warnings = clean_questions(question_info)
    attempts, more = clean_attempts(responses, infos)
    warnings.extend(more)
    totals = [attempt.total for attempt in attempts]
    upper, lower = upper_lower(totals)
    questions = tuple(
        item_statistics(qid, info, attempts, upper, lower) for qid, info in infos.items()
    )
    alpha, problem = _alpha(attempts, list(infos))
    if problem:
        warnings.append(problem)
    sd = sample_sd(totals)
    max_score = _max_score(attempts, infos)
    summary = ExamSummary(
        n=len(attempts),
        mean=mean(totals),
        sd=sd,
        median=median(totals),
        min=min(totals, default=None),
        max=max(totals, default=None),
        max_score=max_score,
        alpha=alpha,
        sem=standard_error_of_measurement(sd, alpha),
        histogram=histogram(totals, max_score),
    )
    return ExamStatistics(exam=summary, questions=questions, warnings=tuple(warnings))
