"""Case exercises as exam items: own variant per student, autosave, grading, review, no solution before review."""

import json

from app.domain.cases import make_variant, solution
from app.extensions import db
from app.models import AttemptItem
from tests.conftest import PASSWORD


def login(client, username="student"):
    body = client.post("/api/v1/session", json={"username": username, "password": PASSWORD}).get_json()
    return {"X-CSRFToken": body["csrf_token"]}


def test_case_item_in_exam(app, client, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}],
                           cases=[{"id": "customer-value", "points": 20}])
    headers = login(client)
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    case = next(q for q in body["questions"] if q["type"] == "case")
    assert case["id"] == "case:customer-value" and case["points"] == 20
    assert [s["id"] for s in case["case"]["steps"]][0] == "lifetime_value"
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"], qid=case["id"]))
        seed = item.presentation["case_seed"]
    variant, _ = make_variant("customer-value", seed)
    answers = solution(variant)
    raw = json.dumps(body, ensure_ascii=False)
    assert str(answers["value_lost"]) not in raw and "solution" not in raw
    # Another student gets their own variant.
    other = app.test_client()
    other_body = other.post(f"/api/v1/exams/{exam_id}/attempts", headers=login(other, "student2")).get_json()
    other_case = next(q for q in other_body["questions"] if q["type"] == "case")
    assert other_case["case"]["params"] != case["case"]["params"] or other_case["stem_html"] != case["stem_html"]

    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{case['id']}"
    assert client.put(url, json={"response": "26000"}, headers=headers).status_code == 422
    assert client.put(url, json={"response": answers, "seq": 1}, headers=headers).status_code == 200
    page = client.get(f"/exams/attempts/{body['attempt_id']}").get_data(as_text=True)
    assert 'data-type="case"' in page and 'data-step="dynamic_table"' in page
    result = client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers).get_json()
    assert result["max_score"] == 21 and result["score"] >= 20
    state = client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()
    case_result = next(r for r in state["results"] if r["id"] == case["id"])
    assert case_result["score"] == 20 and all(s["score"] == s["max"] for s in case_result["steps"])
    review = client.get(f"/exams/attempts/{body['attempt_id']}/review").get_data(as_text=True)
    assert "case-review" in review and "正确" in review


def test_unknown_case_is_refused(client, users, mini_bank):
    headers = login(client, "teacher")
    response = client.post("/api/v1/exams", json={"title": "x", "cases": [{"id": "nope"}]}, headers=headers)
    assert response.status_code == 422 and "nope" in json.dumps(response.get_json(), ensure_ascii=False)


def test_case_answers_outside_the_step_shapes_are_refused_and_nothing_is_stored(app, client, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1}], cases=[{"id": "customer-value", "points": 20}])
    headers = login(client)
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/case:customer-value"
    good = {"lifetime_value": "2.6万", "dynamic_table": {"satisfied": {"customers": 2}}}
    assert client.put(url, json={"response": good, "seq": 1}, headers=headers).status_code == 200
    hostile = [
        ({"junk": "x" * 1000}, "没有这个步骤：junk"),
        ({"lifetime_value": "9" * 5000}, "第 1 步的答案无效"),
        ({"dynamic_table": {"satisfied": {"customers": 1, "padding": "x"}}}, "没有列「padding」"),
        ({"dynamic_table": {f"row{i}": 1 for i in range(5000)}}, "没有行编号"),
        ({"lifetime_value": {"nested": ["x"] * 100000}}, "应为数字或文字"),
    ]
    for seq, (response, words) in enumerate(hostile, start=2):
        refused = client.put(url, json={"response": response, "seq": seq}, headers=headers)
        assert refused.status_code == 422 and words in refused.get_json()["error"]
    state = client.get(f"/api/v1/attempts/{body['attempt_id']}").get_json()
    assert state["responses"]["case:customer-value"]["response"] == good
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"],
                                                                  qid="case:customer-value"))
        assert item.response == good and item.seq == 1
