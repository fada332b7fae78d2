"""The reported attack, replayed end to end: reading an open exam's keys in practice.

An exam with ``review_policy: never`` draws 5 single-choice questions of chapter 3. A student
starts it, notes the question ids (in the API and in ``data-qid``), practises chapter 3 until an
exam question comes up, answers anything, reads 正确答案 and the explanation, and puts the key
into the exam. A student who has finished can do the same and pass the keys on. Now the exam's
questions never come up in practice while it is open, and answering them is refused.
"""

from __future__ import annotations

import os
import re
import shutil

from sqlalchemy import func, select

from app.domain.practice import PracticeSet
from app.extensions import db
from app.models import PracticeAnswer, Question, User
from tests.conftest import REAL_BANK, make_user
from tests.security.conftest import login

CH3 = "ch03-customer-lifecycle"
SCOPE = f"crm/{CH3}"


def _bank(app, tmp_path):
    folder = tmp_path / "bank" / "crm"
    folder.mkdir(parents=True)
    shutil.copy(os.path.join(REAL_BANK, f"{CH3}.yaml"), folder)
    app.config["QUESTION_BANK_DIR"] = str(tmp_path / "bank")


def _keys_learnt(client, rounds: int = 6) -> dict[str, str]:
    """Practise chapter 3 as the attacker does: skip to each question, answer it, read the key."""
    keys = {}
    for _round in range(rounds):
        assert client.post("/practice/start", data={"scope": SCOPE, "mode": "new", "count": 30}).status_code == 302
        for _step in range(40):
            page = client.get(f"/practice/{SCOPE}").get_data(as_text=True)
            found = re.search(r'name="qid" value="([^"]+)"', page)
            if not found:
                break
            qid = found.group(1)
            answered = client.post("/practice/answer", data={"scope": SCOPE, "qid": qid, "answer": "A"},
                                   follow_redirects=True).get_data(as_text=True)
            key = re.search(r'id="right-answer">([^<]*)<', answered)
            if key:
                keys[qid] = key.group(1)
            client.post("/practice/next", data={"scope": SCOPE, "qid": qid})
    return keys


def test_practice_no_longer_reveals_the_keys_of_an_open_exam(app, tmp_path):
    _bank(app, tmp_path)
    make_user(app, "teacher", "instructor", "王老师")
    attacker_id = make_user(app, "attacker", full_name="甲")
    make_user(app, "friend", full_name="乙")
    teacher, attacker, friend = app.test_client(), app.test_client(), app.test_client()
    admin_headers = login(teacher, "teacher")
    with app.app_context():
        from app.services.bank import sync_bank
        from app.services.classes import add_member, get_or_create_class

        assert not sync_bank("crm").problems
        group = get_or_create_class("三班", None)
        for name in ("attacker", "friend"):
            add_member(group, db.session.scalar(select(User).filter_by(username=name)))
        db.session.commit()

    # The friend practises chapter 3 a little before the exam exists (a set in their session).
    login(friend, "friend")
    assert friend.post("/practice/start", data={"scope": SCOPE, "mode": "new", "count": 30}).status_code == 302

    response = teacher.post("/api/v1/exams", headers=admin_headers, json={
        "title": "第三章小测", "classes": ["三班"], "review_policy": "never", "time_limit_minutes": 30,
        "rules": [{"chapters": [CH3], "types": ["single"], "count": 5, "points": 2}]})
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    exam_id = response.get_json()["id"]

    headers = login(attacker, "attacker")
    started = attacker.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert started.status_code in (200, 201)
    exam_qids = {q["id"] for q in started.get_json()["questions"]}
    assert len(exam_qids) == 5
    page = attacker.get(f"/exams/attempts/{started.get_json()['attempt_id']}").get_data(as_text=True)
    assert exam_qids <= set(re.findall(r'data-qid="([^"]+)"', page))  # the ids are there to note

    # The attack: practise chapter 3 until the exam's questions come up and read their keys.
    learnt = _keys_learnt(attacker)
    assert learnt, "practice itself still works"
    assert not set(learnt) & exam_qids

    # Posting straight to an exam question is refused: no key, nothing recorded.
    target = sorted(exam_qids)[0]
    with attacker.session_transaction() as session:
        session["practice_sets"] = [[SCOPE, PracticeSet(user_id=attacker_id, mode="new",
                                                        qids=(target,)).to_dict()]]
    refused = attacker.post("/practice/answer", data={"scope": SCOPE, "qid": target, "answer": "A"})
    assert 400 <= refused.status_code < 500
    assert 'id="right-answer"' not in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(PracticeAnswer.id))
                                 .join(Question, Question.id == PracticeAnswer.question_id)
                                 .where(PracticeAnswer.user_id == attacker_id, Question.qid.in_(exam_qids))) == 0

    # The set the friend drew before the exam existed passes the exam's questions over.
    friend_page = friend.get(f"/practice/{SCOPE}").get_data(as_text=True)
    current = re.search(r'name="qid" value="([^"]+)"', friend_page)
    assert current is None or current.group(1) not in exam_qids

    # Having submitted, the attacker still cannot read the keys to pass them on.
    assert attacker.post(f"/api/v1/attempts/{started.get_json()['attempt_id']}/submit",
                         headers=headers).status_code == 200
    assert not set(_keys_learnt(attacker, rounds=3)) & exam_qids
    assert not set(_keys_learnt(friend, rounds=3)) & exam_qids
