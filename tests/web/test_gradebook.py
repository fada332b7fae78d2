"""Gradebook page, CSV/XLSX exports (parsed back) and the exam gradebook API."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.domain.questions import key_response
from app.extensions import db
from app.models import Attempt, AuditLog, Exam, ExamClass, User
from app.services import attempts as exam_svc
from app.services.scoring import kept_score
from app.services.classes import add_member, find_class
from app.services.gradebook import kept_attempt
from tests.conftest import PASSWORD, make_user


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def take(app, username, exam_id, right=(), essay=None):
    """Start, answer (``right``: question types answered with the key) and submit; returns the attempt id."""
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user(username))
        for item in attempt.items:
            qtype = item.version.data["type"]
            if qtype == "essay" and essay is not None:
                exam_svc.save_response(attempt, item.qid, essay, None)
            elif qtype in right and qtype != "essay":
                exam_svc.save_response(attempt, item.qid, key_response(item.version.data), None)
        exam_svc.submit(attempt)
        return attempt.id


@pytest.fixture
def graded(app, exam_factory):
    """An exam where 张三 (S001 → kept as text "0012") scores the single questions, 李四 starts only."""
    with app.app_context():
        _user("student").student_number = "0012"
        db.session.commit()
    exam_id = exam_factory(title="期中测验")
    take(app, "student", exam_id, right=("single",))
    with app.app_context():
        exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student2"))
        class_id = find_class("一班").id
    return exam_id, class_id


def test_class_gradebook_page(client, auth, graded):
    exam_id, class_id = graded
    auth.login("teacher")
    index = client.get("/instructor/gradebook").get_data(as_text=True)
    assert f"/instructor/gradebook/{class_id}" in index and "一班" in index
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    table = re.search(r'id="gradebook-table".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr>.*?</tr>", table.split("<tbody>")[1], re.S)
    zhang = next(r for r in rows if "张三" in r)
    li = next(r for r in rows if "李四" in r)
    assert "0012" in zhang and "已提交" in zhang and "/exams/attempts/" in zhang
    assert re.search(r'class="fw-semibold">2</a>', zhang)  # two single questions of 1 point
    assert "进行中" in li and "/exams/attempts/" not in li
    assert "期中测验" in table and "满分 18" in table
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="histogram"' in page


def _weights_of(app, class_id):
    with app.app_context():
        return {link.exam_id: link.weight for link in db.session.scalars(db.select(ExamClass).filter_by(class_id=class_id))}


def _csv(response):
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_weights_are_saved_audited_and_survive_a_new_login(app, client, auth, graded, exam_factory):
    exam_id, class_id = graded
    second = exam_factory(title="期末测验")
    take(app, "student", second, right=("single", "multiple", "true_false", "ordering", "numeric",
                                        "fill_blank", "matching"))  # 13 of 18 points
    auth.login("teacher")
    # Equal weights: (2/18 + 13/18) / 2 = 41.7 %.
    assert "41.7%" in client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    # Weight 3 on the second: (2/18 + 3·13/18) / 4 = 56.9 %.
    response = client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "1", f"w{second}": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/instructor/gradebook/{class_id}")
    assert "权重已保存" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _weights_of(app, class_id) == {exam_id: 1.0, second: 3.0}
    with app.app_context():
        entry = db.session.scalar(db.select(AuditLog).filter_by(action="gradebook.weights"))
        assert entry.target == f"class:{class_id}" and entry.actor_id == _user("teacher").id
        assert entry.details["changes"] == [{"exam_id": second, "title": "期末测验", "old": 1.0, "new": 3.0}]
    # A new session: log out, log in again; the page and both exports still use the saved weights.
    auth.logout()
    assert client.get(f"/instructor/gradebook/{class_id}").status_code in (302, 401)
    auth.login("teacher")
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    assert "56.9%" in page and f'name="w{second}" value="3"' in page and "权重 3" in page
    rows = _csv(client.get(f"/instructor/gradebook/{class_id}/export.csv"))
    assert "期末测验（满分 18，权重 3）" in rows[0] and "期中测验（满分 18，权重 1）" in rows[0]
    assert float(next(r for r in rows if r[0] == "student")[-1]) == pytest.approx(56.94)
    sheet = load_workbook(io.BytesIO(client.get(f"/instructor/gradebook/{class_id}/export.xlsx").data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert next(r for r in values if r[0] == "student")[-1] == pytest.approx(56.94)
    # The query string no longer sets weights: an old bookmarked link shows the saved ones.
    assert "56.9%" in client.get(f"/instructor/gradebook/{class_id}?w{second}=1").get_data(as_text=True)
    # Saving the same weights again changes nothing and writes no second audit entry.
    client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "1", f"w{second}": "3"})
    with app.app_context():
        assert len(db.session.scalars(db.select(AuditLog).filter_by(action="gradebook.weights")).all()) == 1


def test_weight_zero_leaves_an_exam_out(app, client, auth, graded, exam_factory):
    exam_id, class_id = graded
    second = exam_factory(title="期末测验")
    take(app, "student", second, right=("single", "multiple", "true_false", "ordering", "numeric",
                                        "fill_blank", "matching"))
    auth.login("teacher")
    client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "0", f"w{second}": "2.5"})
    assert _weights_of(app, class_id) == {exam_id: 0.0, second: 2.5}
    assert "72.2%" in client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)  # 13/18 alone


@pytest.mark.parametrize("bad, words", [("-1", "不能为负数"), ("abc", "“abc”不是数字"), ("", "请填写"),
                                        ("nan", "不是数字"), ("1e9", "不能大于 1000")])
def test_bad_weights_save_nothing_and_keep_every_value(app, client, auth, graded, exam_factory, bad, words):
    exam_id, class_id = graded
    second = exam_factory(title="期末测验")
    auth.login("teacher")
    response = client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "2", f"w{second}": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and words in page and "权重没有保存" in page
    assert f'name="w{exam_id}" value="2"' in page  # the good value is kept as typed
    assert f'name="w{second}" value="{bad}" aria-invalid="true"' in page
    assert _weights_of(app, class_id) == {exam_id: 1.0, second: 1.0}
    with app.app_context():
        assert db.session.scalar(db.select(AuditLog).filter_by(action="gradebook.weights")) is None


def test_a_student_cannot_save_weights(app, client, auth, graded):
    exam_id, class_id = graded
    auth.login("student")
    assert client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "5"}).status_code == 403
    assert _weights_of(app, class_id) == {exam_id: 1.0}
    auth.logout()
    response = client.post(f"/instructor/gradebook/{class_id}/weights", data={f"w{exam_id}": "5"})
    assert response.status_code in (302, 401) and _weights_of(app, class_id) == {exam_id: 1.0}


def test_saving_weights_needs_the_csrf_token(csrf_app):
    from app.services.classes import get_or_create_class

    make_user(csrf_app, "teacher", "instructor")
    with csrf_app.app_context():
        group = get_or_create_class("一班", None)
        db.session.commit()
        class_id = group.id
    client = csrf_app.test_client()
    client.post("/api/v1/session", json={"username": "teacher", "password": PASSWORD})
    response = client.post(f"/instructor/gradebook/{class_id}/weights", data={"w1": "5"})
    assert response.status_code == 400


def test_csv_export_has_chinese_names_and_scores(client, auth, graded):
    exam_id, class_id = graded
    auth.login("teacher")
    response = client.get(f"/instructor/gradebook/{class_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["用户名", "姓名", "学号"] and rows[0][-1] == "加权总评（%）"
    assert rows[0][3:5] == ["期中测验（满分 18，权重 1）", "期中测验 状态"]
    by_user = {r[0]: r for r in rows[1:]}
    assert by_user["student"][1:5] == ["张三", "0012", "2", "已提交"]
    assert by_user["student2"][1:5] == ["李四", "S002", "", "进行中"]
    assert float(by_user["student"][-1]) == pytest.approx(11.11)


def test_xlsx_export_keeps_student_numbers_as_text(client, auth, graded):
    exam_id, class_id = graded
    auth.login("teacher")
    response = client.get(f"/instructor/gradebook/{class_id}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("用户名", "姓名", "学号")
    zhang = next(r for r in values if r[0] == "student")
    assert zhang[1] == "张三" and zhang[2] == "0012" and zhang[3] == 2 and zhang[4] == "已提交"
    assert sheet["C2"].number_format == "@"


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_exam_gradebook_api(client, auth, graded, fmt):
    exam_id, _ = graded
    auth.api_login("teacher")
    response = client.get(f"/api/v1/exams/{exam_id}/gradebook?format={fmt}&headers=keys")
    assert response.status_code == 200
    if fmt == "json":
        rows = response.get_json()
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    else:
        table = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        rows = [dict(zip(table[0], r)) for r in table[1:]]
    by_user = {r["username"]: r for r in rows}
    assert set(by_user) == {"student", "student2"}
    zhang = by_user["student"]
    assert (zhang["full_name"], str(zhang["student_number"]), float(zhang["score"]), float(zhang["max_score"]),
            zhang["status"]) == ("张三", "0012", 2.0, 18.0, "submitted")
    assert by_user["student2"]["status"] == "in_progress" and by_user["student2"]["score"] in (None, "")


def test_exam_gradebook_api_rejects_unknown_format(client, auth, graded):
    auth.api_login("teacher")
    response = client.get(f"/api/v1/exams/{graded[0]}/gradebook?format=pdf")
    assert response.status_code == 400 and "format" in response.get_json()["error"]
    response = client.get(f"/api/v1/exams/{graded[0]}/gradebook?format=csv&headers=x")
    assert response.status_code == 400 and "headers" in response.get_json()["error"]
    assert client.get("/api/v1/exams/9999/gradebook").status_code == 404


def test_kept_attempt_follows_grading_method(app, exam_factory):
    for method in ("highest", "first", "last"):
        exam_id = exam_factory(title=f"方法 {method}", grading_method=method)
        take(app, "student", exam_id, right=("single",))
        take(app, "student", exam_id, right=("single", "true_false"))
        take(app, "student", exam_id)
        with app.app_context():
            exam = db.session.get(Exam, exam_id)
            attempts = db.session.scalars(db.select(Attempt).filter_by(exam_id=exam_id)).all()
            assert kept_attempt(exam, attempts).score == kept_score(exam, _user("student"))
            assert kept_attempt(exam, attempts).score == {"highest": 3, "first": 2, "last": 0}[method]


def test_class_gradebook_lists_only_members(app, client, auth, graded, users):
    exam_id, class_id = graded
    with app.app_context():
        add_member(find_class("一班"), _user("teacher"))  # an instructor in the class is not a student row
        db.session.commit()
    auth.login("teacher")
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    assert "王老师" not in page.split('id="gradebook-table"')[1]
    assert client.get("/instructor/gradebook/9999").status_code == 404
