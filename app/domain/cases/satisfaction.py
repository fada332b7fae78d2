"""Case 6 · 客户满意度调查: satisfaction rate, NPS and Kano categories from survey data.

The rules, in one place (ch07 states the same):

- satisfaction rate = share of answers 4 or 5 (满意、很满意) on the 5-point scale
  (:func:`satisfaction_rate`); the mean score weighs 5 … 1 (:func:`satisfaction_mean`);
- NPS = % promoters (9–10) − % detractors (0–6) on the 0–10 scale; passives (7–8) count in the
  sample only (:func:`nps_of_counts`);
- Kano categories from functional / dysfunctional answer pairs by the Kano evaluation table
  (:func:`kano`); a feature takes its most frequent category, ties by M, O, A, I, R, Q
  (:func:`dominant`); Better = (A+O)/(A+O+M+I), Worse = −(O+M)/(A+O+M+I) (:func:`better_worse`);
- retention rate = (customers at the end − new customers) ÷ customers at the start
  (:func:`retention_rate`).
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
    Trap,
    detect_pattern,
    grade_cells,
    grade_number,
    label_outcome,
    norm_key,
    read_labels,
)
from .model import TEXTBOOK, Step, StepResult, Variant
from .numbers import close

SHARE_TOLERANCE = 0.1
TEXTBOOK_SEED = 2026
ANSWERS = {1: "喜欢", 2: "理所当然", 3: "无所谓", 4: "能忍受", 5: "不喜欢"}
# KANO_TABLE[functional - 1][dysfunctional - 1]
KANO_TABLE = ("QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ")
CATEGORIES = {"A": "魅力属性", "O": "期望属性", "M": "必备属性", "I": "无差异属性", "R": "反向属性", "Q": "可疑结果"}
SYNONYMS = {"A": ["魅力", "魅力型", "魅力质量"], "O": ["期望", "期望型", "一维", "一元", "一维属性"],
            "M": ["必备", "必备型", "基本", "基本型", "基本属性", "理所当然"], "I": ["无差异", "无差异型", "无关"],
            "R": ["反向", "反向型", "逆向"], "Q": ["可疑", "可疑型", "可疑属性"]}
# When two categories have the same share, the first in this order wins (as stated in the task).
PRIORITY = "MOAIRQ"
FEATURES = ["货物实时定位追踪", "在线一键下单", "运费电子发票", "异常件主动短信通知", "会员积分兑换", "24 小时在线客服",
            "智能配载推荐", "司机评价公示"]
TYPICAL = {"A": [(1, 2), (1, 3), (1, 4)], "O": [(1, 5)], "M": [(2, 5), (3, 5), (4, 5)],
           "I": [(2, 3), (3, 3), (3, 4), (2, 2), (4, 4)], "R": [(5, 1), (5, 3), (3, 1)], "Q": [(1, 1), (5, 5)]}


def kano(functional: int, dysfunctional: int) -> str:
    """The Kano category letter of one answer pair (codes 1–5)."""
    return KANO_TABLE[functional - 1][dysfunctional - 1]


def kano_shares(dataset: Sequence[Mapping[str, Any]], feature: str, transposed: bool = False,
                exclude_qr: bool = False) -> dict[str, float]:
    """Share (%) of each category for one feature, 1 decimal; keywords model mistakes."""
    cats = [kano(r[f"{feature}_dys"], r[f"{feature}_func"]) if transposed else kano(r[f"{feature}_func"], r[f"{feature}_dys"])
            for r in dataset]
    base = len([c for c in cats if c not in "QR"]) if exclude_qr else len(cats)
    return {c: round(100 * cats.count(c) / base, 1) if base and not (exclude_qr and c in "QR") else 0.0
            for c in CATEGORIES}


def dominant(shares: Mapping[str, float]) -> str:
    """The category with the largest share, ties broken by the stated priority M>O>A>I>R>Q."""
    return max(PRIORITY, key=lambda c: (shares.get(c, 0), -PRIORITY.index(c)))


SATISFIED = range(4, 6)
PROMOTERS = range(9, 11)
DETRACTORS = range(0, 7)


def satisfaction_rate(counts: Mapping[int, int]) -> float:
    """% of answers 4 or 5, from ``{level 1–5: number of answers}``."""
    total = sum(counts.values())
    return 100 * sum(n for level, n in counts.items() if level in SATISFIED) / total


def satisfaction_mean(counts: Mapping[int, int]) -> float:
    """The mean score on the 5-point scale (很满意 5 … 很不满意 1), from ``{level: answers}``."""
    return sum(level * n for level, n in counts.items()) / sum(counts.values())


def nps_of_counts(promoters: int, passives: int, detractors: int) -> float:
    """NPS from the three group sizes: % promoters − % detractors of the whole sample."""
    total = promoters + passives + detractors
    return 100 * (promoters - detractors) / total


def better_worse(counts: Mapping[str, int]) -> tuple[float, float]:
    """Better = (A+O)/(A+O+M+I) and Worse = −(O+M)/(A+O+M+I) from Kano category counts."""
    a, o, m, i = (counts.get(c, 0) for c in "AOMI")
    base = a + o + m + i
    return (a + o) / base, -(o + m) / base


def retention_rate(start: int, new: int, end: int) -> float:
    """% of the customers at the start still there at the end: (end − new) ÷ start."""
    return 100 * (end - new) / start


def share(dataset: Sequence[Mapping[str, Any]], key: str, values: range) -> float:
    """Share (%) of rows whose ``key`` is in ``values``."""
    return 100 * sum(1 for r in dataset if r[key] in values) / len(dataset)


def nps(dataset: Sequence[Mapping[str, Any]], promoters: range = PROMOTERS, detractors: range = DETRACTORS) -> float:
    """% promoters − % detractors on the 0–10 scale."""
    return share(dataset, "recommend", promoters) - share(dataset, "recommend", detractors)


def _category(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    key = norm_key(value)
    for letter, name in CATEGORIES.items():
        if key in {letter, norm_key(name), *(norm_key(s) for s in SYNONYMS[letter])}:
            return letter
    return None


def _dataset(rng: random.Random, n: int, features: list[tuple[str, str]]) -> list[dict[str, Any]]:
    mood = rng.uniform(0.5, 0.85)
    rows = []
    for i in range(1, n + 1):
        sat = min(5, max(1, round(rng.gauss(1 + 4 * mood, 1.0))))
        rec = min(10, max(0, round(2.2 * sat - 0.6 + rng.gauss(0, 1.3))))
        row: dict[str, Any] = {"id": f"R{i:02d}", "satisfaction": sat, "recommend": rec}
        for fid, true_cat in features:
            draw = rng.random()
            cat = true_cat if draw < 0.6 else "I" if draw < 0.8 else rng.choice("AOMIRQ")
            row[f"{fid}_func"], row[f"{fid}_dys"] = rng.choice(TYPICAL[cat])
        rows.append(row)
    return rows


class SatisfactionCase(Case):
    """客户满意度调查 (ch07): satisfaction rate, NPS, Kano shares and categories."""

    id = "satisfaction-survey"
    title = "客户满意度调查"
    chapter = "ch07-satisfaction-loyalty"

    def build(self, rng: random.Random, seed: int | str, n: int | None = None) -> Variant:
        """30–60 responses about 3 features; each feature has a clear dominant category."""
        size = n if n is not None else rng.randint(30, 60)
        names = rng.sample(FEATURES, 3)
        for _ in range(200):
            features = [(f"k{i}", rng.choice("AOMI")) for i in range(1, 4)]
            data = _dataset(rng, size, features)
            ok = True
            for fid, _ in features:
                values = sorted(kano_shares(data, fid).values(), reverse=True)
                ok = ok and values[0] > values[1] and kano_shares(data, fid, transposed=True) != kano_shares(data, fid)
            if ok:
                break
        params = {"n_responses": size, "features": {fid: name for (fid, _), name in zip(features, names)}}
        return self._make(seed, params, data)

    def textbook(self) -> Variant:
        """A fixed documented variant (the source has no survey data): 40 responses."""
        return self.build(random.Random(TEXTBOOK_SEED), TEXTBOOK, n=40)

    def _make(self, seed: int | str, params: dict[str, Any], data: list[dict[str, Any]]) -> Variant:
        features = params["features"]
        feature_list = "\n".join(f"- {name}：数据表中“{name}·正向”列为正向问题的回答，“{name}·反向”列为反向问题的回答。"
                                 for name in features.values())
        kano_rows = "\n".join(f"| {i} {ANSWERS[i]} | " + " | ".join(KANO_TABLE[i - 1]) + " |" for i in range(1, 6))
        text = f"""## 客户满意度调查

平台对 {params['n_responses']} 位客户做了问卷调查，数据表的每行是一份问卷。

- 总体满意度：5 级量表（1 非常不满意 … 5 非常满意）。
- 推荐可能性：向同行推荐平台的可能性，0–10 分。
- Kano 问卷：对每项功能问两个问题——正向问题“如果平台提供该功能，您觉得如何？”和反向问题“如果平台不提供该功能，您觉得如何？”，回答编码为 1 喜欢、2 理所当然、3 无所谓、4 能忍受、5 不喜欢。

{feature_list}

**计算规则**

1. 满意率 = 满意度为 4 或 5 的问卷数 ÷ 问卷总数。
2. NPS = 推荐者（9–10 分）所占百分比 − 贬损者（0–6 分）所占百分比，单位为百分点（可以为负）；7–8 分为中立者。
3. Kano 分类按下表（行为正向问题的回答，列为反向问题的回答）：A 魅力属性，O 期望属性，M 必备属性，I 无差异属性，R 反向属性，Q 可疑结果。各类占比 = 该类问卷数 ÷ 问卷总数（含 R、Q）。

| 正向 \\ 反向 | 1 | 2 | 3 | 4 | 5 |
|---|---|---|---|---|---|
{kano_rows}

4. 每项功能的归类取占比最大的类别；若占比相同，按 M、O、A、I、R、Q 的顺序取前者。

所有百分数保留一位小数，以百分数填写（如 62.5 或 62.5%），误差 ±0.1 以内判为正确。第 4 步按你自己第 3 步的占比判分（错误不重复扣分）。
"""
        fids = list(features)
        steps = (
            Step("satisfaction_rate", "满意率是多少（%）？", "number", 2, unit="%"),
            Step("nps", "净推荐值 NPS 是多少（百分点）？", "number", 2),
            Step("kano", "填写每项功能的 Kano 各类占比（%）：列 A、O、M、I、R、Q。", "table", 4.5,
                 rows=tuple((f, features[f]) for f in fids),
                 columns=tuple((c, f"{c}（{name.removesuffix('属性').removesuffix('结果')}）") for c, name in CATEGORIES.items())),
            Step("kano_category", "每项功能应归为哪一类？（填 A、O、M、I、R 或 Q）", "classification", 1.5,
                 rows=tuple((f, features[f]) for f in fids), columns=(("category", "类别"),),
                 options=tuple(CATEGORIES.items())),
        )
        columns = (("id", "问卷编号"), ("satisfaction", "总体满意度（1–5）"), ("recommend", "推荐可能性（0–10）"),
                   *((f"{fid}_{side}", f"{name}·{label}") for fid, name in features.items()
                     for side, label in (("func", "正向"), ("dys", "反向"))))
        return self._variant(seed, params, text, data, steps, columns)

    def solution(self, variant: Variant) -> dict[str, Any]:
        """The two rates, the Kano shares and the categories."""
        data = variant.dataset or []
        shares = {f: kano_shares(data, f) for f in variant.params["features"]}
        return {
            "satisfaction_rate": round(share(data, "satisfaction", SATISFIED), 1),
            "nps": round(nps(data), 1),
            "kano": shares,
            "kano_category": {f: dominant(s) for f, s in shares.items()},
        }

    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Rates with named mistakes; Kano shares per cell; categories from the student's own shares."""
        data = variant.dataset or []
        steps = {s.id: s for s in variant.steps}
        n = len(data)
        sat = share(data, "satisfaction", SATISFIED)
        sat_traps = (
            Trap(share(data, "satisfaction", range(5, 6)), say(fb.SAT_ONLY_5)),
            Trap(share(data, "satisfaction", range(3, 6)), say(fb.SAT_COUNTS_3)),
            Trap(sat / 100, say(fb.SAT_DECIMAL), format=True),
            Trap(sat * n / 100, say(fb.SAT_COUNT)),
        )
        first, _ = grade_number(steps["satisfaction_rate"], answers.get("satisfaction_rate"),
                                CellSpec(sat, SHARE_TOLERANCE, traps=sat_traps), say(fb.SAT_HINT_RATE))
        score = nps(data)
        nps_traps = (
            Trap(nps(data, promoters=range(7, 11)), say(fb.NPS_PASSIVES)),
            Trap(nps(data, detractors=range(0, 6)), say(fb.NPS_SIX)),
            Trap(share(data, "recommend", PROMOTERS), say(fb.NPS_NO_DETRACTORS)),
            Trap(-score, say(fb.NPS_REVERSED)),
            Trap(score / 100, say(fb.NPS_DECIMAL), format=True),
            Trap(score * n / 100, say(fb.NPS_COUNTS)),
        )
        second, _ = grade_number(steps["nps"], answers.get("nps"), CellSpec(score, SHARE_TOLERANCE, traps=nps_traps),
                                 say(fb.SAT_HINT_NPS))
        third, own = self._grade_kano(steps["kano"], answers.get("kano"), data, variant.params["features"])
        return [first, second, third, self._grade_categories(steps["kano_category"], answers.get("kano_category"), data, own)]

    @staticmethod
    def _grade_kano(step: Step, raw: object, data: list[dict[str, Any]],
                    features: Mapping[str, str]) -> tuple[StepResult, dict[str, dict[str, float]]]:
        percent = say(fb.KANO_DECIMAL)
        specs = {}
        for fid in features:
            truth = kano_shares(data, fid)
            for c in CATEGORIES:
                specs[(fid, c)] = CellSpec(truth[c], SHARE_TOLERANCE, traps=(Trap(truth[c] / 100, percent, format=True),))
        result, parsed = grade_cells(step, raw, specs, say(fb.KANO_HINT))
        truth_cells = {(f, c): kano_shares(data, f)[c] for f in features for c in CATEGORIES}
        alternatives = [
            ({(f, c): kano_shares(data, f, transposed=True)[c] for f in features for c in CATEGORIES},
             say(fb.KANO_TRANSPOSED)),
            ({(f, c): kano_shares(data, f, exclude_qr=True)[c] for f in features for c in CATEGORIES},
             say(fb.KANO_EXCLUDED)),
        ]
        named = detect_pattern(parsed, truth_cells, alternatives, lambda a, b: close(a, b, SHARE_TOLERANCE))
        if named:
            result = StepResult(result.id, result.score, result.max, named + result.feedback)
        own = {}
        for fid in features:
            row = {c: parsed.get((fid, c)) for c in CATEGORIES}
            if all(v is not None for v in row.values()):
                own[fid] = row
        return result, own

    @staticmethod
    def _grade_categories(step: Step, raw: object, data: list[dict[str, Any]],
                          own: Mapping[str, Mapping[str, float]]) -> StepResult:
        labels, invalid, problems = read_labels(step, raw, _category)
        tally = Tally(total_items=len(step.rows), notes=problems, unreadable=fb.UNREADABLE_KANO)
        for fid, name in step.rows:
            correct = dominant(kano_shares(data, fid))
            given = labels.get(fid)
            missing = label_outcome(fid, labels, invalid)
            if given is None and missing is not None:
                tally.add(name, missing)
            elif given == correct:
                tally.add(name, Outcome(1.0, "correct"))
            elif fid in own and given == dominant(own[fid]):
                tally.add(name, Outcome(1.0, "ecf", say(fb.KANO_OWN)))
            else:
                tally.add(name, Outcome(0.0, "wrong"))
        return tally.result(step, say(fb.KANO_HINT_CATEGORY))

