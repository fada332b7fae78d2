"""Roster parsing: headers in Chinese or English with their variants, 学号 as username, initial passwords."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.domain.roster import (MISSING_BOTH, MISSING_LOGIN, MISSING_NAME, parse_roster, read_roster, template_csv,
                               template_xlsx, TEMPLATE_HEADERS)
from app.domain.tabular import Table, TableError

MIN = 8


def _parse(header, *rows):
    return parse_roster(Table(header=list(header), rows=[(i + 2, list(r)) for i, r in enumerate(rows)]), MIN)


@pytest.mark.parametrize("header", [
    ("学号", "姓名", "班级", "初始密码"),
    ("学生学号", "学生姓名", "所在班级", "密码"),
    ("student number", "full name", "class", "password"),
    ("Student_ID", "Name", "Class Name", "Initial Password"),
    ("学号（必填）", "姓名*", "班级（选填）", "初始密码（可空）"),
    ("学号/用户名", "真实姓名", "行政班", "登录密码"),
])
def test_header_variants_in_both_languages(header):
    good, errors = _parse(("序号",) + header + ("手机号",), ("1", "2024010203", "张三", "物流2班", "Crm-pass-1", "13800000000"))
    assert errors == []
    [row] = good
    assert (row.username, row.full_name, row.student_number, row.class_name, row.password) == \
        ("2024010203", "张三", "2024010203", "物流2班", "Crm-pass-1")


@pytest.mark.parametrize("header", [("用户名", "姓名", "学号"), ("账号", "学生姓名", "学号"),
                                    ("username", "full name", "student number"), ("登录名", "名字", "学籍号")])
def test_a_username_column_wins_over_the_student_number(header):
    [row], errors = _parse(header, ("zhang3", "张三", "2024010203"))
    assert errors == [] and (row.username, row.student_number) == ("zhang3", "2024010203")


def test_without_a_username_the_student_number_is_the_username():
    good, errors = _parse(("学号", "姓名"), ("2024010203", "张三"), ("2024010204", "李四"))
    assert errors == []
    assert [(r.username, r.student_number, r.full_name) for r in good] == \
        [("2024010203", "2024010203", "张三"), ("2024010204", "2024010204", "李四")]


def test_an_empty_username_cell_falls_back_to_the_student_number():
    [row], errors = _parse(("用户名", "学号", "姓名"), ("", "2024010203", "张三"))
    assert errors == [] and row.username == "2024010203"


def test_bad_rows_are_reported_with_reasons():
    good, errors = _parse(("学号", "姓名", "初始密码"),
                          ("2024010203", "张三", ""),          # good, generated password
                          ("", "无学号", ""),                   # 3: nothing to log in with
                          ("2024 0102", "空格", ""),            # 4: not a valid username
                          ("2.02401E+09", "科学计数", ""),      # 5: mangled by Excel
                          ("2024010205", "", ""),               # 6: no name
                          ("2024010206", "短密码", "abc123"),   # 7: too weak
                          ("2024010203", "重复", ""))           # 8: repeats row 2
    assert [r.username for r in good] == ["2024010203"]
    assert [(e.row, e.message) for e in errors] == [
        (3, "学号和用户名都为空"),
        (4, "学号“%(u)s”不能作为用户名：只能包含字母、数字、下划线、点和连字符，2–64 个字符"),
        (5, "学号“%(u)s”被 Excel 改成了科学计数法：请把学号列设为文本格式后重新保存"),
        (6, "姓名为空"),
        (7, "初始密码太短：至少 %(n)d 个字符"),
        (8, "用户名“%(u)s”与第 %(row)d 行重复"),
    ]
    assert errors[-1].reason == "用户名“2024010203”与第 2 行重复"
    assert errors[4].reason == "初始密码太短：至少 8 个字符"


@pytest.mark.parametrize("header,message", [
    (("姓名", "班级"), MISSING_LOGIN),
    (("学号", "班级"), MISSING_NAME),
    (("手机号", "性别"), MISSING_BOTH),
])
def test_missing_columns_are_named(header, message):
    with pytest.raises(TableError) as caught:
        _parse(header, ("1", "2"))
    assert str(caught.value) == message


def test_a_gbk_csv_with_student_number_and_name_reads():
    data = "学号,姓名,手机号\r\n2024010203,张三,13800000000\r\n2024010204,欧阳娜娜,\r\n".encode("gbk")
    good, errors = read_roster("名单.csv", data, MIN)
    assert errors == [] and [(r.username, r.full_name) for r in good] == [("2024010203", "张三"),
                                                                          ("2024010204", "欧阳娜娜")]


def test_the_xlsx_template_has_the_chinese_headers_a_help_sheet_and_parses_back():
    data = template_xlsx(MIN)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["名单", "说明"]
    sheet = workbook["名单"]
    assert [c.value for c in sheet[1]] == list(TEMPLATE_HEADERS) == ["学号", "姓名", "班级", "初始密码"]
    assert sheet["A2"].number_format == "@"  # 学号 typed as text: Excel keeps long numbers
    notes = "\n".join(str(row[0].value) for row in workbook["说明"].iter_rows() if row[0].value)
    assert "至少 8 个字符" in notes and "学号" in notes
    assert read_roster("模板.xlsx", data, MIN) == ([], [])
    sheet.append(["2024010203", "张三", None, None])
    sheet.append(["2024010204", "李四", "物流2班", "Crm-2026-pass"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    good, errors = read_roster("模板.xlsx", buffer.getvalue(), MIN)
    assert errors == []
    assert [(r.username, r.full_name, r.class_name, r.password) for r in good] == [
        ("2024010203", "张三", "", ""), ("2024010204", "李四", "物流2班", "Crm-2026-pass")]


def test_the_csv_template_parses_back():
    data = template_csv()
    assert data.startswith("\ufeff".encode()) and data.decode("utf-8-sig").strip() == "学号,姓名,班级,初始密码"
    good, errors = read_roster("模板.csv", data + "2024010203,张三,,\r\n".encode(), MIN)
    assert errors == [] and good[0].username == "2024010203"
