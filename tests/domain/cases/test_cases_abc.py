"""Case 2 · ABC 客户分类: the stated rule, misconceptions, score card carried forward, Pareto points."""

import re

import pytest

from app.domain.cases import get_case, grade, pareto_points, solution
from app.domain.cases.abc_classification import (
    SERVICE_OPTIONS,
    by_customer_count,
    classify,
    final_classes,
    fits_class_a,
    misfits,
    scorecard,
)

CASE = get_case("abc-classification")


def step(result, step_id):
    return next(s for s in result.steps if s.id == step_id)


def tiny_variant(amounts, counts=None, intervals=None):
    counts = counts or [100] * len(amounts)
    intervals = intervals or [3] * len(amounts)
    data = [{"id": f"C{i:02d}", "name": f"客户{i}", "amount": a, "count": c, "interval_days": d}
            for i, (a, c, d) in enumerate(zip(amounts, counts, intervals), start=1)]
    params = {"thresholds": [0.7, 0.9], "n_customers": len(data), "min_count": 52, "max_interval_days": 7,
              "service_options": CASE.textbook().params["service_options"]}
    return CASE._make(1, params, data)


def test_rule_includes_the_customer_itself():
    # ch06's beverage example: cumulative shares 37.5, 68.75, 80, 87.5, 91.5 … (%), each
    # including the customer itself; 丙 (80 %) is B, not A.
    variant = tiny_variant([150, 125, 45, 30, 16, 12, 9, 6, 4, 3])
    assert solution(variant)["classification"] == {
        "C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C", "C07": "C", "C08": "C",
        "C09": "C", "C10": "C"}
    # Exactly 70 % and exactly 90 % still belong to A and B (≤).
    variant = tiny_variant([500, 200, 100, 100, 50, 50])
    assert solution(variant)["classification"] == {"C01": "A", "C02": "A", "C03": "B", "C04": "B", "C05": "C", "C06": "C"}


def test_ties_are_ranked_by_id():
    # C02 and C03 tie; C02 ranks first: cumulative 40, 70, 100 (%).
    variant = tiny_variant([40, 30, 30])
    assert solution(variant)["classification"] == {"C01": "A", "C02": "A", "C03": "C"}


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
    assert "≤70%" in variant.text_md and "≤90%" in variant.text_md and "含该客户自己" in variant.text_md
    assert "52 次" in variant.text_md and "7 天" in variant.text_md


@pytest.mark.parametrize(
    ("mistake", "phrase"),
    [
        ({"include_self": False}, "含它自己"),
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
    # A B customer that trades often enough for A, so that the move changes the final classes.
    first_b = next(r["id"] for r in order if right[r["id"]] == "B" and fits_class_a(r))
    own = dict(right, **{first_b: "A"})
    own_final = final_classes(variant.dataset, own)
    own_card = scorecard(variant.dataset, own_final)
    for cls in "ABC":
        own_card[cls]["amount_share"] = f"{own_card[cls]['amount_share']}%"
    own_misfits = "、".join(misfits(variant.dataset, own)) or "无"
    result = grade(variant, {"classification": own, "misfits": own_misfits, "scorecard": own_card,
                             "service": solution(variant)["service"]})
    assert step(result, "classification").score == pytest.approx(4 * (len(right) - 1) / len(right))
    assert step(result, "misfits").score == 1.5
    card = step(result, "scorecard")
    assert card.score == card.max and "按你第 1、2 步的分类结果" in card.feedback


def test_a_format_slip_costs_less_than_one_wrong_cell():
    variant = CASE.textbook()
    answers = solution(variant)
    cells = 15
    decimals = {cls: dict(row, customer_share=row["customer_share"] / 100, amount_share=row["amount_share"] / 100)
                for cls, row in answers["scorecard"].items()}
    slip = step(grade(variant, dict(answers, scorecard=decimals)), "scorecard")
    assert "百分数" in slip.feedback and "只扣一次" in slip.feedback
    wrong = {cls: dict(row) for cls, row in answers["scorecard"].items()}
    wrong["A"]["count"] += 5
    one_wrong = step(grade(variant, dict(answers, scorecard=wrong)), "scorecard")
    assert one_wrong.score == pytest.approx(5 * (cells - 1) / cells, abs=1e-3)
    # Six cells in decimal form lose half of one cell, less than one wrong cell.
    assert slip.score == pytest.approx(5 * (cells - 0.5) / cells, abs=1e-3)
    assert slip.score > one_wrong.score


def test_scorecard_swap_and_missing_move_are_named():
    variant = CASE.textbook()
    answers = solution(variant)
    card = {cls: dict(row) for cls, row in answers["scorecard"].items()}
    card["C"]["customer_share"], card["C"]["amount_share"] = card["C"]["amount_share"], card["C"]["customer_share"]
    s = step(grade(variant, dict(answers, scorecard=card)), "scorecard")
    assert "弄反" in s.feedback and s.score == pytest.approx(5 * 13 / 15, abs=1e-3)
    unmoved = scorecard(variant.dataset, solution(variant)["classification"])
    s = step(grade(variant, dict(answers, scorecard=unmoved)), "scorecard")
    assert "降为 B 类" in s.feedback and 0 < s.score < 5


def test_frequency_and_interval_are_graded():
    variant = CASE.textbook()
    answers = solution(variant)
    truth = misfits(variant.dataset, answers["classification"])
    assert truth and answers["misfits"] == "、".join(truth)
    rows = {r["id"]: r for r in variant.dataset}
    for row_id in truth:
        assert answers["classification"][row_id] == "A"
        assert rows[row_id]["count"] < 52 or rows[row_id]["interval_days"] > 7
    assert step(grade(variant, dict(answers, misfits=", ".join(x.lower() for x in truth))), "misfits").score == 1.5
    assert step(grade(variant, dict(answers, misfits=truth)), "misfits").score == 1.5
    none = step(grade(variant, dict(answers, misfits="无")), "misfits")
    assert none.score == 0 and "漏掉了" in none.feedback
    fitting_a = next(i for i, c in answers["classification"].items() if c == "A" and i not in truth)
    extra = step(grade(variant, dict(answers, misfits="、".join([*truth, fitting_a]))), "misfits")
    assert extra.score < 1.5 and f"{fitting_a} 年交易" in extra.feedback
    assert "无法识别" in step(grade(variant, dict(answers, misfits="C99")), "misfits").feedback
    assert step(grade(variant, dict(answers, misfits="")), "misfits").feedback == "未作答。"


def test_every_seeded_variant_has_a_misfit_and_the_rule_scores_full():
    for seed in [*range(25), "textbook"]:
        variant = CASE.textbook() if seed == "textbook" else CASE.generate(seed)
        answers = solution(variant)
        assert answers["misfits"] != "无"
        result = grade(variant, answers)
        assert result.score == result.max_score == 12


def test_textbook_variant_is_labelled_example_data():
    assert "示例数据" in CASE.textbook().text_md
    assert "示例数据" not in CASE.generate(3).text_md


def test_right_service_option_is_not_the_longest():
    lengths = {key: len(text) for key, text in SERVICE_OPTIONS.items()}
    assert lengths["right"] < max(lengths.values())
    assert max(lengths.values()) - min(lengths.values()) <= 0.1 * max(lengths.values())


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
