"""Case exercises through the web pages: assignments, fixed variants, saving, uploads, grading, review."""

import io
import json
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook

from app.cases.answers import field_name
from app.domain.cases import dataset_to_csv, list_cases, make_variant, pareto_points, solution, textbook_label
from app.extensions import db
from app.models import AuditLog, CaseAssignment, CaseWork, User
from app.models.base import utcnow
from app.services.cases import has_rubric
from app.services.classes import add_member, get_or_create_class
from tests.conftest import PASSWORD, make_user

FUTURE = "2099-01-01T10:00"


@pytest.fixture
def class_id(app, users):
    """A class 一班 holding ``student`` only (``student2`` is in no class)."""
    with app.app_context():
        group = get_or_create_class("一班", None)
        add_member(group, db.session.get(User, users["student"]))
        db.session.commit()
        return group.id


@pytest.fixture
def assign(app, client, auth, class_id):
    """Create an assignment through the instructor form; returns its id (logged out afterwards)."""

    def make(case_id="customer-value", due=FUTURE, title="案例作业"):
        auth.login("teacher")
        response = client.post("/instructor/cases/new", data={
            "case_id": case_id, "title": title, "instructions": "先读题,再计算。", "due_at": due,
            "classes": [str(class_id)]})
        assert response.status_code == 302, response.get_data(as_text=True)
        auth.logout()
        return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    return make


def _work(app, assignment_id, username="student"):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username=username))
        return db.session.scalar(db.select(CaseWork).filter_by(assignment_id=assignment_id, user_id=user.id))


def _variant(work):
    variant, error = make_variant(work.case_id, work.seed)
    assert variant is not None, error
    return variant


def _form(variant, answers, action="submit"):
    """The work form filled with ``answers`` (answers-file shape), as a browser would post it."""
    data = {"action": action}
    for step in variant.steps:
        value = answers.get(step.id)
        if value is None:
            continue
        if step.kind in ("table", "text_table"):
            for r, (row_id, _) in enumerate(step.rows):
                for c, (key, _) in enumerate(step.columns):
                    cell = value[row_id][key] if isinstance(value[row_id], dict) else value[row_id]
                    data[field_name(step, r, c)] = str(cell)
        elif step.kind == "classification":
            for r, (row_id, _) in enumerate(step.rows):
                data[field_name(step, r)] = str(value[row_id])
        elif step.kind == "ranking":
            data[field_name(step)] = " > ".join(value)
        else:
            data[field_name(step)] = str(value)
    return data


def _open(client, app, assignment_id, username="student"):
    """The student opens the assignment; returns the page and the variant."""
    response = client.get(f"/cases/assignments/{assignment_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), _variant(_work(app, assignment_id, username))


def _task_section(page):
    return re.search(r'<section class="card mb-4" aria-label="题目">.*?</section>', page, re.S).group(0)


# --- the instructor's side ------------------------------------------------------------------

def test_instructor_creates_an_assignment_for_a_class(app, client, auth, class_id):
    auth.login("teacher")
    assert client.get("/instructor/cases/new").status_code == 200
    response = client.post("/instructor/cases/new", data={
        "case_id": "abc-classification", "title": "ABC 分类作业", "instructions": "用 **Excel** 排序。",
        "due_at": "2099-06-30T18:00", "classes": [str(class_id)]})
    assert response.status_code == 302
    with app.app_context():
        assignment = db.session.scalar(db.select(CaseAssignment))
        assert (assignment.case_id, assignment.title) == ("abc-classification", "ABC 分类作业")
        assert assignment.due_at == datetime(2099, 6, 30, 10, 0)  # 18:00 in Shanghai is 10:00 UTC
        assert [c.class_id for c in assignment.classes] == [class_id]
        log = db.session.scalar(db.select(AuditLog).filter_by(action="case_assignment.create"))
        assert log.target == f"case_assignment:{assignment.id}" and log.details["title"] == "ABC 分类作业"
    listing = client.get("/instructor/cases").get_data(as_text=True)
    assert "ABC 分类作业" in listing and "2099-06-30 18:00" in listing and "一班" in listing
    results = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-user="student"' in results and "未开始" in results
    assert 'data-user="student2"' not in results


@pytest.mark.parametrize("data, message", [
    ({"title": ""}, "请输入作业标题。"),
    ({"due_at": "下周五"}, "日期时间格式不正确"),
    ({"due_at": ""}, "请填写截止时间。"),
    ({"due_at": "2001-01-01T08:00"}, "截止时间应晚于现在。"),
    ({"classes": []}, "请至少选择一个班级。"),
    ({"classes": ["999"]}, "所选班级不存在。"),
    ({"case_id": "no-such-case"}, "请选择一个案例。"),
])
def test_assignment_form_rejects_bad_input_in_chinese(app, client, auth, class_id, data, message):
    auth.login("teacher")
    form = {"case_id": "customer-value", "title": "作业", "due_at": FUTURE, "classes": [str(class_id)]}
    form.update(data)
    response = client.post("/instructor/cases/new", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CaseAssignment.id))) == 0


def test_assignment_form_needs_the_csrf_token(csrf_app):
    make_user(csrf_app, "teacher", "instructor")
    with csrf_app.app_context():
        group_id = get_or_create_class("一班", None).id
        db.session.commit()
    client = csrf_app.test_client()
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', login_page).group(1)
    assert client.post("/auth/login", data={"username": "teacher", "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302
    form = {"case_id": "customer-value", "title": "作业", "due_at": FUTURE, "classes": [str(group_id)]}
    refused = client.post("/instructor/cases/new", data=form)
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    page = client.get("/instructor/cases/new").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/instructor/cases/new", data={**form, "csrf_token": token}).status_code == 302


@pytest.mark.parametrize("method, path", [
    ("get", "/instructor/cases"),
    ("get", "/instructor/cases/new"),
    ("post", "/instructor/cases/new"),
    ("get", "/instructor/cases/{aid}"),
    ("get", "/instructor/cases/{aid}/students/{uid}"),
])
def test_students_get_403_on_instructor_case_pages(client, auth, users, assign, method, path):
    assignment_id = assign()
    auth.login("student")
    response = getattr(client, method)(path.format(aid=assignment_id, uid=users["student"]))
    assert response.status_code == 403


# --- a student's work -----------------------------------------------------------------------

def test_the_variant_is_fixed_on_the_first_visit(app, client, auth, assign):
    assignment_id = assign()
    auth.login("student")
    first, variant = _open(client, app, assignment_id)
    second, again = _open(client, app, assignment_id)
    assert again.seed == variant.seed and again.params == variant.params
    assert _task_section(first) == _task_section(second)
    assert f'id="variant-seed">{variant.seed}<' in second
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CaseWork.id))) == 1
    listing = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/assignments/{assignment_id}"' in listing and "2099-01-01 10:00" in listing


# The written tasks' model answers score full on the automatic criteria and then wait for a
# teacher: tests/web/test_case_rubric_web.py.
@pytest.mark.parametrize("case_id", [c["id"] for c in list_cases() if not has_rubric(c["id"])])
def test_submitting_the_variants_own_solution_scores_full_marks(app, client, auth, assign, case_id):
    assignment_id = assign(case_id)
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    response = client.post(f"/cases/assignments/{assignment_id}", data=_form(variant, solution(variant)))
    assert response.status_code == 302 and response.headers["Location"].endswith("#result")
    work = _work(app, assignment_id)
    assert work.score == variant.max_score and work.max_score == variant.max_score
    assert all(step["score"] == step["max"] for step in work.result["steps"])
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert f'{variant.max_score:g} <span class="fs-5 text-muted">/ {variant.max_score:g}' in page
    assert "已提交" in client.get("/cases/").get_data(as_text=True)


def test_a_known_misconception_gets_its_named_feedback(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    p = variant.params
    answers = solution(variant)
    answers["lifetime_value"] = f"{48 * p['f'] * p['m'] * p['n']:,}"  # 12 months × 4 weeks
    client.post(f"/cases/assignments/{assignment_id}", data=_form(variant, answers))
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    feedback = re.search(r'id="step-lifetime_value".*?step-feedback">(.*?)</div>', page, re.S).group(1)
    assert "48 周" in feedback and "52 周" in feedback and "得分 0 / 2" in feedback
    # The later steps use the student's own step-1 value: error carried forward, full credit.
    assert _work(app, assignment_id).score == variant.max_score - 2


def test_numbers_may_be_typed_with_separators_and_wan(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    value = solution(variant)["lifetime_value"]
    client.post(f"/cases/assignments/{assignment_id}",
                data={"action": "submit", field_name(variant.steps[0]): f"{value / 10000:g}万"})
    assert _work(app, assignment_id).result["steps"][0]["score"] == 2


def test_save_stores_answers_without_grading_and_resubmission_keeps_the_latest(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    client.post(f"/cases/assignments/{assignment_id}", data={"action": "save", "s-lifetime_value": "26,000"})
    work = _work(app, assignment_id)
    assert work.answers == {"lifetime_value": "26,000"} and work.result is None and work.score is None
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert 'value="26,000"' in page and 'id="result"' not in page
    client.post(f"/cases/assignments/{assignment_id}", data={"action": "submit", "s-lifetime_value": "1"})
    assert _work(app, assignment_id).score == 0
    client.post(f"/cases/assignments/{assignment_id}", data=_form(variant, solution(variant)))
    work = _work(app, assignment_id)
    assert work.score == variant.max_score and work.submit_count == 2


# --- uploads ----------------------------------------------------------------------------------

def _table_csv(step, values):
    lines = ["id," + ",".join(key for key, _ in step.columns)]
    for row_id, cells in values.items():
        lines.append(row_id + "," + ",".join(str(cells[key]) for key, _ in step.columns))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _table_xlsx(step, values):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "名称"] + [label for _, label in step.columns])  # Chinese headers work too
    for row_id, cells in values.items():
        sheet.append([row_id, dict(step.rows)[row_id]] + [cells[key] for key, _ in step.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, assignment_id, step_id, filename, data, action="upload", extra=None):
    form = {"action": action, f"f-{step_id}": (io.BytesIO(data), filename)}
    form.update(extra or {})
    return client.post(f"/cases/assignments/{assignment_id}", data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_table_step_can_be_filled_by_upload(app, client, auth, assign, fmt):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    step = variant.step("dynamic_table")
    values = solution(variant)["dynamic_table"]
    data = _table_csv(step, values) if fmt == "csv" else _table_xlsx(step, values)
    response = _upload(client, assignment_id, step.id, f"答案.{fmt}", data, extra={"s-customers_won": "1"})
    assert response.status_code == 302
    saved = _work(app, assignment_id).answers
    assert saved["customers_won"] == "1"  # the typed fields are saved along with the upload
    assert {row: {k: float(v) for k, v in cells.items()} for row, cells in saved["dynamic_table"].items()} == values
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    net = values["net"]["value"]
    assert f'name="{field_name(step, 2, 1)}" value="{net}"' in page
    client.post(f"/cases/assignments/{assignment_id}", data={"action": "submit", **{
        k: v for k, v in _form(variant, {"dynamic_table": values}).items() if k != "action"}})
    result = {s["id"]: s for s in _work(app, assignment_id).result["steps"]}
    assert result["dynamic_table"]["score"] == result["dynamic_table"]["max"]


def test_a_classification_step_can_be_filled_by_upload(app, client, auth, assign):
    assignment_id = assign("abc-classification")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    step = variant.step("classification")
    labels = solution(variant)["classification"]
    csv_text = "id,名称,类别\n" + "".join(f"{row},{name},{labels[row]} 类\n" for row, name in step.rows)
    response = _upload(client, assignment_id, step.id, "abc.csv", csv_text.encode("gbk"), action="submit")
    assert response.status_code == 302
    work = _work(app, assignment_id)
    assert work.answers["classification"] == labels  # "A 类" read back as the option A
    assert work.result["steps"][0]["score"] == step.points


@pytest.mark.parametrize("change, message", [
    (lambda step, values: _table_csv(step, values).replace(b",value", b""), "缺少列：客户价值变化（元）"),
    (lambda step, values: _table_csv(step, values) + b"X99,1,2\n", "未知的编号「X99」"),
    (lambda step, values: b"\n".join(_table_csv(step, values).split(b"\n")[:-2]) + b"\n", "缺少以下编号的行：net"),
    (lambda step, values: b"", "上传的文件是空的"),
])
def test_a_bad_upload_is_explained_and_loses_nothing(app, client, auth, assign, change, message):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    step = variant.step("dynamic_table")
    saved = {"lifetime_value": "123", "dynamic_table": {"satisfied": {"customers": "7"}}}
    client.post(f"/cases/assignments/{assignment_id}",
                data={"action": "save", "s-lifetime_value": "123", field_name(step, 0, 0): "7"})
    assert _work(app, assignment_id).answers == saved
    data = change(step, solution(variant)["dynamic_table"])
    response = _upload(client, assignment_id, step.id, "答案.csv", data, action="submit",
                       extra={"s-lifetime_value": "999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "之前保存的答案保持不变" in page
    assert 'value="999"' in page  # what was typed is still on the page
    work = _work(app, assignment_id)
    assert work.answers == saved and work.result is None


def test_overlong_input_is_refused_without_saving(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _open(client, app, assignment_id)
    response = client.post(f"/cases/assignments/{assignment_id}",
                           data={"action": "save", "s-lifetime_value": "9" * 500})
    assert response.status_code == 400 and "内容太长" in response.get_data(as_text=True)
    assert _work(app, assignment_id).answers == {}


def test_dataset_and_answer_sheet_downloads(app, client, auth, assign):
    assignment_id = assign("abc-classification")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    work_id = _work(app, assignment_id).id
    csv_response = client.get(f"/cases/work/{work_id}/dataset.csv")
    assert csv_response.status_code == 200 and csv_response.data == dataset_to_csv(variant)
    assert "attachment" in csv_response.headers["Content-Disposition"]
    xlsx = client.get(f"/cases/work/{work_id}/dataset.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    sheet = client.get(f"/cases/work/{work_id}/template/classification.csv")
    assert sheet.status_code == 200 and sheet.data.decode("utf-8-sig").startswith("编号,")
    assert client.get(f"/cases/work/{work_id}/template/service.csv").status_code == 404
    assert client.get(f"/cases/work/{work_id}/dataset.pdf").status_code == 404


# --- who sees what ----------------------------------------------------------------------------

def test_another_student_gets_404_on_this_work(app, client, auth, assign):
    assignment_id = assign("abc-classification")
    auth.login("student")
    _open(client, app, assignment_id)
    work_id = _work(app, assignment_id).id
    practice = client.post("/cases/practice/rfm-analysis").headers["Location"]
    auth.logout()
    auth.login("student2")
    assert client.get(f"/cases/assignments/{assignment_id}").status_code == 404
    assert client.post(f"/cases/assignments/{assignment_id}", data={"action": "submit"}).status_code == 404
    assert client.get(f"/cases/work/{work_id}/dataset.csv").status_code == 404
    assert client.get(practice).status_code == 404
    assert client.post(practice, data={"action": "save", "s-scores-0-0": "5"}).status_code == 404
    assert 'id="no-assignments"' in client.get("/cases/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(CaseWork.id))) == 2


def test_submission_after_the_due_date_is_refused(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    client.post(f"/cases/assignments/{assignment_id}", data={"action": "save", "s-lifetime_value": "100"})
    with app.app_context():
        assignment = db.session.get(CaseAssignment, assignment_id)
        assignment.due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(f"/cases/assignments/{assignment_id}", data=_form(variant, solution(variant)),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "已过截止时间，不能再保存或提交。" in page and "已截止" in page
    assert 'value="submit"' not in page  # no submit button any more
    work = _work(app, assignment_id)
    assert work.result is None and work.score is None and work.answers == {"lifetime_value": "100"}


def test_abc_review_shows_the_pareto_chart_after_the_due_date(app, client, auth, assign):
    assignment_id = assign("abc-classification")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    client.post(f"/cases/assignments/{assignment_id}", data=_form(variant, solution(variant)))
    before = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    assert 'id="result"' in before
    assert "pareto-data" not in before and "model-answer" not in before  # nothing of the key before the due date
    with app.app_context():
        db.session.get(CaseAssignment, assignment_id).due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    page = client.get(f"/cases/assignments/{assignment_id}").get_data(as_text=True)
    embedded = re.search(r'<script type="application/json" id="pareto-data">(.*?)</script>', page, re.S)
    chart = json.loads(embedded.group(1))
    assert chart["points"] == pareto_points(variant) and chart["thresholds"] == [0.7, 0.9]
    assert "chart.umd.min.js" in page and "js/cases.js" in page and "model-answer" in page


def test_practice_runs_are_the_students_own_and_show_the_key_after_submitting(app, client, auth, users):
    auth.login("student")
    response = client.post("/cases/practice/ltv-npv", data={"textbook": "1"})
    assert response.status_code == 302
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "自由练习" in page and "model-answer" not in page and "1000" in page  # the textbook numbers
    client.post(url, data={"action": "submit", "s-total": "2655.12"})
    page = client.get(url).get_data(as_text=True)
    assert "model-answer" in page and "909.09" in page
    assert "客户终生价值" in client.get("/cases/").get_data(as_text=True)
    assert client.post("/cases/practice/no-such-case").status_code == 404


def test_instructor_sees_results_and_escaped_student_answers(app, client, auth, users, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _open(client, app, assignment_id)
    client.post(f"/cases/assignments/{assignment_id}",
                data={"action": "submit", "s-lifetime_value": "<script>alert(1)</script>"})
    auth.logout()
    auth.login("teacher")
    results = client.get(f"/instructor/cases/{assignment_id}").get_data(as_text=True)
    row = re.search(r'<tr data-user="student">.*?</tr>', results, re.S).group(0)
    assert "已提交" in row and "0 / 13" in row
    page = client.get(f"/instructor/cases/{assignment_id}/students/{users['student']}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "model-answer" in page and "无法识别的数字「&lt;script&gt;" in page  # feedback, and the key
    assert client.get(f"/instructor/cases/{assignment_id}/students/{users['student2']}").status_code == 404
    assert client.get("/instructor/cases/999").status_code == 404
    # The instructor may try the assignment; that preview is not counted as a student's submission.
    assert client.get(f"/cases/assignments/{assignment_id}").status_code == 200
    client.post(f"/cases/assignments/{assignment_id}", data={"action": "submit", "s-lifetime_value": "1"})
    listing = client.get("/instructor/cases").get_data(as_text=True)
    row = re.search(rf'<tr data-assignment="{assignment_id}">.*?</tr>', listing, re.S).group(0)
    assert '<td class="submitted">1</td>' in row
    assert 'data-user="teacher"' not in client.get(f"/instructor/cases/{assignment_id}").get_data(as_text=True)


def test_an_assignment_whose_case_was_removed_gives_a_clear_404(app, client, auth, users, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _open(client, app, assignment_id)
    with app.app_context():
        db.session.get(CaseAssignment, assignment_id).case_id = "retired-case"
        db.session.execute(db.update(CaseWork).values(case_id="retired-case"))
        db.session.commit()
    response = client.get(f"/cases/assignments/{assignment_id}")
    assert response.status_code == 404 and "没有编号为「retired-case」的案例" in response.get_data(as_text=True)
    assert client.get("/cases/").status_code == 200
    auth.logout()
    auth.login("teacher")
    assert client.get(f"/instructor/cases/{assignment_id}/students/{users['student']}").status_code == 404
    assert client.get(f"/instructor/cases/{assignment_id}").status_code == 200


def test_an_uploaded_cell_longer_than_a_typed_one_is_refused_without_saving(app, client, auth, assign):
    assignment_id = assign("customer-value")
    auth.login("student")
    _, variant = _open(client, app, assignment_id)
    step = variant.step("dynamic_table")
    values = solution(variant)["dynamic_table"]
    values["satisfied"]["customers"] = "长" * 5000  # no form field caps an uploaded cell
    response = _upload(client, assignment_id, step.id, "答案.xlsx", _table_xlsx(step, values), action="save")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "第 6 步的答案无效：行「一位满意客户」列「忠实客户数变化（人）」：内容太长" in page
    assert _work(app, assignment_id).answers == {}


def test_the_case_service_refuses_answers_outside_the_step_shapes(app, client, auth, assign):
    from app.services import cases as svc

    assignment_id = assign("customer-value")
    auth.login("student")
    _open(client, app, assignment_id)
    with app.app_context():
        work = db.session.merge(_work(app, assignment_id))
        for call in (svc.save_answers, svc.submit_answers):
            with pytest.raises(svc.CaseError) as refused:
                call(work, {"lifetime_value": "1", "extra": "x" * 100_000})
            assert refused.value.status == 422 and "没有这个步骤：extra" in str(refused.value)
    assert _work(app, assignment_id).answers == {}


def _visible_text(html):
    """The page's text as a reader sees it: no scripts, styles, tags or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r'<[^>"]*(?:"[^"]*"[^>"]*)*>', " ", html)  # quoted attributes may hold ">"


def _internal_ids(variant):
    """Ids that exist for the code (data keys, step ids, non-customer row ids, column keys)."""
    data_ids = {str(r["id"]) for r in variant.dataset or []}
    ids = {key for row in variant.dataset or [] for key in row}
    for step in variant.steps:
        ids.add(step.id)
        ids.update(key for key, _ in step.columns)
        ids.update(row for row in step.row_ids if row not in data_ids)
    return {i for i in ids if re.fullmatch(r"[a-z][a-z0-9_]{2,}", i)} | {"textbook"}


@pytest.mark.parametrize("case_id", [c["id"] for c in list_cases()])
@pytest.mark.parametrize("textbook", [True, False])
def test_case_pages_show_no_internal_ids(app, client, auth, users, case_id, textbook):
    auth.login("student")
    response = client.post(f"/cases/practice/{case_id}", data={"textbook": "1"} if textbook else {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        work = db.session.scalar(db.select(CaseWork).order_by(CaseWork.id.desc()))
        variant = _variant(work)
    text = _visible_text(page)
    found = sorted(i for i in _internal_ids(variant) if re.search(rf"(?<![A-Za-z0-9_]){i}(?![A-Za-z0-9_])", text))
    assert found == [], f"{case_id}: internal ids on the page: {found}"
    if textbook:
        assert textbook_label(case_id) in text
    # The data table's headers are Chinese.
    for key, label in variant.columns:
        assert f"<th scope=\"col\">{label}</th>" in page
