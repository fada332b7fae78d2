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


def test_orders_memoised_on_the_stored_text_fill_as_the_decoded_presentation(app, exam_factory, users):
    # The page's item rows carry the presentation as its JSON text and the fragments memoise
    # element orders on it; every question must come out as from the ORM items' decoded order.
    from flask import session

    from app.extensions import db
    from app.models import Attempt
    from app.services.exam_payloads import item_rows
    from tests.web.test_exam_page_cache import login, start

    exam_id = exam_factory()
    attempt_ids = [start(login(app, name), exam_id) for name in ("student", "student2")]
    with app.test_request_context("/"):
        session["locale"] = "zh_Hans_CN"
        rows = {a: item_rows(a) for a in attempt_ids}
        orm = {a: sorted(db.session.get(Attempt, a).items, key=lambda i: i.position) for a in attempt_ids}
        for a in attempt_ids:
            assert [r.presentation for r in rows[a]] == [i.presentation for i in orm[a]]
        assert [r.presentation for r in rows[attempt_ids[0]]] != [r.presentation for r in rows[attempt_ids[1]]]
        exam_page.clear()
        by_orm = {a: exam_page.render_questions(orm[a]) for a in attempt_ids}
        for _round in range(2):  # the second round hits the text memo
            for a in attempt_ids:
                assert exam_page.render_questions(item_rows(a)) == by_orm[a]
        exam_page.clear()
        for a in attempt_ids:  # the fragments made from rows first, then the ORM items
            assert exam_page.render_questions(item_rows(a)) == by_orm[a]
            assert exam_page.render_questions(orm[a]) == by_orm[a]
