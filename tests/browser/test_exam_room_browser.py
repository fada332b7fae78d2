"""The exam page's proctoring signals in Chromium: leaving the page, the warning, full screen, paste."""

import time

import pytest

from app.extensions import db
from app.models import AttemptEvent
from tests.browser.conftest import wait_for_js
from tests.browser.test_exam_browser import login
from tests.web.test_exams_api import login as api_login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _monitor_row(app, exam_id, wanted, timeout=15.0):
    """The monitor JSON's row once ``wanted(row)`` holds (events arrive asynchronously)."""
    client = app.test_client()
    api_login(client, "teacher")
    deadline = time.monotonic() + timeout
    while True:
        rows = client.get(f"/api/v1/exams/{exam_id}/monitor").get_json()["attempts"]
        if rows and wanted(rows[0]) or time.monotonic() > deadline:
            return rows[0] if rows else None
        time.sleep(0.2)


def _leave_and_come_back(page):
    page.evaluate("""() => {
        Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
        window.dispatchEvent(new Event('blur'));  // the same departure: counted once
        Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
        window.dispatchEvent(new Event('focus'));
    }""")


def test_leaving_the_page_is_counted_in_the_monitor_and_warns_the_student(app, live_server, page, exam_factory):
    exam_id = exam_factory(focus_warning_after=2)
    login(page, live_server)
    page.goto(f"{live_server}/exams/{exam_id}")
    assert "不会自动扣分或收卷" in page.inner_text("#proctor-notice")
    page.click("text=开始考试")
    page.wait_for_selector("#exam-app[data-ready]")
    page.wait_for_load_state("load")  # proctor.js has run and listens
    assert not page.locator("#fullscreen-gate").count()
    _leave_and_come_back(page)
    assert page.locator("#focus-warning").is_hidden()
    _leave_and_come_back(page)
    page.wait_for_selector("#focus-warning", state="visible")
    assert "监考老师已收到提示" in page.inner_text("#focus-warning")
    page.locator('.exam-question[data-type="essay"] textarea').dispatch_event("paste")
    row = _monitor_row(app, exam_id, lambda r: r["focus_lost"] >= 2 and r["focus_back"] >= 2 and r["paste"] >= 1)
    assert (row["focus_lost"], row["focus_back"], row["paste"], row["fullscreen_exit"]) == (2, 2, 1, 0)
    assert row["events"]["focus_lost"] == 2

    # After a reload the warning is still there (the count comes from the server).
    page.reload()
    page.wait_for_load_state("load")
    page.wait_for_selector("#focus-warning", state="visible")


def test_full_screen_gate_and_leaving_full_screen(app, live_server, page, exam_factory):
    exam_id = exam_factory(require_fullscreen=True)
    login(page, live_server)
    page.goto(f"{live_server}/exams/{exam_id}")
    page.click("text=开始考试")
    page.wait_for_selector("#fullscreen-gate", state="visible")
    button = page.locator("#fullscreen-btn")
    assert button.inner_text().strip() == "进入全屏开始作答"
    wait_for_js(page, "document.activeElement && document.activeElement.id === 'fullscreen-btn'")
    page.keyboard.press("Enter")  # keyboard users get in too
    wait_for_js(page, "!!document.fullscreenElement")
    page.wait_for_selector("#fullscreen-gate", state="hidden")
    page.evaluate("() => document.exitFullscreen()")
    page.wait_for_selector("#fullscreen-gate", state="visible")
    # Late and duplicate change events (Chromium sends prefixed and unprefixed ones, and under
    # load they can arrive after the state changed again) do not count one exit twice.
    page.evaluate("""() => { for (const kind of ['fullscreenchange', 'webkitfullscreenchange', 'fullscreenchange'])
                               document.dispatchEvent(new Event(kind)); }""")
    page.evaluate("() => fetch('/api/v1/session', {credentials: 'same-origin'})")  # after the events' posts
    row = _monitor_row(app, exam_id, lambda r: r["fullscreen_exit"] >= 1)
    assert row["fullscreen_exit"] == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AttemptEvent.id)).filter_by(kind="fullscreen_exit")) == 1


def test_the_monitor_script_confirms_a_device_release(app, live_server, page, exam_factory):
    exam_id = exam_factory(single_device=True)
    client = app.test_client()
    headers = api_login(client)
    attempt_id = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()["attempt_id"]
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/exams/{exam_id}/monitor")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("text=允许更换设备")
    page.wait_for_timeout(300)
    assert messages and "更换设备" in messages[0]
    from app.models import Attempt
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).device_token is not None  # dismissed: nothing changed
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=允许更换设备")
    page.wait_for_selector("text=已允许该学生更换设备")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).device_token is None
