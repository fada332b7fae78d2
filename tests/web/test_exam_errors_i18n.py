"""Exam service errors are translated when they are raised: an English user reads them in English,
on the API and on the pages, and a Chinese user still reads the Chinese source."""

from datetime import timedelta

from app.extensions import db
from app.models import Attempt, Exam
from app.models.base import utcnow
from tests.web.test_exams_api import login, start


def _english(client):
    assert client.post("/language", data={"locale": "en"}).status_code == 302


def _essay(body):
    return next(q for q in body["questions"] if q["type"] == "essay")


def test_a_save_after_submitting_is_refused_in_english(client, exam_factory):
    exam_id = exam_factory()
    _english(client)
    headers = login(client)
    body = start(client, headers, exam_id)
    assert client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).status_code == 200
    response = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{_essay(body)['id']}",
                          json={"response": "迟到的答案", "seq": 1}, headers=headers)
    assert response.status_code == 409
    assert response.get_json() == {"error": "The attempt has been submitted; answers can no longer be changed"}


def test_a_save_after_the_time_is_up_and_a_question_not_on_the_paper_in_english(app, client, exam_factory):
    exam_id = exam_factory(grace_seconds=0)
    _english(client)
    headers = login(client)
    body = start(client, headers, exam_id)
    base = f"/api/v1/attempts/{body['attempt_id']}/answers/"
    missing = client.put(base + "no-such-question", json={"response": "A", "seq": 1}, headers=headers)
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Question no-such-question is not on this paper"}
    bad_seq = client.put(base + _essay(body)["id"], json={"response": "x", "seq": -1}, headers=headers)
    assert bad_seq.get_json() == {"error": "The field seq must be a non-negative integer"}
    with app.app_context():
        db.session.get(Attempt, body["attempt_id"]).deadline = utcnow() - timedelta(seconds=5)
        db.session.commit()
    late = client.put(base + _essay(body)["id"], json={"response": "x", "seq": 1}, headers=headers)
    assert late.status_code == 409 and late.get_json() == {"error": "Time is up; answers can no longer be saved"}


def test_the_attempt_limit_is_stated_in_english_with_its_number(client, exam_factory):
    exam_id = exam_factory(max_attempts=1)
    _english(client)
    headers = login(client)
    body = start(client, headers, exam_id)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    refused = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert refused.status_code == 409 and refused.get_json() == {"error": "All 1 attempts have been used"}


def test_the_exam_page_flashes_the_service_error_in_english(app, client, auth, exam_factory):
    exam_id = exam_factory()
    with app.app_context():
        db.session.get(Exam, exam_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    _english(client)
    auth.login("student")
    page = client.post(f"/exams/{exam_id}/start", follow_redirects=True).get_data(as_text=True)
    assert "The exam is not open yet, or it has closed" in page
    assert "考试未开放或已关闭" not in page


def test_chinese_users_still_read_the_chinese_source(client, exam_factory):
    exam_id = exam_factory(max_attempts=1)
    headers = login(client)
    body = start(client, headers, exam_id)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    refused = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert refused.get_json() == {"error": "已用完全部 1 次作答机会"}
