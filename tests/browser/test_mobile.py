"""Every student page at an iPhone-sized viewport (390 × 844): nothing overflows sideways.

Each page is screenshotted (under pytest's tmp_path; also under $MOBILE_SCREENSHOTS when set, to look
at) and checked: the document is no wider than the window, and no visible element reaches past the
right (or left) edge unless it sits inside a scroll container that is itself within the window (a
wide table in a ``.table-responsive``, a long formula). On the exam page the floating 答题卡 button
opens the answer sheet, and a number in it jumps to that question.
"""

from __future__ import annotations

import os
import re
from datetime import datetime

import pytest

from app.extensions import db
from tests.browser.conftest import wait_for_js
from tests.browser.test_accessibility import AXE, axe_violations
from tests.browser.test_exam_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

WIDTH, HEIGHT = 390, 844
with open(AXE, encoding="utf-8") as _fh:
    AXE_SOURCE = _fh.read()
SHOTS = os.environ.get("MOBILE_SCREENSHOTS", "")

# Elements past the window's left or right edge, not inside a scroll container within the window.
# A phone browser zooms out to fit a page wider than the screen, widening the layout viewport
# (innerWidth), so the width to fit is passed in, not read from the page.
OVERFLOW = """(vw) => {
  const found = [];
  const doc = document.documentElement;
  if (window.innerWidth !== vw) found.push(`the window is ${window.innerWidth}px wide, not ${vw}px (zoomed out)`);
  if (doc.scrollWidth > vw) found.push(`document is ${doc.scrollWidth}px wide in a ${vw}px window`);
  const inside = r => r.left >= -1 && r.right <= vw + 1;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const reported = new Set();  // one line for the outermost element: not one per cell inside it
  for (const el of document.body.querySelectorAll('*')) {
    if (el.parentElement && [...reported].some(r => r.contains(el))) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || inside(r)) continue;
    // Visually hidden (clipped to a pixel) text for screen readers is not on screen.
    if (r.width <= 1 && r.height <= 1) continue;
    let scroller = null, hidden = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      // Inside a box clipped to a pixel (Bootstrap's visually-hidden): for screen readers only.
      if (overflow !== 'visible' && p.getBoundingClientRect().width <= 1) { hidden = true; break; }
      if (!scroller && /(auto|scroll)/.test(overflow)) scroller = p;
    }
    if (hidden || (scroller && inside(scroller.getBoundingClientRect()))) continue;
    reported.add(el);
    found.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}px: ` +
               JSON.stringify((el.innerText || '').trim().slice(0, 40)));
  }
  return found;
}"""

# Scroll containers that scroll sideways. Only a display formula (KaTeX cannot wrap one) and a
# case's data set (a spreadsheet, framed and labelled 数据表(可滚动)) may: tables are cards or fit.
SCROLLERS = """() => {
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return [...document.body.querySelectorAll('*')]
    .filter(el => /(auto|scroll)/.test(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1
                  && el.offsetParent !== null && !el.matches('.arithmatex, .dataset-wrap'))
    .map(el => `${name(el)} scrolls sideways (${el.scrollWidth}px of content in ${el.clientWidth}px)`);
}"""


def check(page, tmp_path, label: str, axe: bool = False) -> list[str]:
    """Screenshot the page and return what overflows the window (empty when nothing does).

    With ``axe``, also what axe-core finds serious or critical at this size (the cards and the
    answer sheet exist only here; tests/browser/test_accessibility.py looks at wide screens).
    """
    page.wait_for_load_state("load")
    slug = re.sub(r"[^\w-]+", "-", label)
    page.screenshot(path=str(tmp_path / f"{slug}.png"), full_page=True)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        # In window-sized pieces, to be read at full size.
        height = page.evaluate("document.documentElement.scrollHeight")
        for n, top in enumerate(range(0, height, HEIGHT)):
            page.screenshot(path=os.path.join(SHOTS, f"{slug}-{n:02d}.png"), full_page=True,
                            clip={"x": 0, "y": top, "width": WIDTH, "height": min(HEIGHT, height - top)})
        for n, table in enumerate(page.locator("main .lesson-body table").all()):
            table.screenshot(path=os.path.join(SHOTS, f"{slug}-table{n}.png"))
    found = page.evaluate(OVERFLOW, WIDTH) + page.evaluate(SCROLLERS)
    if axe:
        found += [f"axe {v['id']} ({v['impact']}): {', '.join(v['nodes'])}" for v in axe_violations(page, AXE_SOURCE)]
    return [f"{label} ({page.url}): {problem}" for problem in found]


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.emulate_media(reduced_motion="reduce")
    yield page
    context.close()


def answer_practice(page) -> None:
    """Give some answer (right or wrong) to the practice question shown, and submit it."""
    form = page.locator("#question")
    if form.locator("input[type=radio]").count():
        form.locator("input[type=radio]").last.check()
    for box in form.locator("input[type=checkbox]").all()[:1]:
        box.check()
    for n, field in enumerate(form.locator("input:not([type]), input[type=text], input[type=number], textarea").all()):
        field.fill(str(n + 1))  # distinct numbers, as an ordering question asks
    for select in form.locator("select").all():
        select.select_option(index=1)
    form.locator(".card-footer button[type=submit]").first.click()
    page.wait_for_selector("#feedback, #answer-error")
    if page.locator("#answer-error").count():  # not an answer this question takes: skip it
        page.locator("#question .card-footer button[type=submit]").last.click()
        page.wait_for_selector("#feedback, #question, #results")


def test_every_student_page_fits_a_phone(app, live_server, phone, exam_factory, tmp_path):
    page, base = phone, live_server
    problems: list[str] = []

    page.goto(f"{base}/auth/login")
    problems += check(page, tmp_path, "login")
    login(page, base)

    for label, path in [("home", "/"), ("course", "/lessons/crm/"), ("search", "/search?q=客户"),
                        ("account-password", "/auth/password"), ("practice", "/practice/"),
                        ("cases", "/cases/")]:
        page.goto(base + path)
        problems += check(page, tmp_path, label, axe=label == "practice")
        if label == "home":  # the navigation, opened from its toggler
            page.click(".navbar-toggler")
            wait_for_js(page, "document.getElementById('nav').classList.contains('show')")
            problems += check(page, tmp_path, "navigation")

    page.goto(f"{base}/lessons/crm/")
    chapters = page.evaluate("""[...new Set([...document.querySelectorAll('main a[href*="/lessons/crm/ch"]')]
                                 .map(a => a.pathname))]""")
    assert len(chapters) >= 6
    for path in chapters:
        page.goto(base + path)
        problems += check(page, tmp_path, "lesson-" + path.rsplit("/", 1)[-1], axe=path.endswith("ch06-segmentation"))

    # A whole practice set across the course: each question type, its feedback, then the results
    # and the notebook (holding the wrong answers).
    page.goto(f"{base}/practice/crm/")
    seen = set()
    for _ in range(30):
        if page.locator("#results").count():
            break
        if page.locator("#question").count():
            kind = page.get_attribute("#question", "data-type")
            if kind not in seen:
                problems += check(page, tmp_path, f"practice-{kind}")
            answer_practice(page)
            if kind not in seen:
                problems += check(page, tmp_path, f"practice-{kind}-feedback")
            seen.add(kind)
        if page.locator("#feedback").count():
            page.locator("#feedback form button[type=submit]").click()
            page.wait_for_load_state("load")
    assert len(seen) >= 4, seen  # ten questions of seven types, at most three of each
    problems += check(page, tmp_path, "practice-results")
    page.goto(f"{base}/practice/notebook")
    assert page.locator("#notebook tbody tr").count() >= 1
    problems += check(page, tmp_path, "practice-notebook", axe=True)

    # Exams (created now: an open exam closes its questions to practice), a case assignment.
    exam_id = exam_factory(cases=[{"id": "customer-value", "points": 11}])  # every type and a case item
    with app.app_context():
        from app.models import ClassGroup, User
        from app.services.cases import create_assignment

        create_assignment("abc-classification", "ABC 分类作业", "", datetime(2099, 1, 1),
                          [db.session.scalar(db.select(ClassGroup.id).filter_by(name="一班"))],
                          db.session.scalar(db.select(User).filter_by(username="teacher")))

    # A case exercise (a practice run on the case with a table step).
    page.goto(f"{base}/cases/")
    page.locator('form[action$="/cases/practice/abc-classification"] button').first.click()
    page.wait_for_url("**/cases/practice/runs/*")
    problems += check(page, tmp_path, "case-exercise")
    page.goto(f"{base}/cases/")
    problems += check(page, tmp_path, "cases-assigned", axe=True)
    page.click("text=ABC 分类作业")
    page.wait_for_url("**/cases/assignments/*")
    problems += check(page, tmp_path, "case-assignment", axe=True)

    page.goto(f"{base}/exams/")
    problems += check(page, tmp_path, "exams")
    page.goto(f"{base}/exams/{exam_id}")
    problems += check(page, tmp_path, "exam-detail")
    page.click("text=开始考试")
    page.wait_for_selector("#exam-app")
    problems += check(page, tmp_path, "exam-take", axe=True)

    # The answer sheet is not on the page until the floating button opens it.
    sheet, fab = page.locator("#answer-sheet"), page.locator(".answer-sheet-fab")
    assert not sheet.is_visible() and fab.is_visible()
    assert fab.inner_text().strip() == "答题卡" and fab.get_attribute("aria-controls") == "answer-sheet"
    box = fab.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert box["x"] + box["width"] <= WIDTH and box["y"] + box["height"] <= HEIGHT
    fab.click()
    wait_for_js(page, "document.getElementById('answer-sheet').classList.contains('show')")
    assert page.evaluate("document.getElementById('answer-sheet').getAttribute('role')") == "dialog"
    assert page.locator("#answer-sheet-title").inner_text() == "答题卡"
    numbers = sheet.locator("#navigator a")
    assert numbers.count() == 10
    for n in range(numbers.count()):
        size = numbers.nth(n).bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44, size
    problems += check(page, tmp_path, "exam-answer-sheet", axe=True)
    # A number jumps to its question: the sheet closes, the question sits below the sticky header
    # with focus on it.
    numbers.nth(6).click()
    wait_for_js(page, "!document.getElementById('answer-sheet').classList.contains('show')")
    wait_for_js(page, "document.activeElement.id === 'q-7'")
    top = page.evaluate("document.getElementById('q-7').getBoundingClientRect().top")
    header = page.evaluate("document.querySelector('.exam-header').getBoundingClientRect().bottom")
    assert header <= top < HEIGHT / 2, (header, top)
    assert page.url.endswith("#q-7")
    # Escape closes the sheet, and focus goes back to the button that opened it.
    fab.click()
    wait_for_js(page, "document.getElementById('answer-sheet').classList.contains('show')")
    page.keyboard.press("Escape")
    wait_for_js(page, "!document.getElementById('answer-sheet').classList.contains('show')")
    wait_for_js(page, "document.activeElement.classList.contains('answer-sheet-fab')")

    # Answer one question and submit: the review (with the score), then the list and the detail
    # page with their attempt records.
    page.locator('.exam-question[data-type="single"]').first.locator("input[type=radio]").first.check()
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    page.click("#submit-btn")
    page.wait_for_selector("#confirm-modal.show")
    problems += check(page, tmp_path, "exam-submit-dialog")
    page.click("#confirm-submit")
    page.wait_for_url("**/exams/attempts/*/review")
    problems += check(page, tmp_path, "exam-review")
    page.goto(f"{base}/exams/")
    problems += check(page, tmp_path, "exams-taken")
    page.goto(f"{base}/exams/{exam_id}")
    problems += check(page, tmp_path, "exam-detail-taken", axe=True)

    # An exam whose answers are never shown: the result page alone.
    hidden_id = exam_factory(title="不公布答案的测验", review_policy="never")
    page.goto(f"{base}/exams/{hidden_id}")
    page.click("text=开始考试")
    page.wait_for_selector("#exam-app")
    page.click("#submit-btn")
    page.wait_for_selector("#confirm-modal.show")
    page.click("#confirm-submit")
    page.wait_for_url("**/exams/attempts/*/review")
    problems += check(page, tmp_path, "exam-result")

    # In English (longer words): the exam page and its answer sheet button.
    page.goto(f"{base}/exams/{exam_id}")
    page.click(".navbar-toggler")
    wait_for_js(page, "document.getElementById('nav').classList.contains('show')")
    page.select_option("select[name=locale]", "en")
    page.wait_for_load_state("load")
    page.locator("form[action$='/start'] button").click()
    page.wait_for_selector("#exam-app")
    assert page.locator(".answer-sheet-fab").inner_text().strip() == "Answer sheet"
    problems += check(page, tmp_path, "exam-take-en")

    assert not problems, "\n".join(problems)
