"""The Excel (.xlsx) question template: reading it (``parse_xlsx``) and writing it (``xlsx_template``).

One question per row under a header row of 题型, 题干, 选项A … 选项F, 答案, 解析, 分值, 难度, 章节,
标签 (or type, stem, option A …, answer, explanation, points, difficulty, chapter, tags). The
answer-word rules are those of the Word papers (:mod:`.teacher`). Problems name the row:
``第 5 行`` in ``where`` and ``5`` in ``line``.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime

from .results import ImportResult, Skip
from .teacher import (
    Draft, Problem, assemble, difficulty, difficulty_warning, points, split_tags, type_from_name,
)

__all__ = ["parse_xlsx", "xlsx_template", "TEMPLATE_HEADERS"]

MAX_BYTES = 20_000_000
MAX_ROWS = 10_000
OPTION_LETTERS = "ABCDEF"
TEMPLATE_HEADERS = ("题型", "题干", *(f"选项{letter}" for letter in OPTION_LETTERS),
                    "答案", "解析", "分值", "难度", "章节", "标签")

# Header text (lower case, without spaces or a 必填/选填 note) → column name.
_HEADERS = {
    "题型": "type", "题目类型": "type", "试题类型": "type", "type": "type", "questiontype": "type",
    "题干": "stem", "题目": "stem", "题目内容": "stem", "试题内容": "stem", "stem": "stem", "question": "stem",
    "答案": "answer", "正确答案": "answer", "参考答案": "answer", "answer": "answer",
    "解析": "explanation", "答案解析": "explanation", "试题解析": "explanation", "explanation": "explanation",
    "分值": "points", "分数": "points", "points": "points", "score": "points",
    "难度": "difficulty", "难易程度": "difficulty", "难易度": "difficulty", "difficulty": "difficulty",
    "章节": "chapter", "chapter": "chapter", "category": "chapter",
    "标签": "tags", "知识点": "tags", "tags": "tags", "tag": "tags",
}
_OPTION_HEADER = re.compile(r"^(?:(?:选项|option)([a-h])|([a-h])(?:选项)?)$")


def parse_xlsx(data: bytes, *, default_chapter: str | None = None) -> ImportResult:
    """Read the Excel template (first sheet with a 题干 column) into bank question dicts. Never raises.

    Empty rows are skipped silently; a row that cannot become a question is a skip naming the row.
    ``章节`` is returned as typed in ``chapter`` (a slug or a chapter title: the import flow maps it);
    rows without it get ``default_chapter``.
    """
    sheet_rows, errors = _read_rows(data)
    if errors:
        return ImportResult(errors=errors)
    header_at, columns = _find_header(sheet_rows)
    if columns is None:
        return ImportResult(errors=[Skip("表头", "找不到表头：第一行应有“题干”列（可下载模板对照）")])
    result = ImportResult()
    defaults = 0
    for number, row in sheet_rows[header_at + 1:]:
        values = {name: _cell_text(row[index]) for index, name in columns.items() if index < len(row)}
        if not any(values.values()):
            continue
        where = f"第 {number} 行"
        try:
            draft = _draft(values, default_chapter, result.warnings, where, number)
            question, notes = assemble(draft)
        except Problem as exc:
            result.skipped.append(Skip(where, str(exc), number))
            continue
        defaults += draft.difficulty is None
        result.questions.append(question)
        result.places.append(where)
        result.warnings.extend(Skip(where, note, number) for note in notes)
    result.warnings.extend(difficulty_warning(defaults))
    if not result.questions and not result.skipped:
        result.errors.append(Skip("文件", "表格中没有题目"))
    return result


def _read_rows(data: object) -> tuple[list[tuple[int, tuple]], list[Skip]]:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return [], [Skip("文件", "Excel 文件应按字节读入")]
    raw = bytes(data)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return [], [Skip("文件", "这是旧版 Excel 文件（.xls），请在 Excel 中“另存为” .xlsx 后再导入")]
    if len(raw) > MAX_BYTES:
        return [], [Skip("文件", "文件过大，无法导入")]
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        return [], [Skip("文件", f"无法读取 Excel 文件（.xlsx）：{type(exc).__name__}")]
    except Exception as exc:  # broken XML inside the package; never a traceback
        return [], [Skip("文件", f"无法读取 Excel 文件（.xlsx）：{type(exc).__name__}")]
    try:
        for sheet in workbook.worksheets:
            rows = []
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                if number > MAX_ROWS + 10:
                    return [], [Skip("文件", f"表格超过 {MAX_ROWS} 行，请分成几个文件导入")]
                rows.append((number, row))
            if _find_header(rows)[1] is not None:
                return rows, []
        first = workbook.worksheets[0] if workbook.worksheets else None
        return ([(n, r) for n, r in enumerate(first.iter_rows(values_only=True), 1)] if first else []), []
    except Exception as exc:  # a malformed sheet part
        return [], [Skip("文件", f"无法读取 Excel 文件（.xlsx）：{type(exc).__name__}")]
    finally:
        workbook.close()


def _header_name(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).lower()
    text = re.sub(r"[(\[（【].*?[)\]）】]|[*＊\s]", "", text)  # "题干（必填）", "*答案"
    if text in _HEADERS:
        return _HEADERS[text]
    option = _OPTION_HEADER.match(text)
    if option:
        return "option_" + (option.group(1) or option.group(2)).upper()
    return None


def _find_header(rows: list[tuple[int, tuple]]) -> tuple[int, dict[int, str] | None]:
    """The index of the header row among the first five, and column index → column name."""
    for index, (_number, row) in enumerate(rows[:5]):
        columns: dict[int, str] = {}
        for column, value in enumerate(row):
            name = _header_name(value)
            if name and name not in columns.values():
                columns[column] = name
        if "stem" in columns.values():
            return index, columns
    return 0, None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M").removesuffix(" 00:00")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _draft(values: dict[str, str], default_chapter: str | None, warnings: list[Skip], where: str,
           number: int) -> Draft:
    kind = None
    if values.get("type"):
        kind = type_from_name(values["type"])
        if kind is None:
            raise Problem(f"题型“{values['type']}”无法识别（可填 单选题、多选题、判断题、填空题、简答题、排序题、"
                          "匹配题、计算题）")
    options = {}
    letters = [name[-1] for name in sorted(values) if name.startswith("option_") and values[name]]
    for letter in letters:
        options[letter] = values[f"option_{letter}"]
    if options and list(options) != [chr(ord("A") + i) for i in range(len(options))]:
        raise Problem(f"选项应从 A 起连续填写，实际填了 {'、'.join(options)}")
    level = difficulty(values["difficulty"]) if values.get("difficulty") else None
    if values.get("difficulty") and level is None:
        warnings.append(Skip(where, f"难度“{values['difficulty']}”应为 易/中/难 或 1–5，已用默认难度", number))
    score = points(values["points"]) if values.get("points") else None
    if values.get("points") and score is None:
        warnings.append(Skip(where, f"分值“{values['points']}”不是正数，已忽略", number))
    return Draft(
        kind=kind, stem=values.get("stem", ""), options=options, answer=values.get("answer") or None,
        explanation=values.get("explanation", ""), points=score, difficulty=level,
        tags=split_tags(values.get("tags", "")), chapter=values.get("chapter") or default_chapter,
    )


# ---------------------------------------------------------------- the template

# One example per type, CRM content; (题型, 题干, options, 答案, 解析, 分值, 难度, 章节, 标签).
TEMPLATE_EXAMPLES: tuple[tuple, ...] = (
    ("单选题", "客户终生价值衡量的是（  ）。",
     ("客户最近一年的消费额", "客户在整个关系期内为企业带来的利润的现值", "客户的满意度得分", "客户推荐新客户的次数"),
     "B", "终生价值着眼于客户未来能带来的利润，并折算为现值，而不只是历史消费。", 2, "中",
     "ch05-customer-value", "客户终生价值"),
    ("多选题", "下列属于分析型 CRM 主要任务的有（  ）。",
     ("客户细分", "数据挖掘", "呼叫中心排班", "客户流失预测"),
     "ABD", "分析型 CRM 处理和分析客户数据；呼叫中心排班属于运营层面的工作。", 2, "中", "", "分析型CRM，数据挖掘"),
    ("判断题", "客户满意了，就一定会成为忠诚客户。", (), "错",
     "满意是忠诚的前提之一，但满意的客户仍可能因为价格或便利而转向竞争对手。", 1, "易", "", "满意度、忠诚度"),
    ("填空题", "RFM 模型中，R 表示最近一次消费，F 表示____，M 表示____。", (),
     "消费频率|购买频率；消费金额|购买金额", "RFM 的三个字母分别代表最近一次消费、消费频率和消费金额。", 2, 2, "", "RFM"),
    ("简答题", "简述提高客户忠诚度的三种常用方法。", (),
     "答出以下任意三点即可，每点 2 分：会员积分与分级权益；个性化的服务和关怀；及时妥善地处理投诉；"
     "提高客户的转换成本。", "", 6, "难", "", "客户忠诚"),
    ("排序题", "请按客户生命周期的先后顺序排列下列阶段。",
     ("形成期", "考察期", "稳定期", "退化期"), "BACD", "客户关系先经过考察，再形成、稳定，最后可能退化。",
     2, 3, "", "客户生命周期"),
    ("匹配题", "请把各类客户与适合的维系策略配对。",
     ("高价值、高忠诚的客户=提供专属服务，重点维系", "高价值、低忠诚的客户=加强沟通，提高转换成本",
      "低价值的客户=控制服务成本", "干扰项：立即终止合作"),
     "", "不同价值和忠诚度的客户需要不同的资源投入。", 3, 4, "", "客户分级"),
    ("计算题", "某客户每年为企业带来利润 2000 元，预计还将保持 5 年，不考虑折现，其终生价值是多少元？", (),
     "10000元", "2000 × 5 = 10000（元）。", 2, "易", "ch05-customer-value", "客户终生价值"),
)

TEMPLATE_NOTES: tuple[tuple[str, str, str], ...] = (
    ("题型", "必填", "单选题、多选题、判断题、填空题、简答题、排序题、匹配题、计算题；也可写简称（单选、多选、判断…）"
     "或 单项选择题、多项选择题、论述题 等。留空时按内容判断。"),
    ("题干", "必填", "题目正文。填空题的空用连续下划线 ____ 或（  ）表示。"),
    ("选项A…选项F", "选择题、排序题、匹配题必填", "从选项A起连续填写，不用写“A.”。排序题填要排序的各项；"
     "匹配题每格写“左项=右项”，写“干扰项：文字”可加一个多余的右项。"),
    ("答案", "除简答题、匹配题外必填", "单选题写一个字母，如 B；多选题写几个字母，如 ABD（也可写成 A、B、D 或 A B D）；"
     "判断题写 对/错、正确/错误、√/× 或 T/F；填空题各空答案用“；”隔开，同一空的几种说法用“|”隔开；"
     "排序题按正确顺序写字母：BACD；计算题写一个数，可带单位（10000元）或误差（26000±500、12.5±1%）；"
     "简答题写参考答案或评分要点（可留空，导入后再补）；匹配题留空。"),
    ("解析", "选填", "答题后显示给学生的讲解。请用选项的内容说明，不要写“选 B”：考试会打乱选项顺序。"),
    ("分值", "选填", "正数，默认 1 分。"),
    ("难度", "选填", "易、较易、中、较难、难（对应 1–5），或直接写 1–5；默认 3（中）。"),
    ("章节", "选填", "章节标识（如 ch05-customer-value）或章节标题；留空时导入到导入页面所选的章节。"),
    ("标签", "选填", "知识点等，多个用“，”“、”或“；”隔开。"),
)


def xlsx_template() -> bytes:
    """The Excel import template: headers, one example row per type and a 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题目"
    sheet.append(list(TEMPLATE_HEADERS))
    for kind, stem, options, answer, explanation, score, level, chapter, tags in TEMPLATE_EXAMPLES:
        cells = list(options) + [""] * (len(OPTION_LETTERS) - len(options))
        sheet.append([kind, stem, *cells, answer, explanation, score, level, chapter, tags])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    widths = {"A": 10, "B": 48, "I": 28, "J": 36, "K": 8, "L": 8, "M": 22, "N": 18}
    for column in "CDEFGH":
        widths[column] = 22
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明")
    notes.append(["列名", "是否必填", "说明与可填写的值"])
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    notes.append([])
    notes.append(["提示", "", "第一行是表头，请勿修改；示例行可以删除或改写。每行一道题，空行会被跳过。"
                  "导入时先预览，再确认导入；有问题的行会列出行号和原因。"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for column, width in {"A": 14, "B": 22, "C": 90}.items():
        notes.column_dimensions[column].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.freeze_panes = "A2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
