"""Table uploads (CSV or XLSX) for table steps, and dataset / template downloads.

Uploads are read into the answers shape ``{row id: {column key: value}}``. Every problem
comes back as a Chinese message; nothing raises for a bad file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from ..tabular import TableError, safe_row, xlsx_rows
from .grading import norm_key
from .model import Step, Variant

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 60
ID_HEADERS = {"ID", "编号", "客户编号", "行编号", "客户ID", "代码", "客户代码"}
MAX_LISTED = 10

Column = str | tuple[str, str]


def parse_table_upload(
    filename: str,
    data: bytes,
    expected_columns: Sequence[Column],
    row_ids: Sequence[str],
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Read an uploaded CSV or XLSX table.

    The first row holds the column names: an id column (``id`` or ``编号``) and every
    expected column (its key or its Chinese label); other columns are ignored. Returns
    ``(mapping, errors)``: the rows read, keyed by canonical row id, and the problems found
    (unreadable file, missing columns, unknown, repeated or missing rows). When the file
    cannot be read at all the mapping is empty.
    """
    if not isinstance(data, (bytes, bytearray)):
        return {}, ["上传内容无效。"]
    if len(data) == 0:
        return {}, ["上传的文件是空的。"]
    if len(data) > MAX_UPLOAD_BYTES:
        return {}, [f"文件太大（超过 {MAX_UPLOAD_BYTES // 1024} KB），请只上传答案表。"]
    name = (filename or "").strip().lower()
    if name.endswith(".xls"):
        return {}, ["不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再上传。"]
    if name.endswith((".xlsx", ".xlsm")) or bytes(data[:4]) == b"PK\x03\x04":
        rows, error = _read_xlsx(bytes(data))
    elif name.endswith((".csv", ".txt")) or not name:
        rows, error = _read_csv(bytes(data))
    else:
        return {}, ["只支持 .csv 和 .xlsx 文件。"]
    if error is not None:
        return {}, [error]
    return _rows_to_mapping(rows, expected_columns, row_ids)


def _read_csv(data: bytes) -> tuple[list[list[Any]], str | None]:
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        return [], "无法读取 CSV 文件：请保存为 UTF-8 或 GBK 编码的 CSV。"
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "，"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        rows = [row for _, row in zip(range(MAX_ROWS + 2), csv.reader(io.StringIO(text), delimiter=delimiter))]
    except csv.Error:
        return [], "无法读取 CSV 文件：格式有误。"
    return rows, None


def _read_xlsx(data: bytes) -> tuple[list[list[Any]], str | None]:
    corrupt = "无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式。"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return [], "Excel 文件解压后太大，请只上传答案表。"
    except (zipfile.BadZipFile, OSError, ValueError):
        return [], corrupt
    try:
        rows = xlsx_rows(data, MAX_ROWS + 2, MAX_COLUMNS)
    except TableError as exc:
        return [], str(exc)
    except Exception:  # noqa: BLE001 - any failure inside a corrupt workbook means "unreadable"
        return [], corrupt
    return rows, None


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _rows_to_mapping(
    rows: list[list[Any]], expected_columns: Sequence[Column], row_ids: Sequence[str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    rows = [row for row in rows if any(_cell_text(c) for c in row)]
    if not rows:
        return {}, ["表格中没有数据。"]
    if len(rows) > MAX_ROWS:
        return {}, [f"行数太多（超过 {MAX_ROWS} 行）。"]
    header = [norm_key(_cell_text(c)) for c in rows[0]]
    columns = [(c, c) if isinstance(c, str) else (c[0], c[1]) for c in expected_columns]
    id_index = next((i for i, h in enumerate(header) if h in ID_HEADERS), None)
    wanted = {norm_key(key): key for key, _ in columns} | {norm_key(label): key for key, label in columns}
    if id_index is None and header and header[0] not in wanted:
        id_index = 0
    errors: list[str] = []
    if id_index is None:
        errors.append("缺少编号列：第一行应有列名 id（或“编号”）。")
    positions: dict[str, int] = {}
    for i, h in enumerate(header):
        key = wanted.get(h)
        if key is not None and key not in positions and i != id_index:
            positions[key] = i
    missing_cols = [label for key, label in columns if key not in positions]
    if missing_cols:
        known = set(wanted) | ID_HEADERS
        unknown = [_cell_text(rows[0][i]) for i, h in enumerate(header) if h and h not in known and i != id_index]
        message = "缺少列：" + "、".join(missing_cols) + "。"
        if unknown:
            message += "无法识别的列：" + "、".join(unknown[:MAX_LISTED]) + "。"
        errors.append(message + "第一行应为列名：编号," + ",".join(label for _, label in columns) + "。")
    if errors:
        return {}, errors
    assert id_index is not None
    lookup = {norm_key(r): r for r in row_ids}
    mapping: dict[str, dict[str, Any]] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        raw_id = _cell_text(row[id_index]) if id_index < len(row) else ""
        if not raw_id:
            errors.append(f"第 {line_no} 行：缺少编号。")
            continue
        row_id = lookup.get(norm_key(raw_id))
        if row_id is None:
            errors.append(f"第 {line_no} 行：未知的编号「{raw_id[:20]}」。")
            continue
        if row_id in mapping:
            errors.append(f"第 {line_no} 行：编号 {row_id} 重复。")
            continue
        values: dict[str, Any] = {}
        for key, index in positions.items():
            cell = row[index] if index < len(row) else None
            values[key] = cell.strip() if isinstance(cell, str) else cell
        mapping[row_id] = values
    missing_rows = [r for r in row_ids if r not in mapping]
    if missing_rows:
        listed = "、".join(missing_rows[:MAX_LISTED]) + (f" 等 {len(missing_rows)} 行" if len(missing_rows) > MAX_LISTED else "")
        errors.append(f"缺少以下编号的行：{listed}。")
    return mapping, errors


def _dataset_rows(variant: Variant) -> tuple[list[str], list[list[Any]]]:
    dataset = variant.dataset or []
    header: list[str] = []
    for row in dataset:
        header.extend(k for k in row if k not in header)
    return header, [[row.get(k) for k in header] for row in dataset]


def _csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    writer.writerows(safe_row("" if v is None else v for v in row) for row in rows)
    # The BOM makes Excel open the file as UTF-8 instead of the local code page.
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_bytes(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dataset_to_csv(variant: Variant) -> bytes:
    """The variant's dataset as CSV (UTF-8 with BOM, for Excel); empty bytes when it has none."""
    if not variant.dataset:
        return b""
    return _csv_bytes(*_dataset_rows(variant))


def dataset_to_xlsx(variant: Variant) -> bytes:
    """The variant's dataset as an XLSX workbook; empty bytes when it has none."""
    if not variant.dataset:
        return b""
    return _xlsx_bytes(*_dataset_rows(variant), title="数据")


def _template(step: Step) -> tuple[list[str], list[list[Any]]]:
    with_names = any(label != row_id for row_id, label in step.rows)
    # Chinese headers: the upload reads 编号 and each column's label as well as the keys.
    header = ["编号"] + (["名称"] if with_names else []) + [label for _, label in step.columns]
    rows = [[row_id] + ([label] if with_names else []) + [None] * len(step.columns) for row_id, label in step.rows]
    return header, rows


def table_template_csv(step: Step) -> bytes:
    """An empty answer sheet for a table or classification step, as CSV (UTF-8 with BOM)."""
    return _csv_bytes(*_template(step))


def table_template_xlsx(step: Step) -> bytes:
    """An empty answer sheet for a table or classification step, as XLSX."""
    return _xlsx_bytes(*_template(step), title="答案")
