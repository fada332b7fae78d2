"""Word (.docx) test papers as Chinese teachers type them, read with python-docx.

``parse_docx(data)`` reads the body paragraphs in order (tables are left out: a paper's score
tables would otherwise become question text) and understands:

- section headings ``一、单项选择题（每小题 2 分，共 20 分）`` that set the type (and the points);
- questions numbered ``1.`` ``1．`` ``1、`` ``1)`` ``(1)`` ``（1）`` or by Word's automatic numbering;
- options ``A.`` ``A．`` ``A、`` ``A)`` ``A）`` ``(A)`` one per line or several on one line;
- field lines ``答案：`` ``【答案】`` ``正确答案：`` ``解析：`` ``答案解析：`` ``分值：`` ``难度：``
  ``难易程度：`` ``题型：`` ``知识点：`` ``章节：`` (several may share a line);
- type markers in the stem ``（单选）`` ``【多选题】`` and points ``（2 分）``;
- 超星学习通's quick-import layout, where subjective stems and answers are wrapped in ``{ }``;
- an answer-key section at the end (``参考答案`` then ``1-5 BCADA``, ``6.C 7.D``, ``16．运营型；分析型``).

Each problem is located by its paragraph number: ``第 12 段`` in ``where`` and ``12`` in ``line``
(paragraphs counted from the top of the document body, empty ones included).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from .results import ImportResult, Skip
from .teacher import (
    CHOICE, Draft, Problem, assemble, difficulty, difficulty_warning, points, split_tags,
    take_inline_marker, type_from_name, type_in_heading,
)

__all__ = ["parse_docx"]

MAX_BYTES = 20_000_000
_SPACE = " \t\u3000\u00a0"
_NUMERALS = "一二三四五六七八九十"

# Question numbers; the group names say the style, so that "（1）" inside a case question's stem
# is not taken for a new question in a section numbered "1．".
_NUMBER = re.compile(
    r"^(?:(?P<dot>\d{1,3})\s*[.．](?!\d)|(?P<comma>\d{1,3})\s*、|(?P<paren>[(（]\s*\d{1,3}\s*[)）])"
    r"|(?P<close>\d{1,3})\s*[)）]|(?P<nth>第\s*\d{1,3}\s*题)\s*[.．、:：]?)\s*")
_OPTION = re.compile(r"^(?:([A-HＡ-Ｈ])\s*[.．、)）]|[(（]([A-HＡ-Ｈ])[)）])\s*")
# Further options on the same line: after a space, or straight after Chinese text ("A．产品B．客户").
_NEXT_OPTION = re.compile(r"(?:([A-HＡ-Ｈ])\s*[.．、)）]|[(（]([A-HＡ-Ｈ])[)）])\s*")
_HEADING = re.compile(rf"^(?:[{_NUMERALS}]+\s*[、.．]|第\s*[{_NUMERALS}\d]+\s*(?:部分|大题)|第\s*[{_NUMERALS}]+\s*题)\s*(.*)$")
_GRID_NUMBER = {"题号", "题目", "序号"}
_GRID_ANSWER = {"答案", "参考答案", "正确答案"}
_SECTION_POINTS = re.compile(r"每\s*(?:小)?\s*题\s*(\d+(?:\.\d+)?)\s*分")
_KEY_HEADING = re.compile(
    rf"^(?:[{_NUMERALS}]+\s*[、.．]\s*)?(?:试题|试卷)?(?:参考答案|标准答案|答案)"
    r"(?:及评分标准|与评分标准|及评分参考|及解析|与解析|和解析)?\s*(?P<colon>[:：])?$")
_COMPACT_KEY = re.compile(r"^\d{1,3}\s*(?:[-－~～—–]+\s*\d{1,3}\s*[.．、:：]?\s*\S|[.．、:：]\s*[A-Za-z√×对错]+(?:\s|$))")
_KEY_START = re.compile(r"[\s\u3000:：）)]+(?=\d)")
_KEY_TOKEN = re.compile(
    r"(?:^|(?<=[\s\u3000，,；;]))(\d{1,3})\s*(?:(?:[-－~～—–]+|至|到)\s*(\d{1,3})\s*[.．、:：]?|[.．、:：)）](?!\d))\s*")
# A value of a compact key line: letters or true/false marks ("BCADA", "A、C", "√×").
_COMPACT_VALUE = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚ√×✓✗✔✘对错正确误\s\u3000、，,；;。]*$")
_KEY_EXPLANATION = re.compile(r"[\s\u3000]*(?:【\s*(?:答案解析|解析)\s*】|(?:答案解析|解析)\s*[:：])\s*")
_FIELDS = {
    "正确答案": "answer", "参考答案": "answer", "标准答案": "answer", "答案": "answer", "答": "answer",
    "答案解析": "explanation", "试题解析": "explanation", "解析": "explanation",
    "分值": "points", "分数": "points", "难易程度": "difficulty", "难易度": "difficulty", "难度": "difficulty",
    "题型": "type", "知识点": "tags", "标签": "tags", "章节": "chapter",
}
_LABELS = "|".join(sorted(_FIELDS, key=len, reverse=True))
_FIELD = re.compile(rf"(?:【\s*({_LABELS})\s*】\s*[:：]?|({_LABELS})\s*[:：])\s*")
_POINTS_MARK = re.compile(r"[（(]\s*(?:本题\s*)?(\d+(?:\.\d+)?)\s*分\s*[）)]")
_KEY_IN_STEM = re.compile(r"[（(][\s\u3000]*([A-H]{1,8}|[√×✓✗]|对|错|正确|错误)[\s\u3000]*[）)]")


@dataclass
class _Line:
    para: int
    text: str
    auto: bool = False  # Word's automatic list numbering
    key_table: bool = False  # made from an answer-key table


@dataclass
class _Section:
    kind: str | None
    points: int | float | None
    style: str | None = None
    autonumber: int = 0


@dataclass
class _Question:
    para: int
    number: int
    style: str
    section: int
    stem: list[str]
    options: dict[str, str] = field(default_factory=dict)
    answer: list[str] | None = None
    explanation: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    last: str = "stem"
    key_from_section: bool = False

    @property
    def where(self) -> str:
        return f"第 {self.para} 段（第 {self.number} 题）"


def parse_docx(data: bytes, *, default_chapter: str | None = None) -> ImportResult:
    """Read a Word test paper into question-bank dicts. Never raises.

    Questions keep the file's order and carry ``chapter`` (a ``章节：`` line, else
    ``default_chapter``) but no ``id``. A question that cannot be imported (no key, a key that is
    not an option, a blank count that does not match its answers …) is a skip naming its paragraph.
    """
    lines, errors = _read_lines(data)
    if errors:
        return ImportResult(errors=errors)
    return _Paper(default_chapter).read(lines)


def _read_lines(data: object) -> tuple[list[_Line], list[Skip]]:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return [], [Skip("文件", "Word 文件应按字节读入")]
    raw = bytes(data)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return [], [Skip("文件", "这是旧版 Word 文件（.doc），请在 Word 中“另存为” .docx 后再导入")]
    if len(raw) > MAX_BYTES:
        return [], [Skip("文件", "文件过大，无法导入")]
    try:
        import docx  # python-docx; imported here so that the other formats do not need it

        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, TypeError, AttributeError) as exc:
        return [], [Skip("文件", f"无法读取 Word 文件（.docx）：{type(exc).__name__}")]
    except Exception as exc:  # lxml raises its own errors on broken XML; never a traceback
        return [], [Skip("文件", f"无法读取 Word 文件（.docx）：{type(exc).__name__}")]
    lines: list[_Line] = []
    number = 0
    for block in document.iter_inner_content():
        if not hasattr(block, "runs"):  # a table: only an answer-key grid is read from one
            lines.extend(_key_table(block, number))
            continue
        number += 1
        text = _paragraph_text(block)
        auto = _auto_numbered(block)
        # soft line breaks (Shift+Enter) split a paragraph into lines of the same number
        for part in text.split("\n"):
            if part.strip(_SPACE):
                lines.append(_Line(number, part.strip(_SPACE), auto))
                auto = False
    if not lines:
        return [], [Skip("文件", "Word 文件中没有文字")]
    return lines, []


def _key_table(table, para: int) -> list[_Line]:
    """Key lines ("3．B") from an answer grid: a 题号 row over an 答案 row, or 题号 | 答案 columns.

    A grid whose answer cells are all empty is the students' answer box, not a key: nothing.
    """
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            if cell._tc is not last:  # a merged cell repeats; read it once
                cells.append(re.sub(r"\s+", "", cell.text))
            last = cell._tc
        rows.append(cells)
    pairs: list[tuple[str, str]] = []
    for above, below in zip(rows, rows[1:]):
        if above and below and above[0] in _GRID_NUMBER and below[0] in _GRID_ANSWER:
            pairs.extend(zip(above[1:], below[1:]))
    if not pairs and rows and len(rows[0]) >= 2 and rows[0][0] in _GRID_NUMBER and rows[0][1] in _GRID_ANSWER:
        pairs = [(row[0], row[1]) for row in rows[1:] if len(row) >= 2]
    keys = [(n, a) for n, a in pairs if n.isdigit() and a]
    return [_Line(para, f"{n}．{a}", key_table=True) for n, a in keys]


def _paragraph_text(paragraph) -> str:
    """The paragraph's text, with underlined spaces (a typed blank) as ``____``."""
    runs = paragraph.runs
    if not any(run.underline and run.text and not run.text.strip(_SPACE) for run in runs):
        return paragraph.text
    return "".join("____" if run.underline and run.text and not run.text.strip(_SPACE) else run.text
                   for run in runs)


def _auto_numbered(paragraph) -> bool:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return True
    style = getattr(paragraph.style, "name", "") or ""
    return style.startswith("List Number")


def _type_heading(text: str) -> bool:
    """True for a section heading that names a type (``一、单项选择题…``, ``判断题``)."""
    match = _HEADING.match(text)
    if match:
        return type_in_heading(match.group(1)) is not None
    head = re.split(r"[（(:：，,]", text, maxsplit=1)[0]
    return bool(head.strip()) and type_from_name(head) is not None


def _style(match: re.Match) -> str:
    return next(name for name in ("dot", "comma", "paren", "close", "nth") if match.group(name))


def _number(match: re.Match) -> int:
    return int(re.sub(r"\D", "", match.group(_style(match))))


class _Paper:
    """The reading state of one paper: sections, questions, the answer-key section."""

    def __init__(self, default_chapter: str | None) -> None:
        self.chapter = default_chapter
        self.sections: list[_Section] = [_Section(None, None)]
        self.questions: list[_Question] = []
        self.current: _Question | None = None
        self.brace: str | None = None  # the field a "{" opened and no "}" closed yet
        self.warnings: list[Skip] = []
        self.key_mode = False
        self.key_section = 0  # type headings seen inside the answer-key section
        self.key_target: _Question | None = None
        self.key_last_number = 0

    # ------------------------------------------------------------ reading

    def read(self, lines: list[_Line]) -> ImportResult:
        # In a paper with type headings, numbered lines above the first one are its instructions
        # (注意事项：1．考试时间 90 分钟 …), not questions.
        first_heading = next((i for i, line in enumerate(lines) if _type_heading(line.text)), 0)
        if any(_FIELD.match(line.text) or _OPTION.match(line.text) for line in lines[:first_heading]):
            first_heading = 0  # options or answers up there: those are questions after all
        for index, line in enumerate(lines):
            if index < first_heading:
                self._outside(line)
                continue
            if line.key_table and not self.key_mode:
                self._finish()
                self.key_mode = True  # a filled-in answer grid starts the key section
            if self.brace:
                self._add_to_brace(line)
            elif self.key_mode:
                self._key_line(line)
            elif self._is_key_heading(line, lines[index + 1:]):
                self._finish()
                self.key_mode = True
            elif self._heading(line):
                self._finish()
            elif self._question_start(line):
                pass
            elif self.current is None:
                self._outside(line)
            elif _FIELD.match(line.text):
                self._fields(self.current, line)
            elif _OPTION.match(line.text):
                self._options(self.current, line.text)
            else:
                self._continue(self.current, line)
        self._finish()
        return self._result()

    def _is_key_heading(self, line: _Line, rest: list[_Line]) -> bool:
        match = _KEY_HEADING.match(line.text)
        if match is None:
            return False
        if not match.group("colon"):
            return True
        # "答案：" alone is also a question's answer label; the key section follows with keys or headings
        following = next((later.text for later in rest), "")
        heading = _HEADING.match(following)
        return bool(_COMPACT_KEY.match(following) or (heading and type_in_heading(heading.group(1))))

    def _heading(self, line: _Line) -> bool:
        match = _HEADING.match(line.text)
        if match:
            kind = type_in_heading(match.group(1))
            current = self.current
            if kind is None and current is not None and current.last in ("answer", "explanation"):
                return False  # "一、…" points of a reference answer, not a new part of the paper
        else:
            head = re.split(r"[（(:：，,]", line.text, maxsplit=1)[0]
            kind = type_from_name(head) if head.strip() else None
            if kind is None:
                return False
        found = _SECTION_POINTS.search(line.text)
        self.sections.append(_Section(kind, points(found.group(1)) if found else None))
        return True

    def _question_start(self, line: _Line) -> bool:
        section = self.sections[-1]
        match = _NUMBER.match(line.text)
        if match is None:
            if line.auto and not _OPTION.match(line.text) and not _FIELD.match(line.text):
                section.autonumber += 1
                self._start(line, section.autonumber, "auto", line.text)
                return True
            return False
        style, number = _style(match), _number(match)
        style = {"close": "paren"}.get(style, style)
        current = self.current
        if current is not None and current.section == len(self.sections) - 1:
            if style != section.style:
                # an essay's reference answer often numbers its points "（1）（2）": no warning there
                if number == current.number + 1 and self._kind(current) != "essay":
                    self.warnings.append(Skip(
                        f"第 {line.para} 段", f"编号“{match.group(0).strip()}”与本节题号的写法不同，"
                        "已作为上一题的内容（若是新题，请统一题号写法）", line.para))
                return False
            if current.last in ("answer", "explanation") and number != current.number + 1:
                return False  # a numbered point of a reference answer or explanation
        if section.style is None:
            section.style = style
        self._start(line, number, style, line.text[match.end():])
        return True

    def _start(self, line: _Line, number: int, style: str, rest: str) -> None:
        self._finish()
        question = _Question(line.para, number, style, len(self.sections) - 1, [])
        self.current = question
        self._continue(question, _Line(line.para, rest), new=True)

    def _outside(self, line: _Line) -> None:
        """Text before the first question of a section: paper title, instructions, a 章节 line."""
        found = _FIELD.match(line.text)
        if found and _FIELDS[found.group(1) or found.group(2)] == "chapter":
            value = line.text[found.end():].strip()
            self.chapter = value or self.chapter

    def _fields(self, question: _Question, line: _Line) -> None:
        marks = [m for m in _FIELD.finditer(line.text)
                 if m.start() == 0 or line.text[m.start() - 1] in _SPACE]
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(line.text)
            name = _FIELDS[mark.group(1) or mark.group(2)]
            value = line.text[mark.end():end].strip(_SPACE)
            if name == "answer":
                if question.answer and "".join(question.answer).strip():
                    self.warnings.append(Skip(f"第 {line.para} 段", f"{question.where}有两行答案，已采用后一行"
                                              "（是否漏了下一题的题号？）", line.para))
                question.answer = [value] if value else []
                question.last = "answer"
                self._open_brace(question, "answer", value)
            elif name == "explanation":
                question.explanation = [value] if value else []
                question.last = "explanation"
                self._open_brace(question, "explanation", value)
            else:
                question.fields[name] = value
                question.last = name

    def _options(self, question: _Question, text: str) -> None:
        marks = []
        expected = chr(ord("A") + len(question.options))
        for mark in _NEXT_OPTION.finditer(text):
            letter = unicodedata.normalize("NFKC", mark.group(1) or mark.group(2))
            before = text[mark.start() - 1] if mark.start() else ""
            if mark.start() == 0 or (letter == expected and (before in _SPACE or not before.isascii())):
                marks.append((mark, letter))
                expected = chr(ord(letter) + 1)
        for index, (mark, letter) in enumerate(marks):
            end = marks[index + 1][0].start() if index + 1 < len(marks) else len(text)
            question.options[letter] = text[mark.end():end].strip(_SPACE)
        question.last = "option"

    def _continue(self, question: _Question, line: _Line, new: bool = False) -> None:
        text = line.text.strip(_SPACE)
        if question.last == "stem":
            if text or not new:
                question.stem.append(text)
            if new:
                self._open_brace(question, "stem", text)
        elif question.last == "option":
            last = list(question.options)[-1]
            question.options[last] = f"{question.options[last]} {text}".strip()
        elif question.last == "answer":
            question.answer = [*(question.answer or []), text]
        elif question.last == "explanation":
            question.explanation.append(text)
        else:
            # a line after 分值/难度/题型…: more stem text would be a mistake; keep it visible
            self.warnings.append(Skip(f"第 {line.para} 段", f"这段文字不属于{question.where}的任何部分，已忽略",
                                      line.para))

    def _open_brace(self, question: _Question, target: str, text: str) -> None:
        if text.startswith("{") and not text.rstrip().endswith("}"):
            self.brace = target

    def _add_to_brace(self, line: _Line) -> None:
        question = self.current
        assert question is not None
        target = {"stem": question.stem, "explanation": question.explanation}.get(self.brace)
        if target is None:
            question.answer = question.answer or []
            target = question.answer
        target.append(line.text)
        if line.text.rstrip().endswith("}"):
            self.brace = None

    # ------------------------------------------------------------ the answer-key section

    def _key_line(self, line: _Line) -> None:
        if _HEADING.match(line.text) or (type_from_name(re.split(r"[（(:：，,]", line.text)[0]) is not None):
            self.key_section += 1
            self.key_target, self.key_last_number = None, 0
            # "一、单项选择题：1-5 BCADA" — keys on the heading's own line
            for start in _KEY_START.finditer(line.text):
                rest = line.text[start.end():]
                if _COMPACT_KEY.match(rest):
                    self._key_line(_Line(line.para, rest))
                    break
            return
        tokens = list(_KEY_TOKEN.finditer(line.text))
        if not tokens or tokens[0].start() != 0:
            self._key_continuation(line)
            return
        first = int(tokens[0].group(1))
        target = self.key_target
        if (target is not None and not tokens[0].group(2) and first <= self.key_last_number
                and self._kind(target) == "essay"):
            self._key_continuation(line)  # "1．…" points of an essay's reference answer
            return
        first_value = line.text[tokens[0].end():tokens[1].start() if len(tokens) > 1 else None]
        if not tokens[0].group(2) and not _COMPACT_VALUE.match(first_value):
            # free text (a fill-in or essay answer): the rest of the line is this question's key
            self._set_key(line, first, line.text[tokens[0].end():].strip(_SPACE))
            return
        for index, token in enumerate(tokens):
            end = tokens[index + 1].start() if index + 1 < len(tokens) else len(line.text)
            value = line.text[token.end():end].strip(_SPACE + "，,；;。")
            start = int(token.group(1))
            if token.group(2):
                self._key_range(line, start, int(token.group(2)), value)
            else:
                self._set_key(line, start, value)

    def _key_range(self, line: _Line, start: int, stop: int, value: str) -> None:
        count = stop - start + 1
        compact = re.sub(r"[\s\u3000]+", "", value)
        parts = value.split()
        if count > 0 and len(compact) == count:
            keys = list(compact)
        elif count > 0 and len(parts) == count:
            keys = parts
        else:
            self.warnings.append(Skip(f"第 {line.para} 段", f"答案“{start}-{stop} {value}”的个数与题数"
                                      f" {max(count, 0)} 不符，已忽略", line.para))
            return
        for number, key in zip(range(start, stop + 1), keys, strict=True):
            self._set_key(line, number, key)

    def _set_key(self, line: _Line, number: int, value: str) -> None:
        self.key_last_number = number
        question = self._numbered(number)
        self.key_target = question
        if question is None:
            self.warnings.append(Skip(f"第 {line.para} 段", f"参考答案中的第 {number} 题在试卷中找不到，已忽略",
                                      line.para))
            return
        value = re.sub(r"^答\s*[:：]\s*", "", value)  # "7．答：……" in a key section
        explained = _KEY_EXPLANATION.search(value)
        if explained:
            if not question.explanation:
                question.explanation = [value[explained.end():].strip(_SPACE)]
            value = value[: explained.start()].strip(_SPACE)
        question.key_from_section = True
        if question.answer and "".join(question.answer).strip():
            if "".join(question.answer).strip() != value:
                self.warnings.append(Skip(question.where, f"题目下的答案与参考答案（第 {line.para} 段）不同，"
                                          "已采用题目下的答案", question.para))
            question.key_from_section = False
            self.key_target = None
            return
        question.answer = [value] if value else []

    def _key_continuation(self, line: _Line) -> None:
        target = self.key_target
        if target is not None and target.key_from_section:
            target.answer = [*(target.answer or []), line.text]
            return
        # anything else in the key section (remarks, a scoring note) is left out, visibly
        self.warnings.append(Skip(f"第 {line.para} 段", "参考答案部分的这段文字无法对应到题号，已忽略",
                                  line.para))

    def _numbered(self, number: int) -> _Question | None:
        matches = [question for question in self.questions if question.number == number]
        if len(matches) <= 1:
            return matches[0] if matches else None
        # numbers restart in each section: the k-th type heading of the key is the k-th section
        if self.key_section:
            sections = sorted({question.section for question in self.questions})
            if self.key_section <= len(sections):
                wanted = sections[self.key_section - 1]
                return next((q for q in matches if q.section == wanted), None)
        return next((q for q in matches if not q.answer), matches[0])

    # ------------------------------------------------------------ results

    def _finish(self) -> None:
        if self.current is not None:
            self.questions.append(self.current)
            self.current = None
        self.brace = None

    def _kind(self, question: _Question) -> str | None:
        if question.fields.get("type"):
            named = type_from_name(question.fields["type"])
            if named:
                return named
        _, marked = take_inline_marker("\n".join(question.stem))
        return marked or self.sections[question.section].kind

    def _result(self) -> ImportResult:
        result = ImportResult()
        defaults = 0
        for question in self.questions:
            try:
                draft = self._draft(question)
                built, notes = assemble(draft)
            except Problem as exc:
                result.skipped.append(Skip(question.where, str(exc), question.para))
                continue
            defaults += draft.difficulty is None
            result.questions.append(built)
            result.places.append(f"第 {question.para} 段")
            result.warnings.extend(Skip(question.where, note, question.para) for note in notes)
        result.warnings.extend(self.warnings)
        result.warnings.sort(key=lambda skip: skip.line or 0)
        result.warnings.extend(difficulty_warning(defaults))
        if not self.questions:
            result.errors.append(Skip("文件", "没有找到题目：题目应以 1． 1、 (1) 等题号开头"))
        return result

    def _draft(self, question: _Question) -> Draft:
        stem, marked = take_inline_marker(_unbrace("\n".join(question.stem).strip()))
        named = question.fields.get("type")
        kind = type_from_name(named) if named else None
        if named and kind is None:
            self.warnings.append(Skip(question.where, f"题型“{named}”无法识别，已按题目内容判断", question.para))
        section = self.sections[question.section]
        kind = kind or marked or section.kind
        found = _POINTS_MARK.search(stem)
        stem_points = None
        if found:
            stem_points = points(found.group(1))
            stem = (stem[: found.start()] + stem[found.end():]).strip()
        answer = None if question.answer is None else _unbrace("\n".join(question.answer).strip())
        if not answer and (question.options or kind in ("true_false", "single", "multiple", CHOICE)):
            found = _KEY_IN_STEM.search(stem)
            if found:
                # the key written into the stem's brackets: 客户关系管理的核心是（B）。
                answer = found.group(1)
                stem = stem[: found.start()] + "（  ）" + stem[found.end():]
        fields = question.fields
        level = difficulty(fields["difficulty"]) if fields.get("difficulty") else None
        if fields.get("difficulty") and level is None:
            self.warnings.append(Skip(question.where, f"难度“{fields['difficulty']}”应为 易/中/难 或 1–5，"
                                      "已用默认难度", question.para))
        score = points(fields["points"]) if fields.get("points") else None
        if fields.get("points") and score is None:
            self.warnings.append(Skip(question.where, f"分值“{fields['points']}”不是正数，已忽略", question.para))
        return Draft(
            kind=kind, stem=stem, options=dict(question.options), answer=answer or None,
            explanation=_unbrace("\n".join(question.explanation).strip()),
            points=score or stem_points or section.points, difficulty=level,
            tags=split_tags(fields.get("tags", "")),
            chapter=fields.get("chapter") or self.chapter,
        )


def _unbrace(text: str) -> str:
    """超星's ``{…}`` around a subjective stem or answer, removed."""
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1].strip()
    return text
