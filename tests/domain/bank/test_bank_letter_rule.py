"""The letter rule of ``bank lint`` as pure functions: what counts as naming an option by its letter."""

from __future__ import annotations

import pytest

from app.domain.bank.lint import bare_letters

from bank_helpers import MARK, lint, marked_line, write

OPTIONS = "ABCDE"


@pytest.mark.parametrize("text, found", [
    ("所以选 D。", ["选 D"]),
    ("选项C 不全面。", ["选项C"]),
    ("答案为 ABD。", ["答案为 ABD"]),
    ("选 A、B。", ["选 A、B"]),
    ("A、C、D 描述的是顾客。", ["A、C、D"]),
    ("C 项说反了。", ["C"]),
    ("交叉销售（C）属于成长期；老客户社群（D）属于成熟期。", ["C", "D"]),
    ("D 错误，客户也可以是组织。", ["D"]),
    ("A 和 D 描述的是本地部署。", ["A 和 D"]),
    ("C“多多益善”违背最小必要原则。", ["C"]),
    ("丙是对的，所以选 {{opt:C}}，E 不对。", ["E"]),
])
def test_bare_option_letters_are_found(text, found):
    assert bare_letters(text, OPTIONS) == found


@pytest.mark.parametrize("text", [
    "按 ABC 分类法，前 20% 的客户是 A 类客户。",
    "85% 落在 B 类区间，判断 ABC 类别只需要累计占比。",
    "A 级客户配置专人服务，C 级大众客户以自助渠道为主。",
    "A、B 两类客户贡献了大部分利润。",
    "C 端用户与 B 端客户的需求不同。",
    "客户 A 的终生价值高于客户 B。",
    "A 公司与 B 公司的做法不同。",
    "E-CRM 与 ERP 集成。",
    "B2B、B2C 与 O2O 是不同的电商模式。",
    "R 高、F 低、M 高是重要发展客户。",
    "所以选 {{opt:D}}；{{opt:A}} 说反了。",
    "Better = (A + O) ÷ (A + O + M + I)。",
    "首选 A 类客户作为重点。",
    "用 A/B 测试比较两种短信文案。",
])
def test_letters_that_do_not_name_options_pass(text):
    assert bare_letters(text, OPTIONS) == []


def test_only_the_question_s_own_option_letters_count():
    assert bare_letters("F 和 R 难以区分客户。", "ABCD") == []
    assert bare_letters("F 不对。", "ABCDEF") == ["F"]
    assert bare_letters("选 CRM 系统。", "ABCD") == []


QUESTION = """
    chapter: ch05-customer-value
    questions:
      - id: ch05-q001
        type: {type}
        difficulty: 2
        stem: 哪一项正确？
        options: {{A: 甲, B: 乙, C: 丙, D: 丁}}
        answer: {answer}
        explanation: "{explanation}"  {mark}
"""


def _bank(tmp_path, explanation, qtype="single", answer="B"):
    return write(tmp_path, QUESTION.format(type=qtype, answer=answer, explanation=explanation, mark=MARK))


def test_lint_reports_a_bare_letter_on_the_explanation_line(tmp_path):
    path = _bank(tmp_path, "乙是对的，A、C、D 都不对。")
    assert lint(path) == [f"{path}:{marked_line(path)}: ch05-q001：解析用字母 A、C、D 指称选项（“A、C、D”）；"
                          "考试打乱选项后学生看到的字母不同，请写出选项内容，或用 {{opt:X}} 引用"]


def test_lint_passes_references_and_option_text(tmp_path):
    assert lint(_bank(tmp_path, "乙是对的，所以选 {{opt:B}}；甲、丙、丁都不全面。")) == []


def test_lint_reports_unknown_references(tmp_path):
    path = _bank(tmp_path, "所以选 {{opt:Z}} 和 {{opt:b}}。")
    assert lint(path) == [f"{path}:{marked_line(path)}: ch05-q001：解析引用了不存在的选项 {{{{opt:Z}}}}",
                          f"{path}:{marked_line(path)}: ch05-q001：解析引用了不存在的选项 {{{{opt:b}}}}"]


def test_true_false_explanations_are_not_read_for_letters(tmp_path):
    path = write(tmp_path, f"""
        chapter: ch05-customer-value
        questions:
          - id: ch05-q002
            type: true_false
            difficulty: 1
            stem: 说法对吗？
            answer: true
            explanation: "A 类客户贡献最大，这个说法正确。"  {MARK}
    """)
    assert lint(path) == []
