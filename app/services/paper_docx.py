"""Word files of a printed variant: the paper (试卷), its answer key (参考答案及评分标准) and its
answer sheet (答题卡), written with python-docx.

Every file names its variant (A卷 …) so a sheet can be typed in against the right key. Text is
set in 宋体 (headings 黑体) through the ``w:eastAsia`` font attribute, which Word reads for
Chinese characters (the plain font name only covers Latin text). Sections and their headings
come from :mod:`.paper_sections`, the one home of the online paper's headings.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask import current_app
from flask_babel import gettext as _

from ..domain.cases import solution
from ..domain.questions.numeric import format_number
from ..domain.questions.presented import option_letter
from .courseware import get_course
from .paper_exam import PrintedItem, PrintedPaper, sections

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
GRID_COLUMNS = 10  # question boxes per row on the answer sheet
LINE = "_" * 40

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)


def plain(text: str) -> str:
    """Markdown as plain text for print: emphasis marks, link targets and heading marks removed.

    Blanks (runs of underscores) are kept: they are where a fill-in answer goes.
    """
    text = _IMAGE.sub(r"\1", text or "")
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) if not m.group(2).startswith("_") else m.group(0), text)
    return _HEADING_MARK.sub("", text).strip()


def _points(value: float) -> str:
    return f"{value:g}"


# --- fonts and paragraphs --------------------------------------------------------------------

def set_fonts(run_or_style, east_asia: str = BODY_FONT, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East Asian font of a run or style (``w:rFonts/@w:eastAsia``)."""
    font = run_or_style.font
    font.name = latin
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)


def new_document() -> docx.Document:
    """An A4 document with 宋体 五号 as the body text."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(18)
    normal = document.styles["Normal"]
    set_fonts(normal)
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(2)
    return document


def para(document, text: str = "", *, bold: bool = False, size: float | None = None, heading_font: bool = False,
         center: bool = False, indent: float = 0, space_before: float = 0):
    """A paragraph of one run in the paper's fonts."""
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        paragraph.paragraph_format.left_indent = Mm(indent)
    if space_before:
        paragraph.paragraph_format.space_before = Pt(space_before)
    run = paragraph.add_run(text)
    set_fonts(run, HEADING_FONT if heading_font else BODY_FONT)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def _cell_text(cell, text: str, bold: bool = False, center: bool = True) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    set_fonts(run)
    run.bold = bold


# --- the parts every file shares -------------------------------------------------------------

def school_name() -> str:
    """The school printed at the top of papers (``SCHOOL_NAME``), or a line to write it on."""
    return (current_app.config.get("SCHOOL_NAME") or "").strip() or "________________" + _("学校")


def course_title(printed: PrintedPaper) -> str:
    """The exam's course by its title (客户关系管理), or its slug when the courseware lacks it."""
    course = get_course(printed.exam.course)
    return course.title if course is not None else printed.exam.course


def _header(document, printed: PrintedPaper, kind: str) -> None:
    exam = printed.exam
    para(document, school_name(), bold=True, size=15, heading_font=True, center=True)
    para(document, _("《%(course)s》课程考试", course=course_title(printed)), size=12, heading_font=True, center=True)
    para(document, f"{exam.title}（{printed.paper.label}）{kind}", bold=True, size=14, heading_font=True, center=True)


def _student_lines(document) -> None:
    para(document, _("班级：____________　　姓名：____________　　学号：____________"), center=True, space_before=4)


def _section_heading(document, found) -> None:
    para(document, f"{found.label}{found.summary}", bold=True, heading_font=True, size=11, space_before=8)


def _own_points(found, item: PrintedItem) -> str:
    """The item's points after its stem, where the section heading does not state them for each."""
    return "" if found.section.each is not None else _("（%(p)s 分）", p=_points(item.points))


# --- the paper ----------------------------------------------------------------------------------

def _question(document, found, item: PrintedItem) -> None:
    view = item.view
    if item.type == "case":
        _case(document, found, item)
        return
    stem = plain(str(view.get("stem", "")))
    tail = _own_points(found, item)
    if item.type == "true_false":
        tail += "（　　）"
    elif item.type in ("single", "multiple"):
        tail += "（　　）"
    para(document, f"{item.number}. {stem}{tail}", space_before=3)
    if item.type in ("single", "multiple"):
        for index, option in enumerate(view.get("options") or ()):
            para(document, f"{option_letter(index)}. {plain(str(option['text']))}", indent=7)
    elif item.type == "ordering":
        para(document, _("请按正确顺序写出下列各项的字母："), indent=7)
        for index, option in enumerate(view.get("options") or ()):
            para(document, f"{option_letter(index)}. {plain(str(option['text']))}", indent=7)
        para(document, _("答：") + "________________", indent=7)
    elif item.type == "matching":
        para(document, _("请为左边各项选出对应的右项，依次写出字母："), indent=7)
        for index, left in enumerate(view.get("left") or (), start=1):
            para(document, f"（{index}）{plain(str(left))}　　____", indent=7)
        for index, choice in enumerate(view.get("choices") or ()):
            para(document, f"{option_letter(index)}. {plain(str(choice))}", indent=14)
    elif item.type == "numeric":
        unit = str(view.get("unit") or "")
        for _line in range(3):
            para(document, "", indent=7)
        para(document, _("答：") + "________________" + (f" {unit}" if unit else ""), indent=7)
    elif item.type == "essay":
        for _line in range(6):
            para(document, LINE + "____", indent=7)


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(header):
        _cell_text(table.rows[0].cells[c], text, bold=True)
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row[:len(header)]):
            _cell_text(table.rows[r].cells[c], text)
    return table


_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_NUMBERED_ITEM = re.compile(r"^\s*\d+[.、．]\s*")


def markdown_blocks(document, text: str, indent: float = 7) -> None:
    """Markdown as paragraphs, list items and Word tables (a case text holds all three)."""
    lines = (text or "").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line.startswith("|"):
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                cells = [plain(c.strip()) for c in lines[index].strip().strip("|").split("|")]
                if not _TABLE_RULE.match(lines[index].strip().strip("|").strip()):
                    rows.append(cells)
                index += 1
            if rows:
                _table(document, rows[0], rows[1:])
            continue
        if line[:2] in ("- ", "* ", "+ "):
            para(document, "• " + plain(line[2:]), indent=indent + 4)
        elif line.startswith("#"):
            para(document, plain(line), bold=True, indent=indent)
        elif line:
            block = [line]
            while (index + 1 < len(lines) and lines[index + 1].strip()
                   and lines[index + 1].strip()[:1] not in "|-*+#" and not _NUMBERED_ITEM.match(lines[index + 1])):
                index += 1
                block.append(lines[index].strip())
            para(document, plain("".join(block)), indent=indent)
        index += 1


def _step_points(item: PrintedItem, step) -> str:
    """A case step's points, where the steps add up to the points the case carries in this exam."""
    total = sum(s.points for s in item.case.steps)
    return _("（%(p)s 分）", p=_points(step.points)) if abs(total - item.points) < 1e-9 else ""


def _case(document, found, item: PrintedItem) -> None:
    variant = item.case
    para(document, f"{item.number}. " + _("案例分析") + _own_points(found, item), space_before=3)
    if variant is None:
        para(document, _("（该案例已不存在，无法印制。）"), indent=7)
        return
    markdown_blocks(document, variant.text_md)
    if variant.dataset:
        columns = list(variant.dataset[0].keys())
        _table(document, [str(variant.column_label(key)) for key in columns],
               [[str(row.get(key, "")) for key in columns] for row in variant.dataset])
    data_ids = {str(row.get("id")) for row in variant.dataset or []}
    for index, step in enumerate(variant.steps, start=1):
        para(document, f"（{index}）{plain(step.prompt)}" + _step_points(item, step), indent=7, space_before=3)
        if step.rows:  # a table to fill in: one row per customer (or class), a column per answer
            header = [""] + ([label for _id, label in step.columns] or [_("答案")])
            _table(document, header, [[f"{rid} {label}" if rid in data_ids else label] + [""] * (len(header) - 1)
                                      for rid, label in step.rows])
            para(document, "")
        else:
            for _line in range(2):
                para(document, LINE, indent=7)


def paper_document(printed: PrintedPaper) -> docx.Document:
    """The question paper of one variant."""
    document = new_document()
    _header(document, printed, _("试卷"))
    exam = printed.exam
    minutes = _("考试时间：%(m)d 分钟", m=exam.time_limit_minutes) if exam.time_limit_minutes else _("考试时间：不限时")
    para(document, minutes + "　　" + _("满分：%(p)s 分", p=_points(printed.total)), center=True)
    _student_lines(document)
    para(document, _("注意：请把答案写在答题卡上，答题卡上须写明卷别（%(label)s）。", label=printed.paper.label),
         size=9, center=True)
    for found, items in sections(printed):
        _section_heading(document, found)
        for item in items:
            _question(document, found, item)
    return document


# --- the answer key -------------------------------------------------------------------------

def key_text(item: PrintedItem) -> str:
    """The key of one question as a teacher marks it: letters in the variant's order, √/×, forms, numbers."""
    letters = item.letters or {}
    answer = item.key.get("answer")
    if item.type == "single":
        return letters.get(str(answer), str(answer))
    if item.type == "multiple":
        return "".join(sorted(letters.get(str(a), str(a)) for a in answer or ()))
    if item.type == "ordering":
        return "".join(letters.get(str(a), str(a)) for a in answer or ())
    if item.type == "true_false":
        return "√" if answer else "×"
    if item.type == "matching":
        choices = [str(c) for c in item.view.get("choices") or ()]
        pairs = answer or {}
        return "　".join(f"（{n}）{option_letter(choices.index(pairs[left])) if pairs.get(left) in choices else '?'}"
                        for n, left in enumerate(item.view.get("left") or (), start=1))
    if item.type == "fill_blank":
        return "；".join(f"（{n}）{' / '.join(forms)}" for n, forms in enumerate(item.key.get("accepted") or (), start=1))
    if item.type == "numeric":
        unit = str(item.key.get("unit") or "")
        text = format_number(answer) + (f" {unit}" if unit else "")
        tolerance = float(item.key.get("tolerance") or 0)
        return text + (_("（允许误差 ±%(t)s）", t=format_number(tolerance)) if tolerance else "")
    if item.type == "essay":
        return _("评分要点：") + "；".join(str(point) for point in item.key.get("rubric") or ())
    return str(item.key.get("display") or "")


def _value_text(value, labels: dict | None = None) -> str:
    if isinstance(value, dict):
        return "，".join(f"{(labels or {}).get(k, k)} {_value_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(_value_text(v) for v in value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _case_key(document, item: PrintedItem) -> None:
    if item.case is None:
        return
    answers = solution(item.case)
    for index, step in enumerate(item.case.steps, start=1):
        value = answers.get(step.id)
        if isinstance(value, dict):
            text = "；".join(f"{k}：{_value_text(v, dict(step.columns))}" for k, v in value.items())
        else:
            text = _value_text(value)
        para(document, f"（{index}）{text}" + _step_points(item, step), indent=7)


def key_document(printed: PrintedPaper) -> docx.Document:
    """The answer key of one variant: per question the key in its letters, points and explanation."""
    document = new_document()
    para(document, _("参考答案及评分标准"), bold=True, size=15, heading_font=True, center=True)
    para(document, f"{printed.exam.title}（{printed.paper.label}）", size=12, heading_font=True, center=True)
    para(document, _("满分：%(p)s 分", p=_points(printed.total)), center=True)
    for found, items in sections(printed):
        _section_heading(document, found)
        for item in items:
            points = _("（%(p)s 分）", p=_points(item.points))
            if item.type == "case":
                para(document, f"{item.number}. " + _("答案：见各小题") + points, space_before=3)
                _case_key(document, item)
                continue
            para(document, f"{item.number}. " + _("答案：") + key_text(item) + points, space_before=3)
            if item.type in ("multiple", "ordering") and item.key.get("scoring") == "partial":
                para(document, _("评分：按答对的比例给分。"), indent=7, size=9)
            if item.type == "fill_blank":
                para(document, _("评分：每空分值相同，按答对的空数给分。"), indent=7, size=9)
            if item.type == "essay":
                para(document, _("评分：按评分要点酌情给分。"), indent=7, size=9)
            if item.explanation:
                para(document, _("解析：") + plain(item.explanation), indent=7)
    return document


# --- the answer sheet -------------------------------------------------------------------------

_GRID_TYPES = ("single", "multiple", "true_false")


def sheet_document(printed: PrintedPaper) -> docx.Document:
    """The answer sheet (答题卡) of one variant: a box per objective question, lines for the rest."""
    document = new_document()
    _header(document, printed, _("答题卡"))
    _student_lines(document)
    para(document, _("卷别：%(label)s　　（选择题填字母，判断题填 √ 或 ×，排序题与匹配题依次填字母）",
                     label=printed.paper.label), center=True, size=9)
    for found, items in sections(printed):
        _section_heading(document, found)
        if found.section.type in _GRID_TYPES:
            for start in range(0, len(items), GRID_COLUMNS):
                chunk = items[start:start + GRID_COLUMNS]
                table = document.add_table(rows=2, cols=len(chunk))
                table.style = "Table Grid"
                for c, item in enumerate(chunk):
                    _cell_text(table.rows[0].cells[c], str(item.number), bold=True)
                    _cell_text(table.rows[1].cells[c], "")
                table.rows[1].height = Mm(9)
                para(document, "")
            continue
        for item in items:
            if item.type in ("essay", "case"):
                para(document, f"{item.number}.", space_before=3)
                for _line in range(8 if item.type == "case" else 6):
                    para(document, LINE + "____", indent=5)
            elif item.type == "fill_blank":
                blanks = int(item.view.get("blanks") or 1)
                parts = "　".join(f"（{n}）__________" for n in range(1, blanks + 1))
                para(document, f"{item.number}. {parts}", space_before=3)
            else:
                para(document, f"{item.number}. ____________________", space_before=3)
    return document


# --- files --------------------------------------------------------------------------------------

def file_names(printed: PrintedPaper) -> tuple[str, str, str]:
    """The paper's, the key's and the sheet's file names: ``exam3-A卷-试卷.docx`` …"""
    stem = f"exam{printed.exam.id}-{printed.paper.label}"
    return f"{stem}-试卷.docx", f"{stem}-参考答案.docx", f"{stem}-答题卡.docx"


def documents(printed: PrintedPaper):
    """(file name, document) of the paper, the key and the sheet."""
    names = file_names(printed)
    return zip(names, (paper_document(printed), key_document(printed), sheet_document(printed)), strict=True)


def write_files(papers: Iterable[PrintedPaper], out_dir: Path) -> list[Path]:
    """Write every variant's three files into ``out_dir`` (created if missing); returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for printed in papers:
        for name, document in documents(printed):
            path = out_dir / name
            document.save(str(path))
            written.append(path)
    return written


def zip_bytes(papers: Iterable[PrintedPaper]) -> bytes:
    """Every variant's three files in one zip archive (UTF-8 file names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for printed in papers:
            for name, document in documents(printed):
                data = io.BytesIO()
                document.save(data)
                archive.writestr(name, data.getvalue())
    return buffer.getvalue()
