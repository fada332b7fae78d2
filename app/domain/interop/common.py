"""Helpers shared by the GIFT and Moodle XML converters.

Ids, the ``@crm`` metadata comment, numbers, input decoding and the chapter/question shapes
accepted by the exporters live here so both formats behave the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar
from decimal import Decimal, InvalidOperation

from .results import Skip

T = TypeVar("T")

# Keys of a question-bank question, in the order the bank files use (docs/question-format.md).
QUESTION_KEYS = (
    "id", "type", "difficulty", "tags", "points", "section", "stem", "options", "answer",
    "tolerance", "tolerance_pct", "unit", "scoring", "distractors", "rubric", "explanation",
)
# Same rule as the question-bank validator, kept here so this package depends on nothing else.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BLANK = "____"
BLANK_RUN = re.compile(r"_{4,}")
LETTERS = string.ascii_uppercase
DEFAULT_DIFFICULTY = 3
ESSAY_PLACEHOLDER_RUBRIC = "（导入的题目没有评分要点，请教师补充。）"

META_MARK = "@crm"
# Fields a Moodle format may lack; exporters put them in the metadata comment.
META_FIELDS = (
    "difficulty", "tags", "section", "points", "scoring", "unit", "tolerance", "tolerance_pct",
    "rubric", "option_keys", "blank",
)
MAX_INPUT_CHARS = 20_000_000


class Unexpressible(Exception):
    """Raised inside an exporter when one question cannot be written; becomes a Skip."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- question dicts


def ordered(question: dict) -> dict:
    """The question with its keys in bank order, unknown keys after, ``chapter`` last."""
    result = {key: question[key] for key in QUESTION_KEYS if key in question}
    for key, value in question.items():
        if key not in result and key != "chapter":
            result[key] = value
    if "chapter" in question:
        result["chapter"] = question["chapter"]
    return result


def build_meta(question: Mapping, native: Iterable[str], absent_marks: Iterable[str] = ()) -> dict:
    """The metadata comment for ``question``: every meta field the format cannot carry.

    ``absent_marks`` are fields the format always writes (points, ordering scoring); when the
    question lacks them, the comment records ``null`` so an import leaves them out again.
    """
    native = set(native)
    meta = {key: question[key] for key in META_FIELDS if key in question and key not in native}
    for key in absent_marks:
        if key not in question:
            meta[key] = None
    return meta


def encode_meta(meta: Mapping) -> str:
    """The one-line JSON text of a metadata comment (without the comment syntax)."""
    return f"{META_MARK} " + json.dumps(meta, ensure_ascii=False)


def decode_meta(comment: str) -> tuple[dict | None, str | None]:
    """Read a metadata comment body; returns (meta, None), (None, None) or (None, problem)."""
    body = comment.strip()
    if not body.startswith(META_MARK):
        return None, None
    try:
        meta = json.loads(body[len(META_MARK):])
    except (ValueError, RecursionError):  # RecursionError: a comment of 100,000 "["
        return None, "元数据注释不是合法的 JSON，已忽略"
    if not isinstance(meta, dict):
        return None, "元数据注释应是一个 JSON 对象，已忽略"
    unknown = sorted(set(meta) - set(META_FIELDS))
    if unknown:
        return {k: v for k, v in meta.items() if k in META_FIELDS}, (
            "元数据注释含有未知字段，已忽略：" + "、".join(unknown))
    return meta, None


def apply_meta(question: dict, meta: Mapping | None) -> dict:
    """Overlay metadata on an imported question (``null`` removes the field)."""
    if not meta:
        return question
    for key, value in meta.items():
        if key in ("option_keys", "blank"):
            continue  # consumed by the type readers
        if value is None:
            question.pop(key, None)
        else:
            question[key] = value
    if meta.get("tolerance_pct") is not None and "tolerance" not in meta:
        # the native tolerance was only the absolute equivalent of the percentage
        question.pop("tolerance", None)
    return question


def option_keys(meta: Mapping | None, count: int) -> list[str] | None:
    """The option keys to use for ``count`` imported options, or None when there are too many."""
    keys = (meta or {}).get("option_keys")
    if isinstance(keys, list) and len(keys) == count and len(set(map(str, keys))) == count:
        return [str(key) for key in keys]
    if count > len(LETTERS):
        return None
    return list(LETTERS[:count])


def standard_keys(options: Mapping) -> bool:
    """True when the option keys are A, B, C, … in order (no metadata needed)."""
    return list(options) == list(LETTERS[: len(options)])


def fold_feedback(general: str, items: list[tuple[str, str]]) -> str:
    """Explanation text: the general feedback followed by the per-answer feedback, if any."""
    parts = [general.strip()] if general and general.strip() else []
    lines = [f"- {label}:{text.strip()}" for label, text in items if text and text.strip()]
    if lines:
        parts.append("各答案的反馈：\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def category_path(raw: str) -> tuple[str | None, str | None]:
    """``(path, last component)`` of a Moodle category such as ``$course$/top/Iota/Kappa``.

    Moodle's context prefixes (``$course$``, ``$system$``, ``$module$``, ``$cat1$``…) and its
    implicit ``top`` category are left out of the path: ``("Iota/Kappa", "Kappa")``.
    ``(None, None)`` when nothing is left.
    """
    parts = [part.strip() for part in raw.split("/") if part.strip()]
    while parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts.pop(0)
    if parts and parts[0] == "top":
        parts.pop(0)
    if not parts or parts[-1].startswith("$"):
        return None, None
    return "/".join(parts), parts[-1]


def finish_question(question: dict, meta: Mapping | None, chapter: str | None,
                    defaults_used: list[str]) -> dict:
    """Apply metadata, fill the required defaults of plain Moodle imports, add the chapter."""
    apply_meta(question, meta)
    if meta is None and "difficulty" not in question:
        question["difficulty"] = DEFAULT_DIFFICULTY
        defaults_used.append(question["id"])
    question["chapter"] = chapter
    return ordered(question)


def defaults_warning(ids: list[str]) -> list[Skip]:
    """One summary warning for questions that got the default difficulty."""
    if not ids:
        return []
    shown = "、".join(ids[:5]) + (" 等" if len(ids) > 5 else "")
    return [Skip("难度", f"{len(ids)} 道题没有难度信息，已设为 {DEFAULT_DIFFICULTY}：{shown}")]


# ---------------------------------------------------------------- ids


class IdAllocator:
    """Chooses the bank id of each imported question: its name when valid, else ``imp-<hash8>``."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def allocate(self, name: str | None, fingerprint: str) -> tuple[str, str | None]:
        """Return (id, warning or None) for a question called ``name``."""
        warning = None
        if name and ID_PATTERN.match(name) and name not in self.used:
            self.used.add(name)
            return name, None
        if name and name in self.used:
            warning = f"名称 {name} 在文件中重复，已改用生成的编号"
        base = "imp-" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:8]
        candidate, n = base, 2
        while candidate in self.used:
            candidate, n = f"{base}-{n}", n + 1
        self.used.add(candidate)
        return candidate, warning


# ---------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_decimal(text: str) -> Decimal | None:
    """A finite decimal number from text such as ``26000``, ``-2.5`` or ``1e-05``; else None."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        return None
    return value if value.is_finite() else None


def to_number(value: Decimal, source: str | None = None) -> int | float:
    """An int when ``source`` (or the value) has no fraction part or exponent, else a float."""
    if source is not None:
        plain = not any(ch in source for ch in ".eE")
        return int(value) if plain and value == value.to_integral_value() else float(value)
    return int(value) if value == value.to_integral_value() else float(value)


def is_number(value: object) -> bool:
    """True for ints and finite floats (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return value == value and value not in (float("inf"), float("-inf"))


def format_number(value: int | float) -> str:
    """The text of a number as both Moodle formats accept it (``26000``, ``2.5``, ``1e-05``)."""
    return str(value) if isinstance(value, int) else repr(float(value))


def percent_tolerance(answer: int | float, pct: int | float) -> int | float:
    """The absolute tolerance equal to ``pct`` percent of ``answer``."""
    amount = abs(Decimal(format_number(answer)) * Decimal(format_number(pct)) / 100)
    return to_number(amount.normalize())


def format_weight(fraction: float) -> str:
    """A Moodle percentage weight: ``100``, ``50``, ``33.33333``, ``-25``."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ---------------------------------------------------------------- input


def decode_input(data: object, encoding_hint: str | None = None) -> tuple[str | None, list[Skip], list[Skip]]:
    """Text of an uploaded file: (text, warnings, errors). Never raises.

    Bytes are read as UTF-8 (with or without BOM), UTF-16 with a BOM, the declared
    ``encoding_hint``, and finally GB18030, which Chinese editors often save in.
    """
    warnings: list[Skip] = []
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        text = None
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError:
                return None, warnings, [Skip("文件", "文件带有 UTF-16 标记，但内容无法按 UTF-16 解码")]
        if text is None and b"\x00" in raw:
            return None, warnings, [Skip("文件", "文件是二进制内容，不是文本")]
        if text is None:
            for codec in ("utf-8-sig", encoding_hint, "gb18030"):
                if not codec:
                    continue
                try:
                    text = raw.decode(codec)
                except (UnicodeDecodeError, LookupError):
                    continue
                if codec == "gb18030" or (codec == encoding_hint and codec.lower() not in ("utf-8", "utf8")):
                    warnings.append(Skip("文件", f"文件不是 UTF-8 编码，已按 {codec.upper()} 解码"))
                break
        if text is None:
            return None, warnings, [Skip("文件", "无法识别文件的文字编码，请另存为 UTF-8")]
    elif isinstance(data, str):
        text = data
    else:
        return None, warnings, [Skip("输入", "输入必须是文本或字节串")]
    text = text.lstrip("\ufeff")
    if not text.strip():
        return None, warnings, [Skip("文件", "文件为空，没有题目")]
    if len(text) > MAX_INPUT_CHARS:
        return None, warnings, [Skip("文件", "文件过大，无法导入")]
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if "\x00" in text or controls > max(3, len(text) // 100):
        return None, warnings, [Skip("文件", "文件是二进制内容，不是文本")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings, []


def group_chapters(data: object) -> tuple[list[tuple[object, list]], list[Skip]]:
    """Normalise the exporters' input to ``[(chapter, [question, …]), …]``.

    Accepted: a mapping ``{chapter slug: [question, …]}``; a list of bank files
    ``[{"chapter": slug, "questions": [...]}, …]``; or a flat list of questions that each carry a
    ``chapter`` key (consecutive questions of one chapter form one group).
    """
    if isinstance(data, Mapping):
        if "questions" in data and "chapter" in data:
            data = [data]
        else:
            groups = []
            for chapter, questions in data.items():
                if not isinstance(questions, (list, tuple)):
                    return [], [Skip("输入", f"章节 {chapter} 的题目应是一个列表")]
                groups.append((chapter, list(questions)))
            return groups, []
    if not isinstance(data, (list, tuple)):
        return [], [Skip("输入", "无法识别的输入：应是章节到题目列表的映射，或题库文件的列表")]
    groups: list[tuple[object, list]] = []
    for index, item in enumerate(data, 1):
        if isinstance(item, Mapping) and "questions" in item:
            questions = item.get("questions")
            if not isinstance(questions, (list, tuple)):
                return [], [Skip(f"第 {index} 项", "questions 应是一个列表")]
            groups.append((item.get("chapter"), list(questions)))
        elif isinstance(item, Mapping):
            chapter = item.get("chapter")
            if groups and groups[-1][0] == chapter:
                groups[-1][1].append(item)
            else:
                groups.append((chapter, [item]))
        else:
            return [], [Skip(f"第 {index} 项", "既不是题库文件也不是题目")]
    return groups, []


def question_label(question: object, index: int) -> str:
    """How an export skip names a question: its id, else its position."""
    if isinstance(question, Mapping) and isinstance(question.get("id"), str) and question["id"]:
        return question["id"]
    return f"第 {index} 题"


def convert_for_export(chapters_with_questions: object, course: object,
                       convert: Callable[[dict], T]) -> tuple[list[tuple[str, T]], list[Skip], list[Skip]]:
    """Convert every exportable question with ``convert``, in chapter order.

    Returns ``(chapter, converted)`` pairs, the questions skipped with their reasons, and errors
    that stop the whole export (unreadable input, an invalid course slug).
    """
    groups, errors = group_chapters(chapters_with_questions)
    if errors:
        return [], [], errors
    if not isinstance(course, str) or not SLUG_PATTERN.match(course):
        return [], [], [Skip("课程", f"课程标识“{course}”无效")]
    converted: list[tuple[str, T]] = []
    skipped: list[Skip] = []
    index = 0
    for chapter, questions in groups:
        valid_chapter = isinstance(chapter, str) and bool(SLUG_PATTERN.match(chapter))
        for question in questions:
            index += 1
            label = question_label(question, index)
            if not valid_chapter:
                skipped.append(Skip(label, f"章节标识“{chapter}”无效或缺失"))
                continue
            try:
                converted.append((chapter, convert(question)))
            except Unexpressible as exc:
                skipped.append(Skip(label, exc.reason))
            except (AttributeError, KeyError, TypeError, ValueError):
                skipped.append(Skip(label, "题目数据格式错误，无法导出"))
    return converted, skipped, []
