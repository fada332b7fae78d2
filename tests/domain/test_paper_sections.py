"""Papers in sections by type: section order, shuffle kept within sections, headings' counts and subtotals."""

import pytest

from app.domain.exams import (SECTION_ORDER, PaperItem, PoolItem, assemble, chinese_numeral, in_sections,
                              paper_sections, parse_definition, roman_numeral)
from app.domain.exams.sections import is_contiguous, section_rank
from app.domain.questions import QUESTION_TYPES

TYPES = ["essay", "single", "true_false", "multiple", "numeric"]


def pool():
    return [PoolItem(f"q{i:02d}", "ch01", TYPES[i % len(TYPES)], 1) for i in range(50)]


def definition(**overrides):
    data = {"title": "t", "rules": [{"types": ["essay"], "count": 2, "points": 5},
                                    {"types": ["single"], "count": 4, "points": 1},
                                    {"types": ["true_false", "multiple"], "count": 4, "points": 2}],
            "fixed": [{"id": "q04", "points": 3}]}  # a numeric question
    data.update(overrides)
    parsed, errors = parse_definition(data)
    assert not errors, errors
    return parsed


def test_the_section_order_is_the_registry_order_then_cases():
    assert SECTION_ORDER == tuple(QUESTION_TYPES) + ("case",)
    assert SECTION_ORDER[:3] == ("single", "multiple", "true_false")
    assert section_rank("single") < section_rank("essay") < section_rank("case")
    assert section_rank("essay") < section_rank("no-such-type") < section_rank("case")  # unknown: before cases


def test_a_drawn_paper_in_sections_keeps_each_section_together_in_type_order():
    types = {p.qid: p.type for p in pool()}
    for seed in range(30):
        drawn = assemble(definition(), pool(), seed)
        paper = in_sections(drawn, lambda item: types[item.qid])
        assert sorted(paper, key=lambda x: x.qid) == sorted(drawn, key=lambda x: x.qid)  # same questions
        ranks = [section_rank(types[x.qid]) for x in paper]
        assert ranks == sorted(ranks)
        sections = paper_sections([PaperItem(types[x.qid], x.points) for x in paper])
        assert is_contiguous(sections)
        assert [s.type for s in sections] == [t for t in SECTION_ORDER if t in {types[x.qid] for x in paper}]


def test_within_a_section_the_draw_order_is_kept_so_students_get_their_own_shuffle():
    types = {p.qid: p.type for p in pool()}
    orders = set()
    for seed in range(30):
        drawn = assemble(definition(), pool(), seed)
        paper = in_sections(drawn, lambda item: types[item.qid])
        singles = [x.qid for x in paper if types[x.qid] == "single"]
        assert singles == [x.qid for x in drawn if types[x.qid] == "single"]  # stable
        orders.add(tuple(singles))
    assert len(orders) > 20  # different seeds: different questions and orders within the section


def test_without_shuffle_a_section_keeps_the_blueprint_order():
    types = {p.qid: p.type for p in pool()}
    drawn = assemble(definition(shuffle_questions=False), pool(), 3)
    paper = in_sections(drawn, lambda item: types[item.qid])
    assert [x.rule for x in paper if types[x.qid] == "single"] == [1, 1, 1, 1]
    # The fixed numeric question (first in the draw) moves to its section after the choice types.
    assert [types[x.qid] for x in paper][-3:] == ["numeric", "essay", "essay"]


def test_sections_count_points_each_and_subtotals():
    items = [PaperItem("single", 1, 1), PaperItem("single", 1, 0), PaperItem("single", 1, 1),
             PaperItem("multiple", 2, 1.5), PaperItem("multiple", 3, 3),
             PaperItem("essay", 5, None, pending=True), PaperItem("case", 20, 12.5)]
    single, multiple, essay, case = paper_sections(items)
    assert (single.number, single.type, single.count, single.each, single.points, single.score) == \
        (1, "single", 3, 1, 3, 2)
    assert (multiple.number, multiple.each, multiple.points, multiple.score) == (2, None, 5, 4.5)  # points differ
    assert (essay.number, essay.score, essay.pending, essay.start) == (3, 0, 1, 5)
    assert (case.number, case.type, case.count, case.score, case.start) == (4, "case", 1, 12.5, 6)
    assert sum(s.points for s in (single, multiple, essay, case)) == sum(i.points for i in items)


def test_a_mixed_paper_has_per_type_subtotals_but_no_contiguous_sections():
    items = [PaperItem("essay", 5, 4), PaperItem("single", 1, 1), PaperItem("essay", 5, 2), PaperItem("single", 1, 0)]
    sections = paper_sections(items)
    assert [(s.type, s.indexes, s.score, s.points) for s in sections] == [("single", (1, 3), 1, 2),
                                                                          ("essay", (0, 2), 6, 10)]
    assert not is_contiguous(sections)
    assert paper_sections([]) == []


@pytest.mark.parametrize("n, chinese, roman", [(1, "一", "I"), (4, "四", "IV"), (9, "九", "IX"), (10, "十", "X"),
                                               (11, "十一", "XI"), (20, "二十", "XX"), (21, "二十一", "XXI"),
                                               (99, "九十九", "XCIX")])
def test_section_numerals(n, chinese, roman):
    assert chinese_numeral(n) == chinese
    assert roman_numeral(n) == roman


def test_paper_layout_in_the_definition():
    assert definition().paper_layout == "sections"  # the default for new exams
    assert definition(paper_layout="mixed").paper_layout == "mixed"
    parsed, errors = parse_definition({"title": "t", "rules": [{"count": 1}], "paper_layout": "by-type"})
    assert parsed is None and errors and errors[0].startswith("paper_layout")
