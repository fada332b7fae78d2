"""The Excel template (written and read back, hand-made sheets with bad rows) and Moodle's Aiken format."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.interop import IMPORTERS, import_questions, parse_aiken, parse_xlsx, xlsx_template
from app.domain.interop.teacher import blank_answers, choice_keys, difficulty, true_false, type_from_name
from app.domain.interop.xlsx import TEMPLATE_EXAMPLES, TEMPLATE_HEADERS
from app.domain.questions import QUESTION_TYPES, validate_question


def valid(questions: list[dict]) -> list[dict]:
    """Assert every question is a valid bank question once an id is added; return them."""
    for question in questions:
        assert "id" not in question
        data = {key: value for key, value in question.items() if key != "chapter"}
        validation = validate_question({**data, "id": "test-q"})
        assert validation.spec is not None, (question, validation.message)
    return questions


def sheet(*rows: list) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the template


def test_template_has_the_headers_an_example_per_type_and_a_notes_sheet():
    workbook = load_workbook(io.BytesIO(xlsx_template()))
    assert workbook.sheetnames == ["题目", "说明"]
    questions = workbook["题目"]
    header = [cell.value for cell in questions[1]]
    assert header == ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                      "答案", "解析", "分值", "难度", "章节", "标签"]
    assert tuple(header) == TEMPLATE_HEADERS
    assert questions.freeze_panes == "A2"
    assert questions.column_dimensions["B"].width >= 40
    assert [row[0] for row in questions.iter_rows(min_row=2, values_only=True)] == [
        "单选题", "多选题", "判断题", "填空题", "简答题", "排序题", "匹配题", "计算题"]
    notes = [row[0] for row in workbook["说明"].iter_rows(min_row=2, values_only=True) if row and row[0]]
    for column in ("题型", "题干", "答案", "解析", "分值", "难度", "章节", "标签"):
        assert column in notes


def test_template_round_trips_to_one_question_of_every_type():
    result = parse_xlsx(xlsx_template())
    assert (result.errors, result.skipped, result.warnings) == ([], [], [])
    questions = valid(result.questions)
    assert sorted(q["type"] for q in questions) == sorted(QUESTION_TYPES)
    assert len(questions) == len(TEMPLATE_EXAMPLES)
    by_type = {q["type"]: q for q in questions}
    assert by_type["single"]["answer"] == "B" and by_type["single"]["chapter"] == "ch05-customer-value"
    assert by_type["multiple"]["answer"] == ["A", "B", "D"]
    assert by_type["true_false"]["answer"] is False
    assert by_type["fill_blank"]["answer"] == [["消费频率", "购买频率"], ["消费金额", "购买金额"]]
    assert by_type["ordering"]["answer"] == ["B", "A", "C", "D"]
    assert by_type["matching"]["answer"]["pairs"]["低价值的客户"] == "控制服务成本"
    assert by_type["matching"]["distractors"] == ["立即终止合作"]
    assert (by_type["numeric"]["answer"], by_type["numeric"]["unit"]) == (10000, "元")
    assert by_type["essay"]["rubric"].startswith("答出以下任意三点即可")
    assert by_type["multiple"]["tags"] == ["分析型CRM", "数据挖掘"]
    assert [q["difficulty"] for q in questions] == [3, 3, 1, 2, 5, 3, 4, 1]
    assert by_type["essay"]["points"] == 6


def test_is_registered_as_xlsx():
    assert IMPORTERS["xlsx"] is parse_xlsx
    result = import_questions(xlsx_template(), "xlsx", default_chapter="ch01-crm-overview")
    assert {q["chapter"] for q in result.questions} == {"ch05-customer-value", "ch01-crm-overview"}


# ---------------------------------------------------------------- hand-made sheets


def test_english_headers_short_type_names_and_number_cells():
    data = sheet(
        ["Type", "Stem", "Option A", "Option B", "Option C", "Answer", "Points", "Difficulty", "Chapter", "Tags"],
        ["单选", "客户细分的依据可以是（  ）。", "地域", "价值", "颜色", "B", 2.0, 4, "ch06-segmentation", "细分;价值"],
        ["多选", "属于客户价值的有（  ）。", "当前价值", "潜在价值", "外观", "A B", 3, "较易", None, None],
        ["判断", "客户越多越好。", None, None, None, "×", None, None, None, None],
        ["single", "English type name（  ）", "a", "b", None, "a", None, None, None, None],
        [None, None, None, None, None, None, None, None, None, None],
        ["判断题", "Excel 的布尔值也可以作答案。", None, None, None, True, None, None, None, None],
    )
    result = parse_xlsx(data)
    assert result.skipped == [] and result.errors == []
    questions = valid(result.questions)
    assert [(q["type"], q["answer"]) for q in questions] == [
        ("single", "B"), ("multiple", ["A", "B"]), ("true_false", False), ("single", "A"), ("true_false", True)]
    first = questions[0]
    assert (first["points"], first["difficulty"], first["chapter"], first["tags"]) == (
        2, 4, "ch06-segmentation", ["细分", "价值"])
    assert questions[1]["difficulty"] == 2 and questions[1]["chapter"] is None


def test_a_title_row_above_other_platforms_headers():
    data = sheet(
        ["《客户关系管理》题库"],
        ["题目类型（必填）", "试题内容", "A", "B", "C选项", "正确答案(必填)", "答案解析", "难易程度", "知识点"],
        ["单选题", "客户细分的依据可以是（  ）。", "地域", "价值", "颜色", "B", "价值是常用依据。", "中", "细分"],
        ["判断题", "客户越多越好。", "", "", "", "错", "", "", ""],
    )
    result = parse_xlsx(data)
    assert result.skipped == [] and result.errors == []
    assert [(q["type"], q.get("options"), q["answer"]) for q in valid(result.questions)] == [
        ("single", {"A": "地域", "B": "价值", "C": "颜色"}, "B"), ("true_false", None, False)]
    assert result.questions[0]["explanation"] == "价值是常用依据。"


def test_bad_rows_report_their_row_numbers():
    data = sheet(
        TEMPLATE_HEADERS,                                                           # row 1
        ["单选题", "没有答案（  ）", "a", "b", "", "", "", "", "", "", "", "", "", ""],  # row 2
        ["问答题", "好题", "", "", "", "", "", "", "参考答案", "", "", "", "", ""],      # row 3 (an essay)
        ["奇怪题型", "题干", "", "", "", "", "", "", "A", "", "", "", "", ""],          # row 4
        ["多选题", "答案不在选项中", "a", "b", "", "", "", "", "AC", "", "", "", "", ""],  # row 5
        [None] * 14,                                                                 # row 6: empty
        ["判断题", "对错写错了", "", "", "", "", "", "", "可能", "", "", "", "", ""],     # row 7
        ["单选题", "选项跳了一格", "a", "", "c", "", "", "", "A", "", "", "", "", ""],    # row 8
        ["填空题", "没有空的填空题", "", "", "", "", "", "", "甲", "", "", "", "", ""],    # row 9
        ["", "", "", "", "", "", "", "", "B", "", "", "", "", ""],                   # row 10: no stem
        ["单选题", "难度写错", "a", "b", "", "", "", "", "A", "", "0", "很高", "", ""],   # row 11
    )
    result = parse_xlsx(data)
    assert [(s.where, s.line) for s in result.skipped] == [
        ("第 2 行", 2), ("第 4 行", 4), ("第 5 行", 5), ("第 7 行", 7), ("第 8 行", 8), ("第 9 行", 9),
        ("第 10 行", 10)]
    reasons = {s.line: s.reason for s in result.skipped}
    assert "缺少答案" in reasons[2] and "奇怪题型" in reasons[4] and "C" in reasons[5]
    assert "可能" in reasons[7] and "A、C" in reasons[8] and "没有空" in reasons[9] and "题干为空" in reasons[10]
    questions = valid(result.questions)
    assert [(q["type"], q["stem"]) for q in questions] == [("essay", "好题"), ("single", "难度写错")]
    assert {w.line for w in result.warnings if w.line} == {11}  # bad points and difficulty: warnings


@pytest.mark.parametrize("data, message", [
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
    (b"plain text", "无法读取 Excel 文件"),
])
def test_unreadable_workbooks_are_errors(data, message):
    result = parse_xlsx(data)
    assert result.questions == [] and message in result.errors[0].reason


def test_a_sheet_without_a_stem_column_is_an_error():
    result = parse_xlsx(sheet(["姓名", "学号"], ["张三", "2024001"]))
    assert "题干" in result.errors[0].reason


# ---------------------------------------------------------------- Aiken

AIKEN = """客户终生价值衡量的是什么？
A. 客户最近一年的消费额
B. 客户在整个关系期内带来的利润的现值
C. 客户的满意度
ANSWER: B

Which CRM type analyses customer data?
A) Operational CRM
B) Analytical CRM
C) Collaborative CRM
D) Social CRM
ANSWER: B
"""


def test_aiken_imports_single_choice_questions():
    assert IMPORTERS["aiken"] is parse_aiken
    result = import_questions(AIKEN.encode("utf-8"), "aiken", default_chapter="ch05-customer-value")
    assert result.errors == [] and result.skipped == []
    questions = valid(result.questions)
    assert [(q["type"], q["stem"], q["answer"], q["chapter"]) for q in questions] == [
        ("single", "客户终生价值衡量的是什么？", "B", "ch05-customer-value"),
        ("single", "Which CRM type analyses customer data?", "B", "ch05-customer-value"),
    ]
    assert questions[0]["options"] == {"A": "客户最近一年的消费额", "B": "客户在整个关系期内带来的利润的现值",
                                       "C": "客户的满意度"}
    assert questions[1]["options"]["D"] == "Social CRM"


def test_aiken_bad_blocks_are_reported_with_their_line():
    text = (
        "Good one?\nA. yes\nB. no\nANSWER: A\n\n"          # lines 1-4
        "Two keys?\nA. x\nB. y\nANSWER: AB\n\n"            # lines 6-9
        "Key not an option?\nA. x\nB. y\nANSWER: D\n\n"    # lines 11-14
        "No options\nANSWER: A\n\n"                        # lines 16-17
        "Letters out of order\nA. x\nC. y\nANSWER: A\n\n"  # lines 19-22
        "Never answered\nA. x\nB. y\n"                     # lines 24-26
    )
    result = parse_aiken(text)
    assert [q["stem"] for q in valid(result.questions)] == ["Good one?"]
    assert [(s.where, s.line) for s in result.skipped] == [
        ("第 6 行", 6), ("第 11 行", 11), ("第 16 行", 16), ("第 19 行", 19), ("第 24 行", 24)]
    assert "ANSWER" in result.skipped[-1].reason


def test_aiken_empty_file_is_an_error():
    assert parse_aiken(b"  \n").errors


# ---------------------------------------------------------------- the shared answer words


def test_answer_words_have_one_home():
    assert [choice_keys(text) for text in ("B", "ABD", "A、C、D", "A B C", "abd", "Ａ，Ｃ", "对", "")] == [
        ["B"], ["A", "B", "D"], ["A", "C", "D"], ["A", "B", "C"], ["A", "B", "D"], ["A", "C"], None, None]
    assert [true_false(text) for text in ("对", "错", "正确", "错误", "√", "×", "T", "F", "true", "B")] == [
        True, False, True, False, True, False, True, False, True, None]
    assert blank_answers("甲；乙|丙;丁") == [["甲"], ["乙", "丙"], ["丁"]]
    assert blank_answers("第一空：北京；第二空：上海") == [["北京"], ["上海"]]
    assert [difficulty(v) for v in ("易", "较易", "中", "较难", "难", "1", 5, 3.0, "6", "很高")] == [
        1, 2, 3, 4, 5, 1, 5, 3, None, None]
    assert [type_from_name(name) for name in ("单选题", "单项选择题", "多选", "判断题", "填空题", "简答题",
                                               "排序题", "匹配题", "计算题", "论述题", "【单选题】", "选择题")] == [
        "single", "single", "multiple", "true_false", "fill_blank", "essay", "ordering", "matching",
        "numeric", "essay", "single", "choice"]
