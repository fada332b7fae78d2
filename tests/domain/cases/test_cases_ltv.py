"""Case 4 · 客户终生价值: year 1 discounted, survival r^(t−1), named formula mistakes, total carried forward."""

import pytest

from app.domain.cases import get_case, grade, solution
from app.domain.cases.ltv import MISTAKES, year_values

CASE = get_case("ltv-npv")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def test_textbook_values():
    variant = CASE.textbook()
    assert variant.params == {"margin": 1000, "retention_pct": 80, "discount_pct": 10, "years": 5}
    answers = solution(variant)
    assert answers["yearly"] == {"1": 909.09, "2": 661.16, "3": 480.84, "4": 349.7, "5": 254.33}
    assert answers["total"] == 2655.12


def test_rules_are_stated():
    text = CASE.generate(2).text_md
    assert "第 1 年也要贴现" in text and "t−1" in text and "两位小数" in text


def test_discount_factor_tables_within_tolerance_are_accepted():
    variant = CASE.textbook()
    # 4-digit discount factors: 0.9091, 0.8264, 0.7513, 0.6830, 0.6209.
    factors = [0.9091, 0.8264, 0.7513, 0.6830, 0.6209]
    yearly = {str(t): round(1000 * 0.8 ** (t - 1) * f, 2) for t, f in enumerate(factors, start=1)}
    result = grade(variant, {"yearly": yearly, "total": sum(yearly.values())})
    assert result.score == result.max_score


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_formula_mistakes_are_named(mistake):
    variant = CASE.textbook()
    wrong = {t: round(v, 2) for t, v in year_values(variant.params, mistake).items()}
    result = grade(variant, {"yearly": wrong})
    s = step(result, "yearly")
    assert MISTAKES[mistake] in s.feedback
    assert s.score < s.max


def test_total_from_a_mistaken_formula_alone_is_named():
    variant = CASE.textbook()
    wrong_total = sum(year_values(variant.params, "year0").values())
    s = step(grade(variant, {"total": round(wrong_total, 2)}), "total")
    assert s.score == 0 and MISTAKES["year0"] in s.feedback


def test_total_carried_forward_from_own_years():
    variant = CASE.textbook()
    answers = solution(variant)
    answers["yearly"]["3"] = 500.0  # one wrong year
    answers["total"] = round(sum(answers["yearly"].values()), 2)
    result = grade(variant, answers)
    assert step(result, "yearly").score == pytest.approx(5 * 4 / 5)
    total = step(result, "total")
    assert total.score == total.max and "第 1 步各年价值之和" in total.feedback


def test_incomplete_years_give_no_carried_forward_credit():
    variant = CASE.textbook()
    answers = {"yearly": {"1": 909.09}, "total": 909.09}
    result = grade(variant, answers)
    assert step(result, "total").score == 0
    assert "未填写" in step(result, "yearly").feedback


def test_m_times_n_is_named_as_a_misconception():
    """ch05 discusses the naive m × n figure (1000 × 5 = 5000): it gets its own message."""
    variant = get_case("ltv-npv").textbook()
    total = step(grade(variant, {"total": 5000}), "total")
    assert total.score == 0 and "m × n" in total.feedback and "保留率" in total.feedback and "贴现" in total.feedback
    yearly = step(grade(variant, {"yearly": {str(t): 1000 for t in range(1, 6)}}), "yearly")
    assert "m × n" in yearly.feedback and yearly.score < 1
