"""Case 5 · 高价值客户评分卡: weigh candidates on the five traits of a high-value customer.

Traits and weights from the course source (seed 004): 成本低贡献大 50 %, 资金增加潜力大 20 %,
接受新产品意愿高 10 %, 对周围客户有一定的影响力 10 %, 有良好的个人素质和社会资源 10 %.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from . import feedback as fb
from .base import Case
from .feedback import say
from .grading import CellSpec, detect_pattern, grade_cells, ordered_fraction, read_ranking
from .model import TEXTBOOK, Step, StepResult, Variant
from .numbers import close

TRAITS = (
    ("cost_contribution", "成本低贡献大", 50),
    ("fund_growth", "资金增加潜力大", 20),
    ("new_product", "接受新产品意愿高", 10),
    ("influence", "对周围客户有一定的影响力", 10),
    ("personal_resources", "有良好的个人素质和社会资源", 10),
)
SCORE_TOLERANCE = 0.05
TEXTBOOK_SEED = 2026


def weighted_scores(dataset: Sequence[Mapping[str, Any]], weights: Mapping[str, float] | None = None,
                    divisor: float = 100) -> dict[str, float]:
    """Σ weight × trait score ÷ divisor for each candidate, rounded to 1 decimal."""
    weights = weights or {key: w for key, _, w in TRAITS}
    return {row["id"]: round(sum(weights[k] * row[k] for k in weights) / divisor, 1) for row in dataset}


def ranking_by(scores: Mapping[str, float]) -> list[str]:
    """Ids by score descending, ties by id ascending."""
    return sorted(scores, key=lambda i: (-scores[i], i))


def _alternatives(dataset: Sequence[Mapping[str, Any]]) -> list[tuple[dict[str, float], str]]:
    keys = [key for key, _, _ in TRAITS]
    return [
        (weighted_scores(dataset, {k: 1 for k in keys}, divisor=5), say(fb.SC_AVERAGED)),
        (weighted_scores(dataset, {k: 1 for k in keys}, divisor=1), say(fb.SC_SUMMED)),
        (weighted_scores(dataset, divisor=1), say(fb.SC_PERCENT_WEIGHTS)),
        (weighted_scores(dataset, dict(zip(keys, (10, 10, 10, 20, 50)))), say(fb.SC_SWAPPED_WEIGHTS)),
    ]


class ScorecardCase(Case):
    """高价值客户评分卡 (ch06): weighted scores (table) and the ranking."""

    id = "high-value-scorecard"
    title = "高价值客户评分卡"
    chapter = "ch06-segmentation"

    def build(self, rng: random.Random, seed: int | str) -> Variant:
        """6–8 candidates with trait scores 40–100 and no tied weighted scores."""
        from .names import person_names

        size = rng.randint(6, 8)
        for _ in range(200):
            data = []
            for i, name in enumerate(person_names(rng, size), start=1):
                level = rng.uniform(50, 90)
                row: dict[str, Any] = {"id": f"H{i:02d}", "name": name}
                for key, _, _ in TRAITS:
                    row[key] = max(40, min(100, round(rng.gauss(level, 12))))
                data.append(row)
            scores = weighted_scores(data)
            first_trait = sorted(data, key=lambda r: (-r["cost_contribution"], r["id"]))
            if len(set(scores.values())) == size and [r["id"] for r in first_trait] != ranking_by(scores):
                break
        return self._make(seed, {"n_candidates": size, "weights": {k: w for k, _, w in TRAITS}}, data)

    def textbook(self) -> Variant:
        """A fixed documented variant (the source gives only the traits and weights)."""
        return self.build(random.Random(TEXTBOOK_SEED), TEXTBOOK)

    def _make(self, seed: int | str, params: dict[str, Any], data: list[dict[str, Any]]) -> Variant:
        traits = "\n".join(f"| {label} | {w}% |" for _, label, w in TRAITS)
        text = f"""## 高价值客户评分卡

某证券营业部要“整合现有客户资源，寻求高价值客户”。客户经理对 {len(data)} 位候选客户按高价值客户的五项特征分别打分（0–100 分），见数据表。

| 特征 | 权重 |
|---|---|
{traits}

**计算规则**

- 加权得分 = Σ（权重 × 该项得分），例如 50% × 80 = 40 分；结果保留一位小数（本题数据算出的结果恰好是一位小数）。
- 排名按加权得分从高到低；得分相同时编号小的在前。
- 排名按你自己第 1 步的加权得分判分（错误不重复扣分）。
"""
        steps = (
            Step("weighted", "计算每位候选客户的加权得分。", "table", 4,
                 rows=tuple((r["id"], r["name"]) for r in data), columns=(("score", "加权得分"),)),
            Step("ranking", "按加权得分从高到低写出候选客户的编号顺序（如 H03, H01, …）。", "ranking", 2,
                 rows=tuple((r["id"], r["name"]) for r in data)),
        )
        columns = (("id", "编号"), ("name", "姓名"), *((key, label) for key, label, _ in TRAITS))
        return self._variant(seed, params, text, data, steps, columns)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """Weighted scores and the ranking."""
        scores = weighted_scores(variant.dataset or [])
        return {"weighted": scores, "ranking": ranking_by(scores)}

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Per-candidate score credit with named weighting mistakes; ranking with carried-forward scores."""
        data = variant.dataset or []
        steps = {s.id: s for s in variant.steps}
        truth = weighted_scores(data)
        specs = {(i, "score"): CellSpec(v, SCORE_TOLERANCE) for i, v in truth.items()}
        weighted, parsed = grade_cells(steps["weighted"], answers.get("weighted"), specs, say(fb.SC_HINT_WEIGHTED))
        given = {i: v for (i, _), v in parsed.items()}
        named = detect_pattern(given, truth, _alternatives(data), lambda a, b: close(a, b, SCORE_TOLERANCE))
        if named:
            weighted = StepResult(weighted.id, weighted.score, weighted.max, named + weighted.feedback)
        return [weighted, self._grade_ranking(steps["ranking"], answers.get("ranking"), data, truth, given)]

    @staticmethod
    def _grade_ranking(step: Step, raw: object, data: list[dict[str, Any]], truth: dict[str, float],
                       own: dict[str, float]) -> StepResult:
        ids = [row["id"] for row in data]
        ranking, error = read_ranking(raw, ids)
        if ranking is None:
            return StepResult(step.id, 0, step.points, error or say(fb.UNANSWERED))
        correct = ranking_by(truth)
        if ranking == correct:
            return StepResult(step.id, step.points, step.points, say(fb.CORRECT))
        if len(own) == len(ids) and len(ranking) == len(ids) and all(
            own[a] >= own[b] for a, b in zip(ranking, ranking[1:])
        ):
            return StepResult(step.id, step.points, step.points, say(fb.SC_OWN_RANKING))
        if ranking == correct[::-1]:
            return StepResult(step.id, 0, step.points, say(fb.SC_REVERSED))
        by_first = [r["id"] for r in sorted(data, key=lambda r: (-r["cost_contribution"], r["id"]))]
        if ranking == by_first:
            return StepResult(step.id, 0, step.points, say(fb.SC_FIRST_TRAIT_ONLY))
        for alternative, message in _alternatives(data):
            if ranking == ranking_by(alternative):
                return StepResult(step.id, 0, step.points, say(fb.SC_WRONG_SCORES) + message)
        fraction = ordered_fraction(ranking, correct)
        missing = [i for i in ids if i not in ranking]
        note = say(fb.SC_MISSED, items="、".join(missing)) if missing else ""
        return StepResult(step.id, round(step.points * fraction, 4), step.points,
                          say(fb.SC_PARTIAL_ORDER, count=round(fraction * len(ids))) + note
                          + say(fb.HINT) + say(fb.SC_HINT_RANKING))
