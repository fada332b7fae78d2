"""Case 4 · 客户终生价值(净现值): yearly discounted expected margin and the total.

The rule, in one place (ch05 "客户终生价值" states the same): the value of year t (t = 1 … n)
is m × r^(t−1) ÷ (1+d)^t; year 1 is discounted, and the customer is certain to be there in
year 1 (survival r^0 = 1). The total (CLV) is the sum of the years; without discounting
(d = 0) it is the retention-adjusted value, and m × n (no retention, no discounting) is the
naive figure ch05 warns against.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from . import feedback as fb
from .base import Case
from .feedback import say
from .grading import CellSpec, Ecf, Trap, detect_pattern, grade_cells, grade_number
from .model import TEXTBOOK, Step, StepResult, Variant
from .numbers import close
from .numbers import format_number as fmt

YEAR_TOLERANCE = 0.5
TOTAL_TOLERANCE = 1.0
TEXTBOOK_PARAMS = {"margin": 1000, "retention_pct": 80, "discount_pct": 10, "years": 5}


def year_values(params: Mapping[str, Any], mistake: str | None = None) -> dict[str, float]:
    """``{"1": v1, …}`` unrounded; ``mistake`` names a common wrong formula."""
    m, n = params["margin"], params["years"]
    r, d = params["retention_pct"] / 100, params["discount_pct"] / 100
    values = {}
    for t in range(1, n + 1):
        survival, factor = r ** (t - 1), (1 + d) ** t
        if mistake == "year0":
            factor = (1 + d) ** (t - 1)
        elif mistake == "no_retention":
            survival = 1.0
        elif mistake == "retention_t":
            survival = r ** t
        elif mistake == "no_discount":
            factor = 1.0
        elif mistake == "subtract_discount":
            factor = 1 / (1 - d) ** t
        elif mistake == "naive":
            survival, factor = 1.0, 1.0
        values[str(t)] = m * survival / factor
    return values


MISTAKES = {
    "year0": say(fb.LTV_YEAR0),
    "no_retention": say(fb.LTV_NO_RETENTION),
    "retention_t": say(fb.LTV_RETENTION_T),
    "no_discount": say(fb.LTV_NO_DISCOUNT),
    "subtract_discount": say(fb.LTV_SUBTRACT_DISCOUNT),
    "naive": say(fb.LTV_NAIVE),
}


def clv(margin: float, retention_pct: float, discount_pct: float, years: int, round_years: int | None = None) -> float:
    """The customer lifetime value by the rule: Σ m × r^(t−1) ÷ (1+d)^t for t = 1 … years.

    ``round_years`` rounds each year's value before adding (as the worked examples do).
    """
    params = {"margin": margin, "retention_pct": retention_pct, "discount_pct": discount_pct, "years": years}
    values = year_values(params).values()
    return sum(round(v, round_years) if round_years is not None else v for v in values)


class LtvCase(Case):
    """客户终生价值 (ch05): per-year discounted expected value and the total (NPV)."""

    id = "ltv-npv"
    title = "客户终生价值（净现值）"
    chapter = "ch05-customer-value"
    textbook_label = "教材例题数据"

    def build(self, rng: random.Random, seed: int | str) -> Variant:
        """Margin 600–3000 yuan, retention 60–90 %, discount 5–12 %, 3–8 years."""
        params = {
            "margin": rng.randrange(600, 3001, 100),
            "retention_pct": rng.randrange(60, 91, 5),
            "discount_pct": rng.choice([5, 6, 8, 10, 12]),
            "years": rng.randint(3, 8),
        }
        return self._make(seed, params)

    def textbook(self) -> Variant:
        """A fixed documented variant (the chapter's worked example): 1000 yuan, 80 %, 10 %, 5 years."""
        return self._make(TEXTBOOK, dict(TEXTBOOK_PARAMS))

    def _make(self, seed: int | str, params: dict[str, Any]) -> Variant:
        m, r, d, n = params["margin"], params["retention_pct"], params["discount_pct"], params["years"]
        text = f"""## 客户终生价值（净现值）

平台的一位企业客户每年为平台带来的利润（边际贡献）为 {m} 元。每年年末客户续约的概率（保留率）为 {r}%，贴现率为 {d}%，只计算今后 {n} 年。

**计算规则**

$$CLV = \\sum_{{t=1}}^{{{n}}} \\frac{{m \\cdot r^{{t-1}}}}{{(1+d)^{{t}}}}$$

- 第 t 年的价值 = {m} × {r}%^(t−1) ÷ (1+{d}%)^t，t = 1, 2, …, {n}。
- 利润在每年年末取得，所以**第 1 年也要贴现**（除以 (1+{d}%)^1）；第 1 年客户一定还在（保留率的 0 次方为 1）。
- 各年价值保留两位小数；总额为各年价值之和。各年误差 ±{YEAR_TOLERANCE} 元、总额误差 ±{fmt(TOTAL_TOLERANCE)} 元以内判为正确（用查表得到的贴现系数计算也可以）。
- 总额按你自己填写的各年价值之和判分（错误不重复扣分）。
"""
        steps = (
            Step("yearly", f"填写第 1 至第 {n} 年每一年的贴现期望价值（元）。", "table", 5,
                 rows=tuple((str(t), f"第 {t} 年") for t in range(1, n + 1)), columns=(("value", "贴现期望价值（元）"),),
                 unit="元"),
            Step("total", f"这位客户今后 {n} 年的终生价值（净现值）合计是多少元？", "number", 3, unit="元"),
        )
        return self._variant(seed, params, text, None, steps)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """Yearly values rounded to 2 decimals and the total."""
        values = year_values(variant.params)
        return {"yearly": {t: round(v, 2) for t, v in values.items()}, "total": round(sum(values.values()), 2)}

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Per-year credit with the formula mistake named; the total carried forward from the years."""
        steps = {s.id: s for s in variant.steps}
        truth = year_values(variant.params)
        specs = {(t, "value"): CellSpec(v, YEAR_TOLERANCE) for t, v in truth.items()}
        yearly, parsed = grade_cells(steps["yearly"], answers.get("yearly"), specs, say(fb.LTV_HINT_YEAR))
        given = {t: v for (t, _), v in parsed.items()}
        alternatives = [(year_values(variant.params, key), message) for key, message in MISTAKES.items()]
        named = detect_pattern(given, truth, alternatives, lambda a, b: close(a, b, YEAR_TOLERANCE))
        if named:
            yearly = StepResult(yearly.id, yearly.score, yearly.max, named + yearly.feedback)

        ecf = ()
        if len(given) == len(truth):
            own = sum(given.values())
            ecf = (Ecf(own, say(fb.LTV_OWN_TOTAL, value=fmt(own))),)
        traps = tuple(Trap(sum(alt.values()), message) for alt, message in alternatives)
        total, _ = grade_number(steps["total"], answers.get("total"),
                                CellSpec(sum(truth.values()), TOTAL_TOLERANCE, ecf, traps), say(fb.LTV_HINT_TOTAL))
        return [yearly, total]
