"""A sectioned paper in Chromium: headings, contiguous sections, and the answer sheet (答题卡) grouped by section."""

from __future__ import annotations

from tests.browser.conftest import wait_for_js
from tests.browser.test_exam_browser import start_exam

ORDER = ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay", "case"]


def test_the_answer_sheet_groups_the_questions_by_section(live_server, page, exam_factory):
    exam_id = exam_factory(cases=[{"id": "customer-value", "points": 20}])
    start_exam(page, live_server, exam_id)
    layout = page.evaluate("""() => {
        const paper = [...document.querySelectorAll('.exam-section-title, .exam-question')].map(el =>
            el.classList.contains('exam-section-title') ? {heading: el.textContent.trim(), type: el.dataset.section}
                                                         : {qid: el.dataset.qid, type: el.dataset.type});
        const sheet = [...document.querySelectorAll('#navigator .nav-section')].map(group => ({
            type: group.dataset.section,
            title: group.querySelector('.nav-section-title').textContent.trim(),
            links: [...group.querySelectorAll('a[data-qid]')].map(a => ({qid: a.dataset.qid, n: a.textContent.trim()}))}));
        return {paper, sheet, loose: document.querySelectorAll('#navigator > a').length};
    }""")
    paper, sheet = layout["paper"], layout["sheet"]
    # The paper: a heading, then every question of its type, section after section in type order.
    headings = [p for p in paper if "heading" in p]
    assert [h["type"] for h in headings] == ORDER
    assert headings[0]["heading"] == "一、单选题（共 2 题，每题 1 分，共 2 分）"
    assert headings[2]["heading"] == "三、判断题（共 1 题，每题 1 分，共 1 分）"
    assert headings[-1]["heading"] == "九、案例分析题（共 1 题，每题 20 分，共 20 分）"
    current = None
    for entry in paper:
        if "heading" in entry:
            current = entry["type"]
        else:
            assert entry["type"] == current, paper
    # The answer sheet: one group per section, titled as the heading, its numbers running on.
    assert layout["loose"] == 0
    assert [g["type"] for g in sheet] == ORDER
    assert [g["title"] for g in sheet] == [h["heading"].split("（")[0] for h in headings]
    questions = [p["qid"] for p in paper if "qid" in p]
    assert [link["qid"] for g in sheet for link in g["links"]] == questions
    assert [link["n"] for g in sheet for link in g["links"]] == [str(n) for n in range(1, len(questions) + 1)]
    for group in sheet:
        types = {p["type"] for p in paper if p.get("qid") in {link["qid"] for link in group["links"]}}
        assert types == {group["type"]}
    # The sheet still tracks answers: answering the first true/false question marks its number.
    tf = page.locator('.exam-question[data-type="true_false"]').first
    qid = tf.get_attribute("data-qid")
    tf.locator("input[type=radio]").first.check()
    wait_for_js(page, f"document.querySelector('#navigator .nav-section[data-section=true_false] "
                      f"a[data-qid=\"{qid}\"]').classList.contains('btn-primary')")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/sections-exam-page.png")
    # The review: the same sections, each with its subtotal, and the subtotals under the score.
    page.click("#submit-btn")
    page.wait_for_selector("#confirm-modal.show")
    page.click("#confirm-submit")
    page.wait_for_url("**/exams/attempts/*/review")
    assert page.locator("#section-subtotals tbody tr").count() == len(ORDER)
    assert [t.strip() for t in page.locator(".exam-section-title").all_inner_texts()] == [h["heading"] for h in headings]
    assert page.locator('#section-subtotals tr[data-section="true_false"] .section-subtotal').inner_text().strip() in (
        "0 / 1", "1 / 1")
    page.screenshot(path="/tmp/sections-review.png")
