"""Taking exams through the JSON API: start, autosave, resume, deadlines, submit, review policy, isolation."""

import json
import threading
from datetime import timedelta

import pytest

from app.domain.questions import key_response
from app.extensions import db
from app.models import Attempt, AttemptItem, User
from app.models.base import utcnow
from tests.conftest import PASSWORD

FORBIDDEN_KEYS = {"answer", "explanation", "rubric", "tolerance", "tolerance_pct", "score", "results", "feedback",
                  "display", "max_score"}


def login(client, username="student"):
    body = client.post("/api/v1/session", json={"username": username, "password": PASSWORD}).get_json()
    return {"X-CSRFToken": body["csrf_token"]}


def start(client, headers, exam_id):
    response = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def keys_for(app, attempt_id):
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)).all()
        return {i.qid: key_response(i.version.data) for i in items}


def walk_keys(value, found=None):
    found = set() if found is None else found
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(k)
            walk_keys(v, found)
    elif isinstance(value, list):
        for v in value:
            walk_keys(v, found)
    return found


def test_exam_list_and_start_contract_shape(client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    exams = client.get("/api/v1/exams").get_json()
    assert exams == [{"id": exam_id, "title": "测验", "opens_at": None, "closes_at": None, "time_limit_minutes": 30}]
    body = start(client, headers, exam_id)
    assert set(body) >= {"attempt_id", "deadline", "questions"}
    assert len(body["questions"]) == 9
    for q in body["questions"]:
        assert set(q) >= {"id", "type", "stem_html", "options"}
        for o in q["options"]:
            assert set(o) == {"id", "html"}
    by_type = {q["type"]: q for q in body["questions"]}
    assert by_type["fill_blank"]["blanks"] >= 1
    assert by_type["matching"]["left"] and by_type["matching"]["choices"]
    assert by_type["ordering"]["items"]
    # The same call resumes the same attempt.
    assert start(client, headers, exam_id)["attempt_id"] == body["attempt_id"]


@pytest.mark.parametrize("policy", ["immediately", "after_close", "never"])
def test_no_key_reaches_the_student_before_review(app, client, exam_factory, policy):
    exam_id = exam_factory(review_policy=policy, closes_at=(utcnow() + timedelta(days=1)).isoformat() + "+00:00")
    headers = login(client)
    body = start(client, headers, exam_id)
    attempt_id = body["attempt_id"]
    assert not (walk_keys(body) & FORBIDDEN_KEYS)
    keys = keys_for(app, attempt_id)
    with app.app_context():
        explanations = [i.version.data.get("explanation") for i in db.session.scalars(
            db.select(AttemptItem).filter_by(attempt_id=attempt_id))]
    raw = json.dumps(body, ensure_ascii=False)
    for text in explanations:
        assert text[:20] not in raw
    for qid, key in keys.items():
        client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": key, "seq": 1}, headers=headers)
    state = client.get(f"/api/v1/attempts/{attempt_id}").get_json()
    assert not (walk_keys({k: v for k, v in state.items() if k != "responses"}) & FORBIDDEN_KEYS)
    submitted = client.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers).get_json()
    after = client.get(f"/api/v1/attempts/{attempt_id}").get_json()
    page = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    if policy == "immediately":
        assert submitted["score"] == submitted["max_score"] - 5  # the essay waits for a teacher
        assert after["results"] and "正确答案" in page
    else:
        assert submitted == {"submitted": True}
        assert not ({"score", "results"} & set(after))
        assert "正确答案" not in page and explanations[0][:20] not in page


def test_shuffled_options_are_graded_by_identity(app, client, exam_factory):
    exam_id = exam_factory(shuffle_options=True)
    headers = login(client)
    body = start(client, headers, exam_id)
    single = next(q for q in body["questions"] if q["type"] == "single")
    keys = keys_for(app, body["attempt_id"])
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"], qid=single["id"]))
        assert [o["id"] for o in single["options"]] == item.presentation["options"]
    client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{single['id']}",
               json={"response": keys[single["id"]]}, headers=headers)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    results = client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()["results"]
    assert next(r for r in results if r["id"] == single["id"])["score"] == 1


def test_every_key_scores_full_marks_and_wrong_answers_do_not(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    keys = keys_for(app, body["attempt_id"])
    for qid, key in keys.items():
        r = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": key}, headers=headers)
        assert r.status_code == 200, r.get_json()
    result = client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).get_json()
    assert result["score"] == 13 and result["max_score"] == 18 and result["partially_graded"] is True


def test_resume_after_new_login_keeps_answers(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    keys = keys_for(app, body["attempt_id"])
    qid, key = next(iter(keys.items()))
    client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": key, "seq": 3}, headers=headers)
    client.delete("/api/v1/session", headers=headers)
    other_device = app.test_client()
    headers2 = login(other_device)
    resumed = start(other_device, headers2, exam_id)
    assert resumed["attempt_id"] == body["attempt_id"]
    assert resumed["responses"][qid]["response"] == key and resumed["responses"][qid]["seq"] == 3


def test_stale_sequence_never_overwrites_newer_answer(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    essay = next(q for q in body["questions"] if q["type"] == "essay")
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{essay['id']}"
    assert client.put(url, json={"response": "新答案", "seq": 5}, headers=headers).get_json()["stale"] is False
    late = client.put(url, json={"response": "旧答案", "seq": 4}, headers=headers).get_json()
    repeat = client.put(url, json={"response": "重复", "seq": 5}, headers=headers).get_json()
    assert late["stale"] is True and repeat["stale"] is True
    assert client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()["responses"][essay["id"]]["response"] == "新答案"


def _expire(app, attempt_id, seconds_ago):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(seconds=seconds_ago)
        db.session.commit()


def test_saves_after_deadline_and_grace_get_409(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = body["questions"][0]["id"]
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"
    _expire(app, body["attempt_id"], 30)  # inside the 60 s grace: still accepted
    assert client.put(url, json={"response": None}, headers=headers).status_code == 200
    _expire(app, body["attempt_id"], 61)
    response = client.put(url, json={"response": None}, headers=headers)
    assert response.status_code == 409 and "时间已到" in response.get_json()["error"]


def test_saves_after_submission_get_409(client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    qid = body["questions"][0]["id"]
    response = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": None}, headers=headers)
    assert response.status_code == 409 and "已提交" in response.get_json()["error"]


def test_overdue_attempts_are_closed_by_command_and_on_access(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    keys = keys_for(app, body["attempt_id"])
    qid = next(q["id"] for q in body["questions"] if q["type"] == "single")
    client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": keys[qid]}, headers=headers)
    _expire(app, body["attempt_id"], 120)
    result = app.test_cli_runner().invoke(args=["exam", "close-overdue"])
    assert "已自动提交 1 份" in result.output
    state = client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()
    assert state["status"] == "submitted" and state["score"] == 1
    # A second student's overdue attempt is closed when they come back.
    headers2 = login(app.test_client(), "student2")
    c2 = app.test_client()
    headers2 = login(c2, "student2")
    b2 = start(c2, headers2, exam_id)
    _expire(app, b2["attempt_id"], 120)
    assert c2.get(f"/api/v1/attempts/{b2['attempt_id']}").get_json()["status"] == "submitted"
    with app.app_context():
        assert db.session.get(Attempt, b2["attempt_id"]).auto_submitted is True


def test_double_submit_gives_one_result(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    keys = keys_for(app, body["attempt_id"])
    for qid, key in keys.items():
        client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": key}, headers=headers)
    results, errors = [], []

    def submit():
        try:
            c = app.test_client()
            h = login(c)
            r = c.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=h)
            results.append((r.status_code, r.get_json()))
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert {json.dumps(r, sort_keys=True) for r in results} == {json.dumps((200, results[0][1]), sort_keys=True)}
    with app.app_context():
        attempt = db.session.get(Attempt, body["attempt_id"])
        assert attempt.status == "submitted" and attempt.score == 13


def test_students_cannot_touch_each_others_attempts(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = body["questions"][0]["id"]
    other = app.test_client()
    h2 = login(other, "student2")
    assert other.get(f"/api/v1/attempts/{body['attempt_id']}").status_code == 404
    assert other.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": None},
                     headers=h2).status_code == 404
    assert other.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=h2).status_code == 404
    assert other.get(f"/exams/attempts/{body['attempt_id']}").status_code == 404
    assert other.get(f"/exams/attempts/{body['attempt_id']}/review").status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, body["attempt_id"]).status == "in_progress"


def test_unassigned_student_cannot_see_or_start_the_exam(app, client, exam_factory):
    from tests.conftest import make_user

    exam_id = exam_factory()
    make_user(app, "outsider")
    headers = login(client, "outsider")
    assert client.get("/api/v1/exams").get_json() == []
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).status_code == 404


@pytest.mark.parametrize("payload,status", [
    ("not json", 400), ({"seq": 1}, 400), ({"response": "A", "seq": -1}, 400), ({"response": "A", "seq": "x"}, 400),
    ({"response": ["A"], "flagged": "yes"}, 400),
])
def test_malformed_saves_are_400(client, exam_factory, payload, status):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = body["questions"][0]["id"]
    kwargs = {"data": payload, "content_type": "application/json"} if isinstance(payload, str) else {"json": payload}
    response = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", headers=headers, **kwargs)
    assert response.status_code == status and response.get_json()["error"]


def test_wrong_shape_is_422_and_keeps_the_saved_answer(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    single = next(q for q in body["questions"] if q["type"] == "single")
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{single['id']}"
    first = single["options"][0]["id"]
    client.put(url, json={"response": first, "seq": 1}, headers=headers)
    for bad in (["A", "B"], {"x": 1}, "Z"):
        r = client.put(url, json={"response": bad, "seq": 2}, headers=headers)
        assert r.status_code == 422 and r.get_json()["error"]
    assert client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()["responses"][single["id"]]["response"] == first
    assert client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/nope", json={"response": None},
                      headers=headers).status_code == 404


def test_attempt_limit_and_accommodations(app, client, exam_factory):
    exam_id = exam_factory(max_attempts=1, time_limit_minutes=60)
    with app.app_context():
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        student.time_multiplier = 1.5
        db.session.commit()
    headers = login(client)
    assert client.get("/api/v1/exams").get_json()[0]["time_limit_minutes"] == 90
    assert "90 分钟（原 60 分钟）" in client.get(f"/exams/{exam_id}").get_data(as_text=True)
    body = start(client, headers, exam_id)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    again = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers)
    assert again.status_code == 409 and "次作答机会" in again.get_json()["error"]
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="student")).extra_attempts = 1
        db.session.commit()
    assert client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).status_code == 200


def test_instructor_creates_exam_via_api_and_unfillable_rule_is_422(client, users, mini_bank):
    headers = login(client, "teacher")
    ok = client.post("/api/v1/exams", json={"title": "API 考试", "rules": [{"types": ["single"], "count": 2}]},
                     headers=headers)
    assert ok.status_code == 201 and ok.get_json()["title"] == "API 考试"
    too_many = client.post("/api/v1/exams", json={"title": "太多", "rules": [{"types": ["essay"], "count": 50}]},
                           headers=headers)
    assert too_many.status_code == 422
    assert "只有" in " ".join(too_many.get_json()["details"])
    invalid = client.post("/api/v1/exams", json={"title": "", "rules": []}, headers=headers)
    assert invalid.status_code == 422 and invalid.get_json()["details"]
    student_headers = login(client, "student")
    assert client.post("/api/v1/exams", json={"title": "x", "rules": [{"count": 1}]},
                       headers=student_headers).status_code == 403
