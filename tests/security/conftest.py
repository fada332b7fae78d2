"""A small world full of hostile text, and helpers that walk the URL map instead of listing routes."""

from __future__ import annotations

import os
import re

import pytest

from app.extensions import db
from tests.conftest import PASSWORD, make_user, write_mini_bank

# Each payload carries its own marker so a failure names the field that leaked.
PAYLOADS = {
    "stem": "<script>alert('xss-stem')</script><img src=x onerror=alert('xss-stem-img')>",
    "option": "<script>alert('xss-option')</script>甲",
    "option2": "<svg onload=alert('xss-option-svg')>乙",
    "explanation": "解析 EXPLAIN-MARKER-7 <script>alert('xss-explanation')</script>",
    "essay": "我的回答<script>alert('xss-essay')</script><img src=x onerror=alert('xss-essay-img')>",
    "username": "u<script>alert('xss-user')</script>",
    "full_name": "<img src=x onerror=alert('xss-name')>",
    "class": "<script>alert('xss-class')</script>班",
    "title": "测验<script>alert('xss-title')</script>",
}
# Raw (unescaped) HTML that must never reach a page: escaped text keeps only "&lt;".
RAW_HTML = re.compile(r"<script>alert\(|<img src=x onerror|<svg onload", re.I)
EXPLANATION_MARKER = "EXPLAIN-MARKER-7"
RUBRIC_MARKER = "RUBRIC-MARKER-9"
XSS_QID = "ch01-q901"
ESSAY_QID = "ch01-q902"

HOSTILE_YAML = f"""chapter: ch01-crm-overview
questions:
  - id: {XSS_QID}
    type: single
    difficulty: 2
    points: 1
    stem: "题干 {PAYLOADS['stem']}"
    options: {{A: "{PAYLOADS['option']}", B: "{PAYLOADS['option2']}", C: "丙", D: "丁"}}
    answer: B
    explanation: "{PAYLOADS['explanation']}"
  - id: {ESSAY_QID}
    type: essay
    difficulty: 2
    points: 5
    stem: "简述客户关系管理的作用。"
    rubric: "要点:以客户为中心 {RUBRIC_MARKER}"
"""


class World(dict):
    """Ids of everything the hostile world holds (attribute access for brevity)."""

    __getattr__ = dict.__getitem__


def build_world(app, folder: str, review_policy: str = "immediately") -> World:
    """Two classes, a hostile student in class A, an outsider in class B, an exam for A with an attempt."""
    from app.models import ClassGroup, Question, User
    from app.services.bank import sync_bank
    from app.services.classes import add_member
    from app.services.attempts import save_response, start_or_resume
    from app.services.exams import create_exam

    write_mini_bank(folder, per_type=2)
    with open(os.path.join(folder, "crm", "ch01-crm-overview-hostile.yaml"), "w", encoding="utf-8") as fh:
        fh.write(HOSTILE_YAML)
    app.config["QUESTION_BANK_DIR"] = folder
    ids = World(student=make_user(app, PAYLOADS["username"], full_name=PAYLOADS["full_name"], student_number="S1"),
                outsider=make_user(app, "outsider", full_name="局外人", student_number="S2"),
                teacher=make_user(app, "teacher", "instructor", "王老师"),
                admin=make_user(app, "admin", "admin", "管理员"))
    with app.app_context():
        report = sync_bank("crm")
        assert not report.problems, report.problems
        class_a = ClassGroup(name=PAYLOADS["class"])
        class_b = ClassGroup(name="乙班")
        db.session.add_all([class_a, class_b])
        db.session.flush()
        add_member(class_a, db.session.get(User, ids.student))
        add_member(class_b, db.session.get(User, ids.outsider))
        db.session.commit()
        teacher = db.session.get(User, ids.teacher)
        exam = create_exam({"title": PAYLOADS["title"], "time_limit_minutes": 30, "max_attempts": 0,
                            "review_policy": review_policy, "classes": [PAYLOADS["class"]],
                            "closes_at": "2099-01-01T00:00:00+00:00",
                            "fixed": [{"id": XSS_QID, "points": 1}, {"id": ESSAY_QID, "points": 5}],
                            "rules": [{"types": ["true_false"], "count": 1}]}, teacher)
        student = db.session.get(User, ids.student)
        attempt = start_or_resume(exam, student)
        save_response(attempt, ESSAY_QID, PAYLOADS["essay"], 1)
        essay_item = next(i for i in attempt.items if i.qid == ESSAY_QID)
        ids.update(exam=exam.id, attempt=attempt.id, class_a=class_a.id, class_b=class_b.id, item=essay_item.id,
                   question=db.session.scalar(db.select(Question.id).where(Question.qid == XSS_QID)))
    return ids


def login(client, username: str) -> dict:
    """Log in through the API; returns the CSRF header for state-changing calls."""
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"X-CSRFToken": response.get_json()["csrf_token"]}


def argument_values(world: World) -> dict:
    """A value for each URL argument name used in the URL map (unknown names get a placeholder)."""
    from app.domain.cases import list_cases

    cases = list_cases()
    return {"exam_id": world.exam, "attempt_id": world.attempt, "class_id": world.class_a,
            "user_id": world.student, "qid": XSS_QID, "question_id": ESSAY_QID, "item_id": world.item,
            "number": 1, "course": "crm", "slug": "ch01-crm-overview", "case_id": cases[0]["id"] if cases else "x",
            "fmt": "csv", "step_id": "s1", "name": "missing.svg", "assignment_id": 999999, "work_id": 999999}


def build_url(app, rule, values: dict, default_int: int = 999999) -> str:
    """The rule's URL with every argument filled in."""
    from werkzeug.routing import IntegerConverter

    args = {}
    for name in rule.arguments:
        if name in values:
            args[name] = values[name]
        else:
            args[name] = default_int if isinstance(rule._converters.get(name), IntegerConverter) else "x"
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, args, method=next(iter(sorted(rule.methods - {"HEAD", "OPTIONS"}))))


def rules(app, methods: set[str]):
    """Every rule (but static files) answering one of ``methods``."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not (rule.methods & methods):
            continue
        yield rule


@pytest.fixture
def world(app, tmp_path):
    return build_world(app, str(tmp_path / "bank"))
