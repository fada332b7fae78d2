"""The question editor in Chromium: the id follows the chapter, sections by title, stale errors go away."""

from __future__ import annotations

import os

import pytest

from app.extensions import db
from app.models import Question
from tests.browser.conftest import record_problems
from tests.browser.test_csp_browser import violations
from tests.browser.test_exam_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("AUTHORING_SCREENSHOTS", "")
CH5 = "ch05-customer-value"
CH3 = "ch03-customer-lifecycle"


@pytest.fixture
def watched(browser):
    """A page that records JavaScript errors (and CSP reports: the editor's script is external)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    record_problems(page)
    yield page
    context.close()


def _shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def _visible_groups(page) -> list[str]:
    return page.evaluate("Array.from(document.querySelectorAll('#section optgroup'))"
                         ".filter(g => !g.hidden).map(g => g.dataset.chapter)")


def test_the_editor_follows_the_chapter_and_clears_errors_as_fields_are_fixed(app, live_server, watched, users):
    page = watched
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/bank/new?type=single")
    assert page.input_value("#id") == ""
    assert len(_visible_groups(page)) == 10  # no chapter yet: every chapter's sections

    # Choosing a chapter suggests its next id and narrows the sections to that chapter's titles.
    page.select_option("#chapter", CH5)
    assert page.input_value("#id") == "ch05-q001"
    assert _visible_groups(page) == [CH5]
    page.select_option("#section", "customer-delivered-value")
    assert page.locator("#section option:checked").inner_text() == "客户让渡价值"
    page.select_option("#chapter", CH3)
    assert page.input_value("#id") == "ch03-q001"
    assert page.input_value("#section") == ""  # a section of the other chapter is dropped
    # An id the teacher typed stays when the chapter changes.
    page.fill("#id", "my-own-1")
    page.select_option("#chapter", CH5)
    assert page.input_value("#id") == "my-own-1"
    page.fill("#id", "")
    page.select_option("#chapter", CH3)
    assert page.input_value("#id") == "ch03-q001"

    # A save with three problems: the stem, the points and the answer.
    page.fill("#points", "abc")
    for letter, text in zip("ABC", ["甲", "乙", "丙"]):
        page.fill(f"#option-{letter}", text)
    page.click("button[name=action][value=save]")
    page.wait_for_selector("#form-errors")
    for name in ("stem", "points", "answer"):
        assert page.locator(f"#err-{name}1").count() == 1, name
    assert "is-invalid" in page.get_attribute("#stem", "class")
    assert page.input_value("#id") == "ch03-q001"  # the generated id is kept, still editable
    _shot(page, "editor-errors.png")

    # Typing in the stem takes its message away, and only its own.
    page.fill("#stem", "客户生命周期分为哪几个阶段？")
    assert page.locator("#err-stem1").count() == 0
    assert "is-invalid" not in page.get_attribute("#stem", "class")
    assert page.get_attribute("#stem", "aria-invalid") is None
    assert page.get_attribute("#stem", "aria-describedby") == "stem-help"
    assert page.locator("#err-points1").count() == 1 and page.locator("#err-answer1").count() == 1
    page.fill("#points", "2")
    assert page.locator("#err-points1").count() == 0
    assert page.locator("#err-answer1").count() == 1
    page.check("#answer-B")
    assert page.locator("#err-answer1").count() == 0
    assert page.locator(".invalid-feedback").count() == 0 and page.locator("#form-errors").count() == 0
    _shot(page, "editor-fixed.png")

    page.click("button[name=action][value=save]")
    page.wait_for_url(f"{live_server}/instructor/bank/ch03-q001/edit")
    with app.app_context():
        question = db.session.scalar(db.select(Question).filter_by(qid="ch03-q001"))
        assert question.chapter == CH3 and question.data["points"] == 2 and question.data["answer"] == "B"
    assert violations(page) == []
