"""Case 1 · 客户价值计算: the exam's numbers, misconceptions, and error carried forward."""

import pytest

from app.domain.cases import get_case, grade, solution

CASE = get_case("customer-value")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def with_answer(variant, **changes):
    answers = solution(variant)
    answers.update(changes)
    return grade(variant, answers)


def test_textbook_numbers():
    variant = CASE.textbook()
    params = dict(variant.params)
    options = params.pop("analysis_options")
    assert params == {"f": 1, "m": 50, "n": 10, "weeks_per_year": 52, "p": 5, "q": 10, "r_pct": 20}
    right = next(key for key, text in options.items() if text.startswith("净减少"))
    assert solution(variant) == {
        "lifetime_value": 26000,
        "customers_won": 1,
        "value_gained": 26000,
        "customers_lost": 2,
        "value_lost": -52000,
        "dynamic_table": {
            "satisfied": {"customers": 1, "value": 26000},
            "unsatisfied": {"customers": -2, "value": -52000},
            "net": {"customers": -1, "value": -26000},
        },
        "analysis": right,
    }


def test_textbook_answers_in_typed_forms_score_full_marks():
    variant = CASE.textbook()
    answers = {
        "lifetime_value": "2.6万元",
        "customers_won": "1人",
        "value_gained": "26,000",
        "customers_lost": "２",
        "value_lost": "−52,000元",
        "dynamic_table": {
            "satisfied": {"customers": "+1", "value": "26000"},
            "unsatisfied": {"忠实客户数变化（人）": "-2", "客户价值变化（元）": "-5.2万"},
            "net": {"customers": -1, "value": "-26,000"},
        },
        "analysis": solution(variant)["analysis"].lower(),
    }
    result = grade(variant, answers)
    assert result.score == result.max_score == 13


@pytest.mark.parametrize(
    ("value", "phrase"),
    [(25000, "50 周"), (24000, "48 周"), (2600, "一年"), ("18.25万", "每天")],
)
def test_lifetime_value_misconceptions_are_named(value, phrase):
    result = with_answer(CASE.textbook(), lifetime_value=value)
    s = step(result, "lifetime_value")
    assert s.score == 0 and phrase in s.feedback


def test_counting_listeners_instead_of_converted_customers():
    result = with_answer(CASE.textbook(), customers_won=5)
    s = step(result, "customers_won")
    assert s.score == 0 and "听到赞美的人数" in s.feedback


def test_forgetting_the_conversion_rate():
    result = with_answer(CASE.textbook(), value_gained=130000)
    s = step(result, "value_gained")
    assert s.score == 0 and "20% 的转化率" in s.feedback


def test_lost_value_with_the_wrong_sign_gets_half_and_is_named():
    result = with_answer(CASE.textbook(), value_lost=52000)
    s = step(result, "value_lost")
    assert s.score == 1 and s.max == 2 and "负数" in s.feedback


def test_lost_customers_without_conversion():
    result = with_answer(CASE.textbook(), customers_lost=10, value_lost=-260000)
    assert "听到抱怨的人数" in step(result, "customers_lost").feedback
    # Step 5 repeats step 4's slip consistently: credited, not penalised twice.
    lost = step(result, "value_lost")
    assert lost.score == lost.max and "第 4 步的结果 10" in lost.feedback


def test_error_carried_forward_from_step_1():
    variant = CASE.textbook()
    answers = solution(variant)
    answers.update(lifetime_value=25000, value_gained=25000, value_lost=-50000)
    answers["dynamic_table"] = {
        "satisfied": {"customers": 1, "value": 25000},
        "unsatisfied": {"customers": -2, "value": -50000},
        "net": {"customers": -1, "value": -25000},
    }
    result = grade(variant, answers)
    assert step(result, "lifetime_value").score == 0
    gained = step(result, "value_gained")
    assert gained.score == gained.max
    assert "按你第 1 步的结果 25,000 元" in gained.feedback and "方法正确" in gained.feedback
    assert step(result, "value_lost").score == step(result, "value_lost").max
    table = step(result, "dynamic_table")
    assert table.score == table.max and "你" in table.feedback
    assert result.score == result.max_score - 2


def test_wrong_later_step_without_a_consistent_reason_scores_zero():
    result = with_answer(CASE.textbook(), value_gained=30000)
    s = step(result, "value_gained")
    assert s.score == 0 and "提示" in s.feedback


def test_table_sign_slip_and_net_row_from_own_rows():
    variant = CASE.textbook()
    table = {
        "satisfied": {"customers": 1, "value": 26000},
        "unsatisfied": {"customers": 2, "value": 52000},
        "net": {"customers": 3, "value": 78000},
    }
    result = with_answer(variant, dynamic_table=table)
    s = step(result, "dynamic_table")
    # Two sign slips at half credit; the net row is consistent with the student's own rows.
    assert s.score == pytest.approx(3 * (2 + 0.5 + 0.5 + 2) / 6)
    assert "方向错了" in s.feedback and "两行之和" in s.feedback


def test_missing_and_malformed_answers():
    variant = CASE.textbook()
    result = grade(variant, {"lifetime_value": "很多", "dynamic_table": {"satisfied": 5, "XYZ": {}}})
    assert "无法识别" in step(result, "lifetime_value").feedback
    assert step(result, "customers_won").feedback == "未作答。"
    table = step(result, "dynamic_table")
    assert table.score == 0 and "XYZ" in table.feedback


def test_generated_variants_have_whole_customer_counts():
    for seed in range(200):
        params = CASE.generate(seed).params
        assert params["p"] * params["r_pct"] % 100 == 0
        assert params["q"] * params["r_pct"] % 100 == 0
        assert params["q"] > params["p"]
        assert params["weeks_per_year"] == 52


def _option(variant, prefix):
    return next(key for key, text in variant.params["analysis_options"].items() if text.startswith(prefix))


def test_analysis_refuses_the_backwards_conclusion_while_arithmetic_carries_forward():
    """A student who turns the unsatisfied customer into a gain keeps error-carried-forward on the
    net row (arithmetic), but the analysis is graded against the true direction."""
    variant = CASE.textbook()
    answers = solution(variant)
    answers["value_lost"] = 52000
    answers["dynamic_table"] = {"satisfied": {"customers": 1, "value": 26000},
                                "unsatisfied": {"customers": 2, "value": 52000},
                                "net": {"customers": 3, "value": 78000}}
    answers["analysis"] = _option(variant, "净增加：不满意")
    result = grade(variant, answers)
    table = step(result, "dynamic_table")
    assert "合计行等于你上面两行之和" in table.feedback  # the net row is carried forward
    analysis = step(result, "analysis")
    assert analysis.score == 0 and "方向错了" in analysis.feedback and "不随你前面的结果" in analysis.feedback
    # The same wrong table with the true conclusion still earns the analysis.
    answers["analysis"] = _option(variant, "净减少")
    assert step(grade(variant, answers), "analysis").score == 2


@pytest.mark.parametrize("prefix", ["正负相抵", "净增加：只要"])
def test_other_wrong_conclusions_are_explained(prefix):
    variant = CASE.generate(5)
    analysis = step(with_answer(variant, analysis=_option(variant, prefix)), "analysis")
    assert analysis.score == 0 and "净减少" in analysis.feedback


def test_right_conclusion_is_never_the_longest_and_always_a_net_loss():
    from app.domain.cases.customer_value import ANALYSIS_OPTIONS

    lengths = {key: len(text) for key, text in ANALYSIS_OPTIONS.items()}
    assert lengths["loss"] < max(lengths.values())
    for seed in range(30):
        variant = CASE.generate(seed)
        answers = solution(variant)
        assert answers["dynamic_table"]["net"]["value"] < 0
        assert variant.params["analysis_options"][answers["analysis"]].startswith("净减少")
