"""A student takes an exam with the keyboard alone: answer, flag, cancel the submit dialog, submit."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for_js
from tests.browser.test_accessibility import AXE, axe_violations
from tests.browser.test_exam_browser import start_exam

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

ACTIVE = "document.activeElement"
# The focused element's top edge against the bottom of the sticky exam header (both in viewport px).
UNDER_HEADER = """() => {
  const header = document.querySelector('.exam-header').getBoundingClientRect();
  const el = document.activeElement.getBoundingClientRect();
  return {top: el.top, header: header.bottom};
}"""


def press_until(page, key: str, predicate: str, limit: int = 60, each=None) -> int:
    """Press ``key`` until ``predicate`` holds for document.activeElement; returns the presses used."""
    for count in range(1, limit + 1):
        page.keyboard.press(key)
        if each:
            each()
        if page.evaluate(f"(() => {{ const el = {ACTIVE}; return !!({predicate}); }})()"):
            return count
    raise AssertionError(f"{predicate} never held after {limit} presses of {key}")


def test_exam_with_the_keyboard_only(live_server, page, exam_factory):
    exam_id = exam_factory(shuffle_options=False, shuffle_questions=False, rules=[{"types": ["single"], "count": 3, "points": 1},
                                                         {"types": ["true_false"], "count": 2}])
    start_exam(page, live_server, exam_id)
    # A short window, so the paper scrolls and the sticky header can hide what is focused.
    page.set_viewport_size({"width": 1280, "height": 520})
    # Bootstrap scrolls smoothly unless reduced motion is asked for: measure where focus lands,
    # not a frame of the animation.
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate("document.querySelectorAll('h1').length") == 1
    assert page.inner_text("h1") == "测验"

    first = page.locator(".exam-question").first
    assert first.get_attribute("data-type") == "single"
    press_until(page, "Tab", "el.classList.contains('flag-btn') && el.closest('#q-1')")
    page.keyboard.press("Space")
    assert first.locator(".flag-btn").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.name") == "q-1"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert first.locator("input[type=radio]").nth(1).is_checked()
    assert not first.locator("input[type=radio]").nth(0).is_checked()
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    assert page.inner_text("#answered-count") == "1"
    assert "flagged" in page.locator("#navigator a").first.get_attribute("class")

    # Down to the bottom 交卷 button, then back up: nothing focused may sit under the sticky header.
    press_until(page, "Tab", "el.id === 'submit-btn-bottom'")
    assert page.evaluate("window.scrollY") > 0
    hidden = []

    def check():
        box = page.evaluate(UNDER_HEADER)
        if box["top"] < box["header"] - 1:
            hidden.append((page.evaluate(f"{ACTIVE}.outerHTML.slice(0, 80)"), box))

    press_until(page, "Shift+Tab", "el.classList.contains('flag-btn') && el.closest('#q-1')", each=check)
    assert hidden == []

    # The flagged question and the navigator pass axe-core too.
    with open(AXE, encoding="utf-8") as fh:
        axe_source = fh.read()
    assert axe_violations(page, axe_source) == []

    press_until(page, "Shift+Tab", "el.id === 'submit-btn'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-modal.show")
    assert "还有 4 题未作答" in page.inner_text("#confirm-text")
    # Bootstrap moves focus into the dialog once it has faded in; Escape is heard from there.
    wait_for_js(page, "document.getElementById('confirm-modal').contains(document.activeElement)")
    page.keyboard.press("Escape")
    wait_for_js(page, "!document.querySelector('#confirm-modal.show') && "
                      "getComputedStyle(document.getElementById('confirm-modal')).display === 'none'")
    wait_for_js(page, "document.activeElement.id === 'submit-btn'")

    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm-modal.show")
    wait_for_js(page, "document.getElementById('confirm-modal').contains(document.activeElement)")
    press_until(page, "Tab", "el.id === 'confirm-submit'", limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**/exams/attempts/*/review")
    assert page.locator("#score").is_visible()
