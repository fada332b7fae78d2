"""Reading uploaded tables (CSV in UTF-8 or GBK/GB18030, XLSX) into rows of text.

Chinese Excel saves CSV in GBK (GB18030 is its superset); others write UTF-8 with or without a
byte-order mark. We try strict UTF-8 first, since GB18030 would also "decode" UTF-8 bytes into
nonsense.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from typing import Any

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 5000
#: Columns read from a spreadsheet row; a roster has four, the rest is ignored.
MAX_COLUMNS = 60


class TableError(ValueError):
    """The upload cannot be read as a table; the message says why, in Chinese."""


@dataclass(frozen=True)
class Table:
    """Header cells and data rows (each row with its 1-based line number in the file)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


# Spreadsheet apps run a cell that starts with one of these as a formula (CSV/formula injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: Any) -> Any:
    """A value as it may go into an exported CSV or XLSX cell without being run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    single quote, which spreadsheets show as text. Numbers stay numbers (``-1.5`` included), and
    so does text that is just a plain number such as ``"-3"``; anything else is left as it is.
    Every CSV and XLSX writer of the app passes headers and cells through here.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_row(values) -> list[Any]:
    """:func:`safe_cell` applied to every cell of a row."""
    return [safe_cell(v) for v in values]


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


#: XML elements an XLSX upload may hold in all (a 5,000-row roster has about 50,000).
MAX_XLSX_ELEMENTS = 1_000_000
#: Cells one worksheet row may hold, empty or not (Excel writes only cells that have something).
MAX_ROW_CELLS = 1024


class _TooLarge(Exception):
    pass


def _check_xlsx_parts(data: bytes) -> None:
    """Refuse a workbook whose XML holds too many elements, or a row too many cells.

    openpyxl builds each ``<row>`` as a tree and reads every shared string into a list before
    we can stop it, so a few MB of ``<c/>`` or ``<si/>`` elements would take gigabytes. A
    streaming expat pass over every XML part counts them in constant memory first.
    """
    from xml.parsers import expat

    total = 0
    row_cells = 0

    def start(name: str, _attrs) -> None:
        nonlocal total, row_cells
        total += 1
        local = name.rsplit(":", 1)[-1]
        if local == "row":
            row_cells = 0
        elif local == "c":
            row_cells += 1
            if row_cells > MAX_ROW_CELLS:
                raise _TooLarge(f"表格某一行的单元格太多（上限 {MAX_ROW_CELLS} 个）。")
        if total > MAX_XLSX_ELEMENTS:
            raise _TooLarge("XLSX 文件内容过多，请只保留需要导入的工作表和数据。")

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels")):
                continue
            parser = expat.ParserCreate()
            parser.StartElementHandler = start
            row_cells = 0
            with archive.open(info) as part:
                try:
                    parser.ParseFile(part)
                except _TooLarge as exc:
                    raise TableError(str(exc)) from None


def xlsx_rows(data: bytes, max_rows: int, max_cols: int) -> list[list[Any]]:
    """The first sheet's cell values, at most ``max_rows`` rows of ``max_cols`` columns.

    Read from the cells actually present: the sheet's declared ``<dimension>`` is ignored, since
    a 5 KB file may claim ``A1:XFD1048576`` and openpyxl would pad every row to 16,384 columns
    and add empty rows up to a million. Raises :class:`TableError` for a workbook with too many
    XML elements, and whatever expat or openpyxl raise on a corrupt file.
    """
    from openpyxl import load_workbook

    _check_xlsx_parts(data)
    with warnings.catch_warnings():
        # openpyxl warns about styles or extensions it ignores; they do not matter here.
        warnings.simplefilter("ignore")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            rows: list[list[Any]] = []
            for row in sheet.iter_rows(max_col=max_cols, values_only=True):
                if len(rows) >= max_rows:
                    break
                cells = list(row)
                while cells and cells[-1] is None:  # max_col pads every row; keep its real cells
                    cells.pop()
                rows.append(cells)
            return rows
        finally:
            workbook.close()


def _read_xlsx(data: bytes) -> list[list[str]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError("XLSX 文件已损坏或不是 Excel 文件。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # Refuse zip bombs: the unpacked size is bounded, not just the upload.
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED_BYTES:
                raise TableError("XLSX 文件解压后过大。")
        return [[_cell(v) for v in row] for row in xlsx_rows(data, MAX_ROWS + 10, MAX_COLUMNS)]
    except TableError:
        raise
    except Exception:  # openpyxl raises many types on corrupt files
        raise TableError("XLSX 文件已损坏或无法读取。") from None
