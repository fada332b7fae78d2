"""Case 5 · 高价值客户评分卡: the source's traits and weights, named weighting mistakes, ranking ECF."""

import pytest

from app.domain.cases import get_case, grade, solution
from app.domain.cases.scorecard import TRAITS, _alternatives, ranking_by

CASE = get_case("high-value-scorecard")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def test_traits_and_weights_from_the_source():
    assert [(label, w) for _, label, w in TRAITS] == [
        ("成本低贡献大", 50), ("资金增加潜力大", 20), ("接受新产品意愿高", 10),
        ("对周围客户有一定的影响力", 10), ("有良好的个人素质和社会资源", 10),
    ]
    variant = CASE.textbook()
    for _, label, w in TRAITS:
        assert f"| {label} | {w}% |" in variant.text_md


def test_weighted_score_by_hand():
    variant = CASE.generate(0)
    row = variant.dataset[0]
    expected = (0.5 * row["cost_contribution"] + 0.2 * row["fund_growth"]
                + 0.1 * (row["new_product"] + row["influence"] + row["personal_resources"]))
    assert solution(variant)["weighted"][row["id"]] == pytest.approx(expected)


@pytest.mark.parametrize(("index", "phrase"), [(0, "平均"), (1, "直接相加"), (2, "100 倍"), (3, "顺序弄反")])
def test_weighting_mistakes_are_named(index, phrase):
    variant = CASE.textbook()
    wrong, _ = _alternatives(variant.dataset)[index]
    s = step(grade(variant, {"weighted": wrong}), "weighted")
    assert phrase in s.feedback and s.score < s.max


def test_ranking_consistent_with_own_scores_earns_credit():
    variant = CASE.textbook()
    wrong_scores, _ = _alternatives(variant.dataset)[0]
    own_ranking = ranking_by(wrong_scores)
    assert own_ranking != solution(variant)["ranking"]
    result = grade(variant, {"weighted": wrong_scores, "ranking": own_ranking})
    r = step(result, "ranking")
    assert r.score == r.max and "第 1 步" in r.feedback


def test_ranking_from_wrong_scores_without_those_scores_is_named():
    variant = CASE.textbook()
    wrong_scores, _ = _alternatives(variant.dataset)[0]
    answers = dict(solution(variant), ranking=ranking_by(wrong_scores))
    r = step(grade(variant, answers), "ranking")
    if ranking_by(wrong_scores) != solution(variant)["ranking"]:
        assert r.score == 0 and "平均" in r.feedback


def test_reversed_and_first_trait_rankings_are_named():
    variant = CASE.textbook()
    right = solution(variant)["ranking"]
    assert "顺序反了" in step(grade(variant, {"ranking": right[::-1]}), "ranking").feedback
    by_first = [r["id"] for r in sorted(variant.dataset, key=lambda r: (-r["cost_contribution"], r["id"]))]
    assert by_first != right
    assert "成本低贡献大" in step(grade(variant, {"ranking": by_first}), "ranking").feedback


def test_ranking_partial_credit_and_text_form():
    variant = CASE.textbook()
    right = solution(variant)["ranking"]
    assert step(grade(variant, {"ranking": " > ".join(right).lower()}), "ranking").score == 2
    swapped = right[:]
    swapped[-1], swapped[-2] = swapped[-2], swapped[-1]
    s = step(grade(variant, {"ranking": swapped}), "ranking")
    assert s.score == pytest.approx(2 * (len(right) - 1) / len(right), abs=1e-3)
    assert "未知的编号" in step(grade(variant, {"ranking": ["X9"]}), "ranking").feedback
    assert "重复" in step(grade(variant, {"ranking": [right[0], right[0]]}), "ranking").feedback
