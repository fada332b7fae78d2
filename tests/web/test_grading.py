"""Manual grading: queue, rubric, anonymous mode, stable order, validation, totals, audit, escaping."""

import re

import pytest

from app.extensions import db
from app.models import Attempt, AttemptItem, AuditLog, Exam, User
from app.services import attempts as exam_svc
from app.services.grading import order_key

XSS = "<script>alert(1)</script> 我的答案 <img src=x onerror=alert(1)>"


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def write_essay(app, username, exam_id, text=XSS):
    """Submit an attempt whose essay holds ``text``; returns (attempt id, essay item id)."""
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user(username))
        essay = next(i for i in attempt.items if i.version.data["type"] == "essay")
        exam_svc.save_response(attempt, essay.qid, text, None)
        exam_svc.submit(attempt)
        return attempt.id, essay.id


@pytest.fixture
def essays(app, exam_factory):
    exam_id = exam_factory(title="论述测验")
    first = write_essay(app, "student", exam_id)
    second = write_essay(app, "student2", exam_id, "客户关系管理的核心是以客户为中心。")
    return exam_id, first, second


def test_queue_shows_rubric_and_answers_escaped(app, client, auth, essays):
    exam_id, (attempt_id, item_id), _ = essays
    auth.login("teacher")
    assert "待评分" in client.get("/instructor/grading").get_data(as_text=True)
    page = client.get(f"/instructor/grading/exams/{exam_id}").get_data(as_text=True)
    assert page.count('class="card mb-4 grading-entry') == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    with app.app_context():
        rubric = db.session.get(AttemptItem, item_id).version.data["rubric"]
    first_point = rubric[0] if isinstance(rubric, list) else rubric
    assert first_point[:20] in page
    assert "张三" in page and "李四" in page


def test_anonymous_mode_hides_names(client, auth, essays):
    exam_id = essays[0]
    auth.login("teacher")
    page = client.get(f"/instructor/grading/exams/{exam_id}?anonymous=1").get_data(as_text=True)
    entries = page.split('id="queue-count"')[1]
    assert "张三" not in entries and "李四" not in entries and "S001" not in entries
    assert len(re.findall(r"答卷 [0-9A-F]{6}", entries)) == 2


def test_queue_order_is_a_stable_hash(app, client, auth, essays):
    exam_id, first, second = essays
    auth.login("teacher")
    with app.app_context():
        items = [db.session.get(AttemptItem, item_id) for _, item_id in (first, second)]
        expected = [i.id for i in sorted(items, key=lambda i: order_key(i.attempt_id, i.qid))]
    for _ in range(2):
        page = client.get(f"/instructor/grading/exams/{exam_id}").get_data(as_text=True)
        assert [int(x) for x in re.findall(r'id="item-(\d+)"', page)] == expected


def test_grading_updates_total_and_clears_partial(app, client, auth, essays):
    exam_id, (attempt_id, item_id), _ = essays
    with app.app_context():
        before = db.session.get(Attempt, attempt_id)
        assert before.needs_manual is True
        old_score = before.score
    auth.login("teacher")
    response = client.post(f"/instructor/grading/items/{item_id}",
                           data={"score": "3.5", "comment": "论点清楚,缺少企业实例。", "anonymous": "1"})
    assert response.status_code == 302 and "anonymous=1" in response.headers["Location"]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        item = db.session.get(AttemptItem, item_id)
        assert attempt.needs_manual is False
        assert attempt.score == pytest.approx(old_score + 3.5)
        assert item.score == 3.5 and item.manual_comment == "论点清楚,缺少企业实例。"
        assert item.graded_by_id == _user("teacher").id and item.graded_at is not None
        log = db.session.scalar(db.select(AuditLog).filter_by(action="grading.save"))
        assert log.target == f"attempt_item:{item_id}" and log.details["score"] == 3.5
    # It left the pending queue, shows under "graded", and the student sees score and comment.
    page = client.get(f"/instructor/grading/exams/{exam_id}").get_data(as_text=True)
    assert f'id="item-{item_id}"' not in page
    graded = client.get(f"/instructor/grading/exams/{exam_id}?graded=1").get_data(as_text=True)
    assert f'id="item-{item_id}"' in graded and "<script>alert(1)" not in graded
    auth.logout()
    auth.login("student")
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "论点清楚,缺少企业实例。" in review and "部分题目待教师人工评分" not in review


@pytest.mark.parametrize("score, message", [
    ("-1", "不能为负数"), ("5.5", "不能超过本题满分 5 分"), ("abc", "不是数字"), ("", "请输入分数"),
    ("nan", "不是数字"), ("1.234", "两位小数"),
])
def test_invalid_grade_is_refused_and_nothing_saved(app, client, auth, essays, score, message):
    exam_id, (attempt_id, item_id), _ = essays
    auth.login("teacher")
    response = client.post(f"/instructor/grading/items/{item_id}", data={"score": score, "comment": "不应保存"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'role="alert"' in page
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        assert item.score is None and item.manual_comment == "" and item.graded_by_id is None
        assert db.session.get(Attempt, attempt_id).needs_manual is True
        assert db.session.scalar(db.select(AuditLog).filter_by(action="grading.save")) is None


def test_only_essays_of_submitted_attempts_can_be_graded(app, client, auth, essays, exam_factory):
    exam_id, (attempt_id, item_id), _ = essays
    other_exam = exam_factory()
    with app.app_context():
        auto = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt_id, needs_manual=False))
        open_attempt = exam_svc.start_or_resume(db.session.get(Exam, other_exam), _user("student"))
        open_essay = next(i for i in open_attempt.items if i.version.data["type"] == "essay")
        auto_id, open_id = auto.id, open_essay.id
    auth.login("teacher")
    assert client.post(f"/instructor/grading/items/{auto_id}", data={"score": "1"}).status_code == 404
    assert client.post(f"/instructor/grading/items/{open_id}", data={"score": "1"}).status_code == 404


def test_student_cannot_grade(app, client, auth, essays):
    item_id = essays[1][1]
    auth.login("student")
    assert client.post(f"/instructor/grading/items/{item_id}", data={"score": "5"}).status_code == 403
    with app.app_context():
        assert db.session.get(AttemptItem, item_id).score is None


def test_student_answers_are_inert_on_every_results_page(app, client, auth, essays, users):
    exam_id = essays[0]
    with app.app_context():
        _user("student").full_name = "<img src=x onerror=alert(2)>"
        db.session.commit()
        class_id = db.session.get(Exam, exam_id).classes[0].class_id
    auth.login("teacher")
    pages = ["/instructor/gradebook", f"/instructor/gradebook/{class_id}", "/instructor/grading",
             f"/instructor/grading/exams/{exam_id}", f"/instructor/grading/exams/{exam_id}?anonymous=1",
             f"/instructor/exams/{exam_id}/monitor", f"/instructor/exams/{exam_id}/monitor?fragment=1",
             f"/instructor/exams/{exam_id}/statistics"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
    assert "&lt;img src=x onerror=alert(2)&gt;" in client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)


def test_graded_essay_shows_as_graded_not_waiting(app, client, auth, essays):
    exam_id, (attempt_id, item_id), _ = essays
    auth.login("student")
    before = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "等待教师评分" in before and "待评分" in before
    auth.logout()
    auth.login("teacher")
    client.post(f"/instructor/grading/items/{item_id}", data={"score": "2.5", "comment": "要点不全。"})
    for who in ("teacher", "student"):
        if who == "student":
            auth.logout()
            auth.login("student")
        review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
        assert "等待教师评分" not in review and "待评分" not in review, who
        assert "已评分" in review and "2.5 / 5" in review and "要点不全。" in review, who
    result = next(r for r in client.get(f"/api/v1/attempts/{attempt_id}").get_json()["results"] if r["graded"])
    assert result["feedback"] == "" and result["score"] == 2.5 and result["comment"] == "要点不全。"


def test_rubric_names_the_items_own_points(app, client, auth, essays):
    from app.domain.questions.essay import rubric_total

    exam_id, (_attempt_id, item_id), _ = essays
    with app.app_context():
        item = db.session.get(AttemptItem, item_id)
        total, points = rubric_total(item.version.data["rubric"]), item.points
    assert total is not None and total != points  # the shipped rubric is written for another total
    auth.login("teacher")
    page = client.get(f"/instructor/grading/exams/{exam_id}").get_data(as_text=True)
    block = page.split(f'id="item-{item_id}"')[1]
    assert f'<span class="rubric-scale">（本题 {points:g} 分）</span>' in block
    assert f"满分 {total:g} 分" in block  # the rubric text itself is left as written


def test_rubric_total_reads_the_named_total():
    from app.domain.questions.essay import rubric_total

    assert rubric_total("满分 10 分。(1)…(2 分)") == 10
    assert rubric_total(["要点一(2 分)", "总分：8分"]) == 8
    assert rubric_total("(1)要点(2 分)") is None
