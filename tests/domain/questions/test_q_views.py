"""Student views never leak the key; shuffles keep original ids; answer views show the key."""

import json
import random

import pytest

from app.domain.questions import answer_view, grade, shuffle, student_view
from q_samples import ALL, ESSAY, FILL_BLANK, MATCHING, MULTIPLE, NUMERIC, ORDERING, SINGLE, TRUE_FALSE, with_

SECRET_KEYS = {"answer", "explanation", "tolerance", "tolerance_pct", "rubric", "scoring", "distractors"}


@pytest.mark.parametrize("question", ALL, ids=lambda q: q["type"])
@pytest.mark.parametrize("rng", [None, random.Random(7)])
def test_student_view_has_no_key(question, rng):
    view = student_view(question, rng=rng)
    assert {"id", "type", "stem", "points", "options"} <= set(view)
    assert not SECRET_KEYS & set(view)
    text = json.dumps(view, ensure_ascii=False)
    assert "ltv-formula" not in text  # the explanation
    assert "降低成本" not in text  # the rubric


def test_type_specific_view_fields():
    assert student_view(SINGLE)["options"] == [
        {"id": key, "text": text} for key, text in SINGLE["options"].items()
    ]
    assert student_view(NUMERIC)["unit"] == "元"
    assert student_view(FILL_BLANK)["blanks"] == 2
    assert [o["id"] for o in student_view(TRUE_FALSE)["options"]] == ["true", "false"]
    ordering = student_view(ORDERING)
    assert ordering["items"] == ordering["options"]
    matching = student_view(MATCHING)
    assert matching["left"] == ["R", "F", "M", "NPS"]
    assert matching["choices"] == sorted(["最近一次消费", "消费频率", "消费金额", "净推荐值", "客户满意度"])


def test_ordering_items_are_never_shown_in_the_answer_order():
    in_order = with_(ORDERING, answer=["A", "B", "C", "D"])
    ids = [item["id"] for item in student_view(in_order)["items"]]
    assert sorted(ids) == ["A", "B", "C", "D"]
    assert ids != ["A", "B", "C", "D"]
    for seed in range(30):
        assert shuffle(in_order, random.Random(seed))["options"] != ["A", "B", "C", "D"]


@pytest.mark.parametrize("question", [SINGLE, MULTIPLE, ORDERING, MATCHING], ids=lambda q: q["type"])
def test_shuffle_is_deterministic_and_keeps_original_ids(question):
    order = shuffle(question, random.Random(42))
    assert order == shuffle(question, random.Random(42))
    view = student_view(question, order=order)
    if question["type"] == "matching":
        assert view["left"] == order["left"]
        assert view["choices"] == order["choices"]
    else:
        assert [option["id"] for option in view["options"]] == order["options"]
        assert sorted(order["options"]) == sorted(question["options"])


def test_some_seed_changes_the_option_order():
    orders = {tuple(shuffle(MULTIPLE, random.Random(seed))["options"]) for seed in range(20)}
    assert len(orders) > 1


def test_grading_needs_no_remapping_after_a_shuffle():
    shuffle(SINGLE, random.Random(3))
    assert grade(SINGLE, "B").correct


def test_a_stale_order_is_ignored():
    stale = {"options": ["A", "B", "Z"]}
    assert [o["id"] for o in student_view(SINGLE, order=stale)["options"]] == ["A", "B", "C", "D"]
    assert "options" in student_view(SINGLE, order={"options": "garbage"})


def test_answer_views():
    assert answer_view(SINGLE) | {} == {
        "id": "t-single", "type": "single", "answer": "B", "display": "B. 乙",
        "explanation": "见 ltv-formula 一节",
    }  # fmt: skip
    assert answer_view(MULTIPLE)["answer"] == ["A", "B", "D"]
    assert answer_view(TRUE_FALSE)["display"] == "错误"
    assert answer_view(ORDERING)["display"] == "B. 立项 → A. 需求分析 → D. 选型 → C. 上线"
    assert answer_view(NUMERIC)["display"] == "26000 元（允许误差 ±100）"
    assert answer_view(with_(NUMERIC, tolerance=None, tolerance_pct=5))["tolerance"] == 1300
    assert answer_view(FILL_BLANK)["display"] == "第 1 空：运营型 / 操作型；第 2 空：分析型"
    assert answer_view(MATCHING)["answer"] == MATCHING["answer"]["pairs"]
    assert answer_view(ESSAY)["rubric"] == ["降低成本", "口碑传播"]


def test_views_of_invalid_questions_report_the_problem():
    broken = with_(SINGLE, options=None)
    assert "缺少字段 options" in student_view(broken)["error"]
    assert "error" in answer_view(broken)
    assert shuffle(broken, random.Random(1)) == {}
