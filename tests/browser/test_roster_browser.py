"""A teacher imports a 学号+姓名 roster, resets a password and removes a student with the keyboard, in Chromium."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.test_exam_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
SHOTS = os.environ.get("ROSTER_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def _press_until_focused(page, selector: str, limit: int = 80) -> None:
    """Tab until ``selector`` has the focus (the keyboard alone reaches it)."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with Tab")


def test_roster_tools_in_the_browser(app, live_server, browser, users, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_bytes("学号,姓名,手机号\r\n2024010203,张三丰,13800000000\r\n2024010204,李小龙,\r\n".encode("gbk"))
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/classes")
    page.fill("#name", "物流2401班")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/instructor/classes/\d+$"))
    class_url = page.url
    page.set_input_files("#file", str(roster))
    page.click("#submit")
    page.wait_for_load_state()
    assert "新建账号 2 个，已有账号加入班级 0 个，出错 0 行" in page.inner_text("main")
    _shot(page, "roster-imported.png")
    page.goto(class_url)
    _shot(page, "class-page.png")
    # Reset 张三丰's password with the keyboard alone: Tab to the link, Enter, Tab to confirm, Enter.
    _press_until_focused(page, "a[aria-label='重置密码：张三丰']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/reset-password$"))
    _shot(page, "reset-confirm.png")
    _press_until_focused(page, "input[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#one-time-password")
    password = page.inner_text("#one-time-password").strip()
    _shot(page, "one-time-password.png")
    assert len(password) >= 8
    # Remove 李小龙: the confirmation page, then the class page without the student.
    page.goto(class_url)
    page.click("a[aria-label='将 李小龙 移出班级']")
    page.click("input[type=submit]")
    page.wait_for_url(class_url)
    assert "李小龙" not in page.inner_text("#class-students") and "张三丰" in page.inner_text("#class-students")
    context.close()
    # The student logs in with the one-time password and lands on the password page.
    student = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    student.goto(f"{live_server}/auth/login")
    student.fill("#username", "2024010203")
    student.fill("#password", password)
    student.click("#submit")
    student.wait_for_url(f"{live_server}/auth/password")
    assert student.locator("#must-change-password").is_visible()
    _shot(student, "must-change-password.png")
    student.goto(f"{live_server}/exams/")
    assert student.url == f"{live_server}/auth/password"
    student.fill("#new_password", "zhang-own-pass")
    student.fill("#confirm", "zhang-own-pass")
    student.click("#submit")
    student.wait_for_url(f"{live_server}/")
    student.goto(f"{live_server}/exams/")
    assert student.url == f"{live_server}/exams/"
