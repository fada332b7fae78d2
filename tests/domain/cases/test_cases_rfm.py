"""Case 3 · RFM 分析: quintile rule with ties and direction, named mistakes, segments carried forward."""

import pytest

from app.domain.cases import get_case, grade, solution
from app.domain.cases.rfm import equal_width_scores, positional_scores, quintile_scores, segment_of

CASE = get_case("rfm-analysis")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def test_quintile_rule_with_ties_and_direction():
    data = [{"id": f"C{i}", "recency_days": r, "frequency": f, "monetary": 0}
            for i, (r, f) in enumerate([(1, 10), (5, 10), (5, 3), (9, 2), (30, 1)], start=1)]
    # F: C1 and C2 tie at the top (3 strictly fewer) -> 1 + 5*3//5 = 4 for both.
    assert quintile_scores(data, "F", "frequency") == {"C1": 4, "C2": 4, "C3": 3, "C4": 2, "C5": 1}
    # R: fewer days is better; C2 and C3 tie (2 customers have more days).
    assert quintile_scores(data, "R", "recency_days") == {"C1": 5, "C2": 3, "C3": 3, "C4": 2, "C5": 1}


def test_segment_rule():
    # ch06: a score of 3 or more is high, 2 or less is low.
    assert segment_of({"R": 5, "F": 4, "M": 4}) == "重要价值客户"
    assert segment_of({"R": 3, "F": 3, "M": 3}) == "重要价值客户"
    assert segment_of({"R": 2, "F": 4, "M": 5}) == "重要保持客户"
    assert segment_of({"R": 5, "F": 2, "M": 3}) == "重要发展客户"
    assert segment_of({"R": 1, "F": 1, "M": 1}) == "一般挽留客户"


def test_rule_is_stated_in_the_text():
    text = CASE.generate(1).text_md
    assert "1 + ⌊5 × L" in text and "严格差于" in text and "更大" in text and "≥3" in text and "≤2" in text


def test_scores_are_balanced_quintiles():
    variant = CASE.generate(3)
    scores = solution(variant)["scores"]
    for letter in "RFM":
        counts = [sum(1 for s in scores.values() if s[letter] == k) for k in range(1, 6)]
        assert all(c >= 1 for c in counts), (letter, counts)


def _answers_with_column(variant, letter, column):
    answers = solution(variant)
    answers["scores"] = {i: dict(s, **{letter: column[i]}) for i, s in answers["scores"].items()}
    return answers


def test_reversed_recency_is_named():
    variant = CASE.textbook()
    wrong = quintile_scores(variant.dataset, "R", "recency_days", reverse=True)
    s = step(grade(variant, _answers_with_column(variant, "R", wrong)), "scores")
    assert "R 的方向反了" in s.feedback and s.score < s.max


def _first_variant_with_tied_frequencies():
    for seed in range(100):
        variant = CASE.generate(seed)
        if positional_scores(variant.dataset, "F", "frequency") != quintile_scores(variant.dataset, "F", "frequency"):
            return variant
    raise AssertionError("no variant with ties")


def test_ties_broken_by_position_are_named():
    variant = _first_variant_with_tied_frequencies()
    wrong = positional_scores(variant.dataset, "F", "frequency")
    s = step(grade(variant, _answers_with_column(variant, "F", wrong)), "scores")
    assert "相同的分数" in s.feedback


def test_equal_width_bins_are_named():
    variant = CASE.textbook()
    wrong = equal_width_scores(variant.dataset, "M", "monetary")
    assert wrong != quintile_scores(variant.dataset, "M", "monetary")
    s = step(grade(variant, _answers_with_column(variant, "M", wrong)), "scores")
    assert "等宽" in s.feedback


def test_segments_carried_forward_from_own_scores():
    variant = CASE.textbook()
    answers = solution(variant)
    target = variant.params["segment_customers"][0]
    own = dict(answers["scores"][target])
    own["F"] = 5 if own["F"] < 3 else 1  # flip F between high and low
    answers["scores"][target] = own
    answers["segments"][target] = segment_of(own)
    result = grade(variant, answers)
    assert step(result, "scores").score == pytest.approx(6 * (3 * len(variant.dataset) - 1) / (3 * len(variant.dataset)))
    seg = step(result, "segments")
    assert seg.score == seg.max and "按你第 1 步" in seg.feedback


def test_wrong_segment_names_the_dimension():
    variant = CASE.textbook()
    answers = solution(variant)
    target = variant.params["segment_customers"][0]
    truth = answers["scores"][target]
    flipped = {"R": truth["R"], "F": 5 if truth["F"] < 3 else 1, "M": truth["M"]}
    answers["segments"][target] = segment_of(flipped)
    s = step(grade(variant, answers), "segments")
    assert s.score == pytest.approx(3 * 5 / 6)
    assert f"{target}：F=" in s.feedback


def test_segment_names_accept_short_forms_and_refuse_unknown():
    variant = CASE.textbook()
    answers = solution(variant)
    answers["segments"] = {k: v.removesuffix("客户") for k, v in answers["segments"].items()}
    assert step(grade(variant, answers), "segments").score == 3
    answers["segments"][variant.params["segment_customers"][0]] = "超级客户"
    assert "无法识别" in step(grade(variant, answers), "segments").feedback
