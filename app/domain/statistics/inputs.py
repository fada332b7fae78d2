"""Checking the input of the statistics: bad entries are skipped with a message, never raised."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.domain.statistics.model import AttemptScores, QuestionInfo

# Scores are sums of fractions such as 1/3: allow float dust above the maximum.
_SLACK = 1e-9


@dataclass(frozen=True)
class CleanAttempt:
    """An attempt whose numbers have been checked: only valid entries of known questions."""

    total: float
    max_total: float
    scores: Mapping[str, tuple[float, float]]
    pending: frozenset[str]
    choices: Mapping[str, frozenset[str]]


def as_number(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` (booleans and text are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _ids(value: object) -> tuple[str, ...] | None:
    """Option ids from ``"B"``, ``["A", "D"]`` or a mapping's keys; ``None`` when malformed."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Mapping | Sequence | set | frozenset) and all(
        isinstance(item, str) for item in value
    ):
        return tuple(value)
    return None


def clean_questions(question_info: object) -> tuple[dict[str, QuestionInfo], list[str]]:
    """The exam's questions in order, with options and key as tuples of ids, and warnings."""
    if not isinstance(question_info, Mapping):
        return {}, ["题目信息应为“题目编号 → QuestionInfo”的映射,已按没有题目处理"]
    infos: dict[str, QuestionInfo] = {}
    warnings: list[str] = []
    for qid, info in question_info.items():
        if not isinstance(qid, str) or not qid:
            warnings.append(f"题目编号 {qid!r} 应为非空文本,已忽略")
            continue
        if not isinstance(info, QuestionInfo):
            warnings.append(f"题目 {qid} 的信息不是 QuestionInfo,已按未知题型处理")
            info = QuestionInfo()
        options, key = _ids(info.options), _ids(info.key)
        if options is None or key is None:
            warnings.append(f"题目 {qid} 的选项或答案不是选项编号的列表,不做选项分析")
            options, key = (), ()
        max_score = as_number(info.max_score)
        infos[qid] = QuestionInfo(
            type=info.type if isinstance(info.type, str) else "",
            options=options,
            key=key,
            max_score=max_score if max_score is not None and max_score > 0 else None,
        )
    return infos, warnings


def _item(label: str, qid: str, value: object) -> tuple[float | None, float] | str:
    """``(score, max)`` with ``score`` ``None`` when pending, or a message saying what is wrong."""
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        return f"{label}中题目 {qid} 的成绩应为 (得分, 满分),实际是 {value!r},已忽略该题"
    score, top = value[0], as_number(value[1])
    if top is None or top <= 0:
        return f"{label}中题目 {qid} 的满分 {value[1]!r} 无效(应为正数),已忽略该题"
    if score is None:
        return (None, top)
    number = as_number(score)
    if number is None:
        return f"{label}中题目 {qid} 的得分 {score!r} 不是有效数字,已忽略该题"
    if number < -_SLACK or number > top + _SLACK:
        return f"{label}中题目 {qid} 的得分 {number:g} 超出 0–{top:g} 的范围,已忽略该题"
    return (min(max(number, 0.0), top), top)


def _choices(
    label: str, raw: object, scores: Mapping[str, object], infos: Mapping[str, QuestionInfo]
) -> tuple[dict[str, frozenset[str]], list[str]]:
    if not isinstance(raw, Mapping):
        return {}, [f"{label}的选项记录应为“题目编号 → 所选选项”的映射,已忽略"]
    chosen: dict[str, frozenset[str]] = {}
    warnings: list[str] = []
    for qid, value in raw.items():
        if qid not in scores or not infos[qid].options:
            continue
        ids = _ids(value)
        if ids is None:
            warnings.append(f"{label}中题目 {qid} 的所选选项 {value!r} 格式无效,按未作答计")
            ids = ()
        unknown = [item for item in ids if item not in infos[qid].options]
        if unknown:
            warnings.append(f"{label}中题目 {qid} 选了不存在的选项 {'、'.join(unknown)},已忽略这些选项")
        chosen[qid] = frozenset(item for item in ids if item in infos[qid].options)
    return chosen, warnings


def _clean_attempt(
    label: str, attempt: AttemptScores, infos: Mapping[str, QuestionInfo], unknown: set[str]
) -> tuple[CleanAttempt | None, list[str]]:
    if not isinstance(attempt.scores, Mapping):
        return None, [f"{label}的成绩应为“题目编号 → (得分, 满分)”的映射,已忽略该份作答"]
    warnings: list[str] = []
    scores: dict[str, tuple[float, float]] = {}
    pending: set[str] = set()
    max_total = 0.0
    for qid, value in attempt.scores.items():
        if qid not in infos:
            if isinstance(qid, str) and qid not in unknown:
                unknown.add(qid)
                warnings.append(f"作答中的题目 {qid} 不在本次考试的题目列表中,已忽略")
            elif not isinstance(qid, str):
                warnings.append(f"{label}中的题目编号 {qid!r} 应为文本,已忽略")
            continue
        item = _item(label, qid, value)
        if isinstance(item, str):
            warnings.append(item)
            continue
        score, top = item
        max_total += top
        if score is None:
            pending.add(qid)
        else:
            scores[qid] = (score, top)
    choices, more = _choices(label, attempt.choices, scores, infos)
    warnings.extend(more)
    total = as_number(attempt.total)
    if total is None:
        if attempt.total is not None:
            warnings.append(f"{label}的总分 {attempt.total!r} 不是有效数字,改用各题得分之和")
        total = math.fsum(score for score, _ in scores.values())
    clean = CleanAttempt(total, max_total, scores, frozenset(pending), choices)
    return clean, warnings


def clean_attempts(
    attempts: object, infos: Mapping[str, QuestionInfo]
) -> tuple[list[CleanAttempt], list[str]]:
    """The valid attempts in input order, and a message for everything that was skipped."""
    if isinstance(attempts, str | bytes) or not isinstance(attempts, Sequence):
        return [], ["作答记录应为 AttemptScores 的列表,已按没有作答处理"]
    clean: list[CleanAttempt] = []
    warnings: list[str] = []
    unknown: set[str] = set()
    for number, attempt in enumerate(attempts, start=1):
        label = f"第 {number} 份作答"
        if not isinstance(attempt, AttemptScores):
            warnings.append(f"{label}不是 AttemptScores,已忽略")
            continue
        result, more = _clean_attempt(label, attempt, infos, unknown)
        warnings.extend(more)
        if result is not None:
            clean.append(result)
    return clean, warnings
