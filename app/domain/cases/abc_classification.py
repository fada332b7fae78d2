"""Case 2 · ABC 客户分类: classify a logistics platform's customers by transaction amount.

Rule (stated in the task): rank by amount descending, ties by id ascending; a customer is
A when the share of total amount held by the customers ranked *before* it is below the
first threshold, B when below the second, else C.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from .base import Case
from .grading import (
    CellSpec,
    Ecf,
    Outcome,
    Tally,
    Trap,
    detect_pattern,
    grade_cells,
    grade_choice,
    label_outcome,
    norm_key,
    read_labels,
)
from .model import TEXTBOOK, Step, StepResult, Variant

CLASSES = ("A", "B", "C")
DEFAULT_THRESHOLDS = (0.7, 0.9)
SHARE_TOLERANCE = 0.1
TEXTBOOK_SEED = 2026
TEXTBOOK_SIZE = 20

SERVICE_OPTIONS = {
    "right": "A 类配客户经理一对一重点服务、优先保障运力并提供个性化增值服务；B 类提供标准化的优质服务并发掘其升级潜力；"
             "C 类以自助和标准服务为主、控制服务成本，对有潜力的客户加以培养",
    "reversed": "A 类客户已经很忠诚，以自助服务为主降低成本；B 类提供一般服务；C 类配客户经理一对一重点服务",
    "equal": "三类客户提供完全相同的服务和资源，以体现公平",
    "drop": "A 类、B 类给予重点服务，C 类客户贡献小，应立即全部停止服务",
}
SERVICE_WHY = {
    "reversed": "把资源用反了：A 类客户贡献最大，应得到最多的关注和资源，C 类才以低成本服务为主。",
    "equal": "ABC 分类的目的正是按客户价值差别化配置服务资源，而不是平均分配。",
    "drop": "C 类客户人数多、仍有贡献和成长潜力，应降低服务成本、加以培养，而不是一律放弃。",
}


def ranked(dataset: Sequence[Mapping[str, Any]], key: str = "amount") -> list[Mapping[str, Any]]:
    """Rows sorted by ``key`` descending, ties by id ascending."""
    return sorted(dataset, key=lambda r: (-r[key], r["id"]))


def classify(dataset: Sequence[Mapping[str, Any]], thresholds: Sequence[float], rank_key: str = "amount",
             share_key: str = "amount", include_self: bool = False) -> dict[str, str]:
    """ABC labels by the stated rule; the keyword arguments model the common mistakes."""
    t1, t2 = (Fraction(str(t)) for t in thresholds)
    total = sum(row[share_key] for row in dataset)
    labels: dict[str, str] = {}
    before = 0
    for row in ranked(dataset, rank_key):
        share = Fraction(before + (row[share_key] if include_self else 0), total)
        labels[row["id"]] = "A" if share < t1 else "B" if share < t2 else "C"
        before += row[share_key]
    return labels


def by_customer_count(dataset: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The mistaken 20 % / 30 % / 50 % split by number of customers."""
    rows = ranked(dataset)
    n = len(rows)
    return {row["id"]: "A" if i < round(n * 0.2) else "B" if i < round(n * 0.5) else "C" for i, row in enumerate(rows)}


def scorecard(dataset: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """Per class: customer count, share of customers (%) and share of amount (%), 1 decimal."""
    total = sum(row["amount"] for row in dataset)
    card = {}
    for cls in CLASSES:
        members = [row for row in dataset if labels.get(row["id"]) == cls]
        card[cls] = {
            "count": len(members),
            "customer_share": round(100 * len(members) / len(dataset), 1),
            "amount_share": round(100 * sum(r["amount"] for r in members) / total, 1),
        }
    return card


def pareto_points(variant: Variant) -> list[dict[str, float]]:
    """Cumulative share of customers vs share of amount (fractions 0–1) for a Pareto chart.

    Starts at (0, 0); customers in ranking order. Empty for a variant without amounts.
    """
    rows = [r for r in (variant.dataset or []) if isinstance(r.get("amount"), (int, float)) and "id" in r]
    total = sum(r["amount"] for r in rows)
    if not rows or total <= 0:
        return []
    points = [{"customer_share": 0.0, "amount_share": 0.0}]
    running = 0
    for i, row in enumerate(ranked(rows), start=1):
        running += row["amount"]
        points.append({"customer_share": round(i / len(rows), 4), "amount_share": round(running / total, 4)})
    return points


def _label(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = norm_key(value).removesuffix("客户").removesuffix("类")
    return key if key in CLASSES else None


def _dataset(rng: random.Random, n: int) -> list[dict[str, Any]]:
    from .names import company_names

    names = company_names(rng, n)
    alpha = rng.uniform(1.1, 1.5)
    base = rng.randrange(2000, 8001, 500)
    rows = []
    for i, name in enumerate(names, start=1):
        # A capped Pareto draw gives the long tail typical of B2B customers.
        amount = int(round(base * min(rng.paretovariate(alpha), 60.0)))
        ticket = base * rng.uniform(0.06, 0.2)
        count = max(1, round(amount / ticket))
        interval = max(1, round(365 / count * rng.uniform(0.8, 1.2)))
        rows.append({"id": f"C{i:02d}", "name": name, "amount": amount, "count": count, "interval_days": interval})
    return rows


class AbcClassificationCase(Case):
    """ABC 客户分类 (ch06): the classification, the score card, and the service policy."""

    id = "abc-classification"
    title = "ABC 客户分类"
    chapter = "ch06-segmentation"

    def build(self, rng: random.Random, seed: int | str, n: int | None = None) -> Variant:
        """A realistic data set of 20–60 customers where every class is present."""
        size = n if n is not None else rng.randint(20, 60)
        for _ in range(200):
            data = _dataset(rng, size)
            labels = classify(data, DEFAULT_THRESHOLDS)
            share_a = sum(1 for v in labels.values() if v == "A") / size
            if set(labels.values()) == set(CLASSES) and 0.1 <= share_a <= 0.35:
                break
        order = list(SERVICE_OPTIONS)
        rng.shuffle(order)
        params = {"thresholds": list(DEFAULT_THRESHOLDS), "n_customers": size,
                  "service_options": {key: SERVICE_OPTIONS[o] for key, o in zip("ABCD", order)}}
        return self._make(seed, params, data)

    def textbook(self) -> Variant:
        """A fixed documented variant (the exam's own table is not in the source): 20 customers."""
        return self.build(random.Random(TEXTBOOK_SEED), TEXTBOOK, n=TEXTBOOK_SIZE)

    def _make(self, seed: int | str, params: dict[str, Any], data: list[dict[str, Any]]) -> Variant:
        t1, t2 = (round(t * 100) for t in params["thresholds"])
        options = "\n".join(f"- **{k}**. {v}" for k, v in params["service_options"].items())
        text = f"""## ABC 客户分类

湖南物流公共信息平台想借助 CRM 系统分析客户的消费习惯，以便为不同客户设计服务套餐和增值服务。数据表列出了 {len(data)} 家企业客户过去一年在平台上的交易数据：

| 列 | 含义 |
|---|---|
| id | 客户编号 |
| name | 客户名称 |
| amount | 交易总额（元） |
| count | 交易次数 |
| interval_days | 平均交易间隔（天） |

**分类规则**（A 类是对平台贡献最大的黄金客户）

1. 按交易总额（amount）从高到低排序；交易额相同时，编号小的排在前面。
2. 对每位客户，计算**排在它前面的所有客户**的交易额之和占全部客户交易总额的比例（不含它自己）。
3. 该比例低于 {t1}% 的为 A 类；不低于 {t1}% 但低于 {t2}% 的为 B 类；其余为 C 类。（因此排名第一的客户总是 A 类。）

**评分卡规则**：客户数占比 = 该类客户数 ÷ 客户总数；交易额占比 = 该类客户交易额之和 ÷ 全部交易额。占比以百分数填写（如 12.5 或 12.5%），保留一位小数，误差 ±0.1 个百分点以内判为正确。评分卡按你自己第 1 步的分类结果判分（错误不重复扣分）。

**第 3 步的选项**

{options}
"""
        steps = (
            Step("classification", "按上述规则把每位客户分为 A、B、C 类（填写 A、B 或 C）。", "classification", 4,
                 rows=tuple((r["id"], r["name"]) for r in data), columns=(("class", "类别"),),
                 options=tuple((c, f"{c} 类") for c in CLASSES)),
            Step("scorecard", "填写评分卡：A、B、C 三类各自的客户数（count）、客户数占比 %（customer_share）和交易额占比 %（amount_share）。",
                 "table", 4.5, rows=tuple((c, f"{c} 类") for c in CLASSES),
                 columns=(("count", "客户数"), ("customer_share", "客户数占比（%）"), ("amount_share", "交易额占比（%）"))),
            Step("service", "对三类客户的服务策略，哪一项最合理？（填选项字母）", "choice", 1.5,
                 options=tuple(params["service_options"].items())),
        )
        return self._variant(seed, params, text, data, steps)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The labels, the score card and the right option key."""
        labels = classify(variant.dataset or [], variant.params["thresholds"])
        return {
            "classification": {row["id"]: labels[row["id"]] for row in variant.dataset or []},
            "scorecard": scorecard(variant.dataset or [], labels),
            "service": self._right_option(variant),
        }

    @staticmethod
    def _right_option(variant: Variant) -> str:
        return next(k for k, v in variant.params["service_options"].items() if v == SERVICE_OPTIONS["right"])

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Per-customer credit, per-cell score card with error carried forward, and the choice."""
        data = variant.dataset or []
        thresholds = variant.params["thresholds"]
        correct = classify(data, thresholds)
        steps = {s.id: s for s in variant.steps}
        first, own = self._grade_classification(steps["classification"], answers.get("classification"), data, thresholds, correct)
        results = [first, self._grade_scorecard(steps["scorecard"], answers.get("scorecard"), data, correct, own)]
        right = self._right_option(variant)
        why = {k: SERVICE_WHY.get(o, "") for k, text in variant.params["service_options"].items()
               for o, t in SERVICE_OPTIONS.items() if t == text}
        results.append(grade_choice(steps["service"], answers.get("service"), right, why))
        return results

    @staticmethod
    def _grade_classification(step: Step, raw: object, data: list[dict[str, Any]], thresholds: Sequence[float],
                              correct: dict[str, str]) -> tuple[StepResult, dict[str, str]]:
        labels, invalid, problems = read_labels(step, raw, _label)
        mistakes = [
            (classify(data, thresholds, include_self=True),
             "你把客户自己的交易额也算进了累计占比；规则是只看排在它前面的客户的累计占比（不含它自己）。"),
            (classify(data, thresholds, rank_key="count", share_key="count"),
             "你按交易次数（count）排序并累计了；ABC 分类按交易额（amount）排序和累计。"),
            (classify(data, thresholds, rank_key="count"),
             "你按交易次数（count）排序了；ABC 分类应按交易额（amount）从高到低排序。"),
            (by_customer_count(data),
             "你按客户人数比例（前 20%、30%、50%）划分了；本题按累计交易额占比划分。"),
        ]
        tally = Tally(total_items=len(correct), notes=problems, malformed_hint="应填 A、B 或 C")
        answered = {k: v for k, v in labels.items() if k in correct}
        named = detect_pattern(answered, correct, [(alt, msg) for alt, msg in mistakes if alt != correct])
        if named:
            tally.notes.append(named)
        for row in data:
            row_id = row["id"]
            missing = label_outcome(row_id, answered, invalid)
            if missing is not None:
                tally.add(row_id, missing)
            else:
                ok = answered[row_id] == correct[row_id]
                tally.add(row_id, Outcome(1.0 if ok else 0.0, "correct" if ok else "wrong"))
        hint = "按交易额从高到低排序，逐个看排在它前面的客户累计交易额占全部交易额的比例。"
        own = answered if len(answered) == len(correct) else {}
        return tally.result(step, hint), own

    @staticmethod
    def _grade_scorecard(step: Step, raw: object, data: list[dict[str, Any]], correct: dict[str, str],
                         own: dict[str, str]) -> StepResult:
        truth = scorecard(data, correct)
        mine = scorecard(data, own) if own else None
        percent = "你填的是小数；占比要求以百分数填写（如 0.125 应写成 12.5）"
        swapped = "你把客户数占比和交易额占比弄反了"
        specs = {}
        for cls in CLASSES:
            for col in ("count", "customer_share", "amount_share"):
                expected = truth[cls][col]
                tol = 0.01 if col == "count" else SHARE_TOLERANCE
                ecf = ()
                if mine is not None:
                    ecf = (Ecf(mine[cls][col], "按你第 1 步的分类结果计算，本项正确"),)
                traps: tuple[Trap, ...] = ()
                if col != "count":
                    other = truth[cls]["amount_share" if col == "customer_share" else "customer_share"]
                    traps = (Trap(expected / 100, percent, 0.0), Trap(other, swapped))
                    if mine is not None:
                        traps += (Trap(mine[cls][col] / 100, percent, 0.0),)
                specs[(cls, col)] = CellSpec(expected, tol, ecf, traps)
        result, _ = grade_cells(step, raw, specs, "客户数占比 = 该类客户数 ÷ 客户总数；交易额占比 = 该类交易额 ÷ 全部交易额，以百分数填写。")
        if not own:
            result = StepResult(result.id, result.score, result.max, result.feedback + "（第 1 步分类不完整，本步按正确分类判分。）")
        return result
