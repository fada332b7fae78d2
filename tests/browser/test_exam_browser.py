"""A student takes an exam in Chromium: answers autosave, survive a reload, and the review shows after submit."""

import pytest

from tests.browser.conftest import wait_for_js
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def login(page, base, username="student"):
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"{base}/")


def start_exam(page, base, exam_id, username="student"):
    """Log in and start the exam from its detail page; returns when the paper is shown."""
    login(page, base, username)
    page.goto(f"{base}/exams/{exam_id}")
    page.click("text=开始考试")
    page.wait_for_selector("#exam-app")


def test_take_exam_reload_keep_answers_submit_and_review(live_server, page, exam_factory, tmp_path):
    exam_id = exam_factory(shuffle_options=False)
    base = live_server
    start_exam(page, base, exam_id)
    assert page.locator(".exam-question").count() == 9
    assert page.inner_text("#answered-count") == "0"

    single = page.locator('.exam-question[data-type="single"]').first
    single.locator("input[type=radio]").nth(1).check()
    numeric = page.locator('.exam-question[data-type="numeric"]')
    numeric.locator("input").fill("2.6万")
    essay = page.locator('.exam-question[data-type="essay"]')
    essay.locator("textarea").fill("客户终生价值是客户在整个关系期间为企业带来的利润的现值。")
    multiple = page.locator('.exam-question[data-type="multiple"]')
    multiple.locator("input[type=checkbox]").first.check()
    ordering = page.locator('.exam-question[data-type="ordering"]')
    first_item = ordering.locator("li").first.get_attribute("data-id")
    ordering.locator("li").first.locator(".move-down").click()
    single.locator(".flag-btn").click()

    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    page.wait_for_timeout(300)
    assert page.inner_text("#answered-count") == "5"
    assert "flagged" in page.locator("#navigator a").nth(
        int(single.get_attribute("id").split("-")[1]) - 1).get_attribute("class")
    page.screenshot(path=str(tmp_path / "exam-taking.png"), full_page=False)

    page.reload()
    page.wait_for_selector("#exam-app")
    assert page.locator('.exam-question[data-type="single"]').first.locator("input[type=radio]").nth(1).is_checked()
    assert page.locator('.exam-question[data-type="numeric"] input').input_value() == "2.6万"
    assert "客户终生价值" in page.locator('.exam-question[data-type="essay"] textarea').input_value()
    assert page.locator('.exam-question[data-type="ordering"] li').nth(1).get_attribute("data-id") == first_item
    assert page.inner_text("#answered-count") == "5"

    page.click("#submit-btn")
    page.wait_for_selector("#confirm-modal.show")
    assert "还有 4 题未作答" in page.inner_text("#confirm-text")
    page.click("#confirm-submit")
    page.wait_for_url(f"**/exams/attempts/*/review")
    assert page.locator("#score").is_visible()
    assert page.locator("text=正确答案").count() >= 9
    assert "2.6万" in page.content()
    page.screenshot(path=str(tmp_path / "exam-review.png"), full_page=False)


def test_answers_made_offline_are_resent_after_reconnect(live_server, page, exam_factory):
    exam_id = exam_factory(shuffle_options=False)
    base = live_server
    start_exam(page, base, exam_id)
    page.context.set_offline(True)
    essay = page.locator('.exam-question[data-type="essay"] textarea')
    essay.fill("断网时写下的答案")
    page.wait_for_selector("#save-warning:not(.d-none)", timeout=10000)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'", timeout=20000)
    # The server has it: a fresh page load shows it without any local copy.
    page.evaluate("localStorage.clear()")
    page.reload()
    assert page.locator('.exam-question[data-type="essay"] textarea').input_value() == "断网时写下的答案"


def test_case_item_steps_autosave_and_grade(live_server, page, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["true_false"], "count": 1}],
                           cases=[{"id": "customer-value", "points": 11}])
    base = live_server
    # exam.js must listen before the fields are filled, or nothing is saved (seen on a loaded machine).
    start_exam(page, base, exam_id)
    page.wait_for_load_state("load")
    case = page.locator('.exam-question[data-type="case"]')
    case.locator('[data-step="lifetime_value"] input').fill("26,000")
    case.locator('[data-step="dynamic_table"] input[data-row="satisfied"][data-col="customers"]').fill("1")
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    page.reload()
    case = page.locator('.exam-question[data-type="case"]')
    assert case.locator('[data-step="lifetime_value"] input').input_value() == "26,000"
    assert case.locator('[data-step="dynamic_table"] input[data-row="satisfied"][data-col="customers"]').input_value() == "1"
    page.click("#submit-btn")
    page.click("#confirm-submit")
    page.wait_for_url("**/review")
    assert page.locator(".case-review").count() == 1


@pytest.fixture
def csrf_on(app_config):
    """CSRF protection on, as in production (before the app is built)."""
    app_config["WTF_CSRF_ENABLED"] = True


def test_session_ended_elsewhere_keeps_answers_and_uploads_after_login(csrf_on, live_server, page, exam_factory,
                                                                       browser):
    """Logging out on another device ends this session too: the exam page says so and loses nothing.

    The new login renews the CSRF token; the page fetches it before resending.
    """
    exam_id = exam_factory(shuffle_options=False)
    base = live_server
    start_exam(page, base, exam_id)
    attempt_url = page.url

    other = browser.new_context(locale="zh-CN").new_page()  # the student's second device
    login(other, base)
    status = other.evaluate("""() => fetch('/auth/logout', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/x-www-form-urlencoded'},
        body: 'csrf_token=' + encodeURIComponent(document.querySelector('meta[name="csrf-token"]').content)})
        .then(r => r.status)""")
    assert status == 200  # redirected to the home page

    essay = page.locator('.exam-question[data-type="essay"] textarea')
    essay.fill("会话失效后写下的答案")
    page.wait_for_selector("#save-warning:not(.d-none)", timeout=10000)
    assert "登录已失效" in page.inner_text("#save-warning")

    # Log in again in a new tab of the same browser; the exam page uploads what it kept.
    again = page.context.new_page()
    login(again, base)
    again.close()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'", timeout=40000)
    page.evaluate("localStorage.clear()")
    page.goto(attempt_url)
    assert page.locator('.exam-question[data-type="essay"] textarea').input_value() == "会话失效后写下的答案"
