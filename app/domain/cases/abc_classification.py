"""Case 2 · ABC 客户分类: classify a logistics platform's customers by contribution, then check
frequency and interval, as the skills exam (seed 004) and ch06 ask.

The rule, in one place (ch06 "ABC 分类的步骤" and "实训：物流平台客户的 ABC 分类" state the same):

1. Rank by transaction amount, descending; equal amounts by id ascending.
2. A customer's cumulative share is the amount of every customer from the first one down to
   and *including* this customer, over the total.
3. Cumulative share ≤ 70 % → A; > 70 % and ≤ 90 % → B; > 90 % → C (the first classification).
4. Class A are the gold customers: the greatest contribution *and* frequent trading with short
   intervals. An A customer trading fewer than 52 times a year (less than once a week) or with
   an average interval above 7 days does not fit and moves down to B (the final classes).
5. The score card is filled for the final classes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from . import feedback as fb
from .base import Case
from .feedback import say
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
#: Cumulative share limits of classes A and B (inclusive), as fractions.
DEFAULT_THRESHOLDS = (0.7, 0.9)
#: Class A must trade at least this often a year (once a week) …
MIN_YEARLY_COUNT = 52
#: … and at most this many days apart on average.
MAX_INTERVAL_DAYS = 7
SHARE_TOLERANCE = 0.1
AVERAGE_TOLERANCE = 0.1
TEXTBOOK_SEED = 2026
TEXTBOOK_SIZE = 20
#: Columns of the data set, in order, with their Chinese headers.
DATA_COLUMNS = (("id", "客户编号"), ("name", "客户名称"), ("amount", "年交易额（元）"),
                ("count", "年交易次数"), ("interval_days", "平均交易间隔（天）"))
SCORECARD_COLUMNS = (("count", "客户数"), ("customer_share", "客户数占比（%）"), ("amount_share", "交易额占比（%）"),
                     ("avg_count", "平均年交易次数"), ("avg_interval", "平均交易间隔（天）"))
SHARE_COLUMNS = ("customer_share", "amount_share")
NONE_WORDS = {"无", "没有", "NONE", "NO", "-", "—", "0", "空"}

# The four options are about as long as each other, so length gives nothing away.
SERVICE_OPTIONS = {
    "right": "A 类配专属客户经理、优先保障运力；B 类提供标准优质服务并发掘升级潜力；C 类以自助服务为主、控制成本并培养潜力客户",
    "reversed": "A 类客户已经很忠诚，改以自助服务为主来节省服务成本；B 类维持一般服务；C 类客户数量最多，应配专属客户经理一对一重点服务",
    "equal": "三类客户享有完全相同的服务内容、响应速度和资源投入，不因交易额的高低而区别对待，这样才能体现公平，也避免部分客户不满",
    "drop": "A 类、B 类客户配客户经理重点服务并提供运费优惠等增值服务；C 类客户贡献太小，应立即停止对它们的全部服务以集中资源",
}
SERVICE_WHY = {
    "reversed": say(fb.ABC_SERVICE_REVERSED),
    "equal": say(fb.ABC_SERVICE_EQUAL),
    "drop": say(fb.ABC_SERVICE_DROP),
}


# --- the rule ---------------------------------------------------------------------------------

def ranked(dataset: Sequence[Mapping[str, Any]], key: str = "amount") -> list[Mapping[str, Any]]:
    """Rows sorted by ``key`` descending, ties by id ascending."""
    return sorted(dataset, key=lambda r: (-r[key], r["id"]))


def cumulative_shares(dataset: Sequence[Mapping[str, Any]], rank_key: str = "amount", share_key: str = "amount",
                      include_self: bool = True) -> dict[str, Fraction]:
    """Each customer's cumulative share (exact fraction), in ranking order.

    By the rule the share includes the customer itself; ``include_self=False`` (the share of
    the customers ranked before it) and the other keys model common mistakes.
    """
    # Exact arithmetic (amounts may be decimals such as 37.5), so that a share of exactly 70 %
    # is A however the amounts are written.
    amounts = {row["id"]: Fraction(str(row[share_key])) for row in dataset}
    total = sum(amounts.values(), Fraction(0))
    shares: dict[str, Fraction] = {}
    running = Fraction(0)
    for row in ranked(dataset, rank_key):
        if include_self:
            running += amounts[row["id"]]
        shares[row["id"]] = running / total if total else Fraction(0)
        if not include_self:
            running += amounts[row["id"]]
    return shares


def class_of_share(share: Fraction | float, thresholds: Sequence[float] = DEFAULT_THRESHOLDS) -> str:
    """The class of a cumulative share: ≤ the first threshold A, ≤ the second B, else C."""
    t1, t2 = (Fraction(str(t)) for t in thresholds)
    value = share if isinstance(share, Fraction) else Fraction(str(share))
    return "A" if value <= t1 else "B" if value <= t2 else "C"


def classify(dataset: Sequence[Mapping[str, Any]], thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
             rank_key: str = "amount", share_key: str = "amount", include_self: bool = True) -> dict[str, str]:
    """The first classification by the rule; the keyword arguments model the common mistakes."""
    shares = cumulative_shares(dataset, rank_key, share_key, include_self)
    return {row_id: class_of_share(share, thresholds) for row_id, share in shares.items()}


def fits_class_a(row: Mapping[str, Any], min_count: int = MIN_YEARLY_COUNT,
                 max_interval: float = MAX_INTERVAL_DAYS) -> bool:
    """Whether a customer trades often enough and at short enough intervals for class A.

    A row without an interval column is judged on its count alone.
    """
    if row["count"] < min_count:
        return False
    interval = row.get("interval_days")
    return interval is None or interval <= max_interval


def misfits(dataset: Sequence[Mapping[str, Any]], labels: Mapping[str, str], min_count: int = MIN_YEARLY_COUNT,
            max_interval: float = MAX_INTERVAL_DAYS) -> list[str]:
    """The ids of class-A customers whose frequency or interval does not fit, in ranking order."""
    return [row["id"] for row in ranked(dataset)
            if labels.get(row["id"]) == "A" and not fits_class_a(row, min_count, max_interval)]


def final_classes(dataset: Sequence[Mapping[str, Any]], labels: Mapping[str, str], moved: Sequence[str] | None = None,
                  min_count: int = MIN_YEARLY_COUNT, max_interval: float = MAX_INTERVAL_DAYS) -> dict[str, str]:
    """The classes after the frequency check: the misfits of class A move down to B.

    ``moved`` gives the customers to move instead of the rule's own misfits (a student's list).
    """
    out = dict(labels)
    for row_id in (misfits(dataset, labels, min_count, max_interval) if moved is None else moved):
        if out.get(row_id) == "A":
            out[row_id] = "B"
    return out


def by_customer_count(dataset: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The mistaken 20 % / 30 % / 50 % split by number of customers."""
    rows = ranked(dataset)
    n = len(rows)
    return {row["id"]: "A" if i < round(n * 0.2) else "B" if i < round(n * 0.5) else "C" for i, row in enumerate(rows)}


def scorecard(dataset: Sequence[Mapping[str, Any]], labels: Mapping[str, str],
              decimals: int | None = 1) -> dict[str, dict[str, float]]:
    """Per class: customer count, share of customers (%), share of amount (%), average yearly
    transaction count and average interval (days); rounded to ``decimals`` (None: exact).

    A class without customers has averages of 0.
    """
    total = sum(row["amount"] for row in dataset)

    def rnd(value: float) -> float:
        return value if decimals is None else round(value, decimals)

    card = {}
    for cls in CLASSES:
        members = [row for row in dataset if labels.get(row["id"]) == cls]
        size = len(members)
        intervals = [r["interval_days"] for r in members if r.get("interval_days") is not None]
        card[cls] = {
            "count": size,
            "customer_share": rnd(100 * size / len(dataset)) if dataset else 0,
            "amount_share": rnd(100 * sum(r["amount"] for r in members) / total) if total else 0,
            "avg_count": rnd(sum(r["count"] for r in members) / size) if size and "count" in members[0] else 0,
            "avg_interval": rnd(sum(intervals) / len(intervals)) if intervals else 0,
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


# --- the case ---------------------------------------------------------------------------------

def _label(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = norm_key(value).removesuffix("客户").removesuffix("类")
    return key if key in CLASSES else None


def read_ids(raw: object, ids: Sequence[str]) -> tuple[list[str] | None, list[str]]:
    """Read a list of customer ids typed as text (``C03、C07``) or given as a list.

    ``无`` (or 没有) means none. Returns the ids in the order given (None when nothing was
    answered) and the parts that are not ids of this data set.
    """
    if raw is None:
        return None, []
    if isinstance(raw, list):
        items = [str(x) for x in raw if not isinstance(x, bool)]
    elif isinstance(raw, (str, int)) and not isinstance(raw, bool):
        items = [p for p in re.split(r"[\s,，、;；/|]+", str(raw).strip()) if p]
    else:
        return None, [str(raw)[:20]]  # neither text nor a list: shown back as not an id
    if not items:
        return None, []
    lookup = {norm_key(i): i for i in ids}
    found: list[str] = []
    unknown: list[str] = []
    for item in items:
        key = norm_key(item).rstrip("。.")
        if key in NONE_WORDS:
            continue
        row_id = lookup.get(key)
        if row_id is None:
            unknown.append(item[:20])
        elif row_id not in found:
            found.append(row_id)
    return found, unknown


def _dataset(rng: random.Random, n: int, thresholds: Sequence[float]) -> list[dict[str, Any]]:
    from .names import company_names

    names = company_names(rng, n)
    alpha = rng.uniform(1.1, 1.5)
    base = rng.randrange(2000, 8001, 500)
    rows: list[dict[str, Any]] = []
    for i, name in enumerate(names, start=1):
        # A capped Pareto draw gives the long tail typical of B2B customers.
        rows.append({"id": f"C{i:02d}", "name": name, "amount": int(round(base * min(rng.paretovariate(alpha), 60.0)))})
    labels = classify(rows, thresholds)
    class_a = [r["id"] for r in ranked(rows) if labels[r["id"]] == "A"]
    # One or two "big but rare" customers among class A (never the first): the frequency check
    # of step 2 always has something to find, and the score card's averages tell the classes apart.
    rare = set(rng.sample(class_a[1:], min(len(class_a) - 1, 1 if len(class_a) <= 4 else 2)))
    ranges = {"A": (70, 260), "B": (15, 110), "C": (2, 45)}
    for row in rows:
        low, high = (6, 40) if row["id"] in rare else ranges[labels[row["id"]]]
        count = rng.randint(low, high)
        row["count"] = count
        # 365 / count days apart, give or take 15 %: a fitting A customer (≥ 70 a year) is at
        # most 6 days apart, a rare one (≤ 40 a year) at least 8, clear of the 7-day limit.
        row["interval_days"] = max(1, round(365 / count * rng.uniform(0.85, 1.15)))
    return rows


class AbcClassificationCase(Case):
    """ABC 客户分类 (ch06): the classification, the frequency check, the score card and the service policy."""

    id = "abc-classification"
    title = "ABC 客户分类"
    chapter = "ch06-segmentation"

    def build(self, rng: random.Random, seed: int | str, n: int | None = None) -> Variant:
        """A realistic data set of 20–60 customers where every class is present and class A
        holds at least one customer whose frequency does not fit."""
        size = n if n is not None else rng.randint(20, 60)
        for _ in range(200):
            data = _dataset(rng, size, DEFAULT_THRESHOLDS)
            labels = classify(data, DEFAULT_THRESHOLDS)
            share_a = sum(1 for v in labels.values() if v == "A") / size
            if set(labels.values()) == set(CLASSES) and 0.1 <= share_a <= 0.35 and misfits(data, labels):
                break
        order = list(SERVICE_OPTIONS)
        rng.shuffle(order)
        params = {"thresholds": list(DEFAULT_THRESHOLDS), "n_customers": size,
                  "min_count": MIN_YEARLY_COUNT, "max_interval_days": MAX_INTERVAL_DAYS,
                  "service_options": {key: SERVICE_OPTIONS[o] for key, o in zip("ABCD", order)}}
        return self._make(seed, params, data)

    def textbook(self) -> Variant:
        """Fixed example data (示例数据): the exam's own table is missing from the source."""
        return self.build(random.Random(TEXTBOOK_SEED), TEXTBOOK, n=TEXTBOOK_SIZE)

    @staticmethod
    def _limits(params: Mapping[str, Any]) -> tuple[int, float]:
        return params.get("min_count", MIN_YEARLY_COUNT), params.get("max_interval_days", MAX_INTERVAL_DAYS)

    def _make(self, seed: int | str, params: dict[str, Any], data: list[dict[str, Any]]) -> Variant:
        t1, t2 = (round(t * 100) for t in params["thresholds"])
        min_count, max_interval = self._limits(params)
        options = "\n".join(f"- **{k}**. {v}" for k, v in params["service_options"].items())
        example = ("\n> **示例数据**：原考题的数据表在资料中缺失，本题的数据是为练习编写的固定示例数据，"
                   "不是原题的数字。\n" if seed == TEXTBOOK else "")
        text = f"""## ABC 客户分类
{example}
湖南物流公共信息平台想借助 CRM 系统分析客户的消费习惯，以便为不同客户设计服务套餐和增值服务。数据表列出了 {len(data)} 家企业客户过去一年在平台上的交易数据：客户编号、客户名称、年交易额（元）、年交易次数和平均交易间隔（天）。

A 类客户是对平台贡献最大、交易频率较高、每次交易间隔时间较短的黄金客户；B 类、C 类依次次之。

**分类规则**

1. 按年交易额从高到低排序；交易额相同时，编号小的排在前面。
2. 计算每位客户的**累计交易额占比**：从排名第一的客户累加到该客户（**含该客户自己**）的交易额之和 ÷ 全部客户的交易总额。
3. 初分：累计占比 ≤{t1}% 为 A 类；>{t1}% 且 ≤{t2}% 为 B 类；>{t2}% 为 C 类。
4. 频率和间隔校验：初分为 A 类的客户，如果年交易次数少于 {min_count} 次（平均不到每周一次），或平均交易间隔超过 {max_interval} 天，就不符合黄金客户的要求，降为 B 类。其余客户的类别不变，得到最终分类。

**评分卡规则**：按**最终分类**填写。客户数占比 = 该类客户数 ÷ 客户总数；交易额占比 = 该类客户交易额之和 ÷ 全部交易额，占比以百分数填写（如 12.5 或 12.5%）；平均年交易次数、平均交易间隔为该类客户的算术平均数。都保留一位小数，误差 ±0.1 以内判为正确。把占比写成小数（如 0.125）属于格式错误，整步只扣一次（扣半项的分数）。评分卡按你自己第 1、2 步的结果判分（错误不重复扣分）。

**第 4 步的选项**

{options}
"""
        steps = (
            Step("classification", "按分类规则第 1–3 条，对每位客户进行初分（填写 A、B 或 C）。", "classification", 4,
                 rows=tuple((r["id"], r["name"]) for r in data), columns=(("class", "类别"),),
                 options=tuple((c, f"{c} 类") for c in CLASSES)),
            Step("misfits", f"初分为 A 类的客户中，哪些年交易次数少于 {min_count} 次或平均交易间隔超过 {max_interval} 天、"
                 "应降为 B 类？填写它们的客户编号（用顿号或逗号分隔，如 C03、C07）；没有则填“无”。", "text", 1.5),
            Step("scorecard", "按最终分类填写评分卡：A、B、C 三类各自的客户数、客户数占比（%）、交易额占比（%）、"
                 "平均年交易次数和平均交易间隔（天）。", "table", 5, rows=tuple((c, f"{c} 类") for c in CLASSES),
                 columns=SCORECARD_COLUMNS),
            Step("service", "对三类客户的服务策略，哪一项最合理？（填选项字母）", "choice", 1.5,
                 options=tuple(params["service_options"].items())),
        )
        return self._variant(seed, params, text, data, steps, DATA_COLUMNS)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The first classes, the misfits, the score card of the final classes and the right option."""
        data = variant.dataset or []
        labels = classify(data, variant.params["thresholds"])
        min_count, max_interval = self._limits(variant.params)
        found = misfits(data, labels, min_count, max_interval)
        return {
            "classification": {row["id"]: labels[row["id"]] for row in data},
            "misfits": "、".join(found) if found else "无",
            "scorecard": scorecard(data, final_classes(data, labels, found)),
            "service": self._right_option(variant),
        }

    @staticmethod
    def _right_option(variant: Variant) -> str:
        return next(k for k, v in variant.params["service_options"].items() if v == SERVICE_OPTIONS["right"])

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Per-customer credit, the frequency check, the per-cell score card with error carried
        forward, and the choice."""
        data = variant.dataset or []
        thresholds = variant.params["thresholds"]
        limits = self._limits(variant.params)
        correct = classify(data, thresholds)
        steps = {s.id: s for s in variant.steps}
        first, own = self._grade_classification(steps["classification"], answers.get("classification"), data,
                                                thresholds, correct)
        second, picked = self._grade_misfits(steps["misfits"], answers.get("misfits"), data, correct, own, limits)
        results = [first, second,
                   self._grade_scorecard(steps["scorecard"], answers.get("scorecard"), data, correct, own, picked, limits)]
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
            (classify(data, thresholds, include_self=False), say(fb.ABC_EXCLUDED_SELF)),
            (classify(data, thresholds, rank_key="count", share_key="count"), say(fb.ABC_BY_COUNT_CUMULATED)),
            (classify(data, thresholds, rank_key="count"), say(fb.ABC_BY_COUNT)),
            (by_customer_count(data), say(fb.ABC_BY_HEADCOUNT)),
        ]
        tally = Tally(total_items=len(correct), notes=problems, unreadable=fb.UNREADABLE_CLASSES)
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
        hint = say(fb.ABC_HINT_CUMULATIVE)
        own = answered if len(answered) == len(correct) else {}
        return tally.result(step, hint), own

    @staticmethod
    def _grade_misfits(step: Step, raw: object, data: list[dict[str, Any]], correct: dict[str, str],
                       own: dict[str, str], limits: tuple[int, float]) -> tuple[StepResult, list[str] | None]:
        ids = [row["id"] for row in data]
        rows = {row["id"]: row for row in data}
        given, unknown = read_ids(raw, ids)
        if given is None and not unknown:
            return StepResult(step.id, 0, step.points, say(fb.UNANSWERED)), None
        if unknown:
            return StepResult(step.id, 0, step.points, say(fb.UNREADABLE_IDS, items="、".join(unknown[:8]))), None
        assert given is not None
        truth = misfits(data, correct, *limits)
        if set(given) == set(truth):
            return StepResult(step.id, step.points, step.points, say(fb.CORRECT)), given
        if own and set(given) == set(misfits(data, own, *limits)):
            return StepResult(step.id, step.points, step.points, say(fb.ABC_OWN_MISFITS)), given
        base = own or correct
        min_count, max_interval = limits
        notes = []
        for row_id in given:
            row = rows[row_id]
            if base.get(row_id) != "A":
                notes.append(say(fb.ABC_NOT_A, item=row_id))
            elif fits_class_a(row, *limits):
                notes.append(say(fb.ABC_FITS_A, item=row_id, count=row["count"], interval=row["interval_days"]))
        missed = [i for i in misfits(data, base, *limits) if i not in given]
        for row_id in missed:
            row = rows[row_id]
            notes.append(say(fb.ABC_MISSED, item=row_id, count=row["count"], interval=row["interval_days"]))
        target = set(misfits(data, base, *limits))
        hits = len(target & set(given))
        extra = len(set(given) - target)
        fraction = max(0.0, (hits - extra) / len(target)) if target else 0.0
        feedback = "；".join(notes) + "。" if notes else say(fb.WRONG)
        feedback += say(fb.HINT) + say(fb.ABC_A_RULE, count=min_count, interval=max_interval)
        return StepResult(step.id, round(step.points * fraction, 4), step.points, feedback), given

    @staticmethod
    def _grade_scorecard(step: Step, raw: object, data: list[dict[str, Any]], correct: dict[str, str],
                         own: dict[str, str], picked: list[str] | None, limits: tuple[int, float]) -> StepResult:
        truth = scorecard(data, final_classes(data, correct, None, *limits), decimals=None)
        cards = []
        if own:
            cards.append(scorecard(data, final_classes(data, own, None, *limits), decimals=None))
            if picked is not None:
                cards.append(scorecard(data, final_classes(data, own, picked, *limits), decimals=None))
        elif picked is not None:
            cards.append(scorecard(data, final_classes(data, correct, picked, *limits), decimals=None))
        unmoved = scorecard(data, correct, decimals=None)
        percent = say(fb.ABC_DECIMAL_SHARE)
        swapped = say(fb.ABC_SWAPPED_SHARES)
        not_moved = say(fb.ABC_NOT_MOVED)
        specs = {}
        for cls in CLASSES:
            for col, _ in SCORECARD_COLUMNS:
                expected = truth[cls][col]
                tol = 0.01 if col == "count" else SHARE_TOLERANCE if col in SHARE_COLUMNS else AVERAGE_TOLERANCE
                ecf = tuple(Ecf(card[cls][col], say(fb.ABC_OWN_CLASSES)) for card in cards)
                traps: list[Trap] = []
                if col in SHARE_COLUMNS:
                    other = truth[cls]["amount_share" if col == "customer_share" else "customer_share"]
                    traps += [Trap(value / 100, percent, format=True) for value in (expected, *(c[cls][col] for c in cards))]
                    traps.append(Trap(other, swapped))
                traps.append(Trap(unmoved[cls][col], not_moved, 0.5))
                specs[(cls, col)] = CellSpec(expected, tol, ecf, tuple(traps))
        result, _ = grade_cells(step, raw, specs, say(fb.ABC_HINT_SCORECARD))
        if not own:
            result = StepResult(result.id, result.score, result.max, result.feedback + say(fb.ABC_INCOMPLETE_FIRST))
        return result
