"""Grading each type: right, wrong, partial credit arithmetic, unanswered and malformed."""

import pytest

from app.domain.questions import grade
from q_samples import ESSAY, FILL_BLANK, MATCHING, MULTIPLE, NUMERIC, ORDERING, SINGLE, TRUE_FALSE, with_


def score(question, response):
    result = grade(question, response)
    assert result.error is None, result.error
    return result.score


def test_single_exact():
    assert grade(SINGLE, "B").score == 2
    assert grade(SINGLE, "B").correct
    assert grade(SINGLE, " b ").score == 2  # case and spaces from form posts
    wrong = grade(SINGLE, "A")
    assert (wrong.score, wrong.correct, wrong.error) == (0, False, None)
    assert wrong.feedback == "回答错误。"


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (["A", "B", "D"], 3.0),  # all right
        (["A", "B"], 2.0),  # 2/3 of 3 points
        (["A"], 1.0),
        (["A", "B", "C"], 1.0),  # 2 right − 1 wrong = 1/3
        (["A", "C"], 0.0),  # 1 − 1
        (["C", "E"], 0.0),  # floored at 0, never negative
        (["A", "B", "C", "D", "E"], 1.0),  # 3 − 2
    ],
)
def test_multiple_partial_arithmetic(response, expected):
    assert score(MULTIPLE, response) == pytest.approx(expected)


def test_multiple_all_or_nothing():
    question = with_(MULTIPLE, scoring="all_or_nothing")
    assert score(question, ["D", "B", "A"]) == 3
    assert score(question, ["A", "B"]) == 0


def test_true_false_accepts_bool_and_form_strings():
    assert score(TRUE_FALSE, False) == 1
    assert score(TRUE_FALSE, "false") == 1
    assert score(TRUE_FALSE, "错") == 1
    assert score(TRUE_FALSE, True) == 0


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (["B", "A", "D", "C"], 4.0),
        (["A", "B", "D", "C"], 3.0),  # B·D·C in order: 3/4 of 4 points
        (["C", "D", "A", "B"], 1.0),  # reversed: only single items are "in order"
        (["B", "C", "A", "D"], 3.0),  # B·A·D
    ],
)
def test_ordering_partial_by_longest_ordered_subsequence(response, expected):
    assert score(ORDERING, response) == pytest.approx(expected)


def test_ordering_all_or_nothing_is_the_default():
    question = with_(ORDERING, scoring=None)
    assert score(question, ["B", "A", "D", "C"]) == 4
    assert score(question, ["A", "B", "D", "C"]) == 0


@pytest.mark.parametrize("response", [26000, 25900, 26100.0, "26,000", "2.6万", "26000元", "２６０５０"])
def test_numeric_within_tolerance(response):
    assert score(NUMERIC, response) == 1


@pytest.mark.parametrize("response", [25899, "26101", "2.7万", -26000])
def test_numeric_outside_tolerance(response):
    assert score(NUMERIC, response) == 0


def test_numeric_percentage_tolerance():
    question = with_(NUMERIC, tolerance=None, tolerance_pct=1)
    assert score(question, 26260) == 1
    assert score(question, 25740) == 1
    assert score(question, 26261) == 0


def test_numeric_zero_tolerance_is_exact_but_ignores_float_noise():
    question = with_(NUMERIC, answer=0.3, tolerance=None, unit="%")
    assert score(question, 0.1 + 0.2) == 1
    assert score(question, "0.3%") == 1
    assert score(question, 0.31) == 0


def test_fill_blank_per_blank_credit_and_lenient_comparison():
    assert score(FILL_BLANK, ["操作型", "分析型"]) == 2
    assert score(FILL_BLANK, [" 运营型 ", "分析型"]) == 2
    assert score(FILL_BLANK, ["运营型", "协作型"]) == 1
    assert score(FILL_BLANK, ["协作型", "协作型"]) == 0
    latin = with_(FILL_BLANK, stem="____ 分析", answer=[["RFM"]], points=1)
    assert score(latin, ["ｒｆｍ"]) == 1


def test_matching_per_pair_credit():
    right = dict(MATCHING["answer"]["pairs"])
    assert score(MATCHING, right) == 4
    assert score(MATCHING, {**right, "R": "消费频率", "F": "最近一次消费"}) == 2
    assert score(MATCHING, {"NPS": "净推荐值"}) == 1  # unanswered pairs earn nothing
    assert score(MATCHING, {**right, "M": "客户满意度"}) == 3  # a distractor is a valid choice


def test_essay_waits_for_manual_grading():
    result = grade(ESSAY, "客户忠诚可以降低成本……")
    assert (result.score, result.max_score, result.needs_manual, result.correct) == (0, 10, True, False)
    blank = grade(ESSAY, "   ")
    assert not blank.needs_manual
    assert blank.feedback == "未作答。"


@pytest.mark.parametrize(
    ("question", "response"),
    [(SINGLE, ""), (MULTIPLE, []), (ORDERING, []), (NUMERIC, " "), (FILL_BLANK, ["", None]), (MATCHING, {})],
)
def test_empty_responses_are_unanswered_not_errors(question, response):
    result = grade(question, response)
    assert (result.score, result.error, result.feedback) == (0, None, "未作答。")
    assert grade(question, None).feedback == "未作答。"


@pytest.mark.parametrize(
    ("question", "response", "fragment"),
    [
        (SINGLE, 1, "应为一个选项字母"),
        (SINGLE, "Z", "未知选项 'Z'"),
        (SINGLE, ["B"], "应为一个选项字母"),
        (MULTIPLE, "A", "应为选项字母的列表"),
        (MULTIPLE, ["A", "A"], "选项 A 重复"),
        (MULTIPLE, ["A", "Q"], "未知选项 'Q'"),
        (TRUE_FALSE, "maybe", "应为 true 或 false"),
        (TRUE_FALSE, 0, "应为 true 或 false"),
        (ORDERING, ["B", "A", "D"], "应包含全部 4 项"),
        (ORDERING, ["B", "A", "D", "D"], "应包含全部 4 项"),
        (NUMERIC, "很多", "无法识别的数字"),
        (NUMERIC, True, "应为数字"),
        (NUMERIC, [26000], "应为数字"),
        (FILL_BLANK, "运营型", "应为每空一个答案的列表"),
        (FILL_BLANK, ["运营型"], "应有 2 个答案"),
        (FILL_BLANK, ["运营型", {"x": 1}], "第 2 空应为文本"),
        (MATCHING, ["R"], "应为"),
        (MATCHING, {"X": "消费频率"}, "未知的左项 'X'"),
        (MATCHING, {"R": "不存在的右项"}, "不是可选的右项"),
        (MATCHING, {"R": 3}, "应为文本"),
        (ESSAY, 42, "应为文本"),
    ],
)
def test_wrong_shapes_score_zero_with_a_message(question, response, fragment):
    result = grade(question, response)
    assert result.score == 0
    assert not result.correct
    assert fragment in result.error
    assert result.feedback.startswith("答案格式不正确：")


def test_huge_integers_are_wrong_shapes_not_crashes():
    huge = 10**5000  # str() of it raises ValueError in Python 3.11+
    assert "第 1 空的数字过大" in grade(FILL_BLANK, [huge, "分析型"]).error
    assert "过大的数字" in grade(SINGLE, huge).error
    assert "数值超出范围" in grade(NUMERIC, huge).error


def test_invalid_question_data_is_reported_not_raised():
    result = grade(with_(SINGLE, answer="Z"), "B")
    assert result.score == 0
    assert result.max_score == 2
    assert "题目数据无效" in result.error
    assert "'Z' 不在 options 中" in result.error
    assert "题目数据无效" in grade("not a question", "B").error
