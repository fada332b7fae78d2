"""Live monitoring: progress per student, extending an attempt's time, closing an attempt."""

import re
from datetime import timedelta

import pytest

from app.domain.questions import key_response
from app.extensions import db
from app.models import Attempt, AuditLog, Exam, User
from app.models.base import utcnow
from app.services import attempts as exam_svc
from tests.conftest import PASSWORD, make_user


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


@pytest.fixture
def running(app, exam_factory):
    """张三 has started and answered two auto-graded questions; 李四 has not started."""
    exam_id = exam_factory(title="随堂测验")
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student"))
        for item in [i for i in attempt.items if i.version.data["type"] != "essay"][:2]:
            exam_svc.save_response(attempt, item.qid, key_response(item.version.data), None)
        return exam_id, attempt.id


def _row(page, name):
    return next(r for r in re.findall(r"<tr data-user=.*?</tr>", page, re.S) if name in r)


def test_monitor_shows_started_and_answered(client, auth, running):
    exam_id, attempt_id = running
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/monitor").get_data(as_text=True)
    zhang, li = _row(page, "张三"), _row(page, "李四")
    assert "作答中" in zhang and re.search(r">\s*2 / 9\s*<", zhang)
    assert re.search(r'class="countdown" data-seconds="(1[6-7]\d\d)"', zhang)  # about 30 minutes left
    assert f"/attempts/{attempt_id}/extend" in zhang and f"/attempts/{attempt_id}/close" in zhang
    assert "data-confirm=" in zhang
    assert "未开始" in li and "/close" not in li
    fragment = client.get(f"/instructor/exams/{exam_id}/monitor?fragment=1").get_data(as_text=True)
    assert "<html" not in fragment and "张三" in fragment


def test_extend_time_moves_the_deadline(app, client, auth, running):
    exam_id, attempt_id = running
    with app.app_context():
        before = db.session.get(Attempt, attempt_id).deadline
    auth.login("teacher")
    response = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/extend", data={"minutes": "15"})
    assert response.status_code == 302
    assert "已为该答卷延长 15 分钟" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).deadline == before + timedelta(minutes=15)
        log = db.session.scalar(db.select(AuditLog).filter_by(action="attempt.extend"))
        assert log.target == f"attempt:{attempt_id}" and log.details["minutes"] == 15


@pytest.mark.parametrize("minutes", ["abc", "0", "601", "-5", "1.5", ""])
def test_extend_refuses_bad_minutes(app, client, auth, running, minutes):
    exam_id, attempt_id = running
    with app.app_context():
        before = db.session.get(Attempt, attempt_id).deadline
    auth.login("teacher")
    response = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/extend",
                           data={"minutes": minutes}, follow_redirects=True)
    assert "1 到 600 之间的整数分钟" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).deadline == before
        assert db.session.scalar(db.select(AuditLog).filter_by(action="attempt.extend")) is None


def test_extended_attempt_accepts_saves_after_the_old_deadline(app, client, auth, running):
    exam_id, attempt_id = running
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(seconds=30)  # inside the grace period
        db.session.commit()
    auth.login("teacher")
    client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/extend", data={"minutes": "10"})
    auth.logout()
    auth.login("student")
    with app.app_context():
        qid = db.session.get(Attempt, attempt_id).items[-1].qid
    response = client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": None})
    assert response.status_code == 200


def test_close_submits_the_attempt(app, client, auth, running):
    exam_id, attempt_id = running
    auth.login("teacher")
    response = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/close")
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.submitted_at is not None
        assert attempt.score is not None and attempt.score > 0
        assert db.session.scalar(db.select(AuditLog).filter_by(action="attempt.close")).target == f"attempt:{attempt_id}"
        qid = attempt.items[0].qid
    page = client.get(f"/instructor/exams/{exam_id}/monitor").get_data(as_text=True)
    assert "已提交" in _row(page, "张三") and "/close" not in _row(page, "张三")
    # Closing again is refused with a message, and the student can no longer save.
    again = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/close", follow_redirects=True)
    assert "答卷已经提交" in again.get_data(as_text=True)
    extend = client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/extend",
                         data={"minutes": "5"}, follow_redirects=True)
    assert "不能再延长时间" in extend.get_data(as_text=True)
    auth.logout()
    auth.login("student")
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": None}).status_code == 409


def test_actions_need_the_attempt_to_belong_to_the_exam(client, auth, running, exam_factory):
    exam_id, attempt_id = running
    other = exam_factory(title="另一场")
    auth.login("teacher")
    assert client.post(f"/instructor/exams/{other}/monitor/attempts/{attempt_id}/close").status_code == 404
    assert client.post(f"/instructor/exams/{exam_id}/monitor/attempts/9999/extend", data={"minutes": "5"}).status_code == 404
    assert client.get("/instructor/exams/9999/monitor").status_code == 404


def test_students_cannot_extend_or_close(app, client, auth, running):
    exam_id, attempt_id = running
    auth.login("student")
    assert client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/extend",
                       data={"minutes": "60"}).status_code == 403
    assert client.post(f"/instructor/exams/{exam_id}/monitor/attempts/{attempt_id}/close").status_code == 403
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "in_progress"


def test_actions_need_the_csrf_token(csrf_app):
    make_user(csrf_app, "teacher", "instructor")
    client = csrf_app.test_client()
    client.post("/api/v1/session", json={"username": "teacher", "password": PASSWORD})
    assert client.post("/instructor/exams/1/monitor/attempts/1/close").status_code == 400
    assert client.post("/instructor/exams/1/monitor/attempts/1/extend", data={"minutes": "5"}).status_code == 400
