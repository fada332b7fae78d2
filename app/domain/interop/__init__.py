"""Question-bank interoperability: Moodle GIFT and XML, Aiken, Word papers and the Excel template.

Importers take the file's text (or bytes) and return an :class:`ImportResult` of bank question
dicts, each with its ``chapter``; exporters take the bank's chapters and return an
:class:`ExportResult` with the file text. Nothing here raises on bad input: problems come back
as located, Chinese messages (see docs/interop.md).
"""

from __future__ import annotations

from collections.abc import Callable

from .aiken import parse_aiken
from .gift import export_gift, parse_gift
from .moodle_xml import export_moodle_xml, parse_moodle_xml
from .results import ExportResult, ImportResult, Skip
from .word import parse_docx
from .xlsx import parse_xlsx, xlsx_template

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "gift": parse_gift,
    "moodle-xml": parse_moodle_xml,
    "docx": parse_docx,
    "xlsx": parse_xlsx,
    "aiken": parse_aiken,
}
EXPORTERS: dict[str, Callable[..., ExportResult]] = {
    "gift": export_gift,
    "moodle-xml": export_moodle_xml,
}
FORMATS = tuple(IMPORTERS)


def import_questions(data: str | bytes, fmt: str, *, default_chapter: str | None = None) -> ImportResult:
    """Import ``data`` in format ``fmt`` (``gift``, ``moodle-xml``, ``docx``, ``xlsx`` or ``aiken``)."""
    importer = IMPORTERS.get(fmt)
    if importer is None:
        return ImportResult(errors=[Skip("格式", f"不支持的格式 {fmt!r}，可选：{'、'.join(FORMATS)}")])
    return importer(data, default_chapter=default_chapter)


def export_questions(chapters_with_questions: object, fmt: str, *, course: str = "crm") -> ExportResult:
    """Export the bank in format ``fmt`` (``gift`` or ``moodle-xml``)."""
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        return ExportResult(errors=[Skip("格式", f"不支持的格式 {fmt!r}，可选：{'、'.join(EXPORTERS)}")])
    return exporter(chapters_with_questions, course=course)


__all__ = [
    "EXPORTERS", "FORMATS", "IMPORTERS", "ExportResult", "ImportResult", "Skip",
    "export_gift", "export_moodle_xml", "export_questions", "import_questions",
    "parse_aiken", "parse_docx", "parse_gift", "parse_moodle_xml", "parse_xlsx", "xlsx_template",
]
