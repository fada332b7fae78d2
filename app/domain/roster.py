"""Class roster parsing: columns username, full name, student number, class.

Header names are accepted in English or Chinese (用户名, 姓名, 学号, 班级). Every bad row is
reported with its row number and reason; good rows are returned for import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tabular import Table, TableError, read_table

COLUMN_ALIASES = {
    "username": {"username", "user", "login", "用户名", "账号", "帐号", "登录名"},
    "full_name": {"fullname", "name", "姓名", "全名"},
    "student_number": {"studentnumber", "studentno", "studentid", "number", "学号"},
    "class": {"class", "classname", "班级"},
}
REQUIRED = ("username", "full_name")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")


@dataclass(frozen=True)
class RosterRow:
    """One student from the roster file."""

    row: int
    username: str
    full_name: str
    student_number: str
    class_name: str


@dataclass(frozen=True)
class RowError:
    """A row that was not imported, with the reason."""

    row: int
    reason: str


def _normalise_header(cell: str) -> str:
    return re.sub(r"[\s_\-]+", "", cell.strip().lower())


def map_columns(header: list[str]) -> dict[str, int]:
    """Column name → index; raises TableError naming missing columns."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = _normalise_header(cell)
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        names = {"username": "username(用户名)", "full_name": "full name(姓名)"}
        raise TableError("缺少必需的列:" + "、".join(names[m] for m in missing)
                         + "。第一行应为表头:username, full name, student number, class")
    return found


def parse_roster(table: Table) -> tuple[list[RosterRow], list[RowError]]:
    """Validate each row; duplicates within the file are errors on the later row."""
    columns = map_columns(table.header)
    good: list[RosterRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in table.rows:
        username = cell(row, "username")
        full_name = cell(row, "full_name")
        if not username:
            errors.append(RowError(number, "用户名为空"))
        elif not USERNAME_RE.match(username):
            errors.append(RowError(number, f"用户名“{username}”无效:只能包含字母、数字、下划线、点和连字符,2–64 个字符"))
        elif not full_name:
            errors.append(RowError(number, "姓名为空"))
        elif len(full_name) > 100:
            errors.append(RowError(number, "姓名过长(最多 100 个字符)"))
        elif username.lower() in seen:
            errors.append(RowError(number, f"用户名“{username}”与第 {seen[username.lower()]} 行重复"))
        else:
            seen[username.lower()] = number
            good.append(RosterRow(number, username, full_name, cell(row, "student_number")[:40],
                                  cell(row, "class")[:100]))
    return good, errors


def read_roster(filename: str, data: bytes) -> tuple[list[RosterRow], list[RowError]]:
    """Read and validate a roster upload (raises TableError for an unreadable file)."""
    return parse_roster(read_table(filename, data))
