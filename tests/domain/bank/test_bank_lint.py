"""Every lint rule on a crafted file: the problem is reported at the exact path:line."""

import pytest

from app.domain.bank import Problem, lint_paths
from bank_helpers import lint, marked_line, write

HEAD = """
        chapter: ch05-customer-value
        questions:
"""
SINGLE = """\
          - id: ch05-q001
            type: single
            difficulty: 2
            stem: "客户终生价值指的是？"
            options: {A: 甲, B: 乙, C: 丙}
            answer: B
"""

CASES = {
    "yaml syntax error": ("""
        chapter: ch05-customer-value
        questions:
          - id: ch05-q001
            stem: 比例: 80%   # <-
        """, ["YAML 语法错误", "加引号"]),
    "unknown key with did-you-mean": (HEAD + SINGLE + """
            anwser: B   # <-
        """, ["ch05-q001：未知字段 anwser，是否想写 answer？"]),
    "key the type does not use": (HEAD + SINGLE + """
            tolerance: 1   # <-
        """, ["题型 single 不使用字段 tolerance"]),
    "unknown type with did-you-mean": (HEAD + """
          - id: ch05-q001
            type: singel   # <-
            difficulty: 2
            stem: 题干
        """, ["未知题型 'singel'，是否想写 single？"]),
    "missing stem": (HEAD + """
          - id: ch05-q001   # <-
            type: true_false
            difficulty: 2
            answer: true
        """, ["缺少字段 stem"]),
    "empty stem": (HEAD + """
          - id: ch05-q001
            type: true_false
            difficulty: 2
            stem: ""   # <-
            answer: true
        """, ["stem：不能为空"]),
    "missing answer": (HEAD + """
          - id: ch05-q001   # <-
            type: single
            difficulty: 2
            stem: 题干
            options: {A: 甲, B: 乙}
        """, ["缺少字段 answer"]),
    "answer not among the options": (HEAD + """
          - id: ch05-q001
            type: single
            difficulty: 2
            stem: 题干
            options: {A: 甲, B: 乙}
            answer: C   # <-
        """, ["answer 中的 'C' 不在 options 中"]),
    "ordering answer not a permutation": (HEAD + """
          - id: ch05-q001
            type: ordering
            difficulty: 2
            stem: 排序
            options: {A: 甲, B: 乙, C: 丙}
            answer: [A, B, B]   # <-
        """, ["answer 应为 options 全部键的一个排列", "缺少 C", "B 重复"]),
    "multiple answer with duplicates": (HEAD + """
          - id: ch05-q001
            type: multiple
            difficulty: 2
            stem: 多选
            options: {A: 甲, B: 乙, C: 丙}
            answer: [A, C, A]   # <-
        """, ["answer 中选项 A 重复"]),
    "duplicate option texts": (HEAD + """
          - id: ch05-q001
            type: single
            difficulty: 2
            stem: 单选
            options:
              A: 客户价值
              B: " 客户价值"   # <-
            answer: A
        """, ["选项 B 与选项 A 的文本重复"]),
    "numeric answer not a number": (HEAD + """
          - id: ch05-q001
            type: numeric
            difficulty: 2
            stem: 计算
            answer: 26,000元   # <-
        """, ["answer：应为数字，实际是文本"]),
    "negative tolerance": (HEAD + """
          - id: ch05-q001
            type: numeric
            difficulty: 2
            stem: 计算
            answer: 26000
            tolerance: -5   # <-
        """, ["tolerance：不能为负数"]),
    "fill-blank count mismatch": (HEAD + """
          - id: ch05-q001
            type: fill_blank
            difficulty: 2
            stem: "CRM 分为 ____ 型和 ____ 型"
            answer: [[运营型]]   # <-
        """, ["answer 有 1 组答案，但 stem 中有 2 个空"]),
    "matching with a repeated left item": (HEAD + """
          - id: ch05-q001
            type: matching
            difficulty: 2
            stem: 配对
            answer:
              pairs:
                客户满意: 感知与期望
                客户满意: 重复购买   # <-
                客户忠诚: 重复购买
        """, ["ch05-q001：键 客户满意 重复（第 10 行已出现"]),
    "matching with left items equal after normalising": (HEAD + """
          - id: ch05-q001
            type: matching
            difficulty: 2
            stem: 配对
            answer:
              pairs:
                NPS: 净推荐值
                ＮＰＳ: 推荐   # <-
        """, ["配对左项 'ＮＰＳ' 与 'NPS' 重复"]),
    "difficulty out of range": (HEAD + """
          - id: ch05-q001
            type: true_false
            difficulty: 6   # <-
            stem: 判断
            answer: false
        """, ["difficulty：应为 1 到 5 的整数"]),
    "points not positive": (HEAD + """
          - id: ch05-q001
            type: true_false
            difficulty: 1
            points: 0   # <-
            stem: 判断
            answer: false
        """, ["points：应为正数"]),
    "essay without rubric": (HEAD + """
          - id: ch05-q001   # <-
            type: essay
            difficulty: 4
            stem: 论述
        """, ["缺少字段 rubric"]),
    "chapter not in the courseware": ("""
        chapter: ch05-customer-valu   # <-
        questions:
          - id: ch05-q001
            type: true_false
            difficulty: 1
            stem: 判断
            answer: false
        """, ["chapter 'ch05-customer-valu' 不是课程中的章节，是否想写 ch05-customer-value？"]),
    "section not among the chapter's anchors": (HEAD + """
          - id: ch05-q001
            type: true_false
            difficulty: 1
            section: ltv-formla   # <-
            stem: 判断
            answer: false
        """, ["section 'ltv-formla' 不是章节 ch05-customer-value 的小节锚点，是否想写 ltv-formula？"]),
    "repeated key in a question": (HEAD + SINGLE + """
            answer: C   # <-
        """, ["键 answer 重复"]),
    "unquoted yes as option text": (HEAD + """
          - id: ch05-q001
            type: single
            difficulty: 1
            stem: 单选
            options: {A: yes, B: no}   # <-
            answer: A
        """, ["options：选项 A 应为文本", "请加引号"]),
    "unknown top-level key": ("""
        chapter: ch05-customer-value
        question:   # <-
          - id: ch05-q001
        """, ["未知的顶层字段 question，是否想写 questions？"]),
    "question that is not a mapping": (HEAD + """
          - ch05-q001   # <-
        """, ["第 1 题应为映射"]),
    "questions that are not a list": ("""
        chapter: ch05-customer-value
        questions: {id: ch05-q001}   # <-
        """, ["questions 应为列表"]),
    "YAML alias": ("""
        chapter: ch05-customer-value
        questions:
          - &first
            id: ch05-q001
          - *first   # <-
        """, ["不支持 YAML 别名"]),
}


@pytest.mark.parametrize("text,fragments", CASES.values(), ids=CASES.keys())
def test_problem_reported_at_the_marked_line(tmp_path, text, fragments):
    path = write(tmp_path, text)
    problems = lint(path)
    prefix = f"{path}:{marked_line(path)}: "
    assert any(p.startswith(prefix) and all(f in p for f in fragments) for p in problems), problems


@pytest.mark.parametrize("text,fragments", CASES.values(), ids=CASES.keys())
def test_each_crafted_file_is_otherwise_clean(tmp_path, text, fragments):
    # Apart from a missing-key follow-up, each file breaks exactly one rule.
    path = write(tmp_path, text)
    assert 1 <= len(lint(path)) <= 2


def test_a_clean_file_has_no_problems(tmp_path):
    path = write(tmp_path, HEAD + SINGLE)
    assert lint(path) == []


def test_duplicate_id_names_both_places(tmp_path):
    first = write(tmp_path, HEAD + SINGLE, "a/ch05.yaml")
    second = write(tmp_path, HEAD + SINGLE.replace("  - id: ch05-q001", "  - id: ch05-q001   # <-"), "b/ch05.yaml")
    assert lint(tmp_path) == [f"{second}:{marked_line(second)}: id ch05-q001 重复：已在 {first}:3 使用"]


def test_problem_format():
    problem = Problem("question_bank/crm/ch05.yaml", 12, "缺少字段 stem")
    assert str(problem) == "question_bank/crm/ch05.yaml:12: 缺少字段 stem"


def test_all_problems_in_all_files_are_reported_in_order(tmp_path):
    one = write(tmp_path, HEAD + SINGLE + "            anwser: B\n            difficulty: 9\n", "one.yaml")
    two = write(tmp_path, "chapter: ch05-customer-value\nquestions: [1, 2]\n", "two.yaml")
    three = write(tmp_path, "questions:\n  - {id: x\n", "three.yaml")
    problems = lint_paths([tmp_path], None)
    expected = [
        (one, 9, "未知字段 anwser"),
        (one, 10, "difficulty：应为 1 到 5 的整数"),  # YAML keeps the later value, 9
        (one, 10, "键 difficulty 重复"),
        (three, 3, "YAML 语法错误：文件意外结束"),  # files in name order
        (two, 2, "第 1 题应为映射"),
        (two, 2, "第 2 题应为映射"),
    ]
    assert len(problems) == len(expected)
    for problem, (path, line, fragment) in zip(problems, expected, strict=True):
        assert (problem.path, problem.line) == (str(path), line)
        assert fragment in problem.message


def test_chapter_checks_are_skipped_without_chapters(tmp_path):
    path = write(tmp_path, HEAD.replace("ch05-customer-value", "ch99-nothing") + SINGLE)
    assert lint(path, chapters=None) == []
    assert len(lint(path)) == 1
