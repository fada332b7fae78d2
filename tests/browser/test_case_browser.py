"""The case work page in Chromium: the warning before submitting an empty or half-filled case,
and the sticky action bar that never hides the field being filled in."""

from __future__ import annotations

from tests.browser.conftest import wait_for_js
from tests.browser.test_exam_browser import login


def _practice(page, base, case_id="customer-value"):
    login(page, base)
    page.goto(f"{base}/cases/")
    page.locator(f"form[action='/cases/practice/{case_id}'] button:not([name])").click()
    page.wait_for_selector("#case-form[data-ready]")  # the script wired the warning, not just the HTML parsed


def _modal_text(page):
    wait_for_js(page, "document.getElementById('case-submit-check').classList.contains('show')")
    return page.inner_text("#case-submit-check .check-text")


def test_empty_and_half_filled_submissions_are_warned(live_server, page, users):
    _practice(page, live_server)
    page.click("button[name=action][value=submit]")
    assert "还没有填写任何答案" in _modal_text(page)
    page.click("#case-submit-check >> text=继续作答")
    # Hidden to the end of its fade: Bootstrap ignores show() while the modal is still transitioning.
    wait_for_js(page, "getComputedStyle(document.getElementById('case-submit-check')).display === 'none'")
    assert page.locator("#score").count() == 0  # nothing was graded

    page.fill("#s-lifetime_value", "26000")
    page.fill("input[name='s-dynamic_table-0-0']", "1")  # one cell of a six-cell table
    page.click("button[name=action][value=submit]")
    text = _modal_text(page)
    assert "第 2、3、4、5、7 步还没有作答" in text and "第 6 步还有空格没有填写" in text and "0 分" in text
    page.click("#case-submit-check .check-submit")
    page.wait_for_selector("#score")
    assert page.locator(".step-feedback").count() == 7


def test_a_complete_case_submits_without_a_warning(live_server, page, users):
    _practice(page, live_server, "ltv-npv")
    for field in page.locator("#case-form input.form-control:not([type=file])").all():
        field.fill("1")
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#score")


def test_the_sticky_action_bar_does_not_cover_step_text(live_server, page, users):
    page.emulate_media(reduced_motion="reduce")  # Bootstrap scrolls smoothly otherwise
    page.set_viewport_size({"width": 390, "height": 700})  # a phone
    _practice(page, live_server, "abc-classification")
    bar = page.locator("#case-actions").bounding_box()
    assert bar["height"] <= 80  # one line of buttons, not three
    # Bringing any step's text or field into view (a link, the keyboard) stops above the bar.
    for selector in ("#s-classification-prompt", "#s-misfits", "#s-scorecard-prompt", "#s-service-prompt"):
        page.evaluate(f"document.querySelector('{selector}').scrollIntoView({{block: 'end'}})")
        box = page.locator(selector).bounding_box()
        bar = page.locator("#case-actions").bounding_box()
        assert box["y"] + box["height"] <= bar["y"] + 1, selector
