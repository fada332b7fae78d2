"""Exported spreadsheets never carry a formula a student or an instructor typed (CSV/formula injection)."""

import base64
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.domain.cases.tables import _csv_bytes, _xlsx_bytes
from app.domain.roster import RosterRow
from app.domain.tabular import safe_cell
from app.extensions import db
from app.models import Exam, User
from app.services import attempts as exam_svc
from app.services.classes import RosterResult, find_class
from app.services.gradebook import csv_bytes, xlsx_bytes

TITLE = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("张三", "张三"), ("a=b", "a=b"), ("", ""), (None, None), (-1.5, -1.5), (-3, -3), (0, 0),
    ("-3", "-3"), ("-1.5", "-1.5"), ("+7", "+7"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _assert_no_formula(sheet):
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


@pytest.fixture
def hostile(app, exam_factory):
    """An exam titled with a formula; students whose name and number look like formulas."""
    with app.app_context():
        student = db.session.scalar(db.select(User).filter_by(username="student"))
        student.full_name, student.student_number = "@SUM(A1)", "-2+3"
        db.session.commit()
    exam_id = exam_factory(title=TITLE)
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        attempt = exam_svc.start_or_resume(exam, db.session.scalar(db.select(User).filter_by(username="student")))
        exam_svc.submit(attempt)
        db.session.scalar(db.select(User).filter_by(username="student")).username = "+1+1"  # not a roster-valid name, but the export must not trust names
        db.session.commit()
        return exam_id, find_class("一班").id


def test_class_gradebook_exports_escape_headers_and_cells(client, auth, hostile):
    _, class_id = hostile
    auth.login("teacher")
    rows = _csv_rows(client.get(f"/instructor/gradebook/{class_id}/export.csv").data)
    assert rows[0][3].startswith("'" + TITLE) and rows[0][4] == f"'{TITLE} 状态"
    student = next(r for r in rows if r[0] == "'+1+1")
    assert student[1:3] == ["'@SUM(A1)", "'-2+3"]
    sheet = _sheet(client.get(f"/instructor/gradebook/{class_id}/export.xlsx").data)
    _assert_no_formula(sheet)
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3].startswith("'" + TITLE)
    student = next(r for r in values if r[0] == "'+1+1")
    assert student[1:3] == ("'@SUM(A1)", "'-2+3")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exam_gradebook_api_exports_escape_cells(client, auth, hostile, fmt):
    exam_id, _ = hostile
    auth.api_login("teacher")
    data = client.get(f"/api/v1/exams/{exam_id}/gradebook?format={fmt}").data
    if fmt == "csv":
        rows = _csv_rows(data)
    else:
        sheet = _sheet(data)
        _assert_no_formula(sheet)
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    student = next(r for r in rows if r[0] == "'+1+1")
    assert student[1:3] == ["'@SUM(A1)", "'-2+3"]


def test_numbers_stay_numbers_while_text_is_escaped():
    header = ["用户名", TITLE, "分数"]
    rows = [["+1+1", "-2+3", -1.5], ["u2", "@SUM(A1)", 3]]
    assert _csv_rows(csv_bytes(header, rows)) == [
        ["用户名", "'" + TITLE, "分数"], ["'+1+1", "'-2+3", "-1.5"], ["u2", "'@SUM(A1)", "3"]]
    sheet = _sheet(xlsx_bytes(header, rows, "成绩", text_columns=()))
    _assert_no_formula(sheet)
    assert sheet["B1"].value == "'" + TITLE and sheet["A2"].value == "'+1+1" and sheet["B2"].value == "'-2+3"
    assert sheet["C2"].value == -1.5 and sheet["C2"].data_type == "n"
    assert sheet["C3"].value == 3 and sheet["C3"].data_type == "n"


def test_roster_credentials_csv_escapes_every_cell():
    result = RosterResult(created=[
        (RosterRow(2, "+1+1", "=cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"), "Abc123xyz9"),
    ])
    rows = _csv_rows(result.credentials_csv())
    assert rows[1] == ["'+1+1", "'=cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)", "Abc123xyz9"]


def test_roster_import_offers_an_escaped_credentials_file(client, auth, users):
    auth.login("teacher")
    response = client.post("/instructor/classes", data={"name": "物流8班", "description": ""})
    class_id = int(response.headers["Location"].rsplit("/", 1)[1])
    roster = "username,full name,student number\n-x1,=cmd|' /C calc'!A0,@SUM(A1)\n".encode()
    page = client.post(f"/instructor/classes/{class_id}", data={"file": (io.BytesIO(roster), "r.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    href = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    rows = _csv_rows(base64.b64decode(href))
    assert rows[1][:3] == ["'-x1", "'=cmd|' /C calc'!A0", "'@SUM(A1)"]


def test_case_dataset_and_template_writers_escape_cells():
    header, rows = ["id", "=x"], [["@a", -2.5], ["-1+1", None]]
    assert _csv_rows(_csv_bytes(header, rows)) == [["id", "'=x"], ["'@a", "-2.5"], ["'-1+1", ""]]
    sheet = _sheet(_xlsx_bytes(header, rows, "数据"))
    _assert_no_formula(sheet)
    assert sheet["B1"].value == "'=x" and sheet["A2"].value == "'@a" and sheet["B2"].value == -2.5
