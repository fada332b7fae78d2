"""Exam pages through the test client: list, start, take (no key in the HTML), review."""

import re

from app.extensions import db
from app.models import AttemptItem


def test_student_takes_exam_through_pages(app, client, auth, exam_factory):
    exam_id = exam_factory()
    auth.login("student")
    listing = client.get("/exams/").get_data(as_text=True)
    assert "测验" in listing and "开放中" in listing
    detail = client.get(f"/exams/{exam_id}").get_data(as_text=True)
    assert "30 分钟" in detail and "开始考试" in detail
    response = client.post(f"/exams/{exam_id}/start")
    assert response.status_code == 302
    take_url = response.headers["Location"]
    page = client.get(take_url).get_data(as_text=True)
    attempt_id = int(re.search(r'data-attempt-id="(\d+)"', page).group(1))
    assert page.count('class="card mb-3 exam-question"') == 9
    assert 'id="countdown"' in page and 'id="navigator"' in page and 'id="progress"' in page
    with app.app_context():
        for item in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)):
            explanation = item.version.data.get("explanation", "")
            assert explanation[:15] not in page
            rubric = item.version.data.get("rubric")
            if rubric:
                assert rubric[:15] not in page
    assert "/static/js/exam.js" in page
    # Review redirects back to the take page while in progress.
    assert client.get(f"/exams/attempts/{attempt_id}/review").status_code == 302
    client.post(f"/api/v1/attempts/{attempt_id}/submit")
    review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "正确答案" in review and "复习相关课程内容" in review
    assert "（未作答）" in review
    assert client.get(take_url).status_code == 302  # a submitted attempt goes to its review


def test_exams_pages_need_login(client):
    assert client.get("/exams/").status_code == 302
