"""validate_question: strict models, Chinese messages naming the key, every rule reported."""

import pytest

from app.domain.questions import QUESTION_TYPES, validate_question
from q_samples import ALL, ESSAY, FILL_BLANK, MATCHING, MULTIPLE, NUMERIC, ORDERING, SINGLE, TRUE_FALSE, with_


def messages(data):
    validation = validate_question(data)
    assert not validation.ok
    return [issue.message for issue in validation.issues]


def test_samples_are_valid():
    for question in ALL:
        assert validate_question(question).ok, question["id"]


@pytest.mark.parametrize(
    ("question", "loc", "expected"),
    [
        (with_(SINGLE, anwser="B"), ("anwser",), "未知字段 anwser，是否想写 answer？"),
        (with_(SINGLE, tolerance=1), ("tolerance",), "题型 single 不使用字段 tolerance"),
        (with_(ESSAY, answer="x"), ("answer",), "题型 essay 不使用字段 answer"),
        (with_(SINGLE, type="singel"), ("type",), "未知题型 'singel'，是否想写 single？"),
        (with_(SINGLE, stem=None), (), "缺少字段 stem"),
        (with_(SINGLE, stem="  "), ("stem",), "stem：不能为空"),
        (with_(SINGLE, answer=None), (), "缺少字段 answer"),
        (with_(SINGLE, answer="E"), ("answer",), "answer 中的 'E' 不在 options 中（可选：A、B、C、D）"),
        (with_(SINGLE, options={"A": "同", "B": "同"}, answer="A"), ("options", "B"), "选项 B 与选项 A 的文本重复"),
        (with_(SINGLE, options={"A": "甲"}, answer="A"), ("options",), "至少需要 2 个选项"),
        (with_(SINGLE, options={1: "甲", 2: "乙"}, answer="A"), ("options",), "选项键 1 无效"),
        (with_(SINGLE, options={"A": True, "B": "乙"}), ("options",), "请加引号"),
        (with_(MULTIPLE, answer=["A", "A"]), ("answer",), "answer 中选项 A 重复"),
        (with_(MULTIPLE, answer=[]), ("answer",), "answer 不能为空列表"),
        (with_(MULTIPLE, scoring="some"), ("scoring",), "应为 partial 或 all_or_nothing"),
        (with_(TRUE_FALSE, answer="对"), ("answer",), "应为 true 或 false"),
        (with_(ORDERING, answer=["A", "B", "C"]), ("answer",), "缺少 D"),
        (with_(ORDERING, answer=["A", "A", "B", "C", "D"]), ("answer",), "A 重复"),
        (with_(NUMERIC, answer="26,000"), ("answer",), "应为数字，实际是文本"),
        (with_(NUMERIC, tolerance=-1), ("tolerance",), "不能为负数"),
        (with_(NUMERIC, tolerance_pct=5), ("tolerance_pct",), "tolerance 与 tolerance_pct 只能写一个"),
        (with_(FILL_BLANK, answer=[["运营型"]]), ("answer",), "answer 有 1 组答案，但 stem 中有 2 个空"),
        (with_(FILL_BLANK, answer=["运营型", "分析型"]), ("answer",), "第 1 空应为可接受答案的列表"),
        (with_(FILL_BLANK, stem="没有空"), ("stem",), "stem 中没有空"),
        (with_(MATCHING, answer={"pairs": {"R": "甲", "R ": "乙"}}), ("answer", "pairs", "R "), "配对左项 'R ' 与 'R' 重复"),
        (with_(MATCHING, answer={"R": "甲"}), ("answer",), "只能包含 pairs"),
        (with_(MATCHING, distractors=["消费频率"]), ("distractors", 0), "干扰项 '消费频率' 同时是正确的右项"),
        (with_(SINGLE, difficulty=0), ("difficulty",), "应为 1 到 5 的整数"),
        (with_(SINGLE, difficulty=6), ("difficulty",), "应为 1 到 5 的整数"),
        (with_(SINGLE, difficulty=True), ("difficulty",), "应为 1 到 5 的整数"),
        (with_(SINGLE, points=0), ("points",), "应为正数"),
        (with_(SINGLE, points="2"), ("points",), "应为数字"),
        (with_(SINGLE, points=10**400), ("points",), "数值过大"),
        (with_(NUMERIC, answer=1e308), ("answer",), "answer 超出范围"),
        (with_(SINGLE, id=12), ("id",), "应为文本"),
        (with_(SINGLE, id="含 空格"), ("id",), "无效"),
        (with_(SINGLE, tags="客户"), ("tags",), "应为列表"),
        (with_(ESSAY, rubric=None), (), "缺少字段 rubric"),
        (with_(ESSAY, rubric=[]), ("rubric",), "不能为空列表"),
    ],
)
def test_problem_messages(question, loc, expected):
    validation = validate_question(question)
    assert not validation.ok
    assert any(issue.loc == loc and expected in issue.message for issue in validation.issues), validation.issues


def test_huge_integer_option_text():
    found = messages(with_(SINGLE, options={"A": 10**5000, "B": "乙"}))
    assert found == ["options：选项 A 应为文本，实际是过大的数字"]


def test_every_problem_of_a_question_is_reported_together():
    found = messages(with_(SINGLE, anwser="B", answer="E", difficulty=9, points=-1))
    assert len(found) == 3  # anwser, difficulty, points: the answer rule needs valid fields first
    found = messages(with_(SINGLE, anwser="B", answer="E"))
    assert any("anwser" in m for m in found)
    assert any("'E' 不在 options 中" in m for m in found)


def test_unknown_type_also_checks_unknown_keys():
    found = messages({"id": "x", "type": "esay", "anwser": 1})
    assert found[0].startswith("未知题型 'esay'，是否想写 essay？")
    assert "未知字段 anwser，是否想写 answer？" in found


@pytest.mark.parametrize("data", [None, [], "single", 3, {"type": None}, {}])
def test_non_questions(data):
    assert messages(data)


def test_numbers_written_without_quotes_are_text():
    question = with_(SINGLE, options={"A": 26000, "B": 2.5}, answer="A")
    validation = validate_question(question)
    assert validation.ok
    assert validation.spec.options == {"A": "26000", "B": "2.5"}


def test_each_type_accepts_only_its_keys():
    assert QUESTION_TYPES["single"].keys == {
        "id", "type", "difficulty", "tags", "points", "section", "stem", "explanation", "use", "options", "answer",
    }  # fmt: skip
    assert "rubric" in QUESTION_TYPES["essay"].keys
    assert "answer" not in QUESTION_TYPES["essay"].keys
