"""The exam editor (form, rule check, YAML upload, locking, publishing) and accommodations."""

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from app.extensions import db
from app.models import Attempt, AuditLog, Exam, Question, User
from app.services.exams import DEMO_EXAM
from tests.conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def klass(app, users):
    """Class 一班 holding ``student`` (not student2)."""
    from app.services.classes import add_member, get_or_create_class

    with app.app_context():
        group = get_or_create_class("一班", None)
        add_member(group, db.session.get(User, users["student"]))
        db.session.commit()
    return "一班"


def exam_form(**overrides):
    """Form fields of the editor, as a browser without the script sends them."""
    data = {
        "title": "第五章小测", "description": "", "course": "crm", "time_limit_minutes": "60",
        "opens_at": "", "closes_at": "", "max_attempts": "0", "grading_method": "highest",
        "review_policy": "immediately", "shuffle_questions": "y", "shuffle_options": "y", "grace_seconds": "60",
        "classes": ["一班"], "fixed": "",
        "rules-0-types": ["single"], "rules-0-tags": "", "rules-0-difficulty_min": "1",
        "rules-0-difficulty_max": "5", "rules-0-count": "2", "rules-0-points": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def exam_titles(client):
    return [e["title"] for e in client.get("/api/v1/exams").get_json()]


def student_client(app, username="student"):
    other = app.test_client()
    other.post("/auth/login", data={"username": username, "password": PASSWORD})
    return other


def upload(client, text, url="/instructor/exams/upload", name="exam.yaml"):
    return client.post(url, data={"definition": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


# --- access ---------------------------------------------------------------------------------

ROUTES = [("get", "/instructor/exams"), ("get", "/instructor/exams/new"), ("post", "/instructor/exams/new"),
          ("get", "/instructor/exams/1/edit"), ("post", "/instructor/exams/1/edit"),
          ("post", "/instructor/exams/check-rules"), ("post", "/instructor/exams/upload"),
          ("post", "/instructor/exams/1/upload"), ("get", "/instructor/exams/1/definition.yaml"),
          ("get", "/instructor/exams/1/unpublish"), ("post", "/instructor/exams/1/unpublish"),
          ("post", "/instructor/exams/1/publish"), ("get", "/instructor/accommodations"),
          ("get", "/instructor/accommodations/1"), ("post", "/instructor/accommodations/1")]


@pytest.mark.parametrize("method,path", ROUTES)
def test_students_get_403_everywhere(app, client, auth, exam_factory, method, path):
    exam_id = exam_factory()
    assert exam_id == 1
    auth.login("student")
    response = getattr(client, method)(path, data={"title": "x", "time_multiplier": "3", "extra_minutes": "600"})
    assert response.status_code == 403
    with app.app_context():
        exam = db.session.get(Exam, 1)
        assert exam.published and exam.title == "测验"
        assert db.session.scalar(db.select(User).filter_by(username="student")).time_multiplier == 1.0


def test_anonymous_is_sent_to_login(client):
    response = client.get("/instructor/exams")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- creating through the form ----------------------------------------------------------------

def test_create_exam_through_form_and_student_sees_it(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    assert "新建考试" in client.get("/instructor/exams/new").get_data(as_text=True)
    response = client.post("/instructor/exams/new", data=exam_form(
        opens_at="2020-01-01T08:00", **{"rules-1-types": ["multiple"], "rules-1-count": "1", "rules-1-points": "2",
                                        "rules-1-difficulty_min": "1", "rules-1-difficulty_max": "5"}))
    assert response.status_code == 302 and response.headers["Location"].endswith("/instructor/exams")
    with app.app_context():
        exam = db.session.scalar(db.select(Exam))
        assert exam.title == "第五章小测" and exam.time_limit_minutes == 60 and exam.max_attempts == 0
        assert exam.opens_at == datetime(2020, 1, 1, 0, 0)  # 08:00 in Shanghai is midnight UTC
        assert [r["types"] for r in exam.blueprint["rules"]] == [["single"], ["multiple"]]
        assert exam.blueprint["rules"][1]["points"] == 2.0
        exam_id = exam.id
    listing = client.get("/instructor/exams").get_data(as_text=True)
    assert "第五章小测" in listing and "一班" in listing and "2020-01-01 08:00" in listing
    assert f"/instructor/exams/{exam_id}/monitor" in listing and f"/instructor/exams/{exam_id}/statistics" in listing
    # The editor makes a draft by default: students see it once it is published.
    assert "草稿（未发布）" in listing and exam_titles(student_client(app)) == []
    assert client.post(f"/instructor/exams/{exam_id}/publish").status_code == 302
    assert exam_titles(student_client(app)) == ["第五章小测"]
    assert exam_titles(student_client(app, "student2")) == []  # not in the class


def test_form_errors_are_shown_and_nothing_saved(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    response = client.post("/instructor/exams/new", data=exam_form(
        title="", opens_at="2026-05-01T10:00", closes_at="2026-05-01T09:00", **{"rules-0-count": "zwei"},
        max_attempts="-1", fixed="ch01-q001:0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("请输入考试标题", "关闭时间必须晚于开放时间", "作答次数为 0–100", "分值必须是 0–100 之间的正数"):
        assert message in page, message
    assert 'id="rules-0-count"' in page and "is-invalid" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exam.id))) == 0


def test_rule_that_cannot_be_filled_is_refused_with_its_message(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    essays = exam_form(**{"rules-0-types": ["essay"], "rules-0-count": "50"})
    response = client.post("/instructor/exams/new", data=essays)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "抽题规则无法满足" in page
    assert f"规则 1（题型 简答）需要 50 题，题库中只有 {len(mini_bank['essay'])} 题符合" in page
    assert 'value="第五章小测"' in page  # the form keeps what was typed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exam.id))) == 0


def test_no_script_buttons_add_remove_and_check_rules(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    page = client.post("/instructor/exams/new", data=exam_form(add_rule="y")).get_data(as_text=True)
    assert 'name="rules-0-count"' in page and 'name="rules-1-count"' in page
    fields = exam_form(**{"rules-1-types": ["essay"], "rules-1-count": "1", "rules-1-points": "5",
                          "rules-1-difficulty_min": "1", "rules-1-difficulty_max": "5"})
    page = client.post("/instructor/exams/new", data=dict(fields, remove_rule="0")).get_data(as_text=True)
    assert 'name="rules-1-count"' in page and 'name="rules-0-count"' not in page
    assert re.search(r'<option selected value="essay">', page)
    page = client.post("/instructor/exams/new", data=dict(fields, check="y")).get_data(as_text=True)
    assert f"符合 {len(mini_bank['single'])} 题，需要 2 题" in page
    assert "共 3 题，总分 7 分。" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exam.id))) == 0


# --- the rule-count endpoint ----------------------------------------------------------------------

def test_rule_count_endpoint_matches_the_mini_bank(app, client, auth, mini_bank, klass):
    with app.app_context():
        chapter, in_chapter = db.session.execute(
            db.select(Question.chapter, db.func.count(Question.id)).group_by(Question.chapter)
            .order_by(db.func.count(Question.id).desc())).first()
        hard = db.session.scalar(db.select(db.func.count(Question.id)).where(Question.difficulty >= 3))
    auth.login("teacher")
    fixed_single = mini_bank["single"][0]
    fields = exam_form(fixed=f"{fixed_single}:2\nno-such-q", **{
        "rules-0-count": "2",                                                    # singles, one fixed aside
        "rules-1-chapters": [chapter], "rules-1-count": "1", "rules-1-points": "1",
        "rules-1-difficulty_min": "1", "rules-1-difficulty_max": "5",
        "rules-2-difficulty_min": "3", "rules-2-difficulty_max": "5", "rules-2-count": "150",
        "rules-2-points": "1"})
    report = client.post("/instructor/exams/check-rules", data=fields).get_json()
    rules = report["rules"]
    assert [r["available"] for r in rules] == [len(mini_bank["single"]) - 1,
                                               in_chapter - (1 if fixed_single in _chapter_ids(app, chapter) else 0),
                                               hard - (1 if _difficulty(app, fixed_single) >= 3 else 0)]
    assert [r["needed"] for r in rules] == [2, 1, 150]
    assert [r["ok"] for r in rules] == [True, True, False]
    assert "需要 150 题" in rules[2]["message"]
    assert "指定题目 no-such-q 不在题库中" in report["problems"]
    assert report["ok"] is False


def test_rule_count_endpoint_reports_competing_rules_and_bad_rows(client, auth, mini_bank, klass):
    auth.login("teacher")
    singles = len(mini_bank["single"])
    both = exam_form(**{"rules-0-count": str(singles), "rules-1-types": ["single"], "rules-1-count": "1",
                        "rules-1-points": "1", "rules-1-difficulty_min": "1", "rules-1-difficulty_max": "5"})
    report = client.post("/instructor/exams/check-rules", data=both).get_json()
    assert [r["available"] for r in report["rules"]] == [singles, singles]
    assert not report["ok"] and any("争用" in p for p in report["problems"])
    bad = dict(both, **{"rules-1-count": ""})
    report = client.post("/instructor/exams/check-rules", data=bad).get_json()
    assert report["rules"][0]["available"] == singles and report["rules"][0]["ok"]
    assert report["rules"][1]["available"] is None and not report["ok"]


def _chapter_ids(app, chapter):
    with app.app_context():
        return set(db.session.scalars(db.select(Question.qid).filter_by(chapter=chapter)))


def _difficulty(app, qid):
    with app.app_context():
        return db.session.scalar(db.select(Question.difficulty).filter_by(qid=qid))


# --- editing --------------------------------------------------------------------------------------

def stored_form(app, exam_id, **overrides):
    """The edit form's fields for a stored exam, as the page shows them."""
    from app.instructor.exam_forms import paper_formdata
    from app.services.exam_admin import exam_definition_data

    with app.test_request_context():
        data = exam_definition_data(db.session.get(Exam, exam_id))
        fields: dict = {}
        for key, value in paper_formdata(data):
            fields.setdefault(key, []).append(value)
    fields.update({"title": data["title"], "description": data["description"],
                   "time_limit_minutes": str(data["time_limit_minutes"] or ""),
                   "max_attempts": str(data["max_attempts"]),
                   "grading_method": data["grading_method"], "review_policy": data["review_policy"],
                   "grace_seconds": str(data["grace_seconds"]), "classes": data["classes"],
                   "opens_at": "", "closes_at": ""})
    fields.update(overrides)
    return fields


def test_edit_without_attempts_changes_everything(app, client, auth, exam_factory):
    exam_id = exam_factory()
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    assert 'value="测验"' in page and "paper-locked" not in page
    fields = stored_form(app, exam_id, title="测验(改)", closes_at="2030-06-01T18:30")
    fields["rules-0-count"] = ["1"]
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=fields).status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert exam.title == "测验(改)" and exam.blueprint["rules"][0]["count"] == 1
        assert exam.closes_at == datetime(2030, 6, 1, 10, 30)
    assert 'value="2030-06-01T18:30"' in client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)


def test_editing_rules_after_attempts_is_refused(app, client, auth, exam_factory):
    exam_id = exam_factory()
    student = student_client(app)
    assert student.post(f"/exams/{exam_id}/start").status_code == 302
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    assert 'id="paper-locked"' in page and "<fieldset disabled>" in page
    with app.app_context():
        before = db.session.get(Exam, exam_id).blueprint
    changed = stored_form(app, exam_id)
    changed["rules-0-count"] = ["1"]
    response = client.post(f"/instructor/exams/{exam_id}/edit", data=changed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "已有学生作答，不能修改抽题规则" in page and "已经抽出的试卷不会随规则改变" in page
    fixed = stored_form(app, exam_id, fixed=f"{_any_question(app)}:1")
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=fixed).status_code == 409
    # What the browser sends from the locked page: no paper fields; time, attempts, policy change.
    settings = {k: v for k, v in stored_form(app, exam_id, time_limit_minutes="45", max_attempts="2",
                                             review_policy="after_close", closes_at="2030-01-01T12:00").items()
                if not (k.startswith("rules-") or k in PAPER_KEYS)}
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=settings).status_code == 302
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert exam.blueprint == before and exam.shuffle_questions is True
        assert (exam.time_limit_minutes, exam.max_attempts, exam.review_policy) == (45, 2, "after_close")
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


PAPER_KEYS = ("fixed", "cases", "course", "shuffle_questions", "shuffle_options")


def _any_question(app):
    with app.app_context():
        return db.session.scalar(db.select(Question.qid).order_by(Question.qid))


def test_classes_can_be_changed_after_attempts(app, client, auth, exam_factory):
    exam_id = exam_factory()
    assert student_client(app).post(f"/exams/{exam_id}/start").status_code == 302
    with app.app_context():
        from app.services.classes import get_or_create_class

        get_or_create_class("二班", None)
        db.session.commit()
    auth.login("teacher")
    fields = stored_form(app, exam_id, classes=["二班"])
    assert client.post(f"/instructor/exams/{exam_id}/edit", data=fields).status_code == 302
    assert exam_titles(student_client(app)) == []


# --- YAML ---------------------------------------------------------------------------------------

GOOD_YAML = """\
title: YAML 小测
time_limit_minutes: 20
max_attempts: 2
opens_at: 2020-01-01 09:00
classes: [一班]
rules:
  - type: single
    count: 2
  - {types: [true_false], count: 1, points: 2}
"""


def test_yaml_upload_creates_the_exam(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    response = upload(client, GOOD_YAML)
    assert response.status_code == 302
    with app.app_context():
        exam = db.session.scalar(db.select(Exam).filter_by(title="YAML 小测"))
        assert exam.max_attempts == 2 and exam.opens_at == datetime(2020, 1, 1, 1, 0)
        assert [r["types"] for r in exam.blueprint["rules"]] == [["single"], ["true_false"]]
        exam_id = exam.id
    assert exam_titles(student_client(app)) == ["YAML 小测"]
    # The download is the same format and uploads again as a copy.
    text = client.get(f"/instructor/exams/{exam_id}/definition.yaml").get_data(as_text=True)
    assert yaml.safe_load(text)["opens_at"] == datetime(2020, 1, 1, 9, 0)
    assert upload(client, text.replace("YAML 小测", "YAML 小测(副本)")).status_code == 302


@pytest.mark.parametrize("text,messages", [
    ("title: [unclosed\n", ["YAML 语法错误", "第 1 行"]),
    (GOOD_YAML.replace("max_attempts", "max_attempt"), ["第 3 行", "max_attempt: 不认识的字段（是不是 max_attempts？）"]),
    (GOOD_YAML.replace("count: 2", "count: many"), ["第 8 行", "rules 第 1 条 → count: 必须是整数"]),
    (GOOD_YAML.replace("type: single", "type: essay").replace("count: 2", "count: 40"),
     ["抽题规则无法满足", "规则 1（题型 简答）需要 40 题"]),
    (GOOD_YAML.replace("[一班]", "[九班]"), ["班级“九班”不存在"]),
    (GOOD_YAML + "title: again\n", ["字段 title 重复"]),
    ("- just\n- a list\n", ["必须是一个映射"]),
    ("rules: &a [1]\nfixed: *a\n", ["不支持 YAML 别名"]),
])
def test_bad_yaml_names_the_problem(app, client, auth, mini_bank, klass, text, messages):
    auth.login("teacher")
    response = upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code in (409, 422)
    for message in messages:
        assert message in page, (message, re.search(r'id="editor-errors".*?</div>', page, re.S))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Exam.id))) == 0


def test_upload_needs_a_yaml_file(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    response = upload(client, GOOD_YAML, name="exam.txt")
    assert response.status_code == 400 and "只支持 .yaml 或 .yml 文件" in response.get_data(as_text=True)


def test_yaml_upload_on_edit_page_respects_the_lock(app, client, auth, exam_factory):
    exam_id = exam_factory()
    assert student_client(app).post(f"/exams/{exam_id}/start").status_code == 302
    auth.login("teacher")
    text = client.get(f"/instructor/exams/{exam_id}/definition.yaml").get_data(as_text=True)
    url = f"/instructor/exams/{exam_id}/upload"
    assert upload(client, text.replace("count: 2", "count: 1"), url).status_code == 409
    assert upload(client, text.replace("time_limit_minutes: 30", "time_limit_minutes: 40"),
                  f"/instructor/exams/{exam_id}/upload").status_code == 302
    with app.app_context():
        assert db.session.get(Exam, exam_id).time_limit_minutes == 40


def test_shipped_demo_yaml_is_the_demo_exam():
    data = yaml.safe_load((ROOT / "exams" / "demo.yaml").read_text(encoding="utf-8"))
    assert data == dict(DEMO_EXAM, classes=["demo"])


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "exams").glob("*.yaml")))
def test_shipped_examples_fill_from_the_real_bank(app, name):
    from app.services.bank import sync_bank
    from app.services.exam_admin import load_yaml, rule_report

    with app.test_request_context():
        assert not sync_bank("crm").problems
        report = rule_report(load_yaml((ROOT / "exams" / name).read_bytes()))
        assert report["ok"], report


# --- publishing -------------------------------------------------------------------------------

def test_unpublish_asks_first_and_keeps_the_exam(app, client, auth, exam_factory):
    exam_id = exam_factory()
    assert student_client(app).post(f"/exams/{exam_id}/start").status_code == 302
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/unpublish").get_data(as_text=True)
    assert "取消发布“<span lang=\"zh\">测验</span>”？" in page and "1 份答卷" in page
    with app.app_context():
        assert db.session.get(Exam, exam_id).published
    assert client.post(f"/instructor/exams/{exam_id}/unpublish").status_code == 302
    assert exam_titles(student_client(app)) == []
    assert student_client(app).get(f"/exams/{exam_id}").status_code == 404
    assert "未发布" in client.get("/instructor/exams").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Exam, exam_id) is not None
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1
        assert db.session.scalar(db.select(AuditLog).filter_by(action="exam.unpublish")).target == f"exam:{exam_id}"
    assert client.post(f"/instructor/exams/{exam_id}/publish").status_code == 302
    assert exam_titles(student_client(app)) == ["测验"]


def test_missing_exam_is_404(client, auth, users):
    auth.login("teacher")
    assert client.get("/instructor/exams/99/edit").status_code == 404
    assert client.post("/instructor/exams/99/unpublish").status_code == 404


# --- accommodations ---------------------------------------------------------------------------

def test_accommodations_change_the_time_shown_to_the_student(app, client, auth, exam_factory, users):
    exam_id = exam_factory(time_limit_minutes=60, max_attempts=1)
    student = student_client(app)
    assert "60 分钟" in student.get(f"/exams/{exam_id}").get_data(as_text=True)
    auth.login("teacher")
    response = client.post(f"/instructor/accommodations/{users['student']}",
                           data={"time_multiplier": "1.5", "extra_minutes": "0", "extra_attempts": "1"})
    assert response.status_code == 302
    page = student.get(f"/exams/{exam_id}").get_data(as_text=True)
    assert "90 分钟（原 60 分钟）" in page and "共 2 次" in page
    client.post(f"/instructor/accommodations/{users['student']}",
                data={"time_multiplier": "1.0", "extra_minutes": "15", "extra_attempts": "0"})
    assert "75 分钟（原 60 分钟）" in student.get(f"/exams/{exam_id}").get_data(as_text=True)
    with app.app_context():
        logs = db.session.scalars(db.select(AuditLog).filter_by(action="user.accommodations")).all()
        assert [log.details["after"]["time_multiplier"] for log in logs] == [1.5, 1.0]
        assert logs[0].details["before"] == {"extra_minutes": 0, "time_multiplier": 1.0, "extra_attempts": 0}


@pytest.mark.parametrize("fields,message", [
    ({"time_multiplier": "3.5", "extra_minutes": "0", "extra_attempts": "0"}, "时间倍数为 1.0–3.0"),
    ({"time_multiplier": "0.5", "extra_minutes": "0", "extra_attempts": "0"}, "时间倍数为 1.0–3.0"),
    ({"time_multiplier": "1", "extra_minutes": "601", "extra_attempts": "0"}, "额外时间为 0–600 分钟"),
    ({"time_multiplier": "1", "extra_minutes": "0", "extra_attempts": "11"}, "额外作答次数为 0–10"),
    ({"time_multiplier": "abc", "extra_minutes": "0", "extra_attempts": "0"}, "时间倍数"),
    ({"time_multiplier": "1", "extra_minutes": "", "extra_attempts": "0"}, "请填写额外时间"),
])
def test_accommodations_are_validated(app, client, auth, users, fields, message):
    auth.login("teacher")
    response = client.post(f"/instructor/accommodations/{users['student']}", data=fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, users["student"])
        assert (user.time_multiplier, user.extra_minutes, user.extra_attempts) == (1.0, 0, 0)
        assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == 0


def test_accommodations_search_and_pages(app, client, auth, users):
    for n in range(3):
        make_user(app, f"extra{n}", full_name=f"学生{n}", student_number=f"S10{n}")
    app.config["ITEMS_PER_PAGE"] = 2
    auth.login("teacher")
    page = client.get("/instructor/accommodations?q=李四").get_data(as_text=True)
    assert "student2" in page and "张三" not in page
    assert "student2" in client.get("/instructor/accommodations?q=s002").get_data(as_text=True)
    first = client.get("/instructor/accommodations").get_data(as_text=True)
    second = client.get("/instructor/accommodations?page=2").get_data(as_text=True)
    assert "1 / 3" in first and "张三" in first and "张三" not in second and "学生0" in second
    assert "teacher" not in first + second  # students only
    assert client.get(f"/instructor/accommodations/{users['teacher']}").status_code == 404


def test_case_exercises_in_the_editor(app, client, auth, mini_bank, klass):
    auth.login("teacher")
    report = client.post("/instructor/exams/check-rules",
                         data=exam_form(cases="customer-value:15\nno-such-case")).get_json()
    assert "案例 no-such-case 不存在" in report["problems"] and not report["ok"]
    assert report["questions"] == 4 and report["points"] == 2 + 15 + 10
    assert client.post("/instructor/exams/new", data=exam_form(cases="no-such-case")).status_code == 422
    assert client.post("/instructor/exams/new", data=exam_form(cases="customer-value:15")).status_code == 302
    with app.app_context():
        exam = db.session.scalar(db.select(Exam))
        assert exam.blueprint["cases"] == [{"id": "customer-value", "points": 15.0}]
    page = client.get(f"/instructor/exams/{exam.id}/edit").get_data(as_text=True)
    assert "customer-value:15</textarea>" in page
