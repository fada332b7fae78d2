"""Gradebook results: per-question export columns, the reader's language in exports, the per-exam
summary on the class page, and full marks that count case items."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from app.domain.cases import make_variant, solution
from app.domain.questions import key_response
from app.extensions import db
from app.models import AttemptItem, Exam, User
from app.services import attempts as exam_svc
from app.services.classes import add_member, find_class
from app.services.grading import save_grade
from app.services.gradebook import exam_max_score
from tests.conftest import make_user

ALL_AUTO = ("single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching")


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def take(app, username, exam_id, right=(), essay=None, case=False):
    """Start, answer (``right``: types answered with the key; ``case``: the case solved) and submit."""
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user(username))
        for item in attempt.items:
            qtype = item.version.data["type"]
            if item.qid.startswith("case:"):
                if case:
                    variant, _problem = make_variant(item.qid.removeprefix("case:"), item.presentation["case_seed"])
                    exam_svc.save_response(attempt, item.qid, solution(variant), None)
            elif qtype == "essay":
                if essay is not None:
                    exam_svc.save_response(attempt, item.qid, essay, None)
            elif qtype in right:
                exam_svc.save_response(attempt, item.qid, key_response(item.version.data), None)
        exam_svc.submit(attempt)
        return attempt.id


def _table(response, fmt):
    assert response.status_code == 200, response.data[:300]
    if fmt == "csv":
        assert response.data.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return [["" if v is None else v for v in row] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]


QUESTION = re.compile(r"第(\d+)题（满分 ([\d.]+)）")


def _question_columns(header):
    return [(i, QUESTION.fullmatch(name)) for i, name in enumerate(header) if QUESTION.fullmatch(name)]


@pytest.fixture
def with_case(app, exam_factory):
    """A sectioned exam of 9 drawn questions (18 points) and a case (10 points): 张三 answers three
    types and an essay (waiting for grading), 李四 answers every automatic type and the case."""
    exam_id = exam_factory(title="期中", cases=[{"id": "customer-value", "points": 10}])
    zhang = take(app, "student", exam_id, right=("single", "true_false", "numeric"), essay="客户价值是……")
    li = take(app, "student2", exam_id, right=ALL_AUTO, case=True)
    return exam_id, zhang, li


def test_full_marks_count_case_items(app, with_case):
    exam_id, zhang, _li = with_case
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        assert exam_max_score(exam) == 28  # 18 from the rules, 10 from the case (it used to say 18)
        assert exam_max_score(exam) == db.session.get(exam_svc.Attempt, zhang).max_score


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_question_columns_add_up_to_the_total(app, client, auth, with_case, fmt):
    exam_id, zhang_attempt, _li = with_case
    auth.login("teacher")
    url = f"/api/v1/exams/{exam_id}/gradebook?format={fmt}"
    rows = _table(client.get(url), fmt)
    header = rows[0]
    assert header[:6] == ["用户名", "姓名", "学号", "得分", "满分", "状态"]
    assert "单选题得分" in header and "案例分析题满分" in header
    questions = _question_columns(header)
    assert [int(m.group(1)) for _i, m in questions] == list(range(1, 11))
    assert sum(float(m.group(2)) for _i, m in questions) == 28
    assert header[-1] == "第10题（满分 10）"  # the case comes last in the paper
    by_user = {r[0]: r for r in rows[1:]}
    zhang, li = by_user["student"], by_user["student2"]
    assert zhang[5] == "待评分" and li[5] == "已提交" and "needs_grading" not in json.dumps(rows, ensure_ascii=False)
    for row in (zhang, li):
        cells = [row[i] for i, _m in questions]
        assert sum(float(c) for c in cells if c not in ("", "待评分")) == pytest.approx(float(row[3]))
    assert [zhang[i] for i, _m in questions].count("待评分") == 1  # the essay; its 0 is in neither the column nor the total
    assert float(li[3]) == 23 and float(li[-1]) == 10  # 13 automatic points and the case
    # The teacher grades the essay: the column holds the points and the total follows.
    with app.app_context():
        essay = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=zhang_attempt).filter(
            AttemptItem.needs_manual.is_(True)))
        save_grade(essay, "4", "", _user("teacher"))
    rows = _table(client.get(url), fmt)
    zhang = next(r for r in rows[1:] if r[0] == "student")
    cells = [zhang[i] for i, _m in questions]
    assert "待评分" not in cells and zhang[5] == "已提交"
    assert sum(float(c) for c in cells if c != "") == pytest.approx(float(zhang[3])) == 10  # 2 + 1 + 3 + 4 (essay)


def test_api_json_rows_carry_the_items(client, auth, with_case):
    exam_id, _zhang, _li = with_case
    auth.api_login("teacher")
    rows = {r["username"]: r for r in client.get(f"/api/v1/exams/{exam_id}/gradebook").get_json()}
    items = rows["student"]["items"]
    assert [i["number"] for i in items] == list(range(1, 11))
    assert sum(i["score"] or 0 for i in items) == rows["student"]["score"]
    assert [i["pending"] for i in items].count(True) == 1 and rows["student"]["status_label"] == "待评分"


def test_not_taken_and_in_progress_rows_have_blank_question_columns(app, client, auth, exam_factory):
    exam_id = exam_factory(title="小测")
    with app.app_context():
        exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student"))
    auth.login("teacher")
    rows = _table(client.get(f"/api/v1/exams/{exam_id}/gradebook?format=csv"), "csv")
    by_user = {r[0]: r for r in rows[1:]}
    assert by_user["student"][5] == "进行中" and by_user["student2"][5] == "未参加"
    # Nobody has a kept attempt yet: no question columns at all.
    assert rows[0] == ["用户名", "姓名", "学号", "得分", "满分", "状态"]


def test_exports_speak_english_when_the_interface_is_english(app, client, auth, with_case):
    exam_id, _zhang, _li = with_case
    auth.login("teacher")
    with app.app_context():
        class_id = find_class("一班").id
    client.post("/language", data={"locale": "en"})
    rows = _table(client.get(f"/instructor/gradebook/{class_id}/export.csv"), "csv")
    assert rows[0] == ["Username", "Full name", "Student number", "期中 (max 28, weight 1)", "期中 status",
                       "Weighted total (%)"]
    assert {r[0]: r[4] for r in rows[1:]} == {"student": "To be graded", "student2": "Submitted"}
    rows = _table(client.get(f"/api/v1/exams/{exam_id}/gradebook?format=xlsx"), "xlsx")
    assert rows[0][:6] == ["Username", "Full name", "Student number", "Score", "Max score", "Status"]
    assert "Question 1 (max 1)" in rows[0] and "Question 10 (max 10)" in rows[0]
    assert "Single choice score" in rows[0] and "Case study max" in rows[0]
    zhang = next(r for r in rows[1:] if r[0] == "student")
    assert zhang[5] == "To be graded" and "To be graded" in zhang[6:]
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    assert "To be graded" in page and "Pass rate" in page
    # Back to Chinese: the same exports in Chinese.
    client.post("/language", data={"locale": "zh_Hans_CN"})
    rows = _table(client.get(f"/instructor/gradebook/{class_id}/export.csv"), "csv")
    assert rows[0][3:] == ["期中（满分 28，权重 1）", "期中 状态", "加权总评（%）"]


@pytest.fixture
def seeded_class(app, exam_factory):
    """一班 of five students on an exam of 6 points (2 single × 1, true/false 2, numeric 2; pass mark 3.6):
    scores 6, 4, 2 and 0; the fifth never started."""
    for name, number in (("student3", "S003"), ("student4", "S004"), ("student5", "S005")):
        make_user(app, name, full_name=name, student_number=number)
    exam_id = exam_factory(title="小测", rules=[{"types": ["single"], "count": 2, "points": 1},
                                               {"types": ["true_false"], "count": 1, "points": 2},
                                               {"types": ["numeric"], "count": 1, "points": 2}])
    with app.app_context():
        group = find_class("一班")
        for name in ("student3", "student4", "student5"):
            add_member(group, _user(name))
        db.session.commit()
        class_id = group.id
    take(app, "student", exam_id, right=("single", "true_false", "numeric"))
    take(app, "student2", exam_id, right=("single", "true_false"))
    take(app, "student3", exam_id, right=("numeric",))
    take(app, "student4", exam_id)
    return exam_id, class_id


def test_class_page_summarises_each_exam(client, auth, seeded_class):
    exam_id, class_id = seeded_class
    auth.login("teacher")
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    row = re.search(rf'<tr data-exam="{exam_id}">.*?</tr>', page, re.S).group(0)
    stat = {name: re.sub(r"<[^>]+>", " ", value).split()
            for name, value in re.findall(r'data-stat="([\w-]+)">(.*?)</td>', row, re.S)}
    assert stat["n"][:3] == ["4", "/", "5"]
    assert stat["mean"] == ["3"] and stat["median"] == ["3"]
    assert stat["pass-rate"][0] == "50%" and "3.6" in stat["pass-rate"]  # 6 and 4 reach 3.6 = 60 % of 6
    assert f'class="mini-histogram" data-series="{exam_id}"' in row
    histograms = json.loads(re.search(r'id="histogram-data">(.*?)</script>', page, re.S).group(1))
    assert [b["count"] for b in histograms[str(exam_id)]] == [1, 0, 1, 0, 1, 0, 1]  # one bin per point 0 … 6


def test_summary_of_an_exam_nobody_took(client, auth, app, exam_factory):
    exam_factory(title="还没考")
    with app.app_context():
        class_id = find_class("一班").id
    auth.login("teacher")
    page = client.get(f"/instructor/gradebook/{class_id}").get_data(as_text=True)
    row = re.search(r'<tr data-exam="\d+">.*?</tr>', page, re.S).group(0)
    assert "0 / 2" in row and 'data-stat="mean">—' in row and "mini-histogram" not in row
