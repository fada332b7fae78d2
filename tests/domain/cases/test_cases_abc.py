"""Case 2 · ABC 客户分类: the stated rule, misconceptions, score card carried forward, Pareto points."""

import re

import pytest

from app.domain.cases import get_case, grade, pareto_points, solution
from app.domain.cases.abc_classification import by_customer_count, classify

CASE = get_case("abc-classification")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def tiny_variant(amounts):
    data = [{"id": f"C{i:02d}", "name": f"客户{i}", "amount": a, "count": 10, "interval_days": 30}
            for i, a in enumerate(amounts, start=1)]
    params = {"thresholds": [0.7, 0.9], "n_customers": len(data),
              "service_options": CASE.textbook().params["service_options"]}
    return CASE._make(1, params, data)


def test_rule_uses_share_of_customers_ranked_before():
    # Shares before each customer, in ranking order: 0, 50, 70, 80, 90, 95 (%).
    variant = tiny_variant([500, 200, 100, 100, 50, 50])
    assert solution(variant)["classification"] == {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C"}


def test_ties_are_ranked_by_id():
    # C02 and C03 tie; C02 ranks first, so only C02 sees a 40 % share before it.
    variant = tiny_variant([40, 30, 30])
    assert solution(variant)["classification"] == {"C01": "A", "C02": "A", "C03": "B"}
    # Three-way tie at 15: shares before are 55 % (C02), 70 % (C03), 85 % (C04).
    variant = tiny_variant([55, 15, 15, 15])
    assert solution(variant)["classification"] == {"C01": "A", "C02": "A", "C03": "B", "C04": "B"}


def test_dataset_shape_and_realism():
    for seed in range(30):
        variant = CASE.generate(seed)
        assert 20 <= len(variant.dataset) <= 60
        for row in variant.dataset:
            assert set(row) == {"id", "name", "amount", "count", "interval_days"}
            assert re.fullmatch(r"C\d{2}", row["id"])
            assert row["amount"] > 0 and row["count"] >= 1 and row["interval_days"] >= 1
            assert re.search(r"[\u4e00-\u9fff]", row["name"])
        labels = solution(variant)["classification"]
        assert set(labels.values()) == {"A", "B", "C"}
        # Pareto-like: a minority of customers (A) holds at least 70 % of the amount.
        assert sum(v == "A" for v in labels.values()) <= 0.35 * len(labels)
    assert len({r["name"] for r in CASE.generate(1).dataset}) == len(CASE.generate(1).dataset)


def test_thresholds_stated_in_params_and_text():
    variant = CASE.generate(4)
    assert variant.params["thresholds"] == [0.7, 0.9]
    assert "70%" in variant.text_md and "90%" in variant.text_md and "前面" in variant.text_md


@pytest.mark.parametrize(
    ("mistake", "phrase"),
    [
        ({"include_self": True}, "不含它自己"),
        ({"rank_key": "count", "share_key": "count"}, "交易次数"),
        ({"rank_key": "count"}, "交易次数"),
    ],
)
def test_classification_misconceptions_are_named(mistake, phrase):
    variant = CASE.textbook()
    wrong = classify(variant.dataset, variant.params["thresholds"], **mistake)
    right = solution(variant)["classification"]
    assert wrong != right
    result = grade(variant, {"classification": wrong})
    s = step(result, "classification")
    assert phrase in s.feedback
    same = sum(wrong[k] == right[k] for k in right)
    assert s.score == pytest.approx(4 * same / len(right))


def test_splitting_by_number_of_customers_is_named():
    variant = CASE.generate(2)
    wrong = by_customer_count(variant.dataset)
    assert wrong != solution(variant)["classification"]
    assert "人数比例" in step(grade(variant, {"classification": wrong}), "classification").feedback


def test_labels_in_typed_forms():
    variant = CASE.textbook()
    labels = {k.lower(): f"{v}类" for k, v in solution(variant)["classification"].items()}
    assert step(grade(variant, {"classification": labels}), "classification").score == 4
    bad = dict(labels, c01="D")
    assert "无法识别" in step(grade(variant, {"classification": bad}), "classification").feedback


def test_scorecard_is_carried_forward_from_own_classification():
    variant = CASE.textbook()
    right = solution(variant)["classification"]
    order = sorted(variant.dataset, key=lambda r: (-r["amount"], r["id"]))
    first_b = next(r["id"] for r in order if right[r["id"]] == "B")
    own = dict(right, **{first_b: "A"})
    own_card = CASE.solution(variant)["scorecard"]
    # Recompute the student's own score card by hand.
    total = sum(r["amount"] for r in variant.dataset)
    amount = {r["id"]: r["amount"] for r in variant.dataset}
    for cls in "ABC":
        members = [k for k, v in own.items() if v == cls]
        own_card[cls] = {"count": len(members),
                         "customer_share": round(100 * len(members) / len(own), 1),
                         "amount_share": f"{100 * sum(amount[m] for m in members) / total:.1f}%"}
    result = grade(variant, {"classification": own, "scorecard": own_card, "service": solution(variant)["service"]})
    assert step(result, "classification").score == pytest.approx(4 * (len(right) - 1) / len(right))
    card = step(result, "scorecard")
    assert card.score == card.max and "按你第 1 步的分类结果" in card.feedback


def test_scorecard_fraction_and_swap_are_named():
    variant = CASE.textbook()
    card = solution(variant)["scorecard"]
    card["A"]["amount_share"] = card["A"]["amount_share"] / 100
    card["B"]["customer_share"], card["B"]["amount_share"] = card["B"]["amount_share"], card["B"]["customer_share"]
    answers = dict(solution(variant), scorecard=card)
    s = step(grade(variant, answers), "scorecard")
    assert "百分数" in s.feedback and "弄反" in s.feedback
    assert s.score == pytest.approx(4.5 - 3 * 0.5)


def test_service_choice():
    variant = CASE.textbook()
    right = solution(variant)["service"]
    wrong = next(k for k in "ABCD" if k != right)
    assert step(grade(variant, {"service": right.lower()}), "service").score == 1.5
    s = step(grade(variant, {"service": wrong}), "service")
    assert s.score == 0 and len(s.feedback) > 5
    assert "选项" in step(grade(variant, {"service": "Z"}), "service").feedback


def test_pareto_points():
    variant = CASE.generate(9)
    points = pareto_points(variant)
    assert points[0] == {"customer_share": 0.0, "amount_share": 0.0}
    assert points[-1] == {"customer_share": 1.0, "amount_share": 1.0}
    assert len(points) == len(variant.dataset) + 1
    xs = [p["customer_share"] for p in points]
    ys = [p["amount_share"] for p in points]
    assert xs == sorted(xs) and ys == sorted(ys)
    # Concave: the first fifth of customers holds more than a fifth of the amount.
    assert next(p["amount_share"] for p in points if p["customer_share"] >= 0.2) > 0.4
    assert pareto_points(get_case("ltv-npv").textbook()) == []
