"""A reload of an unchanged exam page comes from the browser's copy (304), and the countdown then
takes the server's time from the API instead of the copy's old one (static/js/exam.js)."""

from __future__ import annotations

from tests.browser.conftest import wait_for_js
from tests.browser.test_exam_browser import start_exam, wait_exam_ready


def test_a_304_reload_resyncs_the_countdown_and_a_full_load_does_not(live_server, page, exam_factory):
    exam_id = exam_factory(time_limit_minutes=30)
    state_calls: list[str] = []
    page.on("request", lambda r: state_calls.append(r.url)
            if r.method == "GET" and "/api/v1/attempts/" in r.url else None)
    start_exam(page, live_server, exam_id)
    page.wait_for_timeout(500)
    assert state_calls == []  # a page served in full carries a fresh server time

    page.reload()
    wait_exam_ready(page)
    # Playwright reports the stored copy as 200; the navigation entry shows it came back as a 304
    # (headers only, the body from the cache).
    wait_for_js(page, "(function (n) { return n.transferSize > 0 && n.transferSize < n.encodedBodySize; })"
                      "(performance.getEntriesByType('navigation')[0])")
    wait_for_js(page, "performance.getEntriesByType('resource').some("
                      "function (e) { return e.name.indexOf('/api/v1/attempts/') > 0; })")
    assert len(state_calls) == 1
    # The countdown runs from the server's clock: about 30 minutes left (29:xx), never the copy's age off.
    wait_for_js(page, "/^(29|30):\\d\\d$/.test(document.getElementById('countdown').textContent)")
