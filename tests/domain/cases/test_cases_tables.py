"""Table uploads (CSV in UTF-8, UTF-8 with BOM, GBK; XLSX) and dataset / template downloads."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.cases import (
    dataset_to_csv,
    dataset_to_xlsx,
    get_case,
    grade,
    parse_table_upload,
    solution,
    table_template_csv,
    table_template_xlsx,
)
from app.domain.cases.tables import MAX_UPLOAD_BYTES

VARIANT = get_case("abc-classification").textbook()
CARD = VARIANT.step("scorecard")
COLUMNS = list(CARD.columns)
ROWS = CARD.row_ids


def card_rows(header=("id", "count", "customer_share", "amount_share", "avg_count", "avg_interval"), drop=None,
              extra=None):
    answer = solution(VARIANT)["scorecard"]
    rows = [list(header)]
    for cls in ROWS:
        if cls != drop:
            rows.append([cls, *(answer[cls][key] for key in ("count", "customer_share", "amount_share", "avg_count",
                                                                "avg_interval"))])
    if extra:
        rows.append(extra)
    return rows


def as_csv(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("card.csv", as_csv(card_rows(), "utf-8")),
        ("card.csv", as_csv(card_rows(), "utf-8-sig")),
        ("评分卡.csv", as_csv(card_rows(("编号", "客户数", "客户数占比(%)", "交易额占比(%)", "平均年交易次数", "平均交易间隔(天)")), "gbk")),
        ("card.xlsx", as_xlsx(card_rows())),
    ],
)
def test_round_trip_uploads_grade_full_marks(filename, data):
    mapping, errors = parse_table_upload(filename, data, COLUMNS, ROWS)
    assert errors == []
    assert set(mapping) == set(ROWS)
    answers = dict(solution(VARIANT), scorecard=mapping)
    result = grade(VARIANT, answers)
    assert result.score == result.max_score


def test_semicolon_csv_and_plain_column_keys():
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(card_rows())
    mapping, errors = parse_table_upload("card.csv", buffer.getvalue().encode(), ["count", "customer_share", "amount_share"], ROWS)
    assert errors == [] and mapping["A"]["count"] == str(solution(VARIANT)["scorecard"]["A"]["count"])


def test_missing_column():
    rows = [row[:3] for row in card_rows()]
    mapping, errors = parse_table_upload("card.csv", as_csv(rows), COLUMNS, ROWS)
    assert mapping == {} and "缺少列" in errors[0] and "交易额占比（%）" in errors[0]


def test_misspelt_column_is_reported_with_the_expected_header():
    rows = card_rows(("id", "count", "customer_share", "amount_shar"))
    _, errors = parse_table_upload("card.csv", as_csv(rows), COLUMNS, ROWS)
    assert "amount_shar" in errors[0] and "交易额占比（%）" in errors[0]


def test_unknown_id():
    mapping, errors = parse_table_upload("card.csv", as_csv(card_rows(extra=["D", 1, 1, 1])), COLUMNS, ROWS)
    assert set(mapping) == set(ROWS)
    assert any("未知的编号「D」" in e for e in errors)


def test_missing_row():
    mapping, errors = parse_table_upload("card.xlsx", as_xlsx(card_rows(drop="B")), COLUMNS, ROWS)
    assert "B" not in mapping
    assert any("缺少以下编号的行" in e and "B" in e for e in errors)


def test_duplicate_row():
    rows = card_rows()
    rows.append(rows[1])
    _, errors = parse_table_upload("card.csv", as_csv(rows), COLUMNS, ROWS)
    assert any("重复" in e for e in errors)


def test_corrupt_and_refused_files():
    assert "损坏" in parse_table_upload("card.xlsx", b"PK\x03\x04 not really a zip", COLUMNS, ROWS)[1][0]
    assert "损坏" in parse_table_upload("card.xlsx", b"hello", COLUMNS, ROWS)[1][0]
    good = as_xlsx(card_rows())
    assert parse_table_upload("card.xlsx", good[: len(good) // 2], COLUMNS, ROWS)[1]
    assert "太大" in parse_table_upload("card.csv", b"a" * (MAX_UPLOAD_BYTES + 1), COLUMNS, ROWS)[1][0]
    assert ".xls" in parse_table_upload("card.xls", b"\xd0\xcf\x11\xe0", COLUMNS, ROWS)[1][0]
    assert "只支持" in parse_table_upload("card.pdf", b"%PDF", COLUMNS, ROWS)[1][0]
    assert "空" in parse_table_upload("card.csv", b"", COLUMNS, ROWS)[1][0]
    assert parse_table_upload("card.csv", b"\xff\xfe\x00\x00garbage\x00", COLUMNS, ROWS)[1]


def test_classification_upload_from_template():
    step = VARIANT.step("classification")
    template = table_template_csv(step).decode("utf-8-sig")
    reader = list(csv.reader(io.StringIO(template)))
    assert reader[0] == ["编号", "名称", "类别"]
    labels = solution(VARIANT)["classification"]
    for row in reader[1:]:
        row[2] = labels[row[0]]
    mapping, errors = parse_table_upload("c.csv", as_csv(reader, "gb18030"), step.columns, step.row_ids)
    assert errors == []
    result = grade(VARIANT, {"classification": mapping})
    assert result.steps[0].score == result.steps[0].max


def test_xlsx_template_lists_every_row():
    step = VARIANT.step("classification")
    sheet = load_workbook(io.BytesIO(table_template_xlsx(step)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("编号", "名称", "类别")
    assert [r[0] for r in rows[1:]] == step.row_ids


def test_dataset_downloads():
    data = dataset_to_csv(VARIANT)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == {k: str(v) for k, v in VARIANT.dataset[0].items()}
    workbook = load_workbook(io.BytesIO(dataset_to_xlsx(VARIANT)), read_only=True)
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert sheet_rows[0] == tuple(VARIANT.dataset[0])
    assert sheet_rows[1] == tuple(VARIANT.dataset[0].values())
    assert len(sheet_rows) == len(VARIANT.dataset) + 1
    no_data = get_case("customer-value").textbook()
    assert dataset_to_csv(no_data) == b"" and dataset_to_xlsx(no_data) == b""
