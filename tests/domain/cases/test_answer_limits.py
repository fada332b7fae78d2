"""Case answers are checked against the variant's own steps before they are stored."""

import pytest

from app.domain.cases import CASES, Step, Variant, make_variant, solution
from app.domain.cases.limits import MAX_ANSWERS_BYTES, MAX_CELL, answer_problems, answers_problem_text


@pytest.mark.parametrize("case_id", list(CASES))
@pytest.mark.parametrize("seed", [1, 7, "textbook"])
def test_every_model_solution_is_a_storable_answer(case_id, seed):
    variant, _ = make_variant(case_id, seed)
    assert answer_problems(variant, solution(variant)) == {}
    assert answer_problems(variant, {}) == {} and answer_problems(variant, None) == {}


def _customer_value():
    variant, _ = make_variant("customer-value", 3)
    return variant


@pytest.mark.parametrize("answers, step_id, words", [
    ({"nope": 1}, "", "没有这个步骤：nope"),
    ([1, 2], "", "应为 {步骤编号: 值}"),
    ({"lifetime_value": "9" * (MAX_CELL + 1)}, "lifetime_value", "第 1 步的答案无效"),
    ({"lifetime_value": {"a": 1}}, "lifetime_value", "应为数字或文字"),
    ({"lifetime_value": [1, 2]}, "lifetime_value", "应为数字或文字"),
    ({"lifetime_value": float("nan")}, "lifetime_value", "NaN"),
    ({"lifetime_value": 10 ** 200}, "lifetime_value", "数字太长"),
    ({"dynamic_table": {"X99": {"customers": 1}}}, "dynamic_table", "没有行编号「X99」"),
    ({"dynamic_table": {"satisfied": {"bogus": 1}}}, "dynamic_table", "没有列「bogus」"),
    ({"dynamic_table": {"satisfied": 5}}, "dynamic_table", "应为 {列名: 值}"),
    ({"dynamic_table": {"satisfied": {"customers": "x" * 101}}}, "dynamic_table", "内容太长"),
    ({"dynamic_table": {"satisfied": {"customers": [1]}}}, "dynamic_table", "应为数字或文字"),
    ({"dynamic_table": {"satisfied": {}, " SATISFIED ": {}}}, "dynamic_table", "重复出现"),
    ({"dynamic_table": "26000"}, "dynamic_table", "应为 {行编号: 值}"),
])
def test_anything_outside_the_step_shapes_is_named(answers, step_id, words):
    problems = answer_problems(_customer_value(), answers)
    assert step_id in problems and words in problems[step_id]
    assert words in answers_problem_text(_customer_value(), answers)


def test_ranking_and_text_steps_have_their_own_caps():
    variant, _ = make_variant("high-value-scorecard", 2)
    ids = variant.step("ranking").row_ids
    assert answer_problems(variant, {"ranking": ids}) == {}
    assert answer_problems(variant, {"ranking": " > ".join(ids)}) == {}
    assert "排序最多" in answer_problems(variant, {"ranking": ids * 50})["ranking"]
    assert "应为编号" in answer_problems(variant, {"ranking": [{"id": 1}]})["ranking"]


def test_the_whole_object_is_capped_in_size():
    rows = tuple((f"R{i}", f"R{i}") for i in range(1000))
    step = Step(id="big", prompt="", kind="classification", points=1, rows=rows, columns=(("label", "label"),))
    variant = Variant(case_id="x", seed=1, params={}, text_md="", dataset=None, steps=(step,))
    small = {"big": {row: "A" * 50 for row, _ in rows}}  # about 58 KB
    large = {"big": {row: "A" * 70 for row, _ in rows}}  # about 78 KB, every cell within its cap
    assert answer_problems(variant, small) == {}
    assert answer_problems(variant, large) == {"": f"案例题的答案太大（最多 {MAX_ANSWERS_BYTES // 1024} KB）。"}
