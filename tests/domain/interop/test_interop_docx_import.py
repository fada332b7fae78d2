"""Reading Word test papers: each layout Chinese teachers type, built here with python-docx."""

from __future__ import annotations

import io

import docx
import pytest

from app.domain.interop import IMPORTERS, import_questions, parse_docx
from app.domain.questions import validate_question


def paper(*paragraphs: str | list | tuple) -> bytes:
    """A .docx whose body paragraphs are ``paragraphs``.

    A list is one paragraph of runs: a plain string is a run, ``("u", "    ")`` an underlined run
    (a blank typed by underlining spaces), ``("br",)`` a soft line break (Shift+Enter). A tuple
    ``("list", text)`` is a paragraph numbered by Word's automatic list numbering, ``("table", rows)``
    a table.
    """
    document = docx.Document()
    for item in paragraphs:
        if isinstance(item, tuple) and item[0] == "list":  # numbered by Word, the number is not typed
            document.add_paragraph(item[1], style="List Number")
            continue
        if isinstance(item, tuple) and item[0] == "table":  # ("table", [[cell, …], …])
            grid = item[1]
            table = document.add_table(rows=len(grid), cols=len(grid[0]))
            for row, values in zip(table.rows, grid):
                for cell, value in zip(row.cells, values):
                    cell.text = value
            continue
        paragraph = document.add_paragraph()
        for run in ([item] if isinstance(item, str) else item):
            if isinstance(run, str):
                paragraph.add_run(run)
            elif run[0] == "u":
                paragraph.add_run(run[1]).underline = True
            else:
                paragraph.add_run().add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(*paragraphs, **kwargs):
    """Parse a paper; every question must be a valid bank question once the import flow adds an id."""
    result = parse_docx(paper(*paragraphs), **kwargs)
    assert result.errors == [], result.errors
    for question in result.questions:
        assert "id" not in question
        data = {key: value for key, value in question.items() if key != "chapter"}
        validation = validate_question({**data, "id": "test-q"})
        assert validation.spec is not None, (question, validation.message)
    return result


def essentials(question: dict) -> dict:
    """Type, stem, options and key of a question (what the tests compare exactly)."""
    keys = ("type", "stem", "options", "answer", "rubric")
    return {key: question[key] for key in keys if key in question}


# ---------------------------------------------------------------- layouts


def test_is_registered_as_docx():
    assert IMPORTERS["docx"] is parse_docx
    result = import_questions(paper("一、单选题", "1．题干（  ）", "A．甲　B．乙", "答案：B"), "docx",
                              default_chapter="ch05-customer-value")
    assert result.questions[0]["chapter"] == "ch05-customer-value"


def test_section_headings_with_inline_options():
    result = read(
        "2025—2026 学年第一学期《客户关系管理》期末试卷（A 卷）",
        "班级：________　姓名：________　学号：________",
        "一、单项选择题（每小题 2 分，共 4 分）",
        "1．客户终生价值衡量的是（  ）。",
        "A．客户最近一年的消费额　　B．整个关系期内利润的现值　　C．客户的满意度　　D．推荐新客户的次数",
        "答案：B",
        "2．CRM 的核心理念是（  ）。",
        "A.以产品为中心 B.以客户为中心 C.以渠道为中心 D.以价格为中心",
        "答案：B",
        "二、多项选择题（每小题 3 分）",
        "3．下列属于分析型 CRM 任务的有（  ）。",
        "A、客户细分   B、数据挖掘   C、呼叫中心排班   D、客户流失预测",
        "答案：ABD",
        "三、判断题",
        "4．客户满意了就一定会忠诚。（  ）",
        "答案：错",
    )
    assert [essentials(q) for q in result.questions] == [
        {"type": "single", "stem": "客户终生价值衡量的是（  ）。",
         "options": {"A": "客户最近一年的消费额", "B": "整个关系期内利润的现值", "C": "客户的满意度",
                     "D": "推荐新客户的次数"}, "answer": "B"},
        {"type": "single", "stem": "CRM 的核心理念是（  ）。",
         "options": {"A": "以产品为中心", "B": "以客户为中心", "C": "以渠道为中心", "D": "以价格为中心"},
         "answer": "B"},
        {"type": "multiple", "stem": "下列属于分析型 CRM 任务的有（  ）。",
         "options": {"A": "客户细分", "B": "数据挖掘", "C": "呼叫中心排班", "D": "客户流失预测"},
         "answer": ["A", "B", "D"]},
        {"type": "true_false", "stem": "客户满意了就一定会忠诚。（  ）", "answer": False},
    ]
    # the heading's "每小题 2 分" gives the points of its section
    assert [q.get("points") for q in result.questions] == [2, 2, 3, None]
    assert result.skipped == []


def test_numbered_instructions_above_the_first_heading_are_not_questions():
    result = read(
        "《客户关系管理》期末考试试卷",
        "注意事项：",
        "1．考试时间 90 分钟。",
        "2．请将答案写在答题纸上。",
        "一、判断题",
        "1．客户越多越好。",
        "答案：错",
    )
    assert [(q["stem"], q["answer"]) for q in result.questions] == [("客户越多越好。", False)]
    assert result.skipped == []
    # but numbered lines with answers above a later heading are questions
    mixed = read("1、甲", "答案：对", "题型：判断题", "简答题", "2、乙", "答案：{要点}")
    assert [(q["type"], q["stem"]) for q in mixed.questions] == [("true_false", "甲"), ("essay", "乙")]


def test_one_option_per_line_and_every_numbering():
    result = read(
        "一、单项选择题",
        "1.第一题",
        "A.甲", "B.乙",
        "答案：A",
        "二、单项选择题",
        "1、第二题",
        "A、甲", "B、乙",
        "答案：B",
        "三、单项选择题",
        "(1)第三题",
        "A)甲", "B)乙",
        "答案：A",
        "四、单项选择题",
        "（1）第四题",
        "A）甲", "B）乙",
        "答案：B",
        "五、单项选择题",
        "1．第五题",
        "A．甲", "B．乙", "C．丙",
        "答案：C",
        "六、单项选择题",
        "1)第六题",
        "(A)甲", "(B)乙",
        "答案：A",
    )
    assert [(q["stem"], q["options"], q["answer"]) for q in result.questions] == [
        ("第一题", {"A": "甲", "B": "乙"}, "A"),
        ("第二题", {"A": "甲", "B": "乙"}, "B"),
        ("第三题", {"A": "甲", "B": "乙"}, "A"),
        ("第四题", {"A": "甲", "B": "乙"}, "B"),
        ("第五题", {"A": "甲", "B": "乙", "C": "丙"}, "C"),
        ("第六题", {"A": "甲", "B": "乙"}, "A"),
    ]


def test_word_automatic_numbering_starts_questions():
    result = read(
        "一、单项选择题",
        ("list", "客户终生价值衡量的是（  ）。"), "A．消费额　B．现值", "答案：B",
        ("list", "CRM 的核心是（  ）。"), "A．产品", "B．客户", "答案：B",
    )
    assert [(q["stem"], q["answer"]) for q in result.questions] == [
        ("客户终生价值衡量的是（  ）。", "B"), ("CRM 的核心是（  ）。", "B")]


def test_chaoxing_quick_import_layout():
    # 超星学习通「快速导入」: no headings, each field on its own line, subjective text in { }
    result = read(
        "1、客户关系管理的核心是（  ）",
        "A.产品",
        "B.客户",
        "C.渠道",
        "D.价格",
        "答案：B",
        "难易程度：易",
        "答案解析：CRM 以客户为中心。",
        "题型：单选题",
        "",
        "2、下列属于客户忠诚表现的有（  ）",
        "A.重复购买",
        "B.主动推荐",
        "C.对价格不敏感",
        "D.从不投诉",
        "答案：ABC",
        "难易程度：中",
        "题型：多选题",
        "",
        "3、客户满意度越高，客户流失率一定越低。",
        "答案：错",
        "难易程度：难",
        "题型：判断题",
        "",
        "4、RFM 中 F 指____。",
        "答案：消费频率",
        "题型：填空题",
        "",
        "5、{阅读下面的案例：",
        "某超市推出会员积分制度。",
        "请分析它对客户忠诚的作用。}",
        "答案：{积分提高了转换成本；",
        "会员等级带来了归属感。}",
        "题型：简答题",
    )
    assert [essentials(q) for q in result.questions] == [
        {"type": "single", "stem": "客户关系管理的核心是（  ）",
         "options": {"A": "产品", "B": "客户", "C": "渠道", "D": "价格"}, "answer": "B"},
        {"type": "multiple", "stem": "下列属于客户忠诚表现的有（  ）",
         "options": {"A": "重复购买", "B": "主动推荐", "C": "对价格不敏感", "D": "从不投诉"},
         "answer": ["A", "B", "C"]},
        {"type": "true_false", "stem": "客户满意度越高，客户流失率一定越低。", "answer": False},
        {"type": "fill_blank", "stem": "RFM 中 F 指____。", "answer": [["消费频率"]]},
        {"type": "essay", "stem": "阅读下面的案例：\n某超市推出会员积分制度。\n请分析它对客户忠诚的作用。",
         "rubric": "积分提高了转换成本；\n会员等级带来了归属感。"},
    ]
    first, second, third = result.questions[:3]
    assert first["explanation"] == "CRM 以客户为中心。"
    assert (first["difficulty"], second["difficulty"], third["difficulty"]) == (1, 3, 5)


def test_answer_key_section_at_the_end():
    result = read(
        "一、单项选择题",
        "1．甲（  ）", "A．a　B．b　C．c　D．d",
        "2．乙（  ）", "A．a　B．b　C．c　D．d",
        "3．丙（  ）", "A．a　B．b　C．c　D．d",
        "4．丁（  ）", "A．a　B．b　C．c　D．d",
        "5．戊（  ）", "A．a　B．b　C．c　D．d",
        "6．己（  ）", "A．a　B．b　C．c　D．d",
        "7．庚（  ）", "A．a　B．b　C．c　D．d",
        "二、多项选择题",
        "8．辛（  ）", "A．a　B．b　C．c　D．d",
        "三、判断题",
        "9．壬（  ）",
        "10．癸（  ）",
        "四、填空题",
        "11．CRM 分为运营型、____和协作型。",
        "五、简答题",
        "12．简述客户细分的作用。",
        "参考答案",
        "一、单项选择题",
        "1-5 BCADA",
        "6.C 7.D",
        "二、多项选择题",
        "8．ABD",
        "三、判断题",
        "9-10 √×",
        "四、填空题",
        "11．分析型",
        "五、简答题",
        "12．便于针对不同客户群配置资源；",
        "提高营销的针对性。",
    )
    answers = [q.get("answer", q.get("rubric")) for q in result.questions]
    assert answers == ["B", "C", "A", "D", "A", "C", "D", ["A", "B", "D"], True, False, [["分析型"]],
                       "便于针对不同客户群配置资源；\n提高营销的针对性。"]
    assert [q["type"] for q in result.questions][-5:] == ["multiple", "true_false", "true_false",
                                                          "fill_blank", "essay"]
    assert result.skipped == []


def test_answer_key_lines_with_separators_explanations_and_free_text():
    result = read(
        "一、单项选择题",
        "1．甲", "A．a　B．b", "2．乙", "A．a　B．b", "3．丙", "A．a　B．b",
        "4．丁", "A．a　B．b", "5．戊", "A．a　B．b",
        "二、简答题",
        "6．简述客户细分的作用。",
        "参考答案及评分标准",
        "1~3：ABA；4.B，5.A",
        "1．B 解析：不重复。",
        "6．答：（1）配置资源；",
        "（2）提高针对性。",
    )
    assert [q.get("answer", q.get("rubric")) for q in result.questions] == [
        "A", "B", "A", "B", "A", "（1）配置资源；\n（2）提高针对性。"]
    # the repeated "1．B" differs from the key already given: the first one is kept, with a warning
    assert any(w.line == 2 and "不同" in w.reason for w in result.warnings)


def test_options_without_spaces_and_full_width_letters():
    result = read("一、单项选择题", "1．甲", "A．一百元B．两百元C．三百元", "答案：C",
                  "2．乙", "Ａ．客户　Ｂ．产品", "答案：Ａ")
    assert [(q["options"], q["answer"]) for q in result.questions] == [
        ({"A": "一百元", "B": "两百元", "C": "三百元"}, "C"), ({"A": "客户", "B": "产品"}, "A")]


def test_answer_key_tables_and_keys_on_a_heading_line():
    result = read(
        "《客户关系管理》单元测验",
        ("table", [["题号", "1", "2", "3"], ["答案", "", "", ""]]),  # the students' answer box: not a key
        "一、单项选择题",
        "第1题 甲", "A．a　B．b",
        "第2题 乙", "A．a　B．b",
        "第3题 丙", "A．a　B．b",
        "二、判断题",
        "第4题 丁",
        "第5题 戊",
        ("table", [["题号", "1", "2", "3"], ["答案", "B", "A", "B"]]),
        "二、判断题：4-5 对错",
    )
    assert [(q["stem"], q["answer"]) for q in result.questions] == [
        ("甲", "B"), ("乙", "A"), ("丙", "B"), ("丁", True), ("戊", False)]
    columns = read("一、单项选择题", "1．甲", "A．a　B．b", "2．乙", "A．a　B．b",
                   ("table", [["题号", "答案"], ["1", "A"], ["2", "B"]]))
    assert [q["answer"] for q in columns.questions] == ["A", "B"]


def test_answer_key_when_numbers_restart_in_each_section():
    result = read(
        "一、单项选择题",
        "1．甲", "A．a　B．b",
        "2．乙", "A．a　B．b",
        "二、判断题",
        "1．丙",
        "2．丁",
        "答案：",
        "一、单项选择题",
        "1．B　2．A",
        "二、判断题",
        "1-2 对错",
    )
    assert [q["answer"] for q in result.questions] == ["B", "A", True, False]


def test_every_answer_spelling_and_key_spelling():
    result = read(
        "一、多项选择题",
        "1．甲", "A．a　B．b　C．c　D．d", "答案：ABD",
        "2．乙", "A．a　B．b　C．c　D．d", "【答案】A、C、D",
        "3．丙", "A．a　B．b　C．c　D．d", "正确答案：A B C",
        "4．丁", "A．a　B．b　C．c　D．d", "答案:BD",
        "5．戊", "A．a　B．b　C．c　D．d", "【答案】 ab",
        "二、判断题",
        "6．对的", "答案：对",
        "7．错的", "答案：错",
        "8．正确的", "答案：正确",
        "9．错误的", "答案：错误",
        "10．打勾", "答案：√",
        "11．打叉", "答案：×",
        "12．英文真", "答案：T",
        "13．英文假", "【答案】F",
    )
    assert [q["answer"] for q in result.questions] == [
        ["A", "B", "D"], ["A", "C", "D"], ["A", "B", "C"], ["B", "D"], ["A", "B"],
        True, False, True, False, True, False, True, False,
    ]


def test_one_key_in_a_single_section_is_single_several_keys_make_it_multiple():
    result = read(
        "一、单项选择题",
        "1．一个答案", "A．a　B．b　C．c", "答案：C",
        "2．两个答案", "A．a　B．b　C．c", "答案：AC",
        "二、选择题",
        "3．不分单多选，一个答案", "A．a　B．b", "答案：A",
        "4．不分单多选，两个答案", "A．a　B．b", "答案：AB",
        "三、多项选择题",
        "5．多选题只有一个答案", "A．a　B．b　C．c", "答案：B",
    )
    assert [(q["type"], q["answer"]) for q in result.questions] == [
        ("single", "C"), ("multiple", ["A", "C"]), ("single", "A"), ("multiple", ["A", "B"]),
        ("multiple", ["B"]),
    ]
    assert any("已按多选题导入" in w.reason and w.line == 5 for w in result.warnings)


def test_inline_type_marker_overrides_the_section():
    result = read(
        "一、单项选择题",
        "1．（多选）下列属于客户价值构成的有（  ）。", "A．a　B．b　C．c", "答案：AB",
        "2．【判断题】客户越多越好。", "答案：×",
        "二、判断题",
        "3．（单选）这一题其实是单选（  ）", "A．a　B．b", "答案：A",
        "4．（填空）CRM 的中文全称是____。", "答案：客户关系管理",
    )
    assert [(q["type"], q["stem"]) for q in result.questions] == [
        ("multiple", "下列属于客户价值构成的有（  ）。"),
        ("true_false", "客户越多越好。"),
        ("single", "这一题其实是单选（  ）"),
        ("fill_blank", "CRM 的中文全称是____。"),
    ]


def test_fill_blanks_with_underscores_brackets_and_underlined_spaces():
    result = read(
        "四、填空题",
        "1．CRM 系统分为运营型、__________和协作型。",
        "答案：分析型",
        "2．RFM 中 R 指（  ），F 指（　　），M 指（）。",
        "答案：最近一次消费；消费频率|购买频率;消费金额",
        "3．客户生命周期的第一个阶段是__。",
        "答案：考察期",
        ["4．客户满意度的英文缩写是", ("u", "      "), "。"],
        "答案：CSI",
    )
    assert [(q["stem"], q["answer"]) for q in result.questions] == [
        ("CRM 系统分为运营型、__________和协作型。", [["分析型"]]),
        ("RFM 中 R 指____，F 指____，M 指____。",
         [["最近一次消费"], ["消费频率", "购买频率"], ["消费金额"]]),
        ("客户生命周期的第一个阶段是____。", [["考察期"]]),
        ("客户满意度的英文缩写是____。", [["CSI"]]),
    ]
    assert {q["type"] for q in result.questions} == {"fill_blank"}


def test_difficulty_points_explanation_and_tag_lines():
    result = read(
        "一、单项选择题（每小题 1 分）",
        "1．甲（  ）", "A．a　B．b", "答案：A",
        "解析：第一行讲解。",
        "第二行讲解。",
        "分值：2.5",
        "难度：较难",
        "知识点：客户价值，LTV",
        "2．乙（3 分）", "A．a　B．b", "答案：B　难度：2　答案解析：同一行里的解析。",
        "3．丙", "A．a　B．b", "【答案】B", "【解析】方括号解析。", "难易程度：中",
        "4．丁", "A．a　B．b", "答案：A", "分值：2 分", "难度：5",
    )
    first, second, third, fourth = result.questions
    assert (first["points"], first["difficulty"], first["explanation"], first["tags"]) == (
        2.5, 4, "第一行讲解。\n第二行讲解。", ["客户价值", "LTV"])
    assert (second["stem"], second["points"], second["difficulty"], second["explanation"]) == (
        "乙", 3, 2, "同一行里的解析。")
    assert (third["points"], third["difficulty"], third["explanation"]) == (1, 3, "方括号解析。")
    assert (fourth["points"], fourth["difficulty"]) == (2, 5)


def test_essay_answer_becomes_the_rubric_and_a_missing_one_a_placeholder():
    result = read(
        "五、简答题（每小题 10 分）",
        "1．简述提高客户忠诚度的方法。",
        "答案：",
        "（1）会员积分与分级权益；",
        "（2）个性化的服务和关怀。",
        "2．论述客户关系管理的意义。",
        "六、论述题",
        "1．谈谈你对“以客户为中心”的理解。",
        "参考答案：言之成理即可。",
    )
    assert [essentials(q) for q in result.questions] == [
        {"type": "essay", "stem": "简述提高客户忠诚度的方法。",
         "rubric": "（1）会员积分与分级权益；\n（2）个性化的服务和关怀。"},
        {"type": "essay", "stem": "论述客户关系管理的意义。",
         "rubric": "（导入的题目没有评分要点，请教师补充。）"},
        {"type": "essay", "stem": "谈谈你对“以客户为中心”的理解。", "rubric": "言之成理即可。"},
    ]
    assert result.questions[0]["points"] == 10
    assert [w.line for w in result.warnings if "占位" in w.reason] == [6]


def test_key_written_in_the_stem_brackets():
    result = read(
        "一、单项选择题",
        "1．CRM 的核心是（ B ）。", "A．产品　B．客户",
        "二、判断题",
        "2．客户越多越好。（×）",
    )
    assert [(q["stem"], q["answer"]) for q in result.questions] == [
        ("CRM 的核心是（  ）。", "B"), ("客户越多越好。（  ）", False)]


def test_numeric_section_and_soft_line_breaks():
    result = read(
        "六、计算题",
        ["1．某客户每年带来利润 2000 元，", ("br",), "保持 5 年，终生价值是多少元？"],
        "答案：10000元",
        "2．说明计算过程。",
        "答案：先算年利润，再乘以年数。",
    )
    first, second = result.questions
    assert (first["type"], first["stem"], first["answer"], first["unit"]) == (
        "numeric", "某客户每年带来利润 2000 元，\n保持 5 年，终生价值是多少元？", 10000, "元")
    assert (second["type"], second["rubric"]) == ("essay", "先算年利润，再乘以年数。")


def test_chapter_line_sets_the_chapter_of_what_follows():
    result = read("章节：ch05-customer-value", "一、判断题", "1．甲", "答案：对",
                  "2．乙", "答案：错", "章节：客户细分", default_chapter="ch01-crm-overview")
    assert [q["chapter"] for q in result.questions] == ["ch05-customer-value", "客户细分"]
    assert read("一、判断题", "1．甲", "答案：对", default_chapter="ch01").questions[0]["chapter"] == "ch01"


# ---------------------------------------------------------------- problems


def test_malformed_questions_are_skipped_naming_their_paragraph():
    result = read(
        "一、单项选择题",                       # 1
        "1．没有答案（  ）", "A．a　B．b",       # 2, 3
        "2．答案不在选项中", "A．a　B．b",       # 4, 5
        "答案：E",                              # 6
        "3．只有一个选项", "A．a", "答案：A",      # 7, 8, 9
        "二、判断题",                           # 10
        "4．答案不是对错", "答案：也许",          # 11, 12
        "三、填空题",                           # 13
        "5．两个空____和____", "答案：甲",        # 14, 15
        "6．正常的题____", "答案：乙",            # 16, 17
    )
    assert [(s.where, s.line) for s in result.skipped] == [
        ("第 2 段（第 1 题）", 2), ("第 4 段（第 2 题）", 4), ("第 7 段（第 3 题）", 7),
        ("第 11 段（第 4 题）", 11), ("第 14 段（第 5 题）", 14)]
    reasons = [s.reason for s in result.skipped]
    assert "缺少答案" in reasons[0]
    assert "E" in reasons[1]
    assert "两个选项" in reasons[2]
    assert "也许" in reasons[3]
    assert "2 个空" in reasons[4] and "1 个" in reasons[4]
    assert [q["stem"] for q in result.questions] == ["正常的题____"]


def test_key_section_problems_are_warnings_with_their_paragraph():
    result = read("一、单项选择题", "1．甲", "A．a　B．b", "参考答案", "1-3 AB", "9．A", "1．B")
    assert result.questions[0]["answer"] == "B"
    located = {(w.line, w.reason.split("，")[0]) for w in result.warnings if w.line}
    assert (5, "答案“1-3 AB”的个数与题数 3 不符") in located
    assert any(w.line == 6 and "第 9 题" in w.reason for w in result.warnings)


def test_a_second_answer_line_is_reported():
    result = read("一、单项选择题", "1．甲", "A．a　B．b", "答案：A", "2、乙", "A．a　B．b", "答案：B")
    assert result.questions[0]["answer"] == "B"
    assert {w.line for w in result.warnings if w.line} == {5, 7}


@pytest.mark.parametrize("data, message", [
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".doc"),
    (b"not a zip at all", "无法读取 Word 文件"),
    ("文本", "字节"),
])
def test_unreadable_files_are_errors_not_tracebacks(data, message):
    result = parse_docx(data)
    assert result.questions == [] and message in result.errors[0].reason


def test_a_document_without_questions_is_an_error():
    result = parse_docx(paper("《客户关系管理》期末试卷", "班级：____"))
    assert result.errors and "没有找到题目" in result.errors[0].reason
