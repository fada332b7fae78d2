"""The question editor's form: plain form fields ↔ a question dict, with messages per field.

Free of request and app state on purpose (tested on its own; messages go through Flask-Babel's
``gettext``, which needs no app context): :func:`parse_form` takes any mapping with
``get``/``getlist`` (``request.form``) and returns the question dict plus the problems it
found reading the fields; :func:`form_fields` turns stored question data back into the same
fields, so that opening and saving a question unchanged gives back the same data.

Field names: ``id chapter section difficulty tags points stem explanation use note`` for every
type; ``option-A`` … ``option-J`` (options, ordering items), ``answer`` (single key, multiple
keys, ``true``/``false``, numeric value), ``rank-A`` … (ordering: the right position of each
item), ``scoring``, ``tolerance_kind`` (``abs``/``pct``) + ``tolerance`` + ``unit`` (numeric),
``blanks`` (fill_blank: one line per blank, alternatives separated by ``|`` or ``；``),
``left-N``/``right-N`` + ``distractors`` (matching), ``rubric`` (essay; lines starting with
``- `` make a list of points).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_babel import gettext as _

from ..domain.questions.numbers import parse_plain_number

TYPES = ("single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay")
LETTERS = "ABCDEFGHIJ"  # the exam page labels options A–J
MAX_PAIRS = 12
OPTION_TYPES = ("single", "multiple", "ordering")
FORM_ERROR = "_form"
# Fields the editor shows messages next to; problems with any other key are shown at the top.
FIELD_NAMES = frozenset({"id", "chapter", "section", "difficulty", "tags", "points", "stem", "explanation", "use",
                         "options", "answer", "scoring", "tolerance", "unit", "distractors", "rubric"})
# Question keys whose problems are shown next to another field of the form.
_FIELD_OF_KEY = {"tolerance_pct": "tolerance", "type": FORM_ERROR}
_TAG_SPLIT = re.compile(r"[,，、;；\n]")
_ALTERNATIVE_SPLIT = re.compile(r"[|｜；]")
_INTEGER = re.compile(r"^[+-]?\d+$")


class FormData(Protocol):
    """What :func:`parse_form` reads: ``request.form`` or :class:`Fields`."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


class Fields(dict):
    """Form values built from stored data, read like ``request.form``."""

    def get(self, key: str, default: Any = "") -> Any:  # type: ignore[override]
        """The first value of ``key``, or ``default``."""
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[Any]:
        """Every value of ``key``."""
        return list(super().get(key) or [])


@dataclass
class ParsedForm:
    """A question dict built from the form, its chapter, the version note and field errors."""

    data: dict[str, Any]
    chapter: str
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no field has a problem."""
        return not self.errors

    def add(self, name: str, message: str) -> None:
        """Record a problem with field ``name``."""
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def merge(self, checked: Mapping[str, list[str]]) -> None:
        """Add problems found by the bank checks (by question key), except on fields already flagged."""
        flagged = set(self.errors)
        for key, messages in checked.items():
            name = _FIELD_OF_KEY.get(key, key)
            if name not in flagged:
                for message in messages:
                    # "stem:不能为空" reads "不能为空" next to the stem field.
                    self.add(name, re.sub(rf"^{re.escape(key)}[\w.\[\]-]*:", "", message) or message)


def text_of(form: FormData, name: str) -> str:
    """A textarea's value with browser line endings (CRLF) made plain newlines."""
    return str(form.get(name) or "").replace("\r\n", "\n").replace("\r", "\n")


def line_of(form: FormData, name: str) -> str:
    """A one-line input's value, trimmed."""
    return str(form.get(name) or "").strip()


def parse_number(text: str) -> int | float | None:
    """``"26000"`` → 26000, ``"0.15"`` → 0.15; None for anything else (units, commas, nan).

    Parsing is the app's one parser for typed numbers (``parse_plain_number``): finite, at most
    10³⁰, never a 4,400-digit ``int()``.
    """
    result = parse_plain_number(text)
    if result.value is None:
        return None
    return int(result.value) if _INTEGER.match(text.strip()) else float(result.value)


def show_number(value: object) -> str:
    """A stored number as the form shows it: ``1.0`` → ``1``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return "" if value is None else str(value)


def parse_form(form: FormData, qtype: str, qid: str | None = None) -> ParsedForm:
    """Build the question dict of type ``qtype`` from ``form``; ``qid`` fixes the id when editing."""
    parsed = ParsedForm({}, line_of(form, "chapter"), line_of(form, "note")[:200])
    data = parsed.data
    data["id"] = qid if qid is not None else line_of(form, "id")
    if not data["id"]:
        parsed.add("id", _("请填写题目编号，如 ch05-q101。"))
    data["type"] = qtype
    _common(form, parsed)
    reader = _READERS.get(qtype)
    if reader is None:
        parsed.add(FORM_ERROR, _("未知题型 %(t)r", t=qtype))
    else:
        reader(form, parsed)
    return parsed


def _common(form: FormData, parsed: ParsedForm) -> None:
    data = parsed.data
    difficulty = line_of(form, "difficulty")
    if difficulty in ("1", "2", "3", "4", "5"):
        data["difficulty"] = int(difficulty)
    else:
        parsed.add("difficulty", _("难度应为 1 到 5 的整数。"))
    points = line_of(form, "points")
    number = parse_number(points) if points else 1
    if number is None or number <= 0:
        parsed.add("points", _("分值应为大于 0 的数字，如 1 或 2.5。"))
    else:
        data["points"] = number
    data["tags"] = [tag.strip() for tag in _TAG_SPLIT.split(text_of(form, "tags")) if tag.strip()]
    section = line_of(form, "section")
    if section:
        data["section"] = section
    data["stem"] = text_of(form, "stem")
    data["explanation"] = text_of(form, "explanation")
    use = line_of(form, "use") or "any"
    if use == "exam":
        data["use"] = "exam"  # "any" is the default and is left out, as in the files
    elif use != "any":
        parsed.add("use", _("用途应为“练习和考试”或“仅用于考试”。"))


def _options(form: FormData, parsed: ParsedForm) -> dict[str, str]:
    options = {letter: line_of(form, f"option-{letter}") for letter in LETTERS}
    options = {letter: text for letter, text in options.items() if text}
    parsed.data["options"] = options
    return options


def _scoring(form: FormData, parsed: ParsedForm, default: str) -> None:
    parsed.data["scoring"] = line_of(form, "scoring") or default


def _single(form: FormData, parsed: ParsedForm) -> None:
    _options(form, parsed)
    answer = line_of(form, "answer")
    if answer:
        parsed.data["answer"] = answer
    else:
        parsed.add("answer", _("请选择正确答案。"))


def _multiple(form: FormData, parsed: ParsedForm) -> None:
    options = _options(form, parsed)
    chosen = [str(key) for key in form.getlist("answer")]
    parsed.data["answer"] = [key for key in options if key in chosen] + [k for k in chosen if k not in options]
    _scoring(form, parsed, "partial")


def _ordering(form: FormData, parsed: ParsedForm) -> None:
    options = _options(form, parsed)
    ranks: dict[str, int] = {}
    for key in options:
        rank = parse_number(line_of(form, f"rank-{key}"))
        if not isinstance(rank, int):
            parsed.add("answer", _("请为第 %(k)s 项填写正确次序（1 到 %(n)d 的整数）。", k=key, n=len(options)))
        else:
            ranks[key] = rank
    if len(ranks) == len(options) and sorted(ranks.values()) != list(range(1, len(options) + 1)):
        parsed.add("answer", _("正确次序应恰好用到 1 到 %(n)d 各一次。", n=len(options)))
    parsed.data["answer"] = sorted(ranks, key=lambda key: ranks[key])
    _scoring(form, parsed, "all_or_nothing")


def _true_false(form: FormData, parsed: ParsedForm) -> None:
    answer = line_of(form, "answer")
    if answer in ("true", "false"):
        parsed.data["answer"] = answer == "true"
    else:
        parsed.add("answer", _("请选择“正确”或“错误”。"))


def _numeric(form: FormData, parsed: ParsedForm) -> None:
    data = parsed.data
    answer = parse_number(line_of(form, "answer"))
    if answer is None:
        parsed.add("answer", _("标准答案应为数字，不带单位或千位分隔符，如 26000 或 0.15。"))
    else:
        data["answer"] = answer
    tolerance = line_of(form, "tolerance")
    if tolerance:
        value = parse_number(tolerance)
        if value is None or value < 0:
            parsed.add("tolerance", _("允许误差应为不小于 0 的数字。"))
        else:
            data["tolerance_pct" if line_of(form, "tolerance_kind") == "pct" else "tolerance"] = value
    unit = line_of(form, "unit")
    if unit:
        data["unit"] = unit


def _fill_blank(form: FormData, parsed: ParsedForm) -> None:
    lines = [line for line in text_of(form, "blanks").split("\n") if line.strip()]
    parsed.data["answer"] = [
        [form_text.strip() for form_text in _ALTERNATIVE_SPLIT.split(line) if form_text.strip()] for line in lines
    ]
    if not lines:
        parsed.add("answer", _("请为每个空填写可接受的答案（每行一个空）。"))


def _matching(form: FormData, parsed: ParsedForm) -> None:
    pairs: dict[str, str] = {}
    for index in range(MAX_PAIRS):
        left, right = line_of(form, f"left-{index}"), line_of(form, f"right-{index}")
        if not left and not right:
            continue
        if not left or not right:
            parsed.add("answer", _("第 %(n)d 行的左项和右项都要填写。", n=index + 1))
        elif left in pairs:
            parsed.add("answer", _("左项“%(l)s”重复。", l=left))
        else:
            pairs[left] = right
    parsed.data["answer"] = {"pairs": pairs}
    distractors = [line.strip() for line in text_of(form, "distractors").split("\n") if line.strip()]
    if distractors:
        parsed.data["distractors"] = distractors


def _essay(form: FormData, parsed: ParsedForm) -> None:
    text = text_of(form, "rubric")
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and all(line.lstrip().startswith("- ") for line in lines):
        parsed.data["rubric"] = [line.lstrip()[2:].strip() for line in lines]
    else:
        parsed.data["rubric"] = text


_READERS = {
    "single": _single,
    "multiple": _multiple,
    "ordering": _ordering,
    "true_false": _true_false,
    "numeric": _numeric,
    "fill_blank": _fill_blank,
    "matching": _matching,
    "essay": _essay,
}


def form_fields(data: Mapping[str, Any], chapter: str) -> Fields:
    """The form fields that :func:`parse_form` reads back into ``data`` (for the edit page)."""
    fields = Fields()

    def put(name: str, *values: object) -> None:
        fields[name] = [str(value) for value in values]

    put("id", data.get("id", ""))
    put("chapter", chapter)
    put("section", data.get("section") or "")
    put("difficulty", data.get("difficulty", 3))
    put("points", show_number(data.get("points", 1)))
    put("tags", "、".join(data.get("tags") or []))
    put("stem", data.get("stem", ""))
    put("explanation", data.get("explanation", ""))
    put("use", data.get("use") or "any")
    qtype = data.get("type")
    answer = data.get("answer")
    for letter, text in (data.get("options") or {}).items():
        put(f"option-{letter}", text)
    if qtype == "single":
        put("answer", answer)
    elif qtype == "multiple":
        put("answer", *(answer or []))
    elif qtype == "ordering":
        for rank, key in enumerate(answer or [], start=1):
            put(f"rank-{key}", rank)
    elif qtype == "true_false":
        put("answer", "true" if answer else "false")
    elif qtype == "numeric":
        put("answer", show_number(answer))
        pct = data.get("tolerance_pct")
        put("tolerance_kind", "pct" if pct is not None else "abs")
        put("tolerance", show_number(pct if pct is not None else data.get("tolerance")))
        put("unit", data.get("unit") or "")
    elif qtype == "fill_blank":
        put("blanks", "\n".join(" | ".join(forms) for forms in answer or []))
    elif qtype == "matching":
        for index, (left, right) in enumerate(((answer or {}).get("pairs") or {}).items()):
            put(f"left-{index}", left)
            put(f"right-{index}", right)
        put("distractors", "\n".join(data.get("distractors") or []))
    elif qtype == "essay":
        rubric = data.get("rubric")
        put("rubric", "\n".join(f"- {point}" for point in rubric) if isinstance(rubric, list) else rubric or "")
    if "scoring" in data:
        put("scoring", data["scoring"])
    return fields


def option_rows(form: FormData, minimum: int = 4) -> list[str]:
    """Letters of the option rows to show: every filled one, one spare, at least ``minimum``."""
    filled = [index for index, letter in enumerate(LETTERS) if line_of(form, f"option-{letter}")]
    count = max(minimum, (filled[-1] + 2) if filled else 0)
    return list(LETTERS[: min(count, len(LETTERS))])


def pair_rows(form: FormData, minimum: int = 4) -> list[int]:
    """Indexes of the matching rows to show: every filled one, one spare, at least ``minimum``."""
    filled = [i for i in range(MAX_PAIRS) if line_of(form, f"left-{i}") or line_of(form, f"right-{i}")]
    return list(range(min(max(minimum, (filled[-1] + 2) if filled else 0), MAX_PAIRS)))
