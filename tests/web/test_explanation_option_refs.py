"""``{{opt:C}}`` in an explanation shows the letter the student saw for bank option C (issue 13).

The exam shuffles options per student, so the review (the student's and the teacher's view of the
attempt) must render the reference as the presented letter; practice feedback as the letter its
page showed; the API, whose option ids are bank ids, as the bank letter.
"""

from __future__ import annotations

import re

from app.domain.practice import PracticeSet
from app.extensions import db
from app.models import Attempt, Question, User
from app.services import attempts as exam_svc

EXPLANATION = "丙才完整，所以选 {{opt:C}}；{{opt:A}} 只说了一半。"


def _explained(version):
    """Give ``version`` the explanation with references (versions are read-only in the app; this is set-up)."""
    version.data = dict(version.data, explanation=EXPLANATION)


def _letter(page: str, ident: str) -> str:
    """The letter an option row of a review or feedback page gives bank option ``ident``."""
    return re.search(rf'data-id="{ident}" data-letter="([^"]*)"', page).group(1)


def test_review_and_teacher_view_render_references_in_the_presented_letters(app, client, auth, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1, "points": 1}])
    auth.login("student")
    take_url = client.post(f"/exams/{exam_id}/start").headers["Location"]
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt).filter_by(exam_id=exam_id))
        item = attempt.items[0]
        ids = list(item.version.data["options"])
        assert {"A", "C"} <= set(ids)
        order = ["B", "C", "A"] + [i for i in ids if i not in ("A", "B", "C")]  # C shows as B, A as C
        item.presentation = {"options": order}
        _explained(item.version)
        db.session.commit()
        attempt_id = attempt.id
    page = client.get(take_url).get_data(as_text=True)
    shown = dict(re.findall(r'value="([A-J])"><label[^>]*><span class="text-muted me-1">([A-J])\.</span>', page))
    assert shown["C"] == "B" and shown["A"] == "C"  # what the student saw
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        exam_svc.save_response(attempt, attempt.items[0].qid, "C", None)
        exam_svc.submit(attempt)
    for viewer in ("student", "teacher"):
        auth.logout()
        auth.login(viewer)
        review = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
        assert _letter(review, "C") == "B" and _letter(review, "A") == "C"
        assert "丙才完整，所以选 B；C 只说了一半。" in review, viewer
        assert "{{opt:" not in review


def test_practice_feedback_renders_references_in_the_letters_of_its_page(app, client, auth, users, mini_bank):
    qid = mini_bank["single"][0]
    with app.app_context():
        question = db.session.scalar(db.select(Question).filter_by(qid=qid))
        _explained(question.current_version)
        db.session.commit()
        key, scope = question.current_version.data["answer"], f"crm/{question.chapter}"
        uid = db.session.scalar(db.select(User.id).filter_by(username="student"))
    auth.login()
    with client.session_transaction() as session:  # a set holding this question, as the start form gives
        session["practice_sets"] = [[scope, PracticeSet(user_id=uid, mode="new", qids=(qid,)).to_dict()]]
    response = client.post("/practice/answer", data={"scope": scope, "qid": qid, "answer": key})
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    c, a = _letter(feedback, "C"), _letter(feedback, "A")
    assert f"丙才完整，所以选 {c}；{a} 只说了一半。" in feedback
    assert "{{opt:" not in feedback


def test_the_api_renders_references_as_bank_letters(app, client, auth, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1, "points": 1}])
    auth.api_login("student")
    started = client.post(f"/api/v1/exams/{exam_id}/attempts", json={}).get_json()
    with app.app_context():
        attempt = db.session.get(Attempt, started["attempt_id"])
        _explained(attempt.items[0].version)
        db.session.commit()
        exam_svc.submit(attempt)
    result = client.get(f"/api/v1/attempts/{started['attempt_id']}").get_json()["results"][0]
    assert result["explanation"] == "丙才完整，所以选 C；A 只说了一半。"  # API option ids are bank ids
