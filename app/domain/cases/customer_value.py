"""Case 1 · 客户价值计算: one customer's lifetime value and the word-of-mouth effect.

From the Hunan vocational skills exam (湖南物流公共信息平台): a customer trades f times a
week at m yuan for n years; a satisfied customer tells p people, an unsatisfied one q
people, and r % of the listeners become (or stop being) loyal customers.

The rules, in one place (ch05 "客户价值计算实训" states the same):

- lifetime transaction value = amount per transaction × transactions per year × years, a year
  being 52 weeks (:func:`lifetime_transaction_value`);
- customers won or lost by word of mouth = listeners × rate (:func:`word_of_mouth_customers`),
  their value = that number × one customer's lifetime value, lost value negative;
- the net effect of one satisfied and one unsatisfied customer is the sum of the two rows; the
  analysis step is graded against the true direction of that sum, never carried forward from
  the student's own table (a sign slip in the table must not turn into "an unsatisfied
  customer brings value").
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from . import feedback as fb
from .base import Case
from .feedback import say
from .grading import CellSpec, Ecf, Trap, grade_cells, grade_choice, grade_number, read_cells
from .model import TEXTBOOK, Step, StepResult, Variant
from .numbers import format_number as fmt
from .numbers import parse_number

WEEKS_PER_YEAR = 52
TEXTBOOK_PARAMS = {"f": 1, "m": 50, "n": 10, "weeks_per_year": WEEKS_PER_YEAR, "p": 5, "q": 10, "r_pct": 20}
# For each conversion rate, listener counts that give whole customers (p * r integer).
_LISTENERS = {10: ([10], [20, 30]), 20: ([5, 10], [10, 15, 20]), 25: ([4, 8], [8, 12, 16])}
MONEY_TOLERANCE = 0.5

ROWS = (("satisfied", "一位满意客户"), ("unsatisfied", "一位不满意客户"), ("net", "满意与不满意客户各一位的合计"))
COLUMNS = (("customers", "忠实客户数变化（人）"), ("value", "客户价值变化（元）"))
TEXTBOOK_SEED = 2026

# The analysis options, about equally long (length gives nothing away).
ANALYSIS_OPTIONS = {
    "loss": "净减少：不满意客户的抱怨带走的忠实客户和价值多于满意客户口碑带来的，所以要认真对待每一次投诉、及时补救，把不满意客户转变为满意客户",
    "gain": "净增加：不满意客户的抱怨也扩大了平台的知名度，同样能带来新的忠实客户和价值，所以处理投诉不必着急，可以把主要精力集中在开发新客户上面",
    "zero": "正负相抵，净效果为零：满意客户和不满意客户对平台的影响一样大，所以投诉只需按常规流程慢慢处理，不必为此专门投入额外的人力和资源",
    "ignore": "净增加：只要大多数客户满意，满意客户的口碑总能盖过少数人的抱怨，所以个别客户的投诉可以忽略，不必专门安排人员去跟进和处理",
}


def lifetime_transaction_value(amount: float, per_year: float, years: float) -> float:
    """One customer's lifetime transaction value: amount per transaction × transactions a year × years.

    Weekly trading is ``per_year = times a week × 52``; monthly ``times a month × 12``.
    """
    return amount * per_year * years


def word_of_mouth_customers(listeners: float, rate_pct: float) -> float:
    """Customers won (or lost) by word of mouth: listeners × conversion rate."""
    return listeners * rate_pct / 100


def _truth(params: Mapping[str, Any]) -> dict[str, float]:
    v = lifetime_transaction_value(params["m"], params["f"] * params["weeks_per_year"], params["n"])
    won = word_of_mouth_customers(params["p"], params["r_pct"])
    lost = word_of_mouth_customers(params["q"], params["r_pct"])
    return {"v": v, "won": won, "gained": won * v, "lost": lost, "lost_value": -lost * v,
            "net_customers": won - lost, "net_value": won * v - lost * v}


def net_direction(net_value: float) -> str:
    """The analysis option that states the direction of the net effect (loss, gain or zero)."""
    return "loss" if net_value < 0 else "zero" if net_value == 0 else "gain"


def _options(rng: random.Random) -> dict[str, str]:
    order = list(ANALYSIS_OPTIONS)
    rng.shuffle(order)
    return {key: ANALYSIS_OPTIONS[option] for key, option in zip("ABCD", order)}


def _table_step(variant: Variant) -> Step:
    step = variant.step("dynamic_table")
    assert step is not None
    return step


def _int(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


class CustomerValueCase(Case):
    """客户价值计算 (ch05): lifetime transaction value and the dynamic value table."""

    id = "customer-value"
    title = "客户价值计算"
    chapter = "ch05-customer-value"
    textbook_label = "考试原题数据"

    def build(self, rng: random.Random, seed: int | str) -> Variant:
        """A variant with whole-number customer counts (p·r and q·r are integers)."""
        r_pct = rng.choice(sorted(_LISTENERS))
        ps, qs = _LISTENERS[r_pct]
        p = rng.choice(ps)
        # Complaints travel further than praise: q is always larger than p.
        q = rng.choice([x for x in qs if x > p])
        params = {
            "f": rng.choice([1, 1, 2, 3]),
            "m": rng.randrange(20, 201, 10),
            "n": rng.randint(3, 15),
            "weeks_per_year": WEEKS_PER_YEAR,
            "p": p,
            "q": q,
            "r_pct": r_pct,
            "analysis_options": _options(rng),
        }
        return self._make(seed, params)

    def textbook(self) -> Variant:
        """The exam's own numbers: once a week, 50 yuan, 10 years, tells 5 / 10, 20 %."""
        return self._make(TEXTBOOK, dict(TEXTBOOK_PARAMS, analysis_options=_options(random.Random(TEXTBOOK_SEED))))

    def _make(self, seed: int | str, params: dict[str, Any]) -> Variant:
        f, m, n, p, q, r = (params[k] for k in ("f", "m", "n", "p", "q", "r_pct"))
        options = "\n".join(f"- **{k}**. {v}" for k, v in params["analysis_options"].items())
        text = f"""## 客户价值计算

湖南物流公共信息平台的一位客户每星期在平台上交易 {f} 次，平均每次交易额 {m} 元，平均客户生命周期按 {n} 年计算。客户价值以交易额计算。

如果这位客户对平台的服务满意，他会把满意告诉另外 {p} 个人；如果不满意，他会把抱怨告诉另外 {q} 个人。假定所有听到赞美或抱怨的人中有 {r}% 发生转化：或者成为平台新的忠实客户，或者不再是平台的忠实客户（平台失去相应数量的忠实客户）。

**计算规则**

- 一年按 {params['weeks_per_year']} 周计算。
- 每位忠实客户的价值都等于第 1 步算出的一位客户的终生交易额。
- 金额以元为单位；本题结果都是整数，不需要舍入，误差 ±0.5 元以内判为正确。
- 价值或客户数的增加记为正数，减少记为负数（第 4 步只填人数，填正数）。
- 后面的计算步骤如果用到前面的结果，会按你自己前面填写的结果判分（错误不重复扣分）；第 7 步的分析按正确的结果判分。

**第 7 步的选项**

{options}
"""
        steps = (
            Step("lifetime_value", "一位客户在生命周期内为平台带来的交易额（客户价值）是多少元？", "number", 2, unit="元"),
            Step("customers_won", "一位满意客户通过口碑能为平台增加多少位忠实客户？", "number", 1, unit="人"),
            Step("value_gained", "这些新增的忠实客户为平台带来多少客户价值（元）？", "number", 2, unit="元"),
            Step("customers_lost", "一位不满意客户会使平台失去多少位忠实客户？（填人数）", "number", 1, unit="人"),
            Step("value_lost", "一位不满意客户使平台的客户价值变化多少元？（减少记为负数）", "number", 2, unit="元"),
            Step(
                "dynamic_table",
                "填写客户价值动态分析表：三行分别为一位满意客户、一位不满意客户、满意与不满意客户各一位的合计；"
                "两列分别为忠实客户数的变化（人）和客户价值的变化（元），增加为正，减少为负。",
                "table",
                3,
                rows=ROWS,
                columns=COLUMNS,
            ),
            Step("analysis", "分析：满意与不满意客户各一位时，平台的忠实客户和客户价值总体上如何变化？"
                 "这对处理客户投诉说明了什么？（填选项字母）", "choice", 2,
                 options=tuple(params["analysis_options"].items())),
        )
        return self._variant(seed, params, text, None, steps)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The model answers; numbers as plain ints where they are whole."""
        t = _truth(variant.params)
        return {
            "lifetime_value": _int(t["v"]),
            "customers_won": _int(t["won"]),
            "value_gained": _int(t["gained"]),
            "customers_lost": _int(t["lost"]),
            "value_lost": _int(t["lost_value"]),
            "dynamic_table": {
                "satisfied": {"customers": _int(t["won"]), "value": _int(t["gained"])},
                "unsatisfied": {"customers": _int(-t["lost"]), "value": _int(t["lost_value"])},
                "net": {"customers": _int(t["won"] - t["lost"]), "value": _int(t["gained"] + t["lost_value"])},
            },
            "analysis": self._right_option(variant),
        }

    @staticmethod
    def _right_option(variant: Variant) -> str:
        right = net_direction(_truth(variant.params)["net_value"])
        return next(k for k, v in variant.params["analysis_options"].items() if v == ANALYSIS_OPTIONS[right])

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Grade the six steps with error carried forward and misconception feedback."""
        prm = variant.params
        f, m, n, p, q, r = (prm[k] for k in ("f", "m", "n", "p", "q", "r_pct"))
        weeks = prm["weeks_per_year"]
        t = _truth(prm)
        steps = {s.id: s for s in variant.steps}
        results: list[StepResult] = []

        v_traps = (
            Trap(f * m * 50 * n, say(fb.CV_50_WEEKS)),
            Trap(f * m * 48 * n, say(fb.CV_48_WEEKS)),
            Trap(f * m * weeks, say(fb.CV_ONE_YEAR)),
            Trap(f * m * 365 * n, say(fb.CV_DAILY)),
            Trap(f * m * 12 * n, say(fb.CV_MONTHLY)),
        )
        res, v_s = grade_number(steps["lifetime_value"], answers.get("lifetime_value"),
                                CellSpec(t["v"], MONEY_TOLERANCE, traps=v_traps), say(fb.CV_HINT_VALUE))
        results.append(res)

        res, won_s = grade_number(steps["customers_won"], answers.get("customers_won"),
                                  CellSpec(t["won"], 0.01, traps=(
                                      Trap(p, say(fb.CV_WON_HEARD, rate=r)),)),
                                  say(fb.CV_HINT_WON, rate=r))
        results.append(res)

        value_ecf = []
        if v_s is not None and won_s is not None:
            value_ecf.append(Ecf(won_s * v_s, say(fb.CV_GAINED_OWN, value=fmt(v_s), people=fmt(won_s))))
        gained_traps = (
            Trap(p * t["v"], say(fb.CV_GAINED_NO_RATE, rate=r, people=p)),
            Trap(-t["gained"], say(fb.CV_GAINED_NEGATIVE), 0.5),
        )
        res, gained_s = grade_number(steps["value_gained"], answers.get("value_gained"),
                                     CellSpec(t["gained"], MONEY_TOLERANCE, tuple(value_ecf), gained_traps),
                                     say(fb.CV_HINT_GAINED))
        results.append(res)

        res, lost_s = grade_number(steps["customers_lost"], answers.get("customers_lost"),
                                   CellSpec(t["lost"], 0.01, traps=(
                                       Trap(q, say(fb.CV_LOST_HEARD, rate=r)),
                                       Trap(-t["lost"], say(fb.CV_LOST_NEGATIVE_COUNT), 1.0),)),
                                   say(fb.CV_HINT_LOST, rate=r))
        results.append(res)
        if lost_s is not None:
            lost_s = abs(lost_s)

        lost_ecf, lost_traps = [], [
            Trap(t["lost"] * t["v"], say(fb.CV_LOST_POSITIVE), 0.5),
            Trap(-q * t["v"], say(fb.CV_LOST_NO_RATE, rate=r, people=q)),
            Trap(q * t["v"], say(fb.CV_LOST_NO_RATE_POSITIVE, rate=r)),
        ]
        if v_s is not None and lost_s is not None:
            own = -lost_s * v_s
            lost_ecf.append(Ecf(own, say(fb.CV_LOST_OWN, value=fmt(v_s), people=fmt(lost_s))))
            lost_traps.append(Trap(-own, say(fb.CV_LOST_OWN_POSITIVE), 0.5))
        res, lost_value_s = grade_number(steps["value_lost"], answers.get("value_lost"),
                                         CellSpec(t["lost_value"], MONEY_TOLERANCE, tuple(lost_ecf), tuple(lost_traps)),
                                         say(fb.CV_HINT_LOST_VALUE))
        results.append(res)

        results.append(self._grade_table(steps["dynamic_table"], answers.get("dynamic_table"), t,
                                         v_s, won_s, gained_s, lost_s, lost_value_s))
        results.append(self._grade_analysis(variant, steps["analysis"], answers.get("analysis"), answers))
        return results

    def _grade_analysis(self, variant: Variant, step: Step, raw: object, answers: Mapping[str, Any]) -> StepResult:
        """Graded against the true direction only: never carried forward from the table."""
        prm = variant.params
        p, q = prm["p"], prm["q"]
        why = {
            "gain": say(fb.CV_ANALYSIS_GAIN, q=q, p=p),
            "ignore": say(fb.CV_ANALYSIS_IGNORE, q=q, p=p),
            "zero": say(fb.CV_ANALYSIS_ZERO, q=q, p=p),
            "loss": say(fb.CV_ANALYSIS_LOSS),
        }
        explanations = {k: why[o] for k, text in prm["analysis_options"].items()
                        for o, t in ANALYSIS_OPTIONS.items() if t == text}
        result = grade_choice(step, raw, self._right_option(variant), explanations)
        cells, _ = read_cells(answers.get("dynamic_table"), _table_step(variant))
        unsat = parse_number(cells.get("unsatisfied", {}).get("value"))[0]
        if result.score < result.max and unsat is not None and unsat > 0:
            result = StepResult(result.id, result.score, result.max, result.feedback + say(fb.CV_ANALYSIS_TABLE_SIGN))
        return result

    @staticmethod
    def _grade_table(step: Step, raw: object, t: dict[str, float], v_s: float | None, won_s: float | None,
                     gained_s: float | None, lost_s: float | None, lost_value_s: float | None) -> StepResult:
        own = say(fb.CV_TABLE_OWN)
        sign = say(fb.CV_TABLE_SIGN)

        def spec(expected: float, tol: float, *earlier: float | None, traps: tuple[Trap, ...] = ()) -> CellSpec:
            ecf = tuple(Ecf(value, own) for value in earlier if value is not None)
            return CellSpec(expected, tol, ecf, traps)

        # A cell agrees with the student's own work when it repeats their earlier step, or
        # when it recomputes it correctly from their own step-1 value.

        cells, _ = read_cells(raw, step)

        def typed(row: str, col: str) -> float | None:
            return parse_number(cells.get(row, {}).get(col))[0]

        specs = {
            ("satisfied", "customers"): spec(t["won"], 0.01, won_s),
            ("satisfied", "value"): spec(t["gained"], MONEY_TOLERANCE, gained_s,
                                         won_s * v_s if won_s is not None and v_s is not None else None),
            ("unsatisfied", "customers"): spec(-t["lost"], 0.01, -lost_s if lost_s is not None else None,
                                               traps=(Trap(t["lost"], sign, 0.5),)),
            ("unsatisfied", "value"): spec(t["lost_value"], MONEY_TOLERANCE, lost_value_s,
                                           -lost_s * v_s if lost_s is not None and v_s is not None else None,
                                           traps=(Trap(-t["lost_value"], sign, 0.5),)),
        }
        # The net row is checked against the student's own rows above (no double penalty).
        for col, tol in (("customers", 0.01), ("value", MONEY_TOLERANCE)):
            sat, unsat = typed("satisfied", col), typed("unsatisfied", col)
            if col == "customers":
                expected, wrong_sum = t["won"] - t["lost"], t["won"] + t["lost"]
            else:
                expected, wrong_sum = t["gained"] + t["lost_value"], t["gained"] - t["lost_value"]
            ecf = (Ecf(sat + unsat, say(fb.CV_NET_OWN)),) if sat is not None and unsat is not None else ()
            traps = (Trap(wrong_sum, say(fb.CV_NET_SIGN)),)
            specs[("net", col)] = CellSpec(expected, tol, ecf, traps)
        result, _ = grade_cells(step, raw, specs, say(fb.CV_HINT_TABLE))
        return result
