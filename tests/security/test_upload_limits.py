"""Spreadsheet uploads are read from their real cells, with caps, whatever they declare."""

import io
import re
import tracemalloc
import zipfile

from openpyxl import Workbook

from app.domain.cases import get_case, parse_table_upload, solution
from app.domain.tabular import MAX_ROW_CELLS, TableError, read_table
from app.extensions import db
from app.models import ClassGroup, User

PEAK_BOUND = 40 * 1024 * 1024  # generous: the hostile file took +630 MB before the fix


def _rewrite(data: bytes, member: str, change) -> bytes:
    """Rewrite one part of an XLSX (zip) file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)
            target.writestr(info, content)
    return out.getvalue()


def _claim_whole_grid(xml: bytes) -> bytes:
    xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
    # One empty cell in the far corner, as a stray format leaves it: openpyxl pads every row in
    # between to the declared 16,384 columns.
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"/></row></sheetData>')


def hostile_xlsx(rows) -> bytes:
    """A normal small workbook whose sheet claims the whole Excel grid as its dimension."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = _rewrite(buffer.getvalue(), "xl/worksheets/sheet1.xml", _claim_whole_grid)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'<dimension ref="A1:XFD1048576"/>' in archive.read("xl/worksheets/sheet1.xml")
    assert len(data) < 8 * 1024
    return data


def _peak(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


ROSTER = [["用户名", "姓名", "学号", "班级"], ["h001", "周五", "2026101", None], ["h002", "吴六", "2026102", None]]


def test_a_roster_claiming_the_whole_grid_reads_its_real_rows_with_modest_memory():
    table, peak = _peak(lambda: read_table("roster.xlsx", hostile_xlsx(ROSTER)))
    assert table.header == ["用户名", "姓名", "学号", "班级"]
    assert [row for _, row in table.rows] == [["h001", "周五", "2026101"], ["h002", "吴六", "2026102"]]
    assert all(len(row) <= 60 for _, row in table.rows)
    assert peak < PEAK_BOUND, peak


def test_the_hostile_roster_imports_through_the_class_page(app, client, auth, users):
    auth.login("teacher")
    response = client.post("/instructor/classes", data={"name": "物流9班", "description": ""})
    class_id = int(response.headers["Location"].rsplit("/", 1)[1])
    data = hostile_xlsx(ROSTER)
    response, peak = _peak(lambda: client.post(f"/instructor/classes/{class_id}",
                                               data={"file": (io.BytesIO(data), "roster.xlsx")},
                                               content_type="multipart/form-data"))
    assert "新建账号 2 个" in response.get_data(as_text=True)
    assert peak < PEAK_BOUND, peak
    with app.app_context():
        group = db.session.get(ClassGroup, class_id)
        assert sorted(m.user.username for m in group.memberships) == ["h001", "h002"]
        assert db.session.scalar(db.select(User).filter_by(username="h002")).full_name == "吴六"


def test_a_case_table_upload_claiming_the_whole_grid_is_read_from_its_cells():
    variant = get_case("abc-classification").textbook()
    step = variant.step("scorecard")
    answer = solution(variant)["scorecard"]
    rows = [["id"] + step.column_ids] + [[row] + [answer[row][key] for key in step.column_ids] for row in step.row_ids]
    (mapping, errors), peak = _peak(lambda: parse_table_upload("a.xlsx", hostile_xlsx(rows), list(step.columns),
                                                              step.row_ids))
    assert errors == [] and {row: {k: float(v) for k, v in cells.items()} for row, cells in mapping.items()} == answer
    assert peak < PEAK_BOUND, peak


def test_a_row_of_too_many_real_cells_is_refused_before_openpyxl_builds_it():
    empty_cells = b"<c/>" * (MAX_ROW_CELLS + 1)
    data = _rewrite(hostile_xlsx(ROSTER), "xl/worksheets/sheet1.xml",
                    lambda xml: xml.replace(b"</row>", empty_cells + b"</row>", 1))
    try:
        read_table("roster.xlsx", data)
    except TableError as exc:
        assert "单元格太多" in str(exc)
    else:
        raise AssertionError("a row of too many cells was read")
    variant = get_case("abc-classification").textbook()
    step = variant.step("scorecard")
    mapping, errors = parse_table_upload("a.xlsx", data, list(step.columns), step.row_ids)
    assert mapping == {} and any("单元格太多" in e for e in errors)


def test_a_workbook_of_millions_of_tiny_elements_is_refused_with_modest_memory():
    # Shared strings or styles of this shape would be read whole by openpyxl; any XML part counts.
    many = b"<x/>" * 1_200_000  # 5 MB of elements, a few KB zipped
    data = _rewrite(hostile_xlsx(ROSTER), "docProps/app.xml",
                    lambda xml: xml.replace(b"</Properties>", many + b"</Properties>"))
    assert len(data) < 200 * 1024

    def read():
        try:
            read_table("roster.xlsx", data)
        except TableError as exc:
            return str(exc)
        return None

    message, peak = _peak(read)
    assert message is not None and "内容过多" in message
    assert peak < PEAK_BOUND, peak
