"""Properties of the Word and Aiken readers: any mix of the lines teachers type never raises, and
whatever is imported is a valid bank question."""

from __future__ import annotations

import io

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.interop import parse_aiken, parse_docx
from app.domain.questions import validate_question

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments of real papers, in any order: headings, numbers, options, fields, keys, braces.
FRAGMENTS = [
    "一、单项选择题（每小题 2 分）", "二、多项选择题", "三、判断题", "四、填空题", "五、简答题", "六、计算题",
    "七、排序题", "八、匹配题", "参考答案", "答案：", "1．", "2、", "（3）", "4.", "1-5 BCADA", "6.C 7.D",
    "A．甲　B．乙", "C．丙", "A、", "答案：B", "【答案】AB", "正确答案：√", "答案：对", "答案：10000元",
    "解析：", "难度：易", "难易程度：9", "分值：-1", "题型：单选题", "题型：奇怪", "（单选）", "（2分）",
    "____", "（  ）", "{", "}", "客户", "价值", "；", "|", "答：", "第一空：", "章节：ch05", "（B）", "=",
]
paragraphs = st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=4).map("".join),
                      min_size=1, max_size=25)


def check(questions):
    for question in questions:
        data = {key: value for key, value in question.items() if key != "chapter"}
        validation = validate_question({**data, "id": "prop-q"})
        assert validation.spec is not None, (question, validation.message)


@SETTINGS
@given(paragraphs)
def test_any_paper_reads_without_raising_and_imports_only_valid_questions(lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_docx(buffer.getvalue())
    check(result.questions)
    for problem in result.skipped + result.errors + result.warnings:
        assert problem.reason


@SETTINGS
@given(st.lists(st.sampled_from(["客户？", "A. 甲", "B) 乙", "C. 丙", "ANSWER: B", "ANSWER: E", "ANSWER:",
                                 "", "answer: a", "D. 丁"]), min_size=1, max_size=30))
def test_any_aiken_text_reads_without_raising(lines):
    check(parse_aiken("\n".join(lines)).questions)
