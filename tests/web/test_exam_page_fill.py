"""Filling a student's order, number and position into a cached question fragment (app/exams/page.py)."""

from __future__ import annotations

from app.exams import page as exam_page
from app.exams.page import INDEX_TOKEN, LETTER_TOKEN, MARKS, NUMBER_TOKEN, POSITION_TOKEN


def test_a_fragment_with_braces_and_nested_groups_fills_as_written():
    # Fragment programs are str.format patterns (app/exams/page.py _formatted): braces in the
    # question's own text must come out as written, tokens filled, nested groups in place.
    def element(body):
        return f"{MARKS.element}{body}"

    choices = (f"{MARKS.start('choices')}" + element(f"<c {INDEX_TOKEN}{LETTER_TOKEN}>x}}") +
               element(f"<c {INDEX_TOKEN}{LETTER_TOKEN}>{{y") + f"{MARKS.end}")
    html = (f"<h {NUMBER_TOKEN}>{{0}} q-{POSITION_TOKEN} {{}}</h>{MARKS.start('left')}" +
            element(f"<r q-{POSITION_TOKEN}-{INDEX_TOKEN} {LETTER_TOKEN}>{{1}}" + choices + "</r>") +
            element("<r plain {}>") + f"{MARKS.end}<t {INDEX_TOKEN}>}}{{")
    payload = {"left": ["L1", "L2"], "choices": ["C1", "C2"]}
    fragment = exam_page.Fragment.from_html(html, "q{1}", payload,
                                            view=lambda _p: {"left": ["L2", "L1"], "choices": ["C2", "C1"]})
    orders = fragment.orders_for(None)
    assert orders == {"left": (1, 0), "choices": (1, 0)}
    assert fragment.fill("第 3 题", "7", orders) == (
        "<h 第 3 题>{0} q-7 {}</h><r plain {}>"
        "<r q-7-2 B>{1}<c 1A>{y<c 2B>x}</r><t >}{")
    assert fragment.qid_html == "q{1}"
