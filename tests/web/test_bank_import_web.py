"""The browser import: upload → preview (types, keys, problems, chapters) → confirm → result."""

from __future__ import annotations

import io
import re

import pytest

from app.extensions import db
from app.models import Question
from tests.conftest import make_user
from tests.web.test_bank_import_cli import MOODLE_NESTED

NESTED_MAPPING = {"map-0": "ch01-crm-overview", "map-1": "ch02-crm-systems", "map-2": "ch05-customer-value",
                  "map-3": "ch07-satisfaction-loyalty"}
GIFT_WITH_PROBLEM = ("$CATEGORY: $course$/crm/ch05-customer-value\n\n"
                     "::web-1::客户价值的核心是哪一项？{=客户终生价值 ~客户满意度 ~品牌知名度}\n\n"
                     "::web-2::客户价值的核心是什么？{=客户终生价值 ~客户满意度 ####所以选 A。}\n")


def upload(client, text, name="moodle.xml", fmt=""):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post("/instructor/bank/import", data={"format": fmt, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def form_of(html):
    """The preview form's hidden fields and selected values, as a browser would post them."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    for name, body in re.findall(r'<select[^>]*name="(map-\d+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    fields.pop("csrf_token", None)
    return fields


def stored(app):
    with app.app_context():
        return {q.qid: (q.chapter, q.current_version.data) for q in db.session.scalars(db.select(Question))}


@pytest.fixture
def teacher(client, users, auth):
    auth.login("teacher")
    return client


def test_bank_page_links_to_import(teacher):
    page = teacher.get("/instructor/bank").get_data(as_text=True)
    assert 'href="/instructor/bank/import"' in page
    form = teacher.get("/instructor/bank/import").get_data(as_text=True)
    assert 'type="file"' in form and 'name="format"' in form and "Moodle XML" in form


def test_preview_shows_every_question_with_type_and_key_and_the_problems(app, teacher):
    response = upload(teacher, MOODLE_NESTED)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="card mb-2') == 5
    assert html.count(">判断题<") == 4 and html.count(">简答题<") == 1
    for stem in ("客户满意是客户忠诚的基础。", "请说明客户关系管理的含义。", "投诉处理得好可以提高客户忠诚度。"):
        assert stem in html
    keys = re.findall(r'class="small q-key">.*?<span lang="zh">(.*?)</span>', html)
    assert keys[0] == "正确" and keys[3] == "错误" and "以客户为中心" in keys[2]
    for path in ("Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"):
        assert f'<span lang="zh">{path}</span>' in html
    assert "问题（5 个）" in html and "为它的分类选择章节" in html
    assert stored(app) == {}  # a preview writes nothing


def test_confirm_is_all_or_nothing_unless_the_valid_part_is_chosen(app, teacher, mini_bank):
    before = stored(app)
    html = upload(teacher, GIFT_WITH_PROBLEM, "paper.gift").get_data(as_text=True)
    assert "只导入有效的 1 题" in html and "web-2" in html and "解析用字母" in html
    fields = form_of(html)
    refused = teacher.post("/instructor/bank/import/confirm", data=dict(fields, action="import"))
    assert refused.status_code == 400 and "没有导入任何题目" in refused.get_data(as_text=True)
    assert stored(app) == before
    done = teacher.post("/instructor/bank/import/confirm", data=dict(fields, action="import", partial="1"))
    assert done.status_code == 200
    page = done.get_data(as_text=True)
    assert re.search(r'id="count-created">1<', page) and re.search(r'id="count-skipped">1<', page)
    after = stored(app)
    assert set(after) - set(before) == {"web-1"}


def test_mapping_categories_imports_all_and_is_remembered(app, teacher):
    html = upload(teacher, MOODLE_NESTED).get_data(as_text=True)
    fields = form_of(html)
    assert {fields[f"map-{i}"] for i in range(4)} == {""}
    # choosing chapters and re-previewing clears the problems
    chosen = dict(fields, **NESTED_MAPPING)
    again = teacher.post("/instructor/bank/import/confirm", data=dict(chosen, action="preview")).get_data(as_text=True)
    assert "问题（" not in again and "可导入 5 题" in again
    done = teacher.post("/instructor/bank/import/confirm", data=dict(form_of(again), action="import"))
    assert done.status_code == 200
    assert re.search(r'id="count-created">5<', done.get_data(as_text=True))
    chapters = {qid: chapter for qid, (chapter, _d) in stored(app).items()}
    assert sorted(chapters.values()) == ["ch01-crm-overview", "ch02-crm-systems", "ch02-crm-systems",
                                         "ch05-customer-value", "ch07-satisfaction-loyalty"]
    assert all(re.match(r"^ch0[1257]-q00[12]$", qid) for qid in chapters)
    tags = sorted(t for _c, data in stored(app).values() for t in data["tags"])
    assert tags == ["来源：Iota", "来源：Iota/Kappa", "来源：Iota/Kappa", "来源：Iota/Kappa/Lambda", "来源：Iota/Mu"]
    # the next upload of a file with these categories starts from the same choices
    remembered = form_of(upload(teacher, MOODLE_NESTED).get_data(as_text=True))
    assert {k: remembered[k] for k in NESTED_MAPPING} == NESTED_MAPPING
    second = teacher.post("/instructor/bank/import/confirm", data=dict(remembered, action="import"))
    assert re.search(r'id="count-unchanged">5<', second.get_data(as_text=True))  # same questions, no duplicates
    assert len(stored(app)) == 5


def test_a_changed_mapping_is_previewed_before_it_is_imported(app, teacher):
    fields = form_of(upload(teacher, MOODLE_NESTED).get_data(as_text=True))
    response = teacher.post("/instructor/bank/import/confirm", data=dict(fields, action="import", partial="1",
                                                                         **NESTED_MAPPING))
    assert response.status_code == 200 and "章节对应已更改" in response.get_data(as_text=True)
    assert stored(app) == {}


def test_the_remembered_mapping_is_per_instructor(app, teacher, client, auth):
    fields = form_of(upload(teacher, MOODLE_NESTED).get_data(as_text=True))
    again = teacher.post("/instructor/bank/import/confirm", data=dict(fields, action="preview", **NESTED_MAPPING))
    teacher.post("/instructor/bank/import/confirm", data=dict(form_of(again.get_data(as_text=True)), action="import"))
    make_user(app, "teacher2", "instructor")
    auth.logout()
    auth.login("teacher2")
    other = form_of(upload(client, MOODLE_NESTED).get_data(as_text=True))
    assert other["map-0"] == ""


def test_a_token_from_another_user_or_forged_is_refused(app, teacher, client, auth):
    fields = form_of(upload(teacher, MOODLE_NESTED).get_data(as_text=True))
    forged = teacher.post("/instructor/bank/import/confirm", data=dict(fields, token=fields["token"][:-3] + "abc",
                                                                       action="import"))
    assert forged.status_code == 400 and "重新上传" in forged.get_data(as_text=True)
    make_user(app, "teacher2", "instructor")
    auth.logout()
    auth.login("teacher2")
    stolen = client.post("/instructor/bank/import/confirm", data=dict(fields, action="import", **NESTED_MAPPING))
    assert stolen.status_code == 400 and stored(app) == {}


@pytest.mark.parametrize("name, content, fmt, status, message", [
    ("empty.xml", b"", "", 400, "文件是空的"),
    ("paper.doc", b"\xd0\xcf\x11\xe0 old word", "", 400, "另存为"),
    ("data.pdf", b"%PDF-1.4", "", 400, "无法从文件名判断格式"),
    ("broken.xml", b"<quiz><question", "", 400, "没有从文件中读出任何题目"),
    ("image.gift", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "gift", 400, "没有从文件中读出任何题目"),
])
def test_bad_files_get_a_clear_message(teacher, name, content, fmt, status, message):
    response = upload(teacher, content, name, fmt)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused(teacher):
    from app.services.interop import UPLOAD_MAX_BYTES

    # Encoded by hand: the test client would spool a large body to a temporary file it never closes.
    body = (b"--XBOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.gift\"\r\n"
            b"Content-Type: text/plain\r\n\r\n" + b"x" * (UPLOAD_MAX_BYTES + 10) + b"\r\n--XBOUNDARY--\r\n")
    response = teacher.post("/instructor/bank/import", data=body, content_type="multipart/form-data; boundary=XBOUNDARY")
    assert response.status_code == 413 and "文件太大" in response.get_data(as_text=True)


def test_no_file_chosen(teacher):
    response = teacher.post("/instructor/bank/import", data={"format": ""}, content_type="multipart/form-data")
    assert response.status_code == 400 and "请选择要导入的文件" in response.get_data(as_text=True)


def test_students_are_refused(client, users, auth):
    auth.login("student")
    assert client.get("/instructor/bank/import").status_code == 403
    assert upload(client, MOODLE_NESTED).status_code == 403
    assert client.post("/instructor/bank/import/confirm", data={"token": "x", "action": "import"}).status_code == 403


def test_every_form_needs_the_csrf_token(csrf_app):
    make_user(csrf_app, "teacher", "instructor")
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"username": "teacher", "password": "secret-pass-123", "csrf_token": token})
    form = client.get("/instructor/bank/import").get_data(as_text=True)
    assert 'name="csrf_token"' in form
    without = client.post("/instructor/bank/import", data={"file": (io.BytesIO(MOODLE_NESTED.encode()), "m.xml")},
                          content_type="multipart/form-data")
    assert without.status_code == 400 and "CSRF" in without.get_data(as_text=True)
    assert client.post("/instructor/bank/import/confirm", data={"action": "import"}).status_code == 400
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    preview = client.post("/instructor/bank/import", data={"csrf_token": csrf,
                                                           "file": (io.BytesIO(MOODLE_NESTED.encode()), "m.xml")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200 and 'name="csrf_token"' in preview.get_data(as_text=True)


def test_the_excel_template_is_offered_once_the_excel_importer_is_installed(teacher):
    """The template comes with the Excel importer (``xlsx_template`` in app/domain/interop)."""
    try:
        from app.domain.interop import xlsx_template  # noqa: F401
    except ImportError:
        assert "xlsx-template" not in teacher.get("/instructor/bank/import").get_data(as_text=True)
        assert teacher.get("/instructor/bank/import/template.xlsx").status_code == 404
        return
    page = teacher.get("/instructor/bank/import").get_data(as_text=True)
    assert 'href="/instructor/bank/import/template.xlsx"' in page
    response = teacher.get("/instructor/bank/import/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    from openpyxl import load_workbook

    headers = [cell.value for cell in next(load_workbook(io.BytesIO(response.data)).active.iter_rows(max_row=1))]
    assert headers[:2] == ["题型", "题干"] and "答案" in headers and "章节" in headers
