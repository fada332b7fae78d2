"""The import pages in Chromium: upload, preview, choose chapters and import with the keyboard alone."""

from __future__ import annotations

import os

import pytest

from app.extensions import db
from app.models import Question
from tests.browser.test_accessibility import AXE, axe_violations
from tests.browser.test_exam_browser import login
from tests.conftest import make_user
from tests.web.test_bank_import_cli import MOODLE_NESTED

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("IMPORT_SCREENSHOTS", "")


def test_upload_preview_and_import_by_keyboard(app, live_server, page, tmp_path):
    make_user(app, "teacher", "instructor")
    source = tmp_path / "moodle.xml"
    source.write_text(MOODLE_NESTED, encoding="utf-8")
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/bank")
    page.click("#bank-import-link")
    page.set_input_files("#import-file", str(source))
    page.focus("#import-format")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the "上传并预览" button
    page.wait_for_selector("#preview-questions")
    assert page.locator("#preview-questions > li").count() == 5
    assert page.locator(".q-type").all_inner_texts().count("判断题") == 4
    assert page.locator("#import-problems li").count() == 5
    with open(AXE, encoding="utf-8") as fh:
        assert axe_violations(page, fh.read()) == []
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "import-preview.png"), full_page=True)
    # every category to the first chapter by keyboard, then re-preview and import
    for index in range(4):
        page.focus(f"#map-{index}")
        page.keyboard.press("ArrowDown")
    page.focus("button[value=preview]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-import")
    assert page.locator("#import-problems").count() == 0
    page.focus("#confirm-import")
    page.keyboard.press("Enter")
    page.wait_for_selector("#import-result")
    assert page.inner_text("#count-created") == "5"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "import-done.png"), full_page=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == 5
