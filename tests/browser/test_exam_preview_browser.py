"""A teacher's preview of a draft exam in Chromium: the student's page, with its JavaScript inert."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, AttemptItem
from tests.browser.test_exam_browser import login


def test_the_preview_loads_without_errors_and_sends_nothing(app, live_server, page, exam_factory):
    exam_id = exam_factory(status="draft", cases=[{"id": "customer-value", "points": 10}])
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A failed load is checked by its response below (the browser's own /favicon.ico request 404s).
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/exams/{exam_id}/edit")
    page.click("#preview-link")
    page.wait_for_url("**/preview?seed=*")
    page.wait_for_selector("#preview-banner")
    assert "预览，不会保存作答" in page.inner_text("#preview-banner")
    assert page.locator(".exam-question").count() == 10  # 9 drawn questions and the case
    assert page.locator(".exam-section-title").count() == 9
    # Watch every request from here on: nothing may go to the API (no autosave, submit, timer sync).
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    assert page.is_disabled("#submit-btn") and page.is_disabled("#submit-btn-bottom")
    page.click("#submit-btn", force=True)
    essay = page.locator('.exam-question[data-type="essay"] textarea')
    assert essay.is_disabled()
    essay.click(force=True)
    page.keyboard.type("试试")
    assert essay.input_value() == ""
    page.locator('.exam-question[data-type="single"] input[type=radio]').first.click(force=True)
    page.wait_for_timeout(1500)  # wide margin: an autosave would have left by now
    assert [u for u in requests if "/api/" in u] == []
    assert page.locator("#confirm-modal.show").count() == 0
    assert page.evaluate("document.querySelector('script[src*=\"js/exam.js\"]') === null")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/exam-preview.png")
    # 换一份样卷: another seed, the same exam, still nothing written.
    first_url = page.url
    page.click("#preview-another")
    page.wait_for_url("**/preview?seed=*")
    assert page.url != first_url and page.locator(".exam-question").count() == 10
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Attempt.id))) == 0
        assert db.session.scalar(select(func.count(AttemptItem.id))) == 0
