"""Case 6 · 客户满意度调查: satisfaction rate, NPS, the standard Kano table, named mistakes, ECF."""

import pytest

from app.domain.cases import get_case, grade, solution
from app.domain.cases.satisfaction import dominant, kano, kano_shares, nps, share

CASE = get_case("satisfaction-survey")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def test_standard_kano_evaluation_table():
    # like / must-be / neutral / live-with / dislike
    assert kano(1, 5) == "O"
    assert kano(1, 3) == "A"
    assert kano(3, 5) == "M"
    assert kano(3, 3) == "I"
    assert kano(1, 1) == "Q" and kano(5, 5) == "Q"
    assert kano(5, 1) == "R" and kano(2, 1) == "R"


def test_rates_by_hand():
    data = [{"satisfaction": s, "recommend": r} for s, r in [(5, 10), (4, 9), (4, 8), (3, 6), (2, 0)]]
    assert share(data, "satisfaction", range(4, 6)) == 60
    assert nps(data) == pytest.approx(40 - 40)


def test_dominant_category_uses_stated_priority():
    assert dominant({"A": 40, "O": 40, "M": 10, "I": 10}) == "O"
    assert dominant({"A": 30, "M": 30, "I": 40}) == "I"


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (lambda d: share(d, "satisfaction", range(5, 6)), "非常满意"),
        (lambda d: share(d, "satisfaction", range(3, 6)), "3 分"),
    ],
)
def test_satisfaction_rate_mistakes_are_named(value, phrase):
    variant = CASE.textbook()
    s = step(grade(variant, {"satisfaction_rate": round(value(variant.dataset), 3)}), "satisfaction_rate")
    assert s.score == 0 and phrase in s.feedback


def test_a_decimal_for_a_percentage_is_a_format_slip_costing_half():
    """Same rule as the ABC score card: a format slip costs less than a wrong answer."""
    variant = CASE.textbook()
    rate = share(variant.dataset, "satisfaction", range(4, 6)) / 100
    s = step(grade(variant, {"satisfaction_rate": round(rate, 4)}), "satisfaction_rate")
    assert s.score == 1 and "小数" in s.feedback and "格式错误" in s.feedback


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (lambda d: nps(d, promoters=range(7, 11)), "中立者"),
        (lambda d: nps(d, detractors=range(0, 6)), "6 分"),
        (lambda d: share(d, "recommend", range(9, 11)), "减去贬损者"),
    ],
)
def test_nps_mistakes_are_named(value, phrase):
    variant = CASE.textbook()
    s = step(grade(variant, {"nps": f"{value(variant.dataset):.1f}%"}), "nps")
    assert s.score == 0 and phrase in s.feedback


def test_transposed_kano_table_is_named():
    variant = CASE.textbook()
    wrong = {f: kano_shares(variant.dataset, f, transposed=True) for f in variant.params["features"]}
    s = step(grade(variant, {"kano": wrong}), "kano")
    assert "行和列弄反" in s.feedback and s.score < s.max


def test_categories_carried_forward_from_own_shares():
    variant = CASE.textbook()
    answers = solution(variant)
    feature = next(iter(variant.params["features"]))
    right = answers["kano_category"][feature]
    other = next(c for c in "AOMI" if c != right)
    answers["kano"][feature][other] = 99.0
    answers["kano_category"][feature] = other
    result = grade(variant, answers)
    assert step(result, "kano").score == pytest.approx(4.5 - 0.25)
    cats = step(result, "kano_category")
    assert cats.score == cats.max and "第 3 步" in cats.feedback


def test_category_names_accepted():
    variant = CASE.textbook()
    answers = solution(variant)
    names = {"A": "魅力属性", "O": "期望型", "M": "必备", "I": "无差异", "R": "反向", "Q": "可疑"}
    answers["kano_category"] = {f: names[c] for f, c in answers["kano_category"].items()}
    assert step(grade(variant, answers), "kano_category").score == 1.5


def test_generated_surveys():
    for seed in range(20):
        variant = CASE.generate(seed)
        assert 30 <= len(variant.dataset) <= 60
        row = variant.dataset[0]
        assert 1 <= row["satisfaction"] <= 5 and 0 <= row["recommend"] <= 10
        assert len(variant.params["features"]) == 3
