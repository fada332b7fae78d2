"""One rule per method: every worked example of the chapters and every numeric bank question on
a calculation method agrees with the functions the case engine grades with.

The chapters' own tables and stated results are read from the Markdown (so an edit to a chapter
that breaks agreement fails here), pushed through the case engine's rule functions
(``app.domain.cases.*``), and compared. Every numeric question in a method section of the bank
must be listed in ``BANK`` below, so a new method question cannot slip by unchecked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from app.domain.cases import get_case, solution
from app.domain.cases.abc_classification import (
    class_of_share,
    classify,
    cumulative_shares,
    final_classes,
    misfits,
    scorecard,
)
from app.domain.cases.customer_value import (
    lifetime_transaction_value,
    net_direction,
    word_of_mouth_customers,
)
from app.domain.cases.ltv import MISTAKES, clv, year_values
from app.domain.cases.rfm import quintile_scores, score_by_bands, segment_of, weighted_rfm
from app.domain.cases.satisfaction import (
    better_worse,
    dominant,
    nps_of_counts,
    retention_rate,
    satisfaction_mean,
    satisfaction_rate,
)
from app.domain.cases.scorecard import TRAITS, weighted_scores

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "courseware" / "crm"
BANK_DIR = ROOT / "question_bank" / "crm"
TRAIT_KEYS = [key for key, _, _ in TRAITS]


def chapter(slug: str) -> str:
    """The chapter's Markdown, NFKC-normalised (full- and half-width punctuation read alike)."""
    return unicodedata.normalize("NFKC", (COURSE / f"{slug}.md").read_text(encoding="utf-8"))


def example(text: str, title: str) -> str:
    """The indented body of the ``!!! example`` box whose title contains ``title``."""
    match = re.search(r'^!!! example "[^"\n]*' + re.escape(title) + r'[^"\n]*"\n((?:    .*\n|\n)+)', text, re.M)
    assert match, f"worked example {title!r} not found"
    return match.group(1)


def table(block: str, first_header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header starts with ``first_header``."""
    lines = [line.strip() for line in block.splitlines()]
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(first_header):
            rows = []
            for body in lines[i + 2:]:
                if not body.startswith("|"):
                    break
                rows.append([c.strip() for c in body.strip("|").split("|")])
            return rows
    raise AssertionError(f"table starting with {first_header!r} not found")


def num(cell: str) -> float:
    """The first number in a cell: ``37.50%`` → 37.5, ``−52000 元`` → -52000, ``2.7`` → 2.7."""
    match = re.search(r"[-−+]?\d+(?:\.\d+)?", cell.replace(",", ""))
    assert match, f"no number in {cell!r}"
    return float(match.group(0).replace("−", "-"))


def stated(text: str, pattern: str) -> float:
    """The number captured by ``pattern`` (one group) in ``text``."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found"
    return num(match.group(1))


# --- ch06: ABC ------------------------------------------------------------------------------------

def test_ch06_beverage_example_is_the_case_rule():
    block = example(chapter("ch06-segmentation"), "饮料经销商")
    rows = table(block, "排名")
    data = [{"id": r[1], "amount": num(r[2])} for r in rows]
    shares = cumulative_shares(data)
    labels = classify(data)
    for rank, name, _, share, cumulative, cls in rows:
        assert labels[name] == cls, name
        assert float(shares[name]) * 100 == pytest.approx(num(cumulative), abs=0.005), name
    card = scorecard(data, labels, decimals=None)
    for cls, count, customer_share, amount, amount_share in table(block, "类别"):
        if cls in "ABC":
            assert card[cls]["count"] == num(count)
            assert card[cls]["customer_share"] == pytest.approx(num(customer_share), abs=0.005)
            assert card[cls]["amount_share"] == pytest.approx(num(amount_share), abs=0.005)


def test_ch06_logistics_example_is_the_case_rule():
    block = example(chapter("ch06-segmentation"), "10 位平台用户")
    data = [{"id": r[0], "amount": num(r[2]), "count": num(r[3]), "interval_days": num(r[4])}
            for r in table(block, "用户")]
    shares = cumulative_shares(data)
    first_step = re.search(r"第一步.*", block).group(0)
    stated_shares = [num(x) for x in re.findall(r"(\d+(?:\.\d+)?)\\?%", first_step)]
    assert stated_shares == pytest.approx([round(float(s) * 100, 2) for s in shares.values()], abs=0.005)
    labels = classify(data)
    second = re.search(r"第二步.*", block).group(0)
    named = {"A": re.search(r"A 类:([^;]+)", second).group(1), "B": re.search(r"B 类:([^;]+)", second).group(1)}
    assert sorted(named["A"].split("、")) == sorted(k for k, v in labels.items() if v == "A")
    assert sorted(named["B"].split("、")) == sorted(k for k, v in labels.items() if v == "B")
    assert misfits(data, labels) == []  # the chapter: both A users fit, the final classes stay
    card = scorecard(data, final_classes(data, labels), decimals=None)
    for cls, count, customer_share, amount, amount_share, avg_count, avg_interval in table(block, "类别"):
        if cls in "ABC":
            assert card[cls]["count"] == num(count)
            assert card[cls]["amount_share"] == pytest.approx(num(amount_share), abs=0.005)
            assert card[cls]["avg_count"] == pytest.approx(num(avg_count), abs=0.005)
            assert card[cls]["avg_interval"] == pytest.approx(num(avg_interval), abs=0.005)


def test_ch06_states_the_rule_the_case_uses():
    text = chapter("ch06-segmentation")
    assert "累计占比 ≤70% 为 A 类,>70% 且 ≤90% 为 B 类,>90% 为 C 类" in text
    assert "含它自己" in text
    assert "少于 52 次" in text and "超过 7 天" in text and "降为 B 类" in text
    assert "得分 ≥3 为高,≤2 为低" in text
    assert r"1 + \lfloor 5L \div N \rfloor" in text
    case_text = unicodedata.normalize("NFKC", get_case("abc-classification").textbook().text_md)
    assert "≤70% 为 A 类;>70% 且 ≤90% 为 B 类;>90% 为 C 类" in case_text
    assert "含该客户自己" in case_text and "少于 52 次" in case_text and "超过 7 天" in case_text


def test_ch06_weighted_score_example():
    block = example(chapter("ch06-segmentation"), "两位客户的加权得分")
    rows = table(block, "特征")
    people = {"甲": {"id": "甲"}, "乙": {"id": "乙"}}
    for key, row in zip(TRAIT_KEYS, rows):
        people["甲"][key], people["乙"][key] = num(row[1]), num(row[2])
    scores = weighted_scores(list(people.values()))
    assert scores["甲"] == stated(block, r"客户甲:.*= (\d+(?:\.\d+)?)\$ 分")
    assert scores["乙"] == stated(block, r"客户乙:.*= (\d+(?:\.\d+)?)\$ 分")


def _cafe_bands(text):
    rows = {int(r[0]): r[1:] for r in table(text, "得分")}

    def bounds(col):
        return [num(rows[score][col].split("–")[-1] if col == 0 else rows[score][col].split("–")[0])
                for score in (5, 4, 3, 2)]
    return bounds(0), bounds(1), bounds(2)


def test_ch06_rfm_table_scoring_and_segments():
    text = chapter("ch06-segmentation")
    r_bounds, f_bounds, m_bounds = _cafe_bands(text)
    block = example(text, "8 位会员的 RFM 分群")
    for name, r, f, m, rs, fs, ms, code, segment in table(block, "会员"):
        scores = {"R": score_by_bands(num(r), r_bounds, lower_is_better=True),
                  "F": score_by_bands(num(f), f_bounds), "M": score_by_bands(num(m), m_bounds)}
        assert [scores["R"], scores["F"], scores["M"]] == [num(rs), num(fs), num(ms)], name
        assert segment_of(scores) == segment, name
    weighted = stated(text, r"综合得分为 \$[^$]*= (\d+(?:\.\d+)?)\$ 分")
    assert weighted_rfm({"R": 5, "F": 4, "M": 5}, {"R": 0.2, "F": 0.3, "M": 0.5}) == pytest.approx(weighted)


# --- ch05: LTV and customer value -----------------------------------------------------------------

def test_ch05_ltv_example():
    text = chapter("ch05-customer-value")
    block = example(text, "五年终生价值")
    params = {"margin": 1000, "retention_pct": 80, "discount_pct": 10, "years": 5}
    assert all(f"${given}$" in block for given in ("m=1000", r"r=80\%", r"d=10\%", "n=5"))
    values = year_values(params)
    for t, expected_profit, factor, present in table(block, "年份"):
        assert round(values[t], 2) == num(present), t
    assert clv(1000, 80, 10, 5, round_years=2) == pytest.approx(stated(block, r"CLV = [^$]*= (\d+\.\d+)\$ 元"))
    assert clv(1000, 90, 10, 5) == pytest.approx(stated(block, r"CLV \\approx (\d+\.\d+)\$ 元"), abs=0.005)
    naive = stated(block, r"= (\d+)\$ 元,明显高估")
    assert sum(year_values(params, "naive").values()) == naive
    assert "m × n" in MISTAKES["naive"] and "5000" in MISTAKES["naive"]
    # The LTV case's example data are the chapter's.
    assert solution(get_case("ltv-npv").textbook())["total"] == pytest.approx(2655.12, abs=0.01)


def test_ch05_value_task_is_the_case_textbook():
    text = chapter("ch05-customer-value")
    block = example(text, "客户价值动态分析")
    value = lifetime_transaction_value(50, 1 * 52, 10)
    assert value == stated(block, r"价值为 \$50 \\times 520 = (\d+)\$ 元")
    won, lost = word_of_mouth_customers(5, 20), word_of_mouth_customers(10, 20)
    rows = {r[0]: r[1:] for r in table(block, "项目")}
    assert [num(c) for c in rows["增加 / 失去的客户数"]] == [won, lost]
    assert [num(c) for c in rows["口碑带来的价值变化"]] == [won * value, -lost * value]
    assert stated(block, r"忠实客户变化为 \$[^$]*= (-?\d+)\$ 人") == won - lost
    assert stated(block, r"价值变化为 \$[^$]*= (-?\d+)\$ 元") == (won - lost) * value
    assert "净减少" in block and net_direction((won - lost) * value) == "loss"
    answers = solution(get_case("customer-value").textbook())
    assert answers["lifetime_value"] == value
    assert answers["dynamic_table"]["net"] == {"customers": won - lost, "value": (won - lost) * value}


# --- ch07: satisfaction, NPS, Kano, retention ----------------------------------------------------

def test_ch07_satisfaction_example():
    block = example(chapter("ch07-satisfaction-loyalty"), "满意率与满意度均值")
    counts = dict(zip((5, 4, 3, 2, 1), (num(x) for x in re.findall(
        r"很满意 (\d+) 人,满意 (\d+) 人,一般 (\d+) 人,不满意 (\d+) 人,很不满意 (\d+) 人", block)[0])))
    assert satisfaction_rate(counts) == stated(block, r"满意率 = [^=]*= (\d+)%")
    assert round(satisfaction_mean(counts), 2) == stated(block, r"均值 = [^≈]*≈ (\d+\.\d+) 分")


def test_ch07_nps_example():
    block = example(chapter("ch07-satisfaction-loyalty"), "NPS")
    promoters, passives, detractors = (num(x) for x in re.findall(r"有 (\d+) 人", block)[:3])
    assert nps_of_counts(promoters, passives, detractors) == stated(block, r"NPS = \d+ − \d+ = (\d+)")
    assert nps_of_counts(promoters + 50, passives - 50, detractors) == stated(block, r"NPS 就会升到 \d+ − \d+ = (\d+)")


def test_ch07_kano_example():
    text = chapter("ch07-satisfaction-loyalty")
    block = example(text, "刷脸登录")
    counts = {c: int(n) for c, n in re.findall(r"([AOMIR])\([^)]*\)(\d+) 人", block)}
    total = num(re.search(r"对 (\d+) 位", block).group(1))
    shares = {c: 100 * counts.get(c, 0) / total for c in "AOMIRQ"}
    assert shares["A"] == stated(block, r"A = \d+ ÷ \d+ = (\d+)%")
    assert dominant(shares) == "A" and "魅力型" in block
    better, worse = better_worse(counts)
    assert round(better, 2) == stated(block, r"Better = [^≈]*≈ (\d+\.\d+)")
    assert round(worse, 2) == stated(block, r"Worse = [^≈]*≈ (−?\d+\.\d+)")
    # The Kano table of the chapter is the case's.
    from app.domain.cases.satisfaction import KANO_TABLE
    rows = table(text, "正向 \\ 反向")
    assert ["".join(r[1:]) for r in rows] == list(KANO_TABLE)
    assert "M、O、A、I、R、Q" in text


def test_ch07_retention_example():
    block = example(chapter("ch07-satisfaction-loyalty"), "会员保持率")
    start, new, end = (num(x) for x in re.findall(r"(\d+) 人", block)[:3])
    assert retention_rate(start, new, end) == stated(block, r"1700 ÷ 2000 × 100% = (\d+)%")


# --- the bank ----------------------------------------------------------------------------------

def _abc_share(amounts, cls):
    data = [{"id": str(i), "amount": a} for i, a in enumerate(amounts)]
    labels = classify(data)
    return 100 * sum(a for i, a in enumerate(amounts) if labels[str(i)] == cls) / sum(amounts)


def _q035():
    rows = [(120000, 100), (85000, 20), (55000, 80), (20000, 30), (12000, 10), (8000, 6)]
    data = [{"id": f"P{i}", "amount": a, "count": c} for i, (a, c) in enumerate(rows, start=1)]
    final = final_classes(data, classify(data))
    return 100 * sum(r["amount"] for r in data if final[r["id"]] == "A") / sum(a for a, _ in rows)


def _q031():
    others = {"fund_growth": 70, "new_product": 80, "influence": 60, "personal_resources": 90}
    return next(x for x in range(101) if weighted_scores([{"id": "x", "cost_contribution": x, **others}])["x"] >= 80)


def _cafe_weighted(r, f, m):
    r_bounds, f_bounds, m_bounds = _cafe_bands(chapter("ch06-segmentation"))
    scores = {"R": score_by_bands(r, r_bounds, True), "F": score_by_bands(f, f_bounds), "M": score_by_bands(m, m_bounds)}
    return weighted_rfm(scores, {"R": 0.2, "F": 0.3, "M": 0.5})


def _quintile_top(n):
    data = [{"id": str(i), "frequency": i} for i in range(n)]
    return sum(1 for s in quintile_scores(data, "F", "frequency").values() if s == 5)


def _nps_target(promoters, passives, detractors, target):
    return next(k for k in range(passives + 1) if nps_of_counts(promoters + k, passives - k, detractors) >= target)


#: Every numeric bank question on a calculation method, computed with the case engine's functions.
BANK = {
    # ch05 · customer value, word of mouth, LTV
    "ch05-q026": lambda: lifetime_transaction_value(50, 52, 10),
    "ch05-q027": lambda: lifetime_transaction_value(80, 2 * 12, 6),
    "ch05-q028": lambda: word_of_mouth_customers(8, 25),
    "ch05-q029": lambda: word_of_mouth_customers(10, 20) * lifetime_transaction_value(30, 52, 8),
    "ch05-q030": lambda: word_of_mouth_customers(15, 20) * lifetime_transaction_value(100, 2 * 12, 5),
    "ch05-q031": lambda: (1 + word_of_mouth_customers(10, 30)) * lifetime_transaction_value(20, 52, 10),
    "ch05-q033": lambda: clv(2000, 75, 0, 4),
    "ch05-q034": lambda: clv(600, 90, 8, 3, round_years=2),
    "ch05-q035": lambda: clv(1200, 80, 10, 3, round_years=2) - 800,
    # ch06 · ABC, weighted score card, RFM
    "ch06-q027": lambda: _quintile_top(3600),
    "ch06-q028": lambda: 100 * float(cumulative_shares(
        [{"id": "a", "amount": 30}, {"id": "b", "amount": 25}, {"id": "c", "amount": 20},
         *({"id": f"r{i}", "amount": 10} for i in range(5))])["c"]),
    "ch06-q029": lambda: 100 * 360 / 480,
    "ch06-q030": lambda: weighted_scores([{"id": "x", "cost_contribution": 80, "fund_growth": 90, "new_product": 60,
                                           "influence": 70, "personal_resources": 100}])["x"],
    "ch06-q031": _q031,
    "ch06-q032": lambda: _cafe_weighted(20, 14, 1800),
    "ch06-q033": lambda: _abc_share([180, 160, 70, 35, 25, 12, 10, 8], "B"),
    "ch06-q034": lambda: _abc_share([12, 7, 48, 30, 95, 64, 3, 18, 5, 8], "B"),
    "ch06-q035": _q035,
    # ch07 · satisfaction, NPS, Kano, retention
    "ch07-q026": lambda: satisfaction_rate({5: 150, 4: 240, 3: 120, 2: 60, 1: 30}),
    "ch07-q027": lambda: satisfaction_mean({5: 150, 4: 240, 3: 120, 2: 60, 1: 30}),
    "ch07-q028": lambda: nps_of_counts(300, 260, 240),
    "ch07-q029": lambda: _nps_target(180, 200, 120, 20),
    "ch07-q030": lambda: 100 * 110 / 250,
    "ch07-q031": lambda: better_worse({"A": 40, "O": 110, "M": 55, "I": 40, "R": 5})[0],
    "ch07-q032": lambda: retention_rate(5000, 1200, 5400),
    # other chapters applying the same methods
    "ch03-q025": lambda: retention_rate(1200, 300, 1200 - 180 + 300),
    "ch08-q029": lambda: 30 * word_of_mouth_customers(10, 20) * 12000,
}

#: Sections whose numeric questions apply a calculation method the cases grade.
METHOD_SECTIONS = {
    "ch05-customer-value": {"transaction-value", "word-of-mouth-value", "dynamic-value", "ltv-formula", "ltv-example",
                            "value-calculation-task"},
    "ch06-segmentation": {"abc-steps", "abc-scorecard", "logistics-task", "pareto-principle", "high-value-traits",
                          "rfm-scoring", "rfm-segments"},
    "ch07-satisfaction-loyalty": {"satisfaction-rate", "nps", "kano-questionnaire", "kano-categories",
                                  "loyalty-definition"},
    "ch08-service-complaints": {"complaint-value"},
}


def _bank():
    questions = {}
    for path in sorted(BANK_DIR.glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            questions[q["id"]] = (path.stem, q)
    return questions


QUESTIONS = _bank()


def test_every_numeric_method_question_is_checked():
    uncovered = [qid for qid, (slug, q) in QUESTIONS.items()
                 if q["type"] == "numeric" and q.get("section") in METHOD_SECTIONS.get(slug, ())
                 and qid not in BANK]
    assert uncovered == [], "numeric method questions without a consistency check: " + ", ".join(uncovered)


@pytest.mark.parametrize("qid", sorted(BANK))
def test_bank_answer_agrees_with_the_case_engine(qid):
    _, q = QUESTIONS[qid]
    assert q["type"] == "numeric"
    computed = BANK[qid]()
    # The key is right when it agrees within the question's tolerance, or when it is the
    # computed value rounded to the decimals the question asks for.
    tolerance = max(float(q.get("tolerance") or 0), 1e-9)
    decimals = len(str(q["answer"]).split(".")[1]) if "." in str(q["answer"]) else 0
    assert math.isclose(computed, q["answer"], abs_tol=tolerance) or round(computed, decimals) == q["answer"], (
        f"{qid}: bank answer {q['answer']}, case engine {computed}")


def test_abc_threshold_question_uses_the_rule():
    _, q = QUESTIONS["ch06-q003"]
    assert q["options"][q["answer"]].startswith(class_of_share(0.85))


def test_rfm_matching_question_uses_the_high_rule():
    _, q = QUESTIONS["ch06-q039"]
    assert "≥3 为高" in q["stem"]
    for code, segment in q["answer"]["pairs"].items():
        assert segment_of(dict(zip("RFM", (int(c) for c in code)))) == segment, code
