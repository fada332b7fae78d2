"""Editing a question makes a new version; attempts keep the version the student saw."""

from pathlib import Path

import yaml

from app.domain.questions import key_response
from app.extensions import db
from app.models import Attempt, AttemptItem, Question
from app.services.bank import sync_bank
from tests.conftest import PASSWORD


def test_changed_yaml_makes_a_new_version_and_past_grades_stay(app, client, exam_factory):
    exam_id = exam_factory(rules=[{"types": ["single"], "count": 1, "points": 1}])
    headers = {"X-CSRFToken": client.post("/api/v1/session", json={"username": "student", "password": PASSWORD})
               .get_json()["csrf_token"]}
    body = client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers).get_json()
    qid = body["questions"][0]["id"]
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"]))
        key = key_response(item.version.data)
        seen_version = item.version_id
    client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": key}, headers=headers)
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)

    # The author changes the key in the YAML file and syncs again.
    folder = Path(app.config["QUESTION_BANK_DIR"]) / "crm"
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            if question["id"] == qid:
                question["answer"] = next(k for k in question["options"] if k != question["answer"])
                path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with app.app_context():
        report = sync_bank("crm")
        assert report.new_versions == [qid]
        question = db.session.scalar(db.select(Question).filter_by(qid=qid))
        assert [v.number for v in question.versions] == [1, 2]
        assert question.current_version_id != seen_version
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"]))
        assert item.version_id == seen_version and item.score == 1
        assert db.session.get(Attempt, body["attempt_id"]).score == 1
        # Unchanged YAML syncs to nothing new.
        again = sync_bank("crm")
        assert again.new_versions == [] and again.created == []


def test_removed_question_is_retired_not_deleted(app, mini_bank):
    folder = Path(app.config["QUESTION_BANK_DIR"]) / "crm"
    path = sorted(folder.glob("*.yaml"))[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    gone = data["questions"].pop(0)["id"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with app.app_context():
        report = sync_bank("crm")
        assert report.retired == [gone]
        question = db.session.scalar(db.select(Question).filter_by(qid=gone))
        assert question is not None and question.active is False
