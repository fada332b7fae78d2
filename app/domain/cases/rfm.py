"""Case 3 · RFM 分析: quintile scores for recency, frequency and monetary value, then segments.

The rules, in one place (ch06 "五分位打分" and "RFM 客户分群" state the same):

- Quintile scoring: with N customers, a customer's score on a dimension is ``1 + ⌊5 × L ÷ N⌋``
  where L is the number of customers strictly worse on that dimension (larger recency in days;
  smaller frequency or amount). Tied customers share a score.
- Scoring by a table of cut points (the chapter's coffee-shop table): :func:`score_by_bands`.
- "High" means a score of 3 or more (:data:`HIGH_MIN`), "low" 2 or less; the eight segments
  follow from the high/low pattern of R, F and M (:func:`segment_of`).
- A weighted RFM score is Σ weight × score (:func:`weighted_rfm`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from . import feedback as fb
from .base import Case
from .feedback import say
from .grading import (
    CellSpec,
    Outcome,
    Tally,
    detect_pattern,
    grade_cells,
    label_outcome,
    norm_key,
    read_labels,
)
from .model import TEXTBOOK, Step, StepResult, Variant

DIMENSIONS = (("R", "recency_days"), ("F", "frequency"), ("M", "monetary"))
DATA_COLUMNS = (("id", "客户编号"), ("name", "客户名称"), ("recency_days", "最近一次交易距今（天）"),
                ("frequency", "近 12 个月交易次数"), ("monetary", "近 12 个月交易金额（元）"))
#: A score of at least this is "high" (ch06: 得分 ≥3 为高，≤2 为低).
HIGH_MIN = 3
N_SEGMENTED = 6
TEXTBOOK_SEED = 2026
# (R high, F high, M high) -> segment name.
SEGMENTS = {
    (True, True, True): "重要价值客户",
    (False, True, True): "重要保持客户",
    (True, False, True): "重要发展客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (False, True, False): "一般保持客户",
    (True, False, False): "一般发展客户",
    (False, False, False): "一般挽留客户",
}


def _better_is_lower(letter: str) -> bool:
    return letter == "R"


def quintile_scores(dataset: Sequence[Mapping[str, Any]], letter: str, key: str, reverse: bool = False) -> dict[str, int]:
    """Scores 1–5 by the stated rule; ``reverse`` flips the direction (a common mistake)."""
    n = len(dataset)
    lower_better = _better_is_lower(letter) != reverse
    scores = {}
    for row in dataset:
        if lower_better:
            worse = sum(1 for other in dataset if other[key] > row[key])
        else:
            worse = sum(1 for other in dataset if other[key] < row[key])
        scores[row["id"]] = 1 + (5 * worse) // n
    return scores


def positional_scores(dataset: Sequence[Mapping[str, Any]], letter: str, key: str) -> dict[str, int]:
    """The mistake of breaking ties by list position instead of sharing a score."""
    n = len(dataset)
    sign = 1 if _better_is_lower(letter) else -1
    # Worst first: for recency the largest number of days, otherwise the smallest value.
    order = sorted(dataset, key=lambda r: (-sign * r[key], r["id"]))
    return {row["id"]: 1 + (5 * i) // n for i, row in enumerate(order)}


def equal_width_scores(dataset: Sequence[Mapping[str, Any]], letter: str, key: str) -> dict[str, int]:
    """The mistake of cutting the value range into five equal-width bins."""
    lo = min(r[key] for r in dataset)
    hi = max(r[key] for r in dataset)
    width = (hi - lo) / 5 or 1
    scores = {}
    for row in dataset:
        step = min(4, int((row[key] - lo) / width))
        scores[row["id"]] = 5 - step if _better_is_lower(letter) else 1 + step
    return scores


def all_scores(dataset: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """``{customer id: {"R": r, "F": f, "M": m}}`` by the stated rule."""
    by_dim = {letter: quintile_scores(dataset, letter, key) for letter, key in DIMENSIONS}
    return {row["id"]: {letter: by_dim[letter][row["id"]] for letter, _ in DIMENSIONS} for row in dataset}


def score_by_bands(value: float, bounds: Sequence[float], lower_is_better: bool = False) -> int:
    """The score 5–1 of a value by a table of cut points.

    ``bounds`` are the limits of scores 5, 4, 3 and 2: for recency (``lower_is_better``) the
    largest number of days that still earns the score (``value ≤ bound``); otherwise the
    smallest value that earns it (``value ≥ bound``). Anything beyond the last bound scores 1.
    """
    for score, bound in zip((5, 4, 3, 2), bounds):
        if (value <= bound) if lower_is_better else (value >= bound):
            return score
    return 1


def weighted_rfm(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A weighted RFM score: Σ weight × score over R, F and M."""
    return sum(weights[letter] * scores[letter] for letter in ("R", "F", "M"))


def segment_of(scores: Mapping[str, int], high_min: int = HIGH_MIN) -> str:
    """The segment name for R, F, M scores (high means score ≥ high_min)."""
    return SEGMENTS[tuple(scores[letter] >= high_min for letter in ("R", "F", "M"))]


def _segment_label(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = norm_key(value)
    for name in SEGMENTS.values():
        if key in (norm_key(name), norm_key(name).removesuffix("客户")):
            return name
    return None


def _dataset(rng: random.Random, n: int) -> list[dict[str, Any]]:
    from .names import company_names

    rows = []
    for i, name in enumerate(company_names(rng, n), start=1):
        activity = rng.random()
        frequency = max(1, round(rng.uniform(0.5, 1.5) * (2 + 40 * activity ** 2)))
        # Active customers bought recently; a few dormant customers have long gaps.
        recency = max(1, round(rng.uniform(0.3, 1.7) * (5 + 150 * (1 - activity) ** 2)))
        monetary = round(frequency * rng.uniform(300, 1500), -1)
        rows.append({"id": f"C{i:02d}", "name": name, "recency_days": recency, "frequency": frequency,
                     "monetary": int(monetary)})
    return rows


class RfmCase(Case):
    """RFM 分析 (ch06): R/F/M quintile scores, then the segment of chosen customers."""

    id = "rfm-analysis"
    title = "RFM 分析"
    chapter = "ch06-segmentation"

    def build(self, rng: random.Random, seed: int | str, n: int | None = None) -> Variant:
        """20, 25 or 30 customers; the customers to segment cover different segments."""
        size = n if n is not None else rng.choice([20, 25, 30])
        data = _dataset(rng, size)
        scores = all_scores(data)
        ids = [row["id"] for row in data]
        rng.shuffle(ids)
        chosen: list[str] = []
        seen: set[str] = set()
        for row_id in ids:
            seg = segment_of(scores[row_id])
            if seg not in seen:
                seen.add(seg)
                chosen.append(row_id)
        chosen += [i for i in ids if i not in chosen][: max(0, N_SEGMENTED - len(chosen))]
        params = {"n_customers": size, "high_min": HIGH_MIN, "segment_customers": sorted(chosen[:N_SEGMENTED])}
        return self._make(seed, params, data)

    def textbook(self) -> Variant:
        """A fixed documented variant (the source has no RFM data): 20 customers."""
        return self.build(random.Random(TEXTBOOK_SEED), TEXTBOOK, n=20)

    def _make(self, seed: int | str, params: dict[str, Any], data: list[dict[str, Any]]) -> Variant:
        n, high = params["n_customers"], params["high_min"]
        segment_rows = "\n".join(
            f"| {'高' if r else '低'} | {'高' if f else '低'} | {'高' if m else '低'} | {name} |"
            for (r, f, m), name in SEGMENTS.items()
        )
        names = {row["id"]: row["name"] for row in data}
        text = f"""## RFM 分析

平台要对 {n} 家企业客户做 RFM 分析。数据表列出了每家客户的客户编号、客户名称、最近一次交易距今天数、近 12 个月交易次数和近 12 个月交易金额（元）。

**打分规则**（R、F、M 各打 1–5 分，按排名五等分）

- 对每个维度，数一数**严格差于**该客户的客户数 L：R 维度中“差”指距今天数**更大**（越久没来越差）；F、M 维度中“差”指数值**更小**。
- 得分 = 1 + ⌊5 × L ÷ {n}⌋（⌊ ⌋ 表示向下取整）。数值相同的客户 L 相同，因此得分相同。
- 例：若有 7 位客户的交易次数严格少于某客户，则其 F = 1 + ⌊5 × 7 ÷ {n}⌋。

**客户类型规则**：得分 ≥{high} 为“高”，≤{high - 1} 为“低”。

| R | F | M | 客户类型 |
|---|---|---|---|
{segment_rows}

第 2 步如果你的 R、F、M 分数有误，会按你自己第 1 步的分数判断客户类型（错误不重复扣分）。
"""
        steps = (
            Step("scores", "按规则为每位客户打出 R、F、M 分数（1–5 的整数）。", "table", 6,
                 rows=tuple((r["id"], r["name"]) for r in data),
                 columns=(("R", "R 分"), ("F", "F 分"), ("M", "M 分"))),
            Step("segments", "判断以下客户的类型：" + "、".join(params["segment_customers"]) + "。", "classification", 3,
                 rows=tuple((i, names[i]) for i in params["segment_customers"]), columns=(("segment", "客户类型"),),
                 options=tuple((name, name) for name in SEGMENTS.values())),
        )
        return self._variant(seed, params, text, data, steps, DATA_COLUMNS)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """Scores of every customer and segments of the chosen ones."""
        scores = all_scores(variant.dataset or [])
        high = variant.params["high_min"]
        return {
            "scores": scores,
            "segments": {i: segment_of(scores[i], high) for i in variant.params["segment_customers"]},
        }

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Per-cell score credit with named direction/tie/bin mistakes; segments with carried-forward scores."""
        data = variant.dataset or []
        steps = {s.id: s for s in variant.steps}
        truth = all_scores(data)
        raw_scores = answers.get("scores")
        specs = {(row_id, letter): CellSpec(truth[row_id][letter], 0.0) for row_id in truth for letter, _ in DIMENSIONS}
        scores_result, parsed = grade_cells(steps["scores"], raw_scores, specs, say(fb.RFM_HINT_SCORES))
        notes = self._score_mistakes(data, parsed, truth)
        if notes:
            scores_result = StepResult(scores_result.id, scores_result.score, scores_result.max,
                                       "".join(notes) + scores_result.feedback)
        return [scores_result, self._grade_segments(steps["segments"], answers.get("segments"), variant, truth, parsed)]

    @staticmethod
    def _score_mistakes(data: list[dict[str, Any]], parsed: Mapping[tuple[str, str], float],
                        truth: Mapping[str, Mapping[str, int]]) -> list[str]:
        notes = []
        for letter, key in DIMENSIONS:
            given = {row_id: v for (row_id, col), v in parsed.items() if col == letter}
            mistakes = [
                (quintile_scores(data, letter, key, reverse=True),
                 say(fb.RFM_R_REVERSED) if letter == "R" else say(fb.RFM_REVERSED, letter=letter)),
                (positional_scores(data, letter, key), say(fb.RFM_TIES, letter=letter)),
                (equal_width_scores(data, letter, key), say(fb.RFM_EQUAL_WIDTH, letter=letter)),
            ]
            named = detect_pattern(given, {i: truth[i][letter] for i in truth}, mistakes)
            if named:
                notes.append(named)
        return notes

    @staticmethod
    def _grade_segments(step: Step, raw: object, variant: Variant, truth: Mapping[str, Mapping[str, int]],
                        parsed: Mapping[tuple[str, str], float]) -> StepResult:
        high = variant.params["high_min"]
        labels, invalid, problems = read_labels(step, raw, _segment_label)
        tally = Tally(total_items=len(step.rows), notes=problems, unreadable=fb.UNREADABLE_SEGMENTS)
        hints = []
        for row_id in step.row_ids:
            correct = segment_of(truth[row_id], high)
            own_scores = {letter: parsed.get((row_id, letter)) for letter, _ in DIMENSIONS}
            own = segment_of(own_scores, high) if all(v is not None for v in own_scores.values()) else None
            given = labels.get(row_id)
            missing = label_outcome(row_id, labels, invalid)
            if given is None and missing is not None:
                tally.add(row_id, missing)
            elif given == correct:
                tally.add(row_id, Outcome(1.0, "correct"))
            elif own is not None and given == own:
                tally.add(row_id, Outcome(1.0, "ecf", say(fb.RFM_OWN_SCORES)))
            else:
                tally.add(row_id, Outcome(0.0, "wrong"))
                basis = own_scores if own is not None else truth[row_id]
                implied = next(k for k, v in SEGMENTS.items() if v == given)
                wrong = [say(fb.RFM_HIGH if basis[letter] >= high else fb.RFM_LOW, letter=letter, value=_fmt(basis[letter]))
                         for (letter, _), is_high in zip(DIMENSIONS, implied) if (basis[letter] >= high) != is_high]
                hints.append(say(fb.RFM_SEGMENT_WRONG, item=row_id, basis="、".join(wrong), given=given))
        result = tally.result(step, say(fb.RFM_HINT_SEGMENTS, high=high))
        return StepResult(result.id, result.score, result.max, result.feedback + "".join(hints))


def _fmt(value: float | int | None) -> str:
    return "?" if value is None else str(int(value)) if float(value).is_integer() else str(value)

