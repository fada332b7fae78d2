"""Reading uploaded tables (CSV in UTF-8 or GBK/GB18030, XLSX) into rows of text.

Chinese Excel saves CSV in GBK (GB18030 is its superset); others write UTF-8 with or without a
byte-order mark. We try strict UTF-8 first, since GB18030 would also "decode" UTF-8 bytes into
nonsense.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class TableError(ValueError):
    """The upload cannot be read as a table; the message says why, in Chinese."""


@dataclass(frozen=True)
class Table:
    """Header cells and data rows (each row with its 1-based line number in the file)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def decode_csv_bytes(data: bytes) -> str:
    """Decode CSV bytes written by Excel (UTF-8 with/without BOM) or Chinese Excel (GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别文件编码:请保存为 UTF-8 或 GBK 编码的 CSV。")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(filename: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Table:
    """Read a CSV or XLSX upload; raise :class:`TableError` with a clear message."""
    name = (filename or "").lower()
    if not data:
        raise TableError("文件是空的。")
    if len(data) > max_bytes:
        raise TableError(f"文件太大(上限 {max_bytes // 1024} KB)。")
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        text = decode_csv_bytes(data)
        if "\x00" in text:
            raise TableError("文件内容不是文本表格。")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
        except csv.Error as exc:
            raise TableError(f"CSV 格式错误:{exc}") from None
    else:
        raise TableError("只支持 .csv 或 .xlsx 文件。")
    numbered = [(i + 1, row) for i, row in enumerate(rows) if any(c for c in row)]
    if not numbered:
        raise TableError("文件中没有数据。")
    if len(numbered) > MAX_ROWS + 1:
        raise TableError(f"行数太多(上限 {MAX_ROWS} 行)。")
    (_, header), body = numbered[0], numbered[1:]
    return Table(header=header, rows=body)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError("XLSX 文件已损坏或不是 Excel 文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # Refuse zip bombs: the unpacked size is bounded, not just the upload.
            if sum(i.file_size for i in zf.infolist()) > 50 * 1024 * 1024:
                raise TableError("XLSX 文件解压后过大。")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append([_cell(v) for v in row])
            if len(rows) > MAX_ROWS + 10:
                break
        wb.close()
        return rows
    except TableError:
        raise
    except Exception:  # openpyxl raises many types on corrupt files
        raise TableError("XLSX 文件已损坏或无法读取。") from None
