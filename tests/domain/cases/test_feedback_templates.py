"""Every sentence a case grader writes is a catalogue template (app/domain/cases/feedback.py).

The web layer translates stored case feedback by splitting it into these templates; a sentence
added to a grader without its template would stay Chinese for an English reader, and fails here.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest

from app.domain.cases import CASES, grade, make_variant, solution
from app.domain.cases import feedback
from app.domain.cases.feedback import LISTING_MORE, TEMPLATES, pieces, say

CASES_DIR = Path(feedback.__file__).resolve().parent
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Modules whose Chinese is not case feedback: customer and company names (data), and the messages
#: about an answer's shape, an uploaded table and a variant request, which are shown as form and API
#: errors when an answer is saved or a variant is made, never stored with a graded step.
NOT_GRADERS = {"feedback.py", "names.py", "limits.py", "tables.py", "base.py", "__init__.py",
               "platforms.py"}  # platforms.py: the written tasks' platform profiles and model answers (content)
#: Functions that legitimately hold Chinese: they write a case's text, steps and model answers
#: (content, shown as written), or match the words a student types (客户, 类).
#: ``Criterion(...)`` and ``rubric_list`` hold a written task's rubric, shown as part of the task's text.
CONTENT_FUNCTIONS = {"build", "_make", "textbook", "solution", "_label", "_segment_label", "Criterion", "rubric_list"}


def _answer_sets(variant):
    key = solution(variant)
    yield key
    yield {}
    yield {step: None for step in key}
    yield "not an object"
    for step_id, value in key.items():
        for replacement in _wrong_values(value):
            answers = copy.deepcopy(key)
            answers[step_id] = replacement
            yield answers


def _wrong_cell(value):
    """A wrong number for a numeric cell; an empty cell for a written one."""
    try:
        return round(float(value) * 1.37 + 1, 2)
    except ValueError:
        return ""


def _wrong_values(value):
    if isinstance(value, dict):
        yield {row: ({k: "x?" if i % 2 else _wrong_cell(v) for k, v in cells.items()}
                     if isinstance(cells, dict) else ("??" if i % 3 == 0 else "A" if cells != "A" else "C")
                     if isinstance(cells, str) else round(float(cells) * 1.37 + 1, 2))
               for i, (row, cells) in enumerate(value.items())}
    elif isinstance(value, list):
        yield list(reversed(value))
        yield value[1:]
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value * 1.37 + 1
        yield -value
        yield value / 100
        yield "A"
    else:
        yield from ("A", "B", "C", "D", "Z", "C01")


def test_every_case_feedback_sentence_is_a_known_template():
    unknown = set()
    for case_id in CASES:
        for seed in (1, 2, 7, None):
            variant, error = make_variant(case_id, seed, textbook=seed is None)
            assert variant is not None, error
            for answers in _answer_sets(variant):
                for step in grade(variant, answers).steps:
                    if pieces(step.feedback) is None:
                        unknown.add(step.feedback)
    assert unknown == set()


def test_pieces_reads_templates_with_their_numbers():
    assert pieces("共 15 项，3 项正确。不正确：C01、C02。") == [
        ("共 %(total)s 项，%(ok)s 项正确。", {"total": "15", "ok": "3"}),
        ("不正确：%(items)s。", {"items": "C01、C02"})]
    assert pieces("随便一句话。") is None
    assert len(set(TEMPLATES)) == len(TEMPLATES)


def test_a_misconception_with_its_cells_is_one_piece_even_when_it_is_a_sentence_of_its_own():
    text = "你把客户数占比和交易额占比弄反了（A 类·客户数占比（%）、B 类·交易额占比（%））。格式错误整步只扣一次（扣半项的分数）。"
    assert pieces(text) == [
        ("%(message)s（%(items)s）。", {"message": "你把客户数占比和交易额占比弄反了",
                                      "items": "A 类·客户数占比（%）、B 类·交易额占比（%）"}),
        ("格式错误整步只扣一次（扣半项的分数）。", {})]
    assert pieces("未知的一句（C01）。") is None


def _chinese_literals(path: Path):
    """``(line, enclosing function or None, text)`` of every str constant with Chinese (f-string parts too), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Criterion":
            function = "Criterion"  # a rubric criterion's name and description: content, like a case's text
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                and CJK.search(node.value)):
            yield node.lineno, function, node.value
        for child in ast.iter_child_nodes(node):
            yield from visit(child, function)

    yield from visit(tree, None)


def _offences(path: Path) -> list[str]:
    """Chinese literals of a grader module that write feedback themselves instead of :func:`say`.

    In a function (other than the content functions) any Chinese is feedback; at module level a
    sentence (with 。) is, as is any literal that repeats a template's wording.
    """
    wording = [chunk for template in (*TEMPLATES, LISTING_MORE) for chunk in re.split(r"%\(\w+\)s", template)
               if len(CJK.findall(chunk)) >= 6]
    found = []
    for line, function, text in _chinese_literals(path):
        if function in CONTENT_FUNCTIONS:
            continue
        if function is not None or "。" in text or any(chunk in text for chunk in wording):
            found.append(f"{path.name}:{line}: {text[:40]}")
    return found


def test_no_grader_writes_a_feedback_sentence_of_its_own():
    graders = [p for p in sorted(CASES_DIR.glob("*.py")) if p.name not in NOT_GRADERS]
    assert len(graders) >= 7  # grading, numbers and the cases
    assert [offence for path in graders for offence in _offences(path)] == []


def test_the_scan_finds_a_sentence_written_in_a_grader(tmp_path):
    module = tmp_path / "grader.py"
    module.write_text('''"""A grader (docstrings may be Chinese: 说明。)."""
LABELS = ("客户编号", "客户名称")
WHY = {"x": "你把占比写成了小数；占比要求以百分数填写（如 0.125 应写成 12.5）"}
NOTE = "随便一句话。"

def _make():
    return "## 案例文字。"

def grade_steps(value):
    return f"结果 {value} 不正确。"
''', encoding="utf-8")
    assert sorted({o.split(": ", 1)[0] for o in _offences(module)}) == ["grader.py:10", "grader.py:3", "grader.py:4"]


def test_say_writes_a_template_and_refuses_any_other_text():
    assert say(feedback.RESULT_WRONG, value="3") == "结果 3 不正确。"
    assert say(feedback.PARTIAL_CREDIT, percent="50") == "（本步得 50% 的分数）"
    assert say(feedback.ALL_CORRECT) == "全部正确。"
    assert say(LISTING_MORE, shown="C01、C02", count=12) == "C01、C02 等 12 项"
    with pytest.raises(ValueError):
        say("结果 3 不正确。")
    with pytest.raises(KeyError):
        say(feedback.RESULT_WRONG)
