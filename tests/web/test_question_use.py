"""``use: exam`` questions: lint, sync, practice and notebook leave them out, exams draw them, editor, export."""

from __future__ import annotations

import os
import random

import yaml
from sqlalchemy import select

from app.domain.practice import MODE_DUE, MODE_NEW, MODE_WEAK
from app.extensions import db
from app.models import Exam, NotebookEntry, Question, User
from app.services import practice as svc
from app.services.bank import sync_bank
from tests.conftest import write_mini_bank

CH1 = "ch01-crm-overview"
EXAM_ONLY = "ch01-q001"  # a single-choice question of the mini bank, marked use: exam


def mark_exam_only(folder: str, qid: str = EXAM_ONLY, value: object = "exam") -> str:
    """Set ``use`` on ``qid`` in the bank file of chapter 1; returns the file path."""
    path = os.path.join(folder, "crm", f"{CH1}.yaml")
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for question in data["questions"]:
        if question["id"] == qid:
            question["use"] = value
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False)
    return path


def test_lint_rejects_an_unknown_use_with_file_and_line(runner, tmp_path):
    folder = write_mini_bank(str(tmp_path / "bank"))
    path = mark_exam_only(folder, value="sometimes")
    result = runner.invoke(args=["bank", "lint", folder])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "use" in line]
    assert len(lines) == 1, result.output
    with open(path, encoding="utf-8") as fh:
        text = fh.read().splitlines()
    line_no = next(i for i, line in enumerate(text, start=1) if "use: sometimes" in line)
    assert lines[0].startswith(f"{path}:{line_no}: ") and "sometimes" in lines[0]
    mark_exam_only(folder, value="exam")
    assert runner.invoke(args=["bank", "lint", folder]).exit_code == 0


def test_exam_only_questions_never_reach_practice_but_exams_draw_them(app, runner, users, tmp_path):
    from app.services.classes import add_member, get_or_create_class
    from app.services.attempts import start_or_resume
    from app.services.exams import create_exam

    folder = write_mini_bank(str(tmp_path / "bank"))
    app.config["QUESTION_BANK_DIR"] = folder
    with app.test_request_context():
        sync_bank("crm")
        student = db.session.scalar(select(User).filter_by(username="student"))
        svc.record_answer(student.id, EXAM_ONLY, "D" if db.session.scalar(
            select(Question).filter_by(qid=EXAM_ONLY)).data["answer"] != "D" else "A")  # in the notebook now
        student_id = student.id
    mark_exam_only(folder)
    result = runner.invoke(args=["sync"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        question = db.session.scalar(select(Question).filter_by(qid=EXAM_ONLY))
        assert question.use == "exam" and len(question.versions) == 1  # metadata: no new version
        assert db.session.scalar(select(Question.use).filter_by(qid="ch01-q002")) == "any"
        seen = set()
        for user in (student_id, users["teacher"]):
            for mode in (MODE_NEW, MODE_WEAK):
                for seed in range(10):
                    seen |= set(svc.draw(user, "crm", None, mode, 30, random.Random(seed)))
                    seen |= set(svc.draw(user, "crm", CH1, mode, 30, random.Random(seed)))
        assert "ch01-q002" in seen and EXAM_ONLY not in seen
        assert svc.question_payload(EXAM_ONLY) is None and svc.find_practicable(EXAM_ONLY) is None
        assert EXAM_ONLY not in [q for q, _s in svc.notebook_states(student_id)]
        assert svc.draw(student_id, None, None, MODE_DUE, 30, random.Random(1),
                        svc.local_today().replace(year=svc.local_today().year + 1)) == []
        assert db.session.scalar(select(NotebookEntry.id)) is not None  # kept, only not shown
        # Exams draw it: a fixed question and a rule whose only candidates include it.
        group = get_or_create_class("一班", None)
        add_member(group, student)
        teacher = db.session.get(User, users["teacher"])
        exam = create_exam({"title": "仅考试题", "classes": ["一班"], "review_policy": "immediately",
                            "fixed": [{"id": EXAM_ONLY}], "rules": [{"types": ["single"], "count": 2}]}, teacher)
        attempt = start_or_resume(db.session.get(Exam, exam.id), db.session.get(User, student_id))
        assert EXAM_ONLY in {item.qid for item in attempt.items}


def test_editor_select_and_yaml_export_round_trip(app, client, auth, users, runner, tmp_path):
    auth.login("teacher")
    form = {"id": "web-use-1", "chapter": "ch05-customer-value", "difficulty": "2", "points": "1",
            "stem": "判断:客户价值只看当期利润。", "answer": "false", "use": "exam", "action": "save"}
    page = client.get("/instructor/bank/new?type=true_false").get_data(as_text=True)
    assert 'name="use"' in page and "仅用于考试" in page and "练习和考试" in page
    assert client.post("/instructor/bank/new?type=true_false", data=form).status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question).filter_by(qid="web-use-1"))
        assert question.use == "exam" and question.data["use"] == "exam"
    edit = client.get("/instructor/bank/web-use-1/edit").get_data(as_text=True)
    assert '<option value="exam" selected>' in edit
    bad = client.post("/instructor/bank/new?type=true_false", data=dict(form, id="web-use-2", use="sometimes"))
    assert bad.status_code == 400
    out = tmp_path / "export"
    result = runner.invoke(args=["bank", "export-yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load((out / "crm" / "ch05-customer-value.yaml").read_text(encoding="utf-8"))
    entry = next(q for q in exported["questions"] if q["id"] == "web-use-1")
    assert entry["use"] == "exam"
    assert runner.invoke(args=["bank", "lint", str(out)]).exit_code == 0
    # Back to "any" in the editor: practised again, and the export leaves the default out.
    assert client.post("/instructor/bank/web-use-1/edit", data=dict(form, use="any")).status_code == 302
    with app.app_context():
        question = db.session.scalar(select(Question).filter_by(qid="web-use-1"))
        assert question.use == "any" and "use" not in question.data and len(question.versions) == 1
    with app.test_request_context():
        assert svc.find_practicable("web-use-1") is not None
