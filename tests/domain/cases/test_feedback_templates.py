"""Every sentence a case grader writes is a catalogue template (app/domain/cases/feedback.py).

The web layer translates stored case feedback by splitting it into these templates; a sentence
added to a grader without its template would stay Chinese for an English reader, and fails here.
"""

from __future__ import annotations

import copy

from app.domain.cases import CASES, grade, make_variant, solution
from app.domain.cases.feedback import TEMPLATES, pieces


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
