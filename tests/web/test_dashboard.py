"""The home dashboards: what waits for a teacher, what is open and due for a student, and their cost."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attempt, Exam, LessonProgress, NotebookEntry, Question, User
from app.models.base import utcnow
from tests.conftest import PASSWORD, make_user, recorded_statements


def _user(name):
    return db.session.scalar(select(User).filter_by(username=name))


def _set(app, exam_id, **fields):
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        for key, value in fields.items():
            setattr(exam, key, value)
        db.session.commit()


def start(app, username, exam_id) -> int:
    from app.services.attempts import start_or_resume

    with app.app_context():
        return start_or_resume(db.session.get(Exam, exam_id), _user(username)).id


def submit(app, attempt_id) -> None:
    from app.services.attempts import submit as do_submit

    with app.app_context():
        do_submit(db.session.get(Attempt, attempt_id))


def write_essay(app, attempt_id, text="以客户为中心。") -> None:
    """Answer the attempt's essay, so that it waits for a teacher after submission."""
    from app.services.attempts import save_response

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        essay = next(i for i in attempt.items if i.version.data["type"] == "essay")
        save_response(attempt, essay.qid, text, None)


def login(client, username):
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, username


def text_of(html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` up to its closing tag, tags stripped."""
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(section|p|div|a|ul|table)>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def section(html: str, element_id: str) -> str:
    """The HTML of the dashboard card ``element_id`` (up to the next card)."""
    start_at = html.index(f'id="{element_id}"')
    end = html.find("<section", start_at)
    return html[start_at:end if end != -1 else len(html)]


@pytest.fixture
def busy(app, exam_factory):
    """A class with an exam in progress closing tomorrow: student writing, student2 submitted (an essay waits)."""
    exam_id = exam_factory(title="期中测验")
    _set(app, exam_id, closes_at=utcnow() + timedelta(hours=26))
    writing = start(app, "student", exam_id)
    done = start(app, "student2", exam_id)
    write_essay(app, done)
    submit(app, done)
    return {"exam": exam_id, "writing": writing, "done": done}


# --- the teacher's home ----------------------------------------------------------------------------

def test_teacher_home_shows_grading_running_closing_flagged_and_quiet_classes(app, client, busy):
    exam_id = busy["exam"]
    login(client, "teacher")
    page = client.get("/").get_data(as_text=True)

    grading = section(page, "dash-grading")
    assert f'href="/instructor/grading/exams/{exam_id}"' in grading
    assert "期中测验" in grading and "1 份待评分" in grading

    running = section(page, "dash-running")
    row = running[running.index(f'data-exam="{exam_id}"'):]
    row = row[:row.index("</tr>")]
    assert f'href="/instructor/exams/{exam_id}/monitor"' in row
    assert re.search(r'class="text-end writing-count"[^>]*>1 人<', row)  # student is writing
    assert re.search(r'class="text-end submitted-count"[^>]*>1 / 2 人<', row)  # student2 of the two has submitted

    closing = section(page, "dash-closing")
    assert f'data-exam="{exam_id}"' in closing and "期中测验" in closing
    assert "（还剩约 26 小时）" in closing and "1 人尚未提交" in closing

    flagged = section(page, "dash-flagged")  # one submission scoring 0 everywhere: "too hard" questions
    assert f'href="/instructor/exams/{exam_id}/statistics?flagged=1"' in flagged
    assert "道题被标记" in flagged and "过难" in flagged and "仅 1 人作答" in flagged

    quiet = section(page, "dash-quiet")  # the students wrote through the service, never through a login
    assert "一班" in quiet and "2 / 2 人从未登录" in quiet and "张三" in quiet
    login(app.test_client(), "student")
    quiet = section(client.get("/").get_data(as_text=True), "dash-quiet")
    assert "1 / 2 人从未登录" in quiet and "张三" not in quiet and "李四" in quiet


def test_teacher_home_counts_change_with_the_work(app, client, busy):
    """Grading the essay empties its queue; the writer's submission moves them to "submitted"."""
    from app.services.grading import queue, save_grade

    exam_id = busy["exam"]
    write_essay(app, busy["writing"])
    submit(app, busy["writing"])
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        teacher = _user("teacher")
        for item in queue(exam):
            if item.attempt_id == busy["done"]:
                save_grade(item, "2", "", teacher)
    login(client, "teacher")
    page = client.get("/").get_data(as_text=True)
    assert "1 份待评分" in section(page, "dash-grading")  # the other student's essay still waits
    row = section(page, "dash-running")
    assert re.search(r'writing-count"[^>]*>0 人<', row) and re.search(r'submitted-count"[^>]*>2 / 2 人<', row)
    assert "人尚未提交" not in section(page, "dash-closing").replace("0 人尚未提交", "")


def test_teacher_home_empty_states(app, client, users):
    login(client, "teacher")
    page = client.get("/").get_data(as_text=True)
    for element_id, words in (("dash-no-grading", "没有等待评分的答卷。"), ("dash-no-closing", "48 小时内没有要截止的考试。"),
                              ("dash-no-running", "目前没有开放中的考试。"), ("dash-no-flagged", "被题目分析标记"),
                              ("dash-no-quiet", "每个班级的学生都已登录过。")):
        assert words in text_of(page, element_id), element_id


def test_admin_sees_the_teacher_home_and_visitors_the_landing_page(app, client, busy):
    assert "登录开始学习" in client.get("/").get_data(as_text=True)
    login(client, "admin")
    assert 'id="dash-grading"' in client.get("/").get_data(as_text=True)


def test_a_draft_closing_soon_is_listed_as_a_draft_for_the_teacher(app, client, exam_factory):
    exam_id = exam_factory(title="草稿测验")
    _set(app, exam_id, status="draft", closes_at=utcnow() + timedelta(hours=5))
    login(client, "teacher")
    page = client.get("/").get_data(as_text=True)
    closing = section(page, "dash-closing")
    assert "草稿测验" in closing and "草稿，学生看不到" in closing
    assert f'href="/instructor/exams/{exam_id}/edit"' in closing
    assert "草稿测验" not in section(page, "dash-running")


# --- the student's home ----------------------------------------------------------------------------

@pytest.fixture
def student_world(app, busy, exam_factory, mini_bank):
    """For ``student``: one exam being written, one with tries left and a result, an upcoming one, a draft,
    a case assignment due, a notebook question due today, a chapter read and a question practised right."""
    from app.services.cases import create_assignment
    from app.services.classes import find_class
    from app.services.practice import local_today, record_answer

    limited = exam_factory(title="单元测验", max_attempts=3)
    submit(app, start(app, "student", limited))
    upcoming = exam_factory(title="期末考试")
    _set(app, upcoming, opens_at=utcnow() + timedelta(days=3), closes_at=utcnow() + timedelta(days=4))
    draft = exam_factory(title="尚未发布的测验")
    _set(app, draft, status="draft")
    with app.app_context():
        group = find_class("一班")
        case = create_assignment("customer-value", "客户价值作业", "", datetime.now() + timedelta(days=2), [group.id],
                                 _user("teacher"))
        past = create_assignment("abc-classification", "已截止的作业", "", datetime.now() - timedelta(days=1),
                                 [group.id], _user("teacher"))
        student = _user("student")
        questions = db.session.scalars(select(Question).where(Question.type == "single").order_by(Question.qid)).all()
        right, missed = questions[0], questions[1]
        record_answer(student.id, right.qid, right.data["answer"])
        db.session.add(NotebookEntry(user_id=student.id, question_id=missed.id, due_on=local_today()))
        db.session.add(LessonProgress(user_id=student.id, course="crm", chapter=right.chapter))
        db.session.commit()
        ids = {"case": case.id, "past_case": past.id, "chapter": right.chapter}
    return dict(busy, limited=limited, upcoming=upcoming, draft=draft, **ids)


def test_student_home_shows_exams_deadlines_tries_cases_notebook_progress_and_result(app, client, student_world):
    w = student_world
    login(client, "student")
    page = client.get("/").get_data(as_text=True)

    exams = section(page, "dash-exams")
    writing = exams[exams.index(f'data-exam="{w["exam"]}"'):]
    writing = writing[:writing.index("</li>")]
    assert "作答中" in writing and f'href="/exams/attempts/{w["writing"]}"' in writing and "继续作答" in writing
    with app.app_context():
        exam = db.session.get(Exam, w["exam"])
        attempt = db.session.get(Attempt, w["writing"])
        from app.templating import local_time
        closes, deadline = local_time(exam.closes_at), local_time(attempt.deadline)
    assert f"截止时间：{closes}" in writing and f"本次作答须在 {deadline} 前提交" in writing
    assert "不限作答次数" in writing
    limited = exams[exams.index(f'data-exam="{w["limited"]}"'):]
    assert "剩余 2 次作答机会" in limited[:limited.index("</li>")]
    upcoming = exams[exams.index(f'data-exam="{w["upcoming"]}"'):]
    assert "尚未开放" in upcoming[:upcoming.index("</li>")] and "开放时间：" in upcoming[:upcoming.index("</li>")]
    assert "尚未发布的测验" not in page and f'data-exam="{w["draft"]}"' not in page
    # Running first, then open, then upcoming.
    assert exams.index(f'data-exam="{w["exam"]}"') < exams.index(f'data-exam="{w["limited"]}"') \
        < exams.index(f'data-exam="{w["upcoming"]}"')

    cases = section(page, "dash-cases")
    assert f'href="/cases/assignments/{w["case"]}"' in cases and "客户价值作业" in cases and "未开始" in cases
    assert "已截止的作业" not in cases

    assert "今天有 1 道错题到期" in section(page, "dash-notebook")

    progress = section(page, "dash-progress")
    assert "已读 1 / " in text_of(page, "dash-progress-summary")
    row = progress[progress.index(f'data-chapter="{w["chapter"]}"'):]
    row = row[:row.index("</li>")]
    assert "已读" in row and re.search(r'chapter-mastered">练习正确 1 / \d+<', row)
    assert progress.count("未读") == progress.count('class="col dash-chapter"') - 1

    last = section(page, "dash-last")
    assert "单元测验" in last and "得分：" in last
    with app.app_context():
        done = db.session.scalar(select(Attempt).where(Attempt.exam_id == w["limited"]))
    assert f'href="/exams/attempts/{done.id}/review"' in last


def test_student_home_withholds_score_and_review_when_the_policy_does(app, client, exam_factory):
    hidden = exam_factory(title="保密测验", review_policy="after_close")
    _set(app, hidden, closes_at=utcnow() + timedelta(days=1))
    attempt_id = start(app, "student", hidden)
    submit(app, attempt_id)
    login(client, "student")
    last = section(client.get("/").get_data(as_text=True), "dash-last")
    assert "保密测验" in last and "成绩与答案将在考试关闭" in last
    assert "得分" not in last and "/review" not in last and 'id="dash-review-link"' not in last
    with app.app_context():
        score = db.session.get(Attempt, attempt_id).score
    assert f"{score:g} /" not in last

    never = exam_factory(title="不公布测验", review_policy="never")
    submit(app, start(app, "student", never))
    last = section(client.get("/").get_data(as_text=True), "dash-last")
    assert "不公布测验" in last and "本场考试不公布成绩与答案。" in last and "/review" not in last

    # Once the after_close exam has closed its result shows, with the review link.
    _set(app, hidden, closes_at=utcnow() - timedelta(minutes=1))
    _set(app, never, review_policy="immediately")
    page = client.get("/").get_data(as_text=True)
    assert 'id="dash-review-link"' in section(page, "dash-last")


def test_student_home_empty_states(app, client, users, mini_bank):
    login(client, "student")
    page = client.get("/").get_data(as_text=True)
    assert "目前没有待参加的考试。" in text_of(page, "dash-no-exams")
    assert "目前没有待完成的案例作业。" in text_of(page, "dash-no-cases")
    assert "还没有提交过考试。" in text_of(page, "dash-no-result")
    assert "错题本是空的" in text_of(page, "dash-notebook-due")


def test_a_student_never_sees_a_draft_exam_on_the_home_page(app, client, exam_factory):
    draft = exam_factory(title="草稿里的测验")
    _set(app, draft, status="draft")
    login(client, "student")
    page = client.get("/").get_data(as_text=True)
    assert "草稿里的测验" not in page and "目前没有待参加的考试。" in page
    _set(app, draft, status="published")
    assert "草稿里的测验" in section(client.get("/").get_data(as_text=True), "dash-exams")


def test_student_home_is_in_english_when_the_ui_is(app, client, student_world):
    login(client, "student")
    client.post("/language", data={"locale": "en"})
    page = client.get("/").get_data(as_text=True)
    for words in ("My learning", "Exams to take", "Continue attempt", "Case assignments due", "Mistake notebook",
                  "Questions due for review today: 1", "Progress", "Latest exam", "Attempts left: 2",
                  "Unlimited attempts", "Not open yet", "Chapter 1"):
        assert words in page, words
    assert "待参加的考试" not in page and "学习进度" not in page


def test_teacher_home_is_in_english_when_the_ui_is(app, client, busy):
    login(client, "teacher")
    client.post("/language", data={"locale": "en"})
    page = client.get("/").get_data(as_text=True)
    for words in ("To do today", "To be graded", "1 to grade", "Exams in progress", "Closing within 48 hours",
                  "Questions to review", "Students who never logged in", "about 26 h left"):
        assert words in page, words
    assert "待评分" not in page and "进行中的考试" not in page


# --- last login ------------------------------------------------------------------------------------

def test_last_login_is_set_by_the_login_page_and_the_api(app, client, users):
    with app.app_context():
        assert _user("student").last_login_at is None and _user("student2").last_login_at is None
    before = utcnow()
    login(client, "student")
    assert app.test_client().post("/api/v1/session", json={"username": "student2", "password": PASSWORD}).status_code == 200
    assert app.test_client().post("/auth/login", data={"username": "teacher", "password": "wrong"}).status_code == 401
    with app.app_context():
        for name in ("student", "student2"):
            stamp = _user(name).last_login_at
            assert stamp is not None and before - timedelta(seconds=5) <= stamp <= utcnow() + timedelta(seconds=5)
        assert _user("teacher").last_login_at is None  # a failed login leaves it alone


# --- cost ------------------------------------------------------------------------------------------

def _seed(app, exam_factory, names, titles):
    """More students in the class, more exams with attempts (one writing, one submitted per exam)."""
    from app.services.classes import add_member, find_class

    for name in names:
        make_user(app, name)
    with app.app_context():
        group = find_class("一班")
        for name in names:
            add_member(group, _user(name))
        db.session.commit()
    for n, title in enumerate(titles):
        exam_id = exam_factory(title=title, review_policy=("after_close" if n % 2 else "immediately"))
        _set(app, exam_id, closes_at=utcnow() + timedelta(hours=30))
        start(app, names[0], exam_id)
        submit(app, start(app, names[1], exam_id))


def _count(app, client) -> int:
    with recorded_statements(app) as statements:
        assert client.get("/").status_code == 200
    return len([s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))])


def test_both_dashboards_cost_a_fixed_handful_of_queries(app, exam_factory):
    _seed(app, exam_factory, ["s1", "s2", "s3"], ["测验一", "测验二", "测验三"])
    teacher, student = app.test_client(), app.test_client()
    login(teacher, "teacher")
    login(student, "s1")
    first = (_count(app, teacher), _count(app, student))
    _seed(app, exam_factory, ["s4", "s5", "s6", "s7"], ["测验四", "测验五", "测验六", "测验七", "测验八"])
    second = (_count(app, teacher), _count(app, student))
    assert second == first, (first, second)
    assert first[0] <= 22 and first[1] <= 18, first
