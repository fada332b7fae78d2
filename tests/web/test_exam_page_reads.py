"""The exam page reads the attempt, its exam and its items without ORM objects (app/exams/routes.py
``take``); every rule the page applied before still applies, through the same functions."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from app.extensions import db
from app.models import Attempt, AttemptItem
from app.models.base import utcnow
from tests.web.test_exam_page_cache import login, start


def state_of(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="exam-state" lang="zh">(.*?)</script>', page, re.S).group(1))


def test_a_page_after_the_deadline_submits_and_goes_to_the_review(app, exam_factory, users):
    exam_id = exam_factory()
    client = login(app, "student")
    attempt_id = start(client, exam_id)
    with app.app_context():
        db.session.get(Attempt, attempt_id).deadline = utcnow() - timedelta(minutes=5)  # past the grace too
        db.session.commit()
    response = client.get(f"/exams/attempts/{attempt_id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/review")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.auto_submitted is True and attempt.score is not None


def test_the_state_holds_the_saved_answers_and_the_items_in_paper_order(app, exam_factory, users):
    exam_id = exam_factory()
    client = login(app, "student")
    attempt_id = start(client, exam_id)
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        items[1].response, items[1].seq, items[1].saved_at, items[1].flagged = "A", 3, utcnow(), True
        qids = [i.qid for i in items]
        db.session.commit()
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    state = state_of(page)
    assert state["responses"][qids[1]]["response"] == "A" and state["responses"][qids[1]]["seq"] == 3
    assert state["responses"][qids[1]]["flagged"] is True and state["responses"][qids[0]]["seq"] == 0
    assert re.findall(r'<section class="card mb-3 exam-question"[^>]*data-qid="([^"]+)"', page) == qids


def test_someone_elses_or_a_missing_attempt_is_404(app, exam_factory, users):
    exam_id = exam_factory()
    owner = login(app, "student")
    attempt_id = start(owner, exam_id)
    other = login(app, "student2")
    assert other.get(f"/exams/attempts/{attempt_id}").status_code == 404
    assert other.get(f"/exams/attempts/{attempt_id + 1000}").status_code == 404
    assert owner.get(f"/exams/attempts/{attempt_id}").status_code == 200


def test_a_teacher_taking_an_exam_gets_the_page_too(app, exam_factory, users):
    exam_id = exam_factory()
    teacher = login(app, "teacher")
    attempt_id = start(teacher, exam_id)
    page = teacher.get(f"/exams/attempts/{attempt_id}")
    assert page.status_code == 200 and state_of(page.get_data(as_text=True))["status"] == "in_progress"
