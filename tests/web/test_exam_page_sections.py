"""The exam page of a sectioned paper, pinned: the cached questions with a heading before each section.

The questions' HTML is exactly what ``question_block`` renders from each student's payload (as for
a mixed paper, tests/web/test_exam_page_orders.py); a sectioned paper only adds, before the first
question of each section, the heading pinned here byte for byte, and groups the answer sheet.
The page is the same whether it comes from the caches or not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string

from app.domain.questions import QUESTION_TYPES
from app.extensions import db
from app.models import AttemptItem
from tests.conftest import PASSWORD, recorded_statements

PO = Path(__file__).resolve().parents[2] / "app/translations/en/LC_MESSAGES/messages.po"

TYPES = ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay"]
SUMMARIES = [(2, 1), (1, 2), (1, 1), (1, 2), (1, 3), (1, 1), (1, 2), (1, 5)]  # count, points each (exam_factory)
NUMERALS = {"zh_Hans_CN": "一二三四五六七八", "en": ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]}


def expected_heading(number: int, qtype: str, locale: str) -> str:
    """The heading pinned byte for byte: numeral, registry label and the count and points of the section."""
    name = QUESTION_TYPES[qtype].label
    count, each = SUMMARIES[number - 1]
    numeral = NUMERALS[locale][number - 1]
    if locale == "en":
        with open(PO, "rb") as fh:
            name = read_po(fh)[name].string
        text, summary = f"{numeral}. {name}", f" (questions: {count} × {each} pt = {count * each} pt)"
    else:
        text, summary = f"{numeral}、{name}", f"（共 {count} 题，每题 {each} 分，共 {count * each} 分）"
    return (f'<h2 class="h5 mt-3 mb-3 exam-section-title" id="section-{number}" data-section="{qtype}">{text}'
            f'<span class="fw-normal text-muted small">{summary}</span></h2>')


START = '<div class="col-lg-9">'
END = '<button type="button" class="btn btn-danger btn-lg mb-5" id="submit-btn-bottom">'


def questions_part(page: str) -> str:
    return page[page.index(START) + len(START):page.index(END)].strip()


def direct(app, attempt_id: int, locale: str) -> list[str]:
    """Each question as the macro renders it from the student's own payload, without any cache."""
    from app.services.exam_payloads import question_payload

    with app.test_request_context("/"):
        from flask import session

        session["locale"] = locale
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        return [render_template_string('{% from "exams/_question.html" import question_block %}'
                                       "{{ question_block(q, n, total) }}", q=question_payload(item), n=n,
                                       total=len(items))
                for n, item in enumerate(items, start=1)], [item.version.data["type"] for item in items]


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_a_sectioned_page_is_the_questions_with_their_headings(app, exam_factory, locale):
    from app.exams import page as exam_page

    exam_id = exam_factory()
    client = app.test_client()
    client.post("/auth/login", data={"username": "student", "password": PASSWORD})
    location = client.post(f"/exams/{exam_id}/start").headers["Location"]
    attempt_id = int(location.rstrip("/").split("/")[-1])
    client.post("/language", data={"locale": locale})
    first = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)  # fills the caches
    second = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)  # served from them
    with app.app_context():
        exam_page.clear()
    cleared = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert questions_part(second) == questions_part(cleared)
    assert questions_part(first) == questions_part(second)
    parts, types = direct(app, attempt_id, locale)
    expected, seen = [], []
    for part, qtype in zip(parts, types, strict=True):
        if qtype not in seen:
            seen.append(qtype)
            expected.append(expected_heading(len(seen), qtype, locale))
        expected.append(part)
    assert seen == TYPES
    assert questions_part(second) == "".join(expected)
    assert "\x00" not in second


def test_sections_cost_the_exam_page_no_query(app, exam_factory):

    counts = {}
    for layout in ("mixed", "sections"):
        exam_id = exam_factory(title=f"测验 {layout}", paper_layout=layout)
        client = app.test_client()
        client.post("/auth/login", data={"username": "student", "password": PASSWORD})
        location = client.post(f"/exams/{exam_id}/start").headers["Location"]
        url = f"/exams/attempts/{int(location.rstrip('/').split('/')[-1])}"
        client.get(url)  # warm the caches
        with recorded_statements(app) as statements:
            page = client.get(url).get_data(as_text=True)
        assert ("exam-section-title" in page) is (layout == "sections")
        counts[layout] = len(statements)
    assert counts["sections"] == counts["mixed"]
