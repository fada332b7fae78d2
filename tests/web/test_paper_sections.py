"""Papers in sections by type: the option in the editor, YAML and API; the paper, review, results and gradebook."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from app.domain.questions import QUESTION_TYPES, key_response
from app.extensions import db
from app.models import Attempt, Exam, User
from app.services import attempts as exam_svc
from tests.conftest import PASSWORD

PO = Path(__file__).resolve().parents[2] / "app/translations/en/LC_MESSAGES/messages.po"


def label(qtype: str) -> str:
    """A type's label as the registry names it (section titles use it)."""
    return QUESTION_TYPES[qtype].label


def english(qtype: str) -> str:
    """A type's label in the English catalogue."""
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        return read_po(fh)[label(qtype)].string


def _user(name):
    return db.session.scalar(db.select(User).filter_by(username=name))


def student_client(app, username="student"):
    other = app.test_client()
    other.post("/auth/login", data={"username": username, "password": PASSWORD})
    return other


def take(app, username, exam_id, right=(), essay="客户关系管理以客户为中心。"):
    """Start, answer the question types in ``right`` with the key (and the essay), submit; returns the attempt id."""
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user(username))
        for item in attempt.items:
            qtype = item.version.data["type"]
            if qtype == "essay" and essay:
                exam_svc.save_response(attempt, item.qid, essay, None)
            elif qtype in right:
                exam_svc.save_response(attempt, item.qid, key_response(item.version.data), None)
        exam_svc.submit(attempt)
        return attempt.id


# --- the option in the editor, the YAML file and the API ---------------------------------------------

def editor_form(**overrides):
    data = {"title": "分部分小测", "description": "", "course": "crm", "time_limit_minutes": "30", "opens_at": "",
            "closes_at": "", "max_attempts": "0", "grading_method": "highest", "review_policy": "immediately",
            "shuffle_questions": "y", "shuffle_options": "y", "grace_seconds": "60", "classes": ["一班"],
            "fixed": "", "rules-0-types": ["single"], "rules-0-tags": "", "rules-0-difficulty_min": "1",
            "rules-0-difficulty_max": "5", "rules-0-count": "2", "rules-0-points": "1"}
    data.update(overrides)
    return data


def test_the_editor_offers_sections_by_default_and_keeps_mixed(app, client, auth, exam_factory):
    exam_factory(title="占位")  # creates the class 一班
    auth.login("teacher")
    page = client.get("/instructor/exams/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="paper_layout".*?</select>', page, re.S).group(0)
    assert re.search(r'<option selected value="sections">|<option value="sections" selected>', select)
    assert "按题型分部分" in select and 'value="mixed"' in select
    assert client.post("/instructor/exams/new", data=editor_form(paper_layout="mixed")).status_code == 302
    assert client.post("/instructor/exams/new", data=editor_form(title="分部分小测二")).status_code == 302
    with app.app_context():
        layouts = dict(db.session.execute(db.select(Exam.title, Exam.paper_layout)).all())
        mixed_id = db.session.scalar(db.select(Exam.id).filter_by(title="分部分小测"))
    assert layouts["分部分小测"] == "mixed" and layouts["分部分小测二"] == "sections"
    edit = client.get(f"/instructor/exams/{mixed_id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="mixed">|<option value="mixed" selected>', edit)
    bad = client.post("/instructor/exams/new", data=editor_form(title="坏", paper_layout="by-type"))
    assert bad.status_code in (400, 422)
    with app.app_context():
        assert db.session.scalar(db.select(Exam).filter_by(title="坏")) is None


def test_the_layout_may_change_after_attempts_and_each_attempt_keeps_its_own(app, client, auth, exam_factory):
    exam_id = exam_factory(paper_layout="mixed")
    assert student_client(app).post(f"/exams/{exam_id}/start").status_code == 302
    auth.login("teacher")
    page = client.get(f"/instructor/exams/{exam_id}/edit").get_data(as_text=True)
    assert 'id="paper-locked"' in page
    # The select stands outside the locked fieldset, so the browser still sends it.
    assert page.index('name="paper_layout"') < page.index("<fieldset disabled>")
    text = client.get(f"/instructor/exams/{exam_id}/definition.yaml").get_data(as_text=True)
    assert yaml.safe_load(text)["paper_layout"] == "mixed"
    response = client.post(f"/instructor/exams/{exam_id}/upload",
                           data={"definition": (io.BytesIO(text.replace("paper_layout: mixed", "paper_layout: sections")
                                                           .encode("utf-8")), "exam.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Exam, exam_id).paper_layout == "sections"
        attempt = db.session.scalar(db.select(Attempt).filter_by(exam_id=exam_id))
        assert attempt.sectioned is False  # started mixed, stays mixed


def test_a_bad_layout_in_yaml_names_the_field(app, client, auth, exam_factory):
    exam_factory(title="占位")
    auth.login("teacher")
    text = "title: 坏布局\nclasses: [一班]\npaper_layout: by-type\nrules:\n  - {types: [single], count: 1}\n"
    response = client.post("/instructor/exams/upload", data={"definition": (io.BytesIO(text.encode()), "e.yaml")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 3 行 paper_layout: 必须是以下之一" in page


def test_the_openapi_schema_documents_the_layout_and_the_gradebook_sections(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/exams"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["paper_layout"]["enum"] == ["sections", "mixed"]
    assert "section_<type>" in spec["paths"]["/api/v1/exams/{exam_id}/gradebook"]["get"]["description"]


# --- the gradebook export ------------------------------------------------------------------------------------

def _gradebook(client, exam_id, fmt):
    response = client.get(f"/api/v1/exams/{exam_id}/gradebook?format={fmt}&headers=keys")
    assert response.status_code == 200
    if fmt == "json":
        return None, response.get_json()
    if fmt == "csv":
        reader = csv.reader(io.StringIO(response.data.decode("utf-8-sig")))
        table = list(reader)
    else:
        table = [list(r) for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    return table[0], [dict(zip(table[0], r)) for r in table[1:]]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_the_exam_gradebook_has_a_subtotal_per_section(app, client, auth, exam_factory, fmt):
    exam_id = exam_factory(title="期中", cases=[{"id": "customer-value", "points": 20}])
    take(app, "student", exam_id, right=("single", "true_false"))
    with app.app_context():
        exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student2"))  # started only
    auth.api_login("teacher")
    header, rows = _gradebook(client, exam_id, fmt)
    by_user = {r["username"]: r for r in rows}
    order = ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay", "case"]
    if fmt == "json":
        sections = by_user["student"]["sections"]
        assert [s["type"] for s in sections] == order
        got = {s["type"]: (s["score"], s["max_score"], s["pending"]) for s in sections}
        assert got["single"] == (2, 2, 0) and got["true_false"] == (1, 1, 0) and got["multiple"] == (0, 2, 0)
        assert got["essay"] == (0, 5, 1) and got["case"][1] == 20
        assert sum(s["score"] for s in sections) == by_user["student"]["score"]
        assert by_user["student2"]["sections"] == []
        return
    assert header[:7] == ["username", "full_name", "student_number", "score", "max_score", "status", "status_label"]
    sections = [name for t in order for name in (f"section_{t}", f"section_{t}_max")]
    assert header[7:7 + len(sections)] == sections
    assert header[7 + len(sections):] == [f"q{n}" for n in range(1, 11)]  # 9 drawn questions and the case
    zhang = by_user["student"]
    assert float(zhang["section_single"]) == 2 and float(zhang["section_single_max"]) == 2
    assert float(zhang["section_multiple"]) == 0 and float(zhang["section_essay_max"]) == 5
    assert float(zhang["section_case_max"]) == 20
    assert by_user["student2"]["section_single"] in ("", None)


def test_a_mixed_exam_gradebook_is_unchanged(app, client, auth, exam_factory):
    exam_id = exam_factory(title="混排", paper_layout="mixed")
    take(app, "student", exam_id, right=("single",))
    auth.api_login("teacher")
    assert all("sections" not in row for row in client.get(f"/api/v1/exams/{exam_id}/gradebook").get_json())
    header, _rows = _gradebook(client, exam_id, "csv")
    assert header == ["username", "full_name", "student_number", "score", "max_score", "status", "status_label",
                      *(f"q{n}" for n in range(1, 10))]


# --- the paper -------------------------------------------------------------------------------------------------

ORDER = ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay"]
HEADING = re.compile(r'<h2 class="h5 mt-3 mb-3 exam-section-title" id="section-(\d+)" data-section="(\w+)">(.*?)'
                     r'<span class="fw-normal text-muted small">(.*?)</span></h2>')
QUESTION = re.compile(r'<section class="card mb-3 exam-question" id="q-(\d+)" data-qid="([^"]+)" data-type="(\w+)"')
NUMBER = re.compile(r'<span id="q-\d+-title" class="fw-semibold">(.*?) <span')


def paper(html: str) -> list[tuple]:
    """The paper as ("heading", type, label, summary) and ("question", type, qid) entries in page order."""
    found = [(m.start(), ("heading", m.group(2), m.group(3), m.group(4))) for m in HEADING.finditer(html)]
    found += [(m.start(), ("question", m.group(3), m.group(2))) for m in QUESTION.finditer(html)]
    return [entry for _start, entry in sorted(found)]


def start_page(app, exam_id, username="student"):
    client = student_client(app, username)
    response = client.post(f"/exams/{exam_id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    return client, attempt_id, client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)


def test_a_sectioned_paper_has_headings_and_contiguous_sections_numbered_through(app, exam_factory):
    exam_id = exam_factory(cases=[{"id": "customer-value", "points": 20}])
    _client, attempt_id, html = start_page(app, exam_id)
    entries = paper(html)
    headings = [e for e in entries if e[0] == "heading"]
    assert [h[1] for h in headings] == ORDER + ["case"]
    assert [h[2] + h[3] for h in headings] == [
        f"一、{label('single')}（共 2 题，每题 1 分，共 2 分）", f"二、{label('multiple')}（共 1 题，每题 2 分，共 2 分）",
        f"三、{label('true_false')}（共 1 题，每题 1 分，共 1 分）", f"四、{label('ordering')}（共 1 题，每题 2 分，共 2 分）",
        f"五、{label('numeric')}（共 1 题，每题 3 分，共 3 分）", f"六、{label('fill_blank')}（共 1 题，每题 1 分，共 1 分）",
        f"七、{label('matching')}（共 1 题，每题 2 分，共 2 分）", f"八、{label('essay')}（共 1 题，每题 5 分，共 5 分）",
        "九、案例分析题（共 1 题，每题 20 分，共 20 分）"]
    current = None
    for entry in entries:
        if entry[0] == "heading":
            current = entry[1]
        else:
            assert entry[1] == current, entries  # every question stands in its own type's section
    # Numbers run through the whole paper, and positions follow the page order.
    assert NUMBER.findall(html) == [f"第 {n} 题" for n in range(1, 11)]
    positions = [int(m.group(1)) for m in QUESTION.finditer(html)]
    assert positions == list(range(1, 11))
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.sectioned is True
        assert [i.version.data["type"] for i in attempt.items] == ["single", "single"] + ORDER[1:] + ["case"]
    # The answer sheet: each section's numbers under its title.
    sheet = html[html.index('id="navigator"'):html.index("</nav>", html.index('id="navigator"'))]
    groups = re.findall(r'<div class="nav-section" role="group" aria-labelledby="nav-section-(\d+)" '
                        r'data-section="(\w+)"><div class="nav-section-title small text-muted" id="nav-section-\1">'
                        r'(.*?)</div>(.*?)</div>', sheet)
    assert [g[1] for g in groups] == ORDER + ["case"]
    assert groups[0][2] == f"一、{label('single')}"
    assert [re.findall(r">(\d+)</a>", g[3]) for g in groups][:2] == [["1", "2"], ["3"]]


def test_points_that_differ_within_a_section_give_no_each(app, exam_factory, mini_bank):
    exam_id = exam_factory(fixed=[{"id": mini_bank["single"][0], "points": 3}])
    _client, _attempt_id, html = start_page(app, exam_id)
    first = HEADING.search(html)
    assert first.group(3) + first.group(4) == f"一、{label('single')}（共 3 题，共 5 分）"


def test_each_student_gets_their_own_order_within_the_sections(app, exam_factory):
    exam_id = exam_factory()
    orders, option_orders = set(), set()
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        for _ in range(12):
            attempt = exam_svc.start_or_resume(exam, _user("student"))
            types = [i.version.data["type"] for i in attempt.items]
            assert types == ["single", "single"] + ORDER[1:]
            orders.add(tuple(i.qid for i in attempt.items[:2]))
            option_orders.add(tuple(attempt.items[0].presentation.get("options") or ()))
            exam_svc.submit(attempt)
    assert len(orders) > 2  # the single section's questions and their order differ between papers
    assert len(option_orders) > 2  # and so do the options within a question


def test_without_shuffle_a_section_keeps_the_rule_order(app, exam_factory, mini_bank):
    exam_id = exam_factory(shuffle_questions=False, rules=[{"types": ["essay"], "count": 1, "points": 5},
                                                           {"types": ["single"], "count": 2}])
    with app.app_context():
        attempt = exam_svc.start_or_resume(db.session.get(Exam, exam_id), _user("student"))
        assert [i.version.data["type"] for i in attempt.items] == ["single", "single", "essay"]


def test_a_mixed_paper_is_laid_out_as_before(app, exam_factory):
    exam_id = exam_factory(paper_layout="mixed", shuffle_questions=False)
    _client, attempt_id, html = start_page(app, exam_id)
    assert "exam-section-title" not in html and "nav-section" not in html
    sheet = html[html.index('id="navigator"'):html.index("</nav>", html.index('id="navigator"'))]
    assert re.findall(r'<a class="btn btn-sm btn-outline-secondary" href="#q-(\d+)"', sheet) == \
        [str(n) for n in range(1, 10)]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.sectioned is False
        # Draw order: the blueprint's rules one after another (the same paper as before sections).
        assert [i.version.data["type"] for i in attempt.items] == ["single", "single"] + ORDER[1:]


# --- review and results ----------------------------------------------------------------------------------------

def test_the_review_and_results_show_a_subtotal_per_section(app, client, auth, exam_factory):
    exam_id = exam_factory()
    attempt_id = take(app, "student", exam_id, right=("single", "true_false"))
    own = student_client(app)
    html = own.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    table = html[html.index('id="section-subtotals"'):html.index("</table>", html.index('id="section-subtotals"'))]
    rows = re.findall(r'<tr data-section="(\w+)">\s*<th scope="row" class="fw-normal"><a href="#section-\d+">(.*?)</a>'
                      r'</th>\s*<td class="text-end text-nowrap section-subtotal">(.*?)</td>', table)
    assert [r[0] for r in rows] == ORDER
    got = {r[0]: (r[1], r[2]) for r in rows}
    assert got["single"] == (f"一、{label('single')}", "2 / 2") and got["true_false"] == (f"三、{label('true_false')}", "1 / 1")
    assert got["multiple"] == (f"二、{label('multiple')}", "0 / 2")
    assert got["essay"][1].startswith("0 / 5") and "待评分" in got["essay"][1]
    # The review in the same sections: a heading with its subtotal before each section's questions.
    headings = re.findall(r'<h2 class="h5 mb-0 exam-section-title" id="section-(\d+)">(.*?)<span class="fw-normal '
                          r'text-muted small">(.*?)</span></h2>\s*<span class="section-subtotal">(.*?)</span>', html)
    assert [(h[1] + h[2], h[3]) for h in headings][:3] == [
        (f"一、{label('single')}（共 2 题，每题 1 分，共 2 分）", "本部分得分 2 / 2"),
        (f"二、{label('multiple')}（共 1 题，每题 2 分，共 2 分）", "本部分得分 0 / 2"),
        (f"三、{label('true_false')}（共 1 题，每题 1 分，共 1 分）", "本部分得分 1 / 1")]
    assert [int(n) for n in re.findall(r'<span class="fw-semibold">第 (\d+) 题</span>', html)] == list(range(1, 10))
    # The teacher's view of the attempt is the same page.
    auth.login("teacher")
    teacher = client.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert 'id="section-subtotals"' in teacher and "本部分得分 2 / 2" in teacher


def test_a_section_holding_a_withheld_question_hides_its_subtotal(app, exam_factory):
    # An open exam that never shows its key can still ask every single-choice question of the bank.
    exam_factory(title="隐藏", review_policy="never", closes_at="2099-01-01T00:00:00+00:00",
                 rules=[{"types": ["single"], "count": 2}])
    exam_id = exam_factory()
    attempt_id = take(app, "student", exam_id, right=("single", "true_false"))
    html = student_client(app).get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    subtotal = dict(re.findall(r'<tr data-section="(\w+)">.*?section-subtotal">(.*?)</td>', html, re.S))
    assert subtotal["single"] == "暂不公布" and subtotal["true_false"] == "1 / 1"
    assert '<span class="section-subtotal">暂不公布</span>' in html


def test_the_review_in_english_numbers_sections_in_roman(app, exam_factory):
    exam_id = exam_factory()
    attempt_id = take(app, "student", exam_id, right=("single",))
    own = student_client(app)
    with own.session_transaction() as sess:
        sess["locale"] = "en"
    html = own.get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert f"I. {english('single')}<span" in html and " (questions: 2 × 1 pt = 2 pt)" in html
    assert f"VIII. {english('essay')}<span" in html
    assert "Section score 2 / 2" in html


def test_a_mixed_review_has_no_sections(app, exam_factory):
    exam_id = exam_factory(paper_layout="mixed")
    attempt_id = take(app, "student", exam_id, right=("single",))
    html = student_client(app).get(f"/exams/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "section-subtotals" not in html and "exam-section-title" not in html


# --- the API ---------------------------------------------------------------------------------------------------

def test_the_api_creates_exams_with_either_layout(app, client, auth, exam_factory):
    exam_factory(title="占位")
    csrf = auth.api_login("teacher")["csrf_token"]
    base = {"title": "API 混排", "classes": ["一班"], "rules": [{"types": ["single"], "count": 1}]}
    for layout in ("mixed", "sections", None):
        body = dict(base, title=f"API {layout}") if layout is None else dict(base, title=f"API {layout}",
                                                                               paper_layout=layout)
        response = client.post("/api/v1/exams", json=body, headers={"X-CSRFToken": csrf})
        assert response.status_code == 201, response.get_json()
    bad = client.post("/api/v1/exams", json=dict(base, paper_layout="by-type"), headers={"X-CSRFToken": csrf})
    assert bad.status_code == 422 and any("paper_layout" in d for d in bad.get_json()["details"])
    with app.app_context():
        layouts = dict(db.session.execute(db.select(Exam.title, Exam.paper_layout)).all())
    assert (layouts["API mixed"], layouts["API sections"], layouts["API None"]) == ("mixed", "sections", "sections")


def test_the_api_keeps_paper_order_and_names_the_sections(app, client, auth, exam_factory):
    exam_id = exam_factory()
    csrf = auth.api_login("student")["csrf_token"]
    started = client.post(f"/api/v1/exams/{exam_id}/attempts", headers={"X-CSRFToken": csrf}).get_json()
    questions = started["questions"]
    assert [q["position"] for q in questions] == list(range(1, 10))
    assert [q["type"] for q in questions] == ["single", "single"] + ORDER[1:]
    assert started["sections"][0] == {"number": 1, "type": "single", "title": label("single"), "count": 2,
                                      "points": 2, "each": 1, "questions": [q["id"] for q in questions[:2]]}
    assert [s["type"] for s in started["sections"]] == ORDER
    assert [qid for s in started["sections"] for qid in s["questions"]] == [q["id"] for q in questions]
    assert "score" not in started["sections"][0]  # no results while writing
    attempt_url = f"/api/v1/attempts/{started['attempt_id']}"
    assert client.get(attempt_url + "?questions=1").get_json()["sections"] == started["sections"]
    client.put(f"{attempt_url}/answers/{questions[0]['id']}", json={"response": None}, headers={"X-CSRFToken": csrf})
    assert client.post(f"{attempt_url}/submit", headers={"X-CSRFToken": csrf}).status_code == 200
    result = client.get(attempt_url).get_json()
    assert [(s["type"], s["score"], s["points"], s["pending"]) for s in result["sections"]][:2] == [
        ("single", 0, 2, 0), ("multiple", 0, 2, 0)]
    assert sum(s["points"] for s in result["sections"]) == result["max_score"]


def test_a_mixed_attempt_in_the_api_has_no_sections(app, client, auth, exam_factory):
    exam_id = exam_factory(paper_layout="mixed")
    csrf = auth.api_login("student")["csrf_token"]
    started = client.post(f"/api/v1/exams/{exam_id}/attempts", headers={"X-CSRFToken": csrf}).get_json()
    assert "sections" not in started and [q["position"] for q in started["questions"]] == list(range(1, 10))
