"""Exams as drafts (issue 16 point 2): status in the editor, YAML and API; drafts invisible to
students by list, API and URL until published; closing and reopening; the teacher's preview."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, AttemptItem, AuditLog, Exam, Question, QuestionVersion, User
from app.models.base import utcnow
from tests.conftest import PASSWORD


def login(client, username="student"):
    response = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return {"X-CSRFToken": response.get_json()["csrf_token"]}


def page_login(app, username):
    other = app.test_client()
    assert other.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return other


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count(model.id)))
                     for model in (Attempt, AttemptItem, Question, QuestionVersion))


def audits(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == action))


def status_of(app, exam_id: int) -> str:
    with app.app_context():
        return db.session.get(Exam, exam_id).status


def student_sees(app, exam_id: int, username: str = "student") -> dict:
    """What a student gets for the exam through every door: pages, API and direct URLs."""
    client = app.test_client()
    headers = login(client, username)
    return {
        "list_page": f"/exams/{exam_id}\"" in client.get("/exams/").get_data(as_text=True),
        "api_list": exam_id in [e["id"] for e in client.get("/api/v1/exams").get_json()],
        "api_detail": client.get(f"/api/v1/exams/{exam_id}").status_code,
        "page": client.get(f"/exams/{exam_id}").status_code,
        "start": client.post(f"/exams/{exam_id}/start", headers=headers).status_code,
        "api_start": client.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers, json={}).status_code,
    }


# --- visibility ------------------------------------------------------------------------------

def test_a_draft_is_invisible_to_students_by_list_api_and_url_until_published(app, client, exam_factory):
    exam_id = exam_factory(status="draft")
    assert status_of(app, exam_id) == "draft"
    before = counts(app)
    assert student_sees(app, exam_id) == {"list_page": False, "api_list": False, "api_detail": 404, "page": 404,
                                          "start": 404, "api_start": 404}
    anon = app.test_client()
    assert anon.get(f"/api/v1/exams/{exam_id}").status_code == 401
    assert counts(app) == before  # no attempt was made
    # A missing exam answers exactly like the draft: nothing tells that the draft exists.
    headers_client = app.test_client()
    login(headers_client)
    missing = headers_client.get("/api/v1/exams/999")
    draft = headers_client.get(f"/api/v1/exams/{exam_id}")
    assert missing.get_json() == draft.get_json() and missing.status_code == draft.status_code == 404

    # The teacher sees it and publishes it from the exam page (audited).
    teacher = page_login(app, "teacher")
    assert "草稿（未发布）" in teacher.get("/instructor/exams").get_data(as_text=True)
    edit = teacher.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    assert 'id="publish-btn"' in edit and f"/instructor/exams/{exam_id}/preview" in edit
    assert teacher.post(f"/instructor/exams/{exam_id}/publish", data={"next": "edit"}).headers["Location"].endswith(
        f"/instructor/exams/{exam_id}/edit")
    assert status_of(app, exam_id) == "published" and audits(app, "exam.publish") == 1

    seen = student_sees(app, exam_id)
    assert seen["list_page"] and seen["api_list"] and seen["api_detail"] == 200 and seen["page"] == 200
    assert seen["start"] == 302 and seen["api_start"] == 200
    detail = app.test_client()
    login(detail)
    body = detail.get(f"/api/v1/exams/{exam_id}").get_json()
    assert body["status"] == "published" and body["title"] == "测验" and body["attempts_used"] == 1
    # Not assigned (student3 is in no class): 404 like a draft.
    from tests.conftest import make_user
    make_user(app, "student3")
    assert student_sees(app, exam_id, "student3")["api_detail"] == 404


def test_students_cannot_publish_or_preview(app, client, auth, exam_factory):
    exam_id = exam_factory(status="draft")
    auth.login("student")
    for method, path in (("post", "publish"), ("get", "preview?seed=1"), ("get", "reopen"), ("post", "reopen"),
                         ("post", "close")):
        assert getattr(client, method)(f"/instructor/exams/{exam_id}/{path}").status_code == 403
    assert status_of(app, exam_id) == "draft" and audits(app, "exam.publish") == 0


def test_a_draft_refuses_starts_even_for_instructors(app, exam_factory):
    from app.services.attempts import start_or_resume
    from app.services.exam_errors import ExamError

    exam_id = exam_factory(status="draft")
    with app.app_context():
        teacher = db.session.scalar(select(User).filter_by(username="teacher"))
        with pytest.raises(ExamError) as caught:
            start_or_resume(db.session.get(Exam, exam_id), teacher)
        assert caught.value.status == 409
    assert counts(app)[0] == 0


def test_a_submitted_attempt_of_an_exam_back_to_draft_is_hidden_from_its_student(app, client, auth, exam_factory):
    exam_id = exam_factory()
    student = app.test_client()
    headers = login(student)
    attempt_id = student.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers, json={}).get_json()["attempt_id"]
    assert student.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers).status_code == 200
    assert student.get(f"/exams/attempts/{attempt_id}/review").status_code == 200
    auth.login("teacher")
    assert client.post(f"/instructor/exams/{exam_id}/unpublish").status_code == 302
    assert student.get(f"/exams/attempts/{attempt_id}/review").status_code == 404
    assert student.get(f"/api/v1/attempts/{attempt_id}").status_code == 404
    assert client.get(f"/exams/attempts/{attempt_id}/review").status_code == 200  # the teacher still sees it


# --- status in the API, YAML and editor ---------------------------------------------------------

BLUEPRINT = {"title": "API 考试", "classes": ["一班"], "rules": [{"types": ["single"], "count": 1}]}


def test_the_api_takes_a_status_and_leaves_it_published_without_one(app, client, exam_factory):
    exam_factory()  # the class and bank
    headers = login(client, "teacher")
    draft = client.post("/api/v1/exams", headers=headers, json=dict(BLUEPRINT, status="draft"))
    assert draft.status_code == 201 and draft.get_json()["status"] == "draft"
    plain = client.post("/api/v1/exams", headers=headers, json=BLUEPRINT)
    assert plain.status_code == 201 and plain.get_json()["status"] == "published"
    for bad in ("archived", "", 1, None, ["draft"]):
        response = client.post("/api/v1/exams", headers=headers, json=dict(BLUEPRINT, status=bad))
        if bad is None:  # null is the same as leaving it out
            assert response.status_code == 201 and response.get_json()["status"] == "published"
            continue
        assert response.status_code == 422 and "status" in " ".join(response.get_json()["details"])
        assert response.is_json and response.get_json()["error"]
    assert status_of(app, draft.get_json()["id"]) == "draft"
    assert student_sees(app, draft.get_json()["id"])["api_detail"] == 404
    assert student_sees(app, plain.get_json()["id"])["api_detail"] == 200
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = json.dumps(spec["paths"]["/api/v1/exams"]["post"], ensure_ascii=False)
    assert '"draft"' in schema and '"closed"' in schema
    assert "get" in spec["paths"]["/api/v1/exams/{exam_id}"]


def test_yaml_status_is_optional_and_an_upload_without_it_keeps_the_status(app, runner, client, auth, exam_factory,
                                                                          tmp_path):
    exam_factory()
    base = "title: YAML 考试\nclasses: [一班]\nrules:\n  - {types: [single], count: 1}\n"
    (tmp_path / "draft.yaml").write_text(base + "status: draft\n", encoding="utf-8")
    (tmp_path / "plain.yaml").write_text(base, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(base + "status: hidden\n", encoding="utf-8")
    for name in ("draft", "plain"):
        result = runner.invoke(args=["exam", "create", str(tmp_path / f"{name}.yaml")])
        assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["exam", "create", str(tmp_path / "bad.yaml")])
    assert bad.exit_code != 0 and "status" in bad.output and "Traceback" not in bad.output
    rows = {row["title"]: row for row in json.loads(runner.invoke(args=["exam", "list", "--json"]).output)}
    assert rows["YAML 考试"]["status"] in ("draft", "published")
    with app.app_context():
        found = {e.status for e in db.session.scalars(select(Exam).where(Exam.title == "YAML 考试"))}
        draft_id = db.session.scalar(select(Exam.id).where(Exam.title == "YAML 考试", Exam.status == "draft"))
    assert found == {"draft", "published"}
    # The downloaded definition carries the status; uploading a file without it changes nothing.
    auth.login("teacher")
    assert "status: draft" in client.get(f"/instructor/exams/{draft_id}/definition.yaml").get_data(as_text=True)
    response = client.post(f"/instructor/exams/{draft_id}/upload", content_type="multipart/form-data",
                           data={"definition": (io.BytesIO(base.replace("YAML 考试", "改名").encode()), "e.yaml")})
    assert response.status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, draft_id)
        assert exam.title == "改名" and exam.status == "draft"


def test_the_editor_makes_drafts_and_changes_status_with_an_audit(app, client, auth, exam_factory):
    from tests.web.test_exam_editor import exam_form

    exam_factory()
    auth.login("teacher")
    new = client.get("/instructor/exams/new").get_data(as_text=True)
    assert re.search(r'<option selected value="draft">|<option value="draft" selected>', new), new
    assert client.post("/instructor/exams/new", data=exam_form(status="draft")).status_code == 302
    with app.app_context():
        exam_id = db.session.scalar(select(Exam.id).where(Exam.title == "第五章小测"))
    assert status_of(app, exam_id) == "draft"
    # Editing without the select (a script) keeps the status; with it, the change is audited.
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(title="改过")).status_code == 302
    assert status_of(app, exam_id) == "draft" and audits(app, "exam.publish") == 0
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(status="published")).status_code == 302
    assert status_of(app, exam_id) == "published" and audits(app, "exam.publish") == 1
    bad = client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(status="gone"))
    assert bad.status_code == 400 and status_of(app, exam_id) == "published"


# --- closing and reopening -----------------------------------------------------------------------

def test_closing_submits_running_attempts_keeps_the_exam_visible_and_reopening_needs_a_new_time(
        app, client, auth, exam_factory):
    exam_id = exam_factory(review_policy="after_close")
    student = app.test_client()
    headers = login(student)
    attempt_id = student.post(f"/api/v1/exams/{exam_id}/attempts", headers=headers, json={}).get_json()["attempt_id"]
    auth.login("teacher")
    # Closing from the editor's select while someone writes is refused: the confirmation page does it.
    from tests.web.test_exam_editor import exam_form
    refused = client.post(f"/instructor/exams/{exam_id}/edit", data=exam_form(
        title="测验", status="closed", classes=["一班"]))
    assert refused.status_code == 409 and "立即结束考试" in refused.get_data(as_text=True)
    assert status_of(app, exam_id) == "published"
    confirm = client.get(f"/instructor/exams/{exam_id}/close").get_data(as_text=True)
    assert "确定结束考试" in confirm and "现在有 1 份答卷正在作答" in confirm
    assert client.post(f"/instructor/exams/{exam_id}/close").status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert exam.status == "closed" and exam.closes_at <= utcnow()
        assert db.session.get(Attempt, attempt_id).status == "submitted"
    assert audits(app, "exam.close") == 1
    # Students: still listed with their result, review released (after_close), no new start.
    seen = student_sees(app, exam_id)
    assert seen["list_page"] and seen["page"] == 200 and seen["api_detail"] == 200
    assert not seen["api_list"]  # the API lists exams still open
    assert seen["api_start"] == 409
    assert student.get(f"/exams/attempts/{attempt_id}/review").status_code == 200
    assert "已结束" in page_login(app, "student").get("/exams/").get_data(as_text=True)
    assert "score" in student.get(f"/api/v1/attempts/{attempt_id}").get_json()
    assert counts(app)[0] == 1
    listing = client.get("/instructor/exams").get_data(as_text=True)
    assert "已结束" in listing and f"/instructor/exams/{exam_id}/reopen" in listing
    # Reopening asks for a closing time in the future (site time), then publishes again.
    page = client.get(f"/instructor/exams/{exam_id}/reopen").get_data(as_text=True)
    assert "重新开放" in page and 'name="closes_at"' in page
    past = client.post(f"/instructor/exams/{exam_id}/reopen", data={"closes_at": "2020-01-01T08:00"})
    assert past.status_code == 400 and "新的关闭时间必须晚于现在" in past.get_data(as_text=True)
    assert status_of(app, exam_id) == "closed"
    later = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/instructor/exams/{exam_id}/reopen", data={"closes_at": later}).status_code == 302
    assert status_of(app, exam_id) == "published" and audits(app, "exam.reopen") == 1
    seen = student_sees(app, exam_id)
    assert seen["api_list"] and seen["api_start"] == 200
    assert student.get(f"/api/v1/attempts/{attempt_id}").get_json().get("score") is None  # after_close: hidden again


def test_exam_list_json_reports_the_status(app, runner, exam_factory):
    past = (datetime.now() - timedelta(days=1)).isoformat(timespec="seconds")
    draft_past = exam_factory(title="旧草稿", status="draft", closes_at=past,
                              opens_at=(datetime.now() - timedelta(days=2)).isoformat(timespec="seconds"))
    closed = exam_factory(title="已结束", status="closed")
    rows = {row["id"]: row for row in json.loads(runner.invoke(args=["exam", "list", "--json"]).output)}
    assert rows[draft_past]["status"] == "draft"  # a draft stays a draft, whatever its window
    assert rows[closed]["status"] == "closed"


# --- the preview ------------------------------------------------------------------------------------

def _paper(html: str) -> str:
    """The exam page body (questions, answer sheet, state) of a page."""
    return re.search(r'<div id="exam-app".*?<script type="application/json" id="exam-state"', html, re.S).group(0)


def _qids(html: str) -> list[str]:
    return re.findall(r'<a class="btn btn-sm btn-outline-secondary" href="#q-\d+" data-qid="([^"]+)"', html)


def test_the_preview_shows_the_drawn_paper_and_writes_nothing(app, client, auth, exam_factory):
    from app.services.attempts import draw_paper

    exam_id = exam_factory(status="draft", cases=[{"id": "customer-value", "points": 10}])
    auth.login("teacher")
    first = client.get(f"/instructor/exams/{exam_id}/preview")  # no seed: one is chosen and kept in the URL
    assert first.status_code == 302 and "seed=" in first.headers["Location"]
    before = counts(app)
    response = client.get(f"/instructor/exams/{exam_id}/preview?seed=12345")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert counts(app) == before  # no attempt, no item, not even the case's stand-in question
    with app.test_request_context():
        paper = draw_paper(db.session.get(Exam, exam_id), 12345)
        drawn = [row["qid"] for row in paper.rows]
    assert _qids(html) == drawn + ["case:customer-value"]
    assert 'id="preview-banner"' in html and "预览，不会保存作答" in html and "换一份样卷" in html
    assert '<fieldset disabled id="preview-paper"' in html
    assert "一、单选题" in html  # the sections of the student's page
    for script in ("js/exam.js", "js/proctor.js", "js/exam_case.js", "js/exam_sheet.js"):
        assert script not in html
    # The same seed gives the same paper; another seed (换一份样卷) another order.
    again = client.get(f"/instructor/exams/{exam_id}/preview?seed=12345").get_data(as_text=True)
    assert _paper(again) == _paper(html) and "customer-value" in _paper(html)
    papers = {tuple(_qids(client.get(f"/instructor/exams/{exam_id}/preview?seed={s}").get_data(as_text=True)))
              for s in range(6)}
    assert len(papers) > 1
    assert client.get(f"/instructor/exams/{exam_id}/preview?seed=-1").status_code == 302
    assert client.get(f"/instructor/exams/{exam_id}/preview?seed=abc").status_code == 302
    assert client.get("/instructor/exams/999/preview?seed=1").status_code == 404
    assert counts(app) == before


def test_the_preview_lays_out_the_paper_as_the_students_page(app, client, auth, exam_factory):
    """A student's page and the preview of their seed hold the same questions in the same order."""
    exam_id = exam_factory(shuffle_options=True)
    student = page_login(app, "student")
    take = student.get(student.post(f"/exams/{exam_id}/start").headers["Location"]).get_data(as_text=True)
    with app.app_context():
        seed = db.session.scalar(select(Attempt.seed))
    auth.login("teacher")
    preview = client.get(f"/instructor/exams/{exam_id}/preview?seed={seed}").get_data(as_text=True)
    strip = re.compile(r'data-attempt-id="[^"]*" data-review-url="[^"]*"')
    assert strip.sub("", _paper(take)) == strip.sub("", _paper(preview))


def test_a_blueprint_the_bank_cannot_fill_previews_as_a_message(app, client, auth, exam_factory):
    exam_id = exam_factory(status="draft")
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        exam.blueprint = {"rules": [{"types": ["single"], "count": 150, "points": 1}], "fixed": [], "cases": []}
        db.session.commit()
    auth.login("teacher")
    response = client.get(f"/instructor/exams/{exam_id}/preview?seed=1")
    assert response.status_code == 422 and 'id="preview-error"' in response.get_data(as_text=True)


# --- locked fields -----------------------------------------------------------------------------------

def test_the_editor_says_which_fields_are_locked_once_attempts_exist(app, client, auth, exam_factory):
    exam_id = exam_factory()
    auth.login("teacher")
    assert 'id="locked-fields"' not in client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    page_login(app, "student").post(f"/exams/{exam_id}/start")
    page = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    note = re.search(r'<div class="alert alert-secondary" id="locked-fields">(.*?)</div>', page, re.S).group(1)
    assert "已有 1 份答卷" in note
    for label in ("课程", "抽题规则", "指定题目", "案例实训", "打乱题目顺序", "打乱选项顺序"):
        assert label in note
    assert "<fieldset disabled>" in page and 'id="locked-note"' in page
    client.post("/language", data={"locale": "en"})
    english = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    note = re.search(r'<div class="alert alert-secondary" id="locked-fields">(.*?)</div>', english, re.S).group(1)
    assert "(1 so far)" in note and "Selection rules, Fixed questions, Cases" in note and "Shuffle options" in note
