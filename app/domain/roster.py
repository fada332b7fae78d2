"""Class roster parsing: 学号, 姓名, 班级, 初始密码 (or username, full name, …) by header.

A school's list usually has 学号 and 姓名 and no username: then the 学号 is the username. Header
names are recognised in Chinese or English, with common variants (学生学号, 学生姓名, 账号,
密码 …); other columns (手机号, 性别, 序号 …) are ignored. Every bad row is reported with its row
number and reason; good rows are returned for import.

Messages are Chinese message ids marked with ``N_`` and filled with ``%``-style parameters, so the
web layer can show them in the interface language (:attr:`RowError.message`, :attr:`RowError.params`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from .marks import N_
from .tabular import Table, TableError, read_table

COLUMN_ALIASES = {
    "username": {"username", "user", "login", "loginname", "account", "用户名", "账号", "帐号", "登录名",
                 "登录账号", "登录帐号", "学生账号", "学生帐号"},
    "full_name": {"fullname", "name", "studentname", "realname", "姓名", "全名", "学生姓名", "真实姓名", "名字"},
    "student_number": {"studentnumber", "studentno", "studentid", "number", "学号", "学生学号", "学号/用户名",
                       "学号/账号", "学籍号"},
    "class": {"class", "classname", "班级", "班级名称", "所在班级", "行政班", "行政班级"},
    "password": {"password", "initialpassword", "初始密码", "密码", "初始口令", "登录密码"},
}
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
#: A password given in the file is refused when longer than this (the login form's limit).
MAX_PASSWORD_LENGTH = 256
# Excel shows a long number typed into a general cell as 2.02401E+09, and a CSV keeps that text.
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+\d+$")
# "学号（必填）", "姓名*", "Name (required)": the remark is not part of the column's name.
_REMARK = re.compile(r"[（(][^）)]*[）)]|[*＊:：]")

#: The template's headers, in this order.
TEMPLATE_HEADERS = ("学号", "姓名", "班级", "初始密码")
#: The template's explanation (its 说明 sheet), one line per row.
TEMPLATE_NOTES = (
    "名单模板说明",
    "1. 第一行是表头，请勿修改；从第二行起每行一名学生。其他列（如 手机号、性别）会被忽略。",
    "2. 学号：必填，同时作为登录用户名；只能包含字母、数字、下划线、点和连字符，2–64 个字符。",
    "3. 姓名：必填，最多 100 个字符。",
    "4. 班级：可空；为空时加入导入时所在的班级，填写时加入该班级（不存在则新建）。",
    "5. 初始密码：可空；为空时由系统生成，导入后只显示一次，请立即下载保存。填写时至少 %(n)d 个字符。",
    "6. 已有账号的学生只会加入班级，姓名和密码不会被修改。",
    "7. 可保存为 .xlsx，或 UTF-8 / GBK 编码的 .csv。学号列请设为文本格式，以免 Excel 改成科学计数法。",
    "示例：",
)
TEMPLATE_EXAMPLE = (("2024010203", "张三", "", ""), ("2024010204", "李四", "物流2班", "Crm-2026-pass"))

MISSING_NAME = N_("缺少必需的列：姓名。第一行应为表头，例如：学号、姓名、班级、初始密码。")
MISSING_LOGIN = N_("缺少必需的列：学号或用户名。第一行应为表头，例如：学号、姓名、班级、初始密码。")
MISSING_BOTH = N_("缺少必需的列：学号（或用户名）和姓名。第一行应为表头，例如：学号、姓名、班级、初始密码。")
EMPTY_LOGIN = N_("学号和用户名都为空")
BAD_USERNAME = N_("用户名“%(u)s”无效：只能包含字母、数字、下划线、点和连字符，2–64 个字符")
BAD_NUMBER = N_("学号“%(u)s”不能作为用户名：只能包含字母、数字、下划线、点和连字符，2–64 个字符")
SCIENTIFIC_NUMBER = N_("学号“%(u)s”被 Excel 改成了科学计数法：请把学号列设为文本格式后重新保存")
EMPTY_NAME = N_("姓名为空")
LONG_NAME = N_("姓名过长（最多 100 个字符）")
LONG_NUMBER = N_("学号过长（最多 40 个字符）")
DUPLICATE = N_("用户名“%(u)s”与第 %(row)d 行重复")
SHORT_PASSWORD = N_("初始密码太短：至少 %(n)d 个字符")
LONG_PASSWORD = N_("初始密码过长（最多 %(n)d 个字符）")


@dataclass(frozen=True)
class RosterRow:
    """One student from the roster file; ``password`` is the file's initial password or empty."""

    row: int
    username: str
    full_name: str
    student_number: str
    class_name: str
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class RowError:
    """A row that was not imported: a message id and its parameters (``reason`` is the Chinese text)."""

    row: int
    message: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def reason(self) -> str:
        """The reason in Chinese, filled in."""
        return self.message % self.params if self.params else self.message


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s_\-]+", "", _REMARK.sub("", cell.strip().lower()))


def map_columns(header: list[str]) -> dict[str, int]:
    """Column name → index; raises TableError naming missing columns.

    Needed: 姓名, and 学号 or a username column (the 学号 is the username when there is none).
    """
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _normalise_header(cell)
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases and column not in found:
                found[column] = index
    has_login = "username" in found or "student_number" in found
    if not has_login and "full_name" not in found:
        raise TableError(MISSING_BOTH)
    if not has_login:
        raise TableError(MISSING_LOGIN)
    if "full_name" not in found:
        raise TableError(MISSING_NAME)
    return found


def parse_roster(table: Table, min_password_length: int) -> tuple[list[RosterRow], list[RowError]]:
    """Validate each row; duplicates within the file are errors on the later row.

    ``min_password_length`` is the password policy's minimum (``app.services.passwords``), applied
    to an initial password given in the file.
    """
    columns = map_columns(table.header)
    good: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in table.rows:
        given_username = cell(row, "username")
        student_number = cell(row, "student_number")
        username = given_username or student_number
        full_name = cell(row, "full_name")
        password = cell(row, "password")
        error: tuple[str, dict] | None = None
        if not username:
            error = (EMPTY_LOGIN, {})
        elif _SCIENTIFIC.match(student_number):
            error = (SCIENTIFIC_NUMBER, {"u": student_number})
        elif not USERNAME_RE.match(username):
            error = (BAD_USERNAME if given_username else BAD_NUMBER, {"u": username})
        elif not full_name:
            error = (EMPTY_NAME, {})
        elif len(full_name) > 100:
            error = (LONG_NAME, {})
        elif len(student_number) > 40:
            error = (LONG_NUMBER, {})
        elif password and len(password) < min_password_length:
            error = (SHORT_PASSWORD, {"n": min_password_length})
        elif len(password) > MAX_PASSWORD_LENGTH:
            error = (LONG_PASSWORD, {"n": MAX_PASSWORD_LENGTH})
        elif username.lower() in seen:
            error = (DUPLICATE, {"u": username, "row": seen[username.lower()]})
        if error is not None:
            errors.append(RowError(number, *error))
            continue
        seen[username.lower()] = number
        good.append(RosterRow(number, username, full_name, student_number, cell(row, "class")[:100], password))
    return good, errors


def read_roster(filename: str, data: bytes, min_password_length: int) -> tuple[list[RosterRow], list[RowError]]:
    """Read and validate a roster upload (raises TableError for an unreadable file)."""
    return parse_roster(read_table(filename, data), min_password_length)


def template_notes(min_password_length: int) -> list[str]:
    """The template's explanation lines, the password minimum filled in."""
    return [line % {"n": min_password_length} if "%(n)d" in line else line for line in TEMPLATE_NOTES]


def template_xlsx(min_password_length: int) -> bytes:
    """The roster template: sheet 名单 with the headers only (学号 as text), sheet 说明 with help and examples.

    The importer reads the first sheet, so the examples on 说明 are never imported by mistake.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(list(TEMPLATE_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    # Text format for 学号 and 初始密码, so that Excel keeps 2024010203 and 00123456 as typed.
    for letter in ("A", "D"):
        for row in range(2, 1002):
            sheet[f"{letter}{row}"].number_format = "@"
    for letter, width in zip("ABCD", (16, 12, 14, 16)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    for line in template_notes(min_password_length):
        notes.append([line])
    notes["A1"].font = Font(bold=True)
    notes.append(list(TEMPLATE_HEADERS))
    for example in TEMPLATE_EXAMPLE:
        notes.append(list(example))
    notes.column_dimensions["A"].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    """The roster template as CSV: the header line, UTF-8 with a BOM so that Excel reads the Chinese."""
    out = io.StringIO()
    csv.writer(out).writerow(TEMPLATE_HEADERS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
