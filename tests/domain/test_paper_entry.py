"""Reading a paper answer sheet as typed in: letters of the variant's order → stored responses."""

from __future__ import annotations

import pytest

from app.domain.exams.paper_entry import (BAD_TRUE_FALSE, BLANK_COUNT, MATCHING_COUNT, ORDER_INCOMPLETE,
                                          REPEATED_LETTER, TOO_MANY_LETTERS, UNKNOWN_LETTER, next_labels, read_entry,
                                          variant_label)

# A variant that printed bank options C, A, D, B as A, B, C, D.
SINGLE = {"type": "single", "options": [{"id": "C", "text": "丙"}, {"id": "A", "text": "甲"},
                                        {"id": "D", "text": "丁"}, {"id": "B", "text": "乙"}]}
MULTIPLE = dict(SINGLE, type="multiple")
ORDERING = dict(SINGLE, type="ordering")
MATCHING = {"type": "matching", "left": ["北京", "上海"], "choices": ["沪", "京", "粤"]}


@pytest.mark.parametrize("typed, expected", [("A", "C"), ("b", "A"), ("Ｄ", "B"), (" c ", "D"), ("", None)])
def test_single_letter_is_the_option_printed_there(typed, expected):
    assert read_entry(SINGLE, 3, typed) == (expected, None)


def test_single_problems():
    _r, problem = read_entry(SINGLE, 3, "E")
    assert problem.template == UNKNOWN_LETTER and problem.text() == "第 3 题：没有选项“E”（本卷该题的选项为 A–D）"
    assert read_entry(SINGLE, 3, "AB")[1].template == TOO_MANY_LETTERS


@pytest.mark.parametrize("typed", ["ACD", "A C D", "A,C,D", "A、C、D", "ａｃｄ"])
def test_multiple_separators_and_full_width(typed):
    assert read_entry(MULTIPLE, 5, typed) == (["C", "D", "B"], None)


def test_multiple_repeated_letter():
    assert read_entry(MULTIPLE, 5, "AA")[1].template == REPEATED_LETTER


def test_ordering_needs_every_letter_once():
    assert read_entry(ORDERING, 7, "DCBA") == (["B", "D", "A", "C"], None)
    assert read_entry(ORDERING, 7, "DCB")[1].template == ORDER_INCOMPLETE


@pytest.mark.parametrize("typed, value", [("T", True), ("f", False), ("对", True), ("错", False), ("√", True),
                                          ("×", False), ("正确", True), ("错误", False)])
def test_true_false_words(typed, value):
    assert read_entry({"type": "true_false"}, 1, typed) == (value, None)


def test_true_false_problem():
    assert read_entry({"type": "true_false"}, 1, "也许")[1].template == BAD_TRUE_FALSE


def test_matching_letters_per_left_item():
    assert read_entry(MATCHING, 9, "BA") == ({"北京": "京", "上海": "沪"}, None)
    assert read_entry(MATCHING, 9, "B")[1].template == MATCHING_COUNT
    assert read_entry(MATCHING, 9, "BZ")[1].template == UNKNOWN_LETTER


def test_fill_blank_split_on_semicolons():
    view = {"type": "fill_blank", "blanks": 2}
    assert read_entry(view, 2, "运营型；分析型") == (["运营型", "分析型"], None)
    assert read_entry(view, 2, "运营型;分析型") == (["运营型", "分析型"], None)
    assert read_entry(view, 2, "运营型")[1].template == BLANK_COUNT
    assert read_entry({"type": "fill_blank", "blanks": 1}, 2, "a;b") == (["a;b"], None)


def test_numbers_pass_through_and_subjective_items():
    assert read_entry({"type": "numeric"}, 4, " 2.6万 ") == ("2.6万", None)
    assert read_entry({"type": "essay"}, 8, "  ") == (None, None)
    assert read_entry({"type": "essay"}, 8, "答：……") == ("答：……", None)
    assert read_entry({"type": "case"}, 9, "whatever") == (None, None)


def test_labels():
    assert variant_label(0) == "A卷" and variant_label(1) == "B卷"
    assert next_labels(["A卷", "B卷"], 2) == ["C卷", "D卷"]
    assert next_labels(["B卷"], 2) == ["A卷", "C卷"]
