"""``{{opt:X}}`` in explanations: rendered as the presented letter, or the bank letter without one."""

from __future__ import annotations

from app.domain.questions.option_refs import (letters_of, option_refs, render_option_refs, strip_option_refs,
                                               unknown_option_refs)


def test_references_render_as_the_presented_letters():
    letters = {"A": "C", "B": "A", "C": "D", "D": "B"}
    assert render_option_refs("所以选 {{opt:C}}，{{ opt:A }} 说反了。", letters) == "所以选 D，C 说反了。"


def test_without_a_presentation_references_render_as_the_bank_letter():
    assert render_option_refs("所以选 {{opt:C}}。") == "所以选 C。"
    assert render_option_refs("所以选 {{opt:C}}。", {"A": "B"}) == "所以选 C。"  # an id the order lacks
    assert render_option_refs("所以选 {{opt:C}}。", {"C": ""}) == "所以选 C。"  # past J: no letter shown


def test_text_without_references_is_unchanged():
    for text in ("", "甲是对的。", "{{ 不是引用 }}", "{opt:C}"):
        assert render_option_refs(text, {"C": "A"}) == text


def test_references_are_listed_checked_and_stripped():
    text = "{{opt:C}} 和 {{opt:Z}}，再次 {{opt:Z}}"
    assert option_refs(text) == ["C", "Z", "Z"]
    assert unknown_option_refs(text, "ABCD") == ["Z"]
    assert strip_option_refs(text) == " 和 ，再次 "


def test_letters_of_presented_options():
    options = [{"id": "C", "letter": "A"}, {"id": "A", "letter": "B"}]
    assert letters_of(options) == {"C": "A", "A": "B"}
    assert letters_of([{"id": "true", "letter": ""}]) is None  # true/false shows no letters
    assert letters_of(None) is None
