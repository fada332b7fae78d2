"""The written tasks in Chromium: the live character and sentence count follows the grader's rule,
and the teacher's rubric grading form sits beside the student's answer.

Set ``CASE_SHOTS=/some/dir`` to keep screenshots of the student page and the grading page."""

from __future__ import annotations

import os

from app.domain.cases import make_variant, solution
from app.extensions import db
from app.models import CaseWork
from app.services.classes import add_member, get_or_create_class
from tests.browser.conftest import wait_for_js
from tests.browser.test_exam_browser import login


def _shot(page, name):
    folder = os.environ.get("CASE_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_live_count_follows_the_graders_rule(live_server, page, users):
    login(page, live_server)
    page.goto(f"{live_server}/cases/")
    page.locator("form[action='/cases/practice/platform-strengths'] button[name=textbook]").click()
    page.wait_for_selector("#case-form")
    count = page.locator("#s-strengths-count")
    page.fill("#s-strengths", "平台由政府支持，B2B 模式！\n提供 24 小时服务。靠会员费盈利")
    wait_for_js(page, "document.getElementById('s-strengths-count').textContent.includes('3 句')")
    # 平台由政府支持 (7) + B2B (3) + 模式 (2) + 提供 (2) + 24 (2) + 小时服务 (4) + 靠会员费盈利 (6) = 26
    assert "已写 26 字，3 句" in count.inner_text()
    page.fill("#s-strengths", "很" * 101 + "。")
    wait_for_js(page, "document.getElementById('s-strengths-count').classList.contains('text-danger')")
    page.fill("#s-strengths", solution(make_variant("platform-strengths", None, textbook=True)[0])["strengths"])
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#rubric")
    assert page.locator("#rubric tr[data-criterion]").count() == 7
    _shot(page, "student-strengths.png")


def test_teacher_grades_beside_the_answer(app, live_server, page, users):
    with app.app_context():
        from app.models import User

        group = get_or_create_class("一班", None)
        add_member(group, db.session.get(User, users["student"]))
        db.session.commit()
        class_id = group.id
    login(page, live_server, "teacher")
    page.goto(f"{live_server}/instructor/cases/new")
    page.select_option("select[name=case_id]", "presales-pitch")
    page.fill("input[name=title]", "售前营销作业")
    page.fill("input[name=due_at]", "2099-01-01T10:00")
    page.check(f"input[name=classes][value='{class_id}']")
    page.click("#submit")
    page.wait_for_selector("#case-results")
    assignment_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    student = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    login(student, live_server)
    student.goto(f"{live_server}/cases/assignments/{assignment_id}")
    with app.app_context():
        work = db.session.scalar(db.select(CaseWork).filter_by(assignment_id=assignment_id))
        variant, _ = make_variant(work.case_id, work.seed)
    model = solution(variant)
    for step in variant.steps:
        for r, (row, _) in enumerate(step.rows):
            for c, (col, _) in enumerate(step.columns):
                student.fill(f"textarea[name='s-{step.id}-{r}-{c}']", model[step.id][row][col])
    _shot(student, "student-pitch.png")
    student.click("button[name=action][value=submit]")
    student.wait_for_selector("#rubric-pending")
    student.context.close()

    page.goto(f"{live_server}/instructor/cases/{assignment_id}/grading")
    entry = page.locator(".grading-entry").first
    answer = entry.locator(".col-lg-7").bounding_box()
    rubric = entry.locator(".col-lg-5").bounding_box()
    assert rubric["x"] > answer["x"] + answer["width"] - 1  # side by side on a wide screen
    assert rubric["y"] < answer["y"] + 50
    _shot(page, "teacher-grading.png")
    for name, value in (("c-targets_analysis", "2"), ("c-pitch_choice", "1.5"), ("c-pitch_fit", "2"),
                        ("c-pitch_manner", "1")):
        entry.locator(f"input[name={name}]").fill(value)
    entry.locator("button[type=submit]").click()
    page.wait_for_selector("text=没有待评分的答案了")
    with app.app_context():
        work = db.session.get(CaseWork, work.id)
        assert work.score == 9.5 and not work.needs_manual


def test_written_case_in_an_exam_autosaves_and_comes_back(app, live_server, page, exam_factory):
    from tests.browser.test_exam_browser import start_exam, wait_exam_ready

    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}],
                           cases=[{"id": "platform-strengths", "points": 10}, {"id": "presales-pitch", "points": 10}])
    start_exam(page, live_server, exam_id)
    strengths = page.locator('.exam-question[data-qid="case:platform-strengths"]')
    strengths.locator("textarea").fill("平台由政府支持。提供货源发布。靠会员费盈利。")
    pitch = page.locator('.exam-question[data-qid="case:presales-pitch"]')
    pitch.locator("textarea[data-row='opening']").fill("王经理您好，我是平台的客户顾问。")
    wait_for_js(page, "document.getElementById('save-state').textContent.trim() === '已保存'")
    page.wait_for_timeout(300)
    _shot(page, "exam-written.png")
    page.reload()
    wait_exam_ready(page)
    assert page.locator('.exam-question[data-qid="case:platform-strengths"] textarea').input_value().startswith("平台由政府支持")
    assert "客户顾问" in page.locator(
        ".exam-question[data-qid='case:presales-pitch'] textarea[data-row='opening']").input_value()
