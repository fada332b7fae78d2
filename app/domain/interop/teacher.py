"""The answer-word rules of the formats teachers type by hand: Word papers, the Excel template, Aiken.

One home for how a teacher writes a type name (单选题, 单项选择题, 判断…), an answer key (``B``,
``ABD``, ``A、C、D``, ``A B C``), true or false (对/错, 正确/错误, √/×, T/F), the blanks of a
fill-in question (runs of underscores, ``（  ）``) and their answers (``；`` between blanks, ``|``
between accepted forms), points and difficulty (易/中/难 or 1–5). :func:`assemble` turns what a
reader collected for one question into a bank question dict, or a Chinese reason why it cannot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..questions.api import validate_question
from ..questions.registry import QUESTION_TYPES
from .common import BLANK, DEFAULT_DIFFICULTY, ESSAY_PLACEHOLDER_RUBRIC, ordered, parse_decimal, to_number
from .results import Skip

# "选择题" alone: single or multiple, decided by the number of keys.
CHOICE = "choice"

# Names teachers and Chinese platforms give each type, besides the registry's labels.
_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "single": ("单项选择题", "单项选择", "单选择题", "single choice", "single-choice"),
    "multiple": ("多项选择题", "多项选择", "不定项选择题", "不定项选择", "多选择题", "multiple choice",
                 "multiple-choice"),
    "true_false": ("是非题", "判断正误", "判断正误题", "正误判断", "true/false", "truefalse", "true-false"),
    "fill_blank": ("填空", "fill in the blank", "fill-in", "blank"),
    "essay": ("论述题", "问答题", "名词解释", "名词解释题", "案例分析题", "案例分析", "分析题", "主观题",
              "综合题", "简述题", "论述", "问答", "案例题", "应用题", "综合应用题", "材料分析题", "简析题"),
    "numeric": ("计算", "numerical"),
    "ordering": ("排序",),
    "matching": ("连线题", "配对题", "连线", "配对"),
    CHOICE: ("选择题", "选择", "choice"),
}


def _type_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for name, question_type in QUESTION_TYPES.items():
        for word in (name, str(question_type.label), str(question_type.short_label)):
            names[word.lower()] = name
    for name, words in _TYPE_ALIASES.items():
        for word in words:
            names[word.lower()] = name
    return names


TYPE_NAMES = _type_names()
# Longest first, so that 单项选择题 wins over 选择题 in a heading.
_NAMES_BY_LENGTH = sorted(TYPE_NAMES, key=len, reverse=True)
_CHINESE_NAMES = [word for word in _NAMES_BY_LENGTH if not word.isascii()]
INLINE_MARKER = re.compile(
    r"[（(【\[]\s*(" + "|".join(re.escape(word) for word in _CHINESE_NAMES) + r")\s*[）)】\]]")


def type_from_name(text: object) -> str | None:
    """The bank type (or :data:`CHOICE`) a type name stands for: ``单选题`` → ``single``; else None."""
    if not isinstance(text, str):
        return None
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("[]【】()（）:：").lower()
    if word in TYPE_NAMES:
        return TYPE_NAMES[word]
    spaced = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()
    return TYPE_NAMES.get(spaced)


def type_in_heading(text: str) -> str | None:
    """The type a section heading names (``一、单项选择题（每小题 2 分，共 20 分）``), or None."""
    head = re.split(r"[（(:：，,。;；]", text, maxsplit=1)[0]
    for word in _CHINESE_NAMES:
        if word in head:
            return TYPE_NAMES[word]
    return None


def take_inline_marker(stem: str) -> tuple[str, str | None]:
    """Remove a type marker such as ``（单选）`` from a stem; returns (stem, type or None)."""
    match = INLINE_MARKER.search(stem)
    if match is None:
        return stem, None
    rest = (stem[: match.start()] + stem[match.end():]).strip()
    return rest, TYPE_NAMES[match.group(1).lower()]


# ---------------------------------------------------------------- keys

_KEY_SEPARATORS = re.compile(r"[\s、，,；;/|]+")
TRUE_WORDS = frozenset({"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y", "YES", "V"})
FALSE_WORDS = frozenset({"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "N", "NO"})


def _key_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"^[{(\[【]\s*(.*?)\s*[})\]】]$", r"\1", text).strip().rstrip("。.").strip()


def choice_keys(text: object) -> list[str] | None:
    """Option letters of a key as typed: ``B``, ``ABD``, ``A、C、D``, ``A B C``, ``abd``; else None.

    The letters keep the order written (an ordering question's key is an order).
    """
    if not isinstance(text, str):
        return None
    compact = _KEY_SEPARATORS.sub("", _key_text(text)).upper()
    if not compact or not re.fullmatch(r"[A-Z]+", compact):
        return None
    return list(compact)


def true_false(text: object) -> bool | None:
    """``True`` for 对/正确/√/T/TRUE…, ``False`` for 错/错误/×/F/FALSE…, else None."""
    if isinstance(text, bool):
        return text
    if not isinstance(text, str):
        return None
    word = re.sub(r"\s+", "", _key_text(text)).upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


# Blanks: a run of two or more underscores, or empty brackets ``（  ）`` / ``(  )``.
BLANK_MARKS = re.compile(r"_{2,}|[（(][ \t\u3000\u00a0]*[）)]")


def mark_blanks(stem: str) -> tuple[str, int]:
    """The stem with every blank written as the bank's ``____`` (longer runs kept), and the count."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        text = match.group(0)
        return text if text.startswith("_") and len(text) >= len(BLANK) else BLANK

    return BLANK_MARKS.sub(replace, stem), count


_BLANK_LABEL = re.compile(r"^第\s*[一二三四五六七八九十\d]+\s*空\s*[:：]\s*")


def blank_answers(text: str) -> list[list[str]]:
    """Answers of a fill-in question: ``；`` or ``;`` between blanks, ``|`` between accepted forms."""
    blanks = []
    for part in re.split(r"[；;]", _key_text(text) if text.strip().startswith("{") else text):
        part = _BLANK_LABEL.sub("", part.strip())  # 超星's "第一空：北京"
        forms = [form.strip() for form in re.split(r"[|｜]", part) if form.strip()]
        if forms:
            blanks.append(forms)
    return blanks


# ---------------------------------------------------------------- numbers

_DIFFICULTY_WORDS = {
    "易": 1, "容易": 1, "简单": 1, "较易": 2, "较容易": 2, "较简单": 2, "中": 3, "中等": 3, "适中": 3,
    "一般": 3, "较难": 4, "难": 5, "困难": 5, "很难": 5, "easy": 1, "medium": 3, "hard": 5,
}


def difficulty(value: object) -> int | None:
    """A bank difficulty 1–5 from 易/较易/中/较难/难 (1, 2, 3, 4, 5) or a number 1–5; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == int(value) and 1 <= value <= 5 else None
    if not isinstance(value, str):
        return None
    word = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()
    if word in _DIFFICULTY_WORDS:
        return _DIFFICULTY_WORDS[word]
    number = parse_decimal(word)
    if number is not None and number == number.to_integral_value() and 1 <= number <= 5:
        return int(number)
    return None


def points(value: object) -> int | float | None:
    """Points from ``2``, ``2.5``, ``2分``; None unless a number greater than 0."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (int(value) if value == int(value) else value) if value > 0 else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().removesuffix("分").strip()
    number = parse_decimal(text)
    if number is None or number <= 0:
        return None
    return to_number(number, text)


def split_tags(value: object) -> list[str]:
    """Tags from ``客户价值，CLV、RFM`` (split on ，,、;；)."""
    if not isinstance(value, str):
        value = "" if value is None else str(value)
    return [tag.strip() for tag in re.split(r"[，,、;；]", value) if tag.strip()]


_NUMERIC_ANSWER = re.compile(
    r"^([+-]?\d[\d,]*(?:\.\d+)?)\s*(?:(?:±|\+/-|\+-)\s*(\d+(?:\.\d+)?)\s*(%)?)?\s*([^\d\s].*)?$")


def numeric_answer(text: str) -> dict | None:
    """``26000``, ``26000元``, ``26000±500``, ``12.5±1%`` as the numeric fields; else None."""
    match = _NUMERIC_ANSWER.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        return None
    raw = match.group(1).replace(",", "")
    value = parse_decimal(raw)
    if value is None:
        return None
    fields: dict = {"answer": to_number(value, raw)}
    if match.group(2):
        tolerance = parse_decimal(match.group(2))
        fields["tolerance_pct" if match.group(3) else "tolerance"] = to_number(tolerance, match.group(2))
    unit = (match.group(4) or "").strip()
    if unit:
        if re.search(r"[\d=]", unit):
            return None
        fields["unit"] = unit
    return fields


# ---------------------------------------------------------------- one question

_PAIR = re.compile(r"\s*(?:=|＝|->|→|——)\s*")
_DISTRACTOR = re.compile(r"^干扰项\s*[:：]\s*")


@dataclass
class Draft:
    """What a reader collected for one question, before the type's rules are applied.

    ``kind`` is a bank type, :data:`CHOICE`, or None (guess from the content); ``answer`` is the
    key as typed (None when the source gave none).
    """

    kind: str | None
    stem: str
    options: dict[str, str] = field(default_factory=dict)
    answer: str | None = None
    explanation: str = ""
    points: int | float | None = None
    difficulty: int | None = None
    tags: list[str] = field(default_factory=list)
    chapter: str | None = None


class Problem(Exception):
    """The draft cannot become a bank question; the message says why, in Chinese."""


def assemble(draft: Draft) -> tuple[dict, list[str]]:
    """The bank question dict for ``draft`` (no ``id``; ``chapter`` last) and its warnings.

    Raises :class:`Problem` when the question cannot be imported. The result always passes
    :func:`app.domain.questions.validate_question` once an id is added.
    """
    warnings: list[str] = []
    stem = draft.stem.strip()
    if not stem:
        raise Problem("题干为空")
    answer = (draft.answer or "").strip()
    kind = draft.kind or _guess_kind(draft, stem, answer)
    if kind == CHOICE and not draft.options and true_false(answer) is not None:
        kind = "true_false"  # a 判断 under a 选择题 heading
    question: dict = {"type": kind, "difficulty": draft.difficulty or DEFAULT_DIFFICULTY}
    if draft.tags:
        question["tags"] = list(draft.tags)
    if draft.points is not None:
        question["points"] = draft.points
    question["stem"] = stem
    if kind in ("single", "multiple", CHOICE):
        _choice(question, draft, answer, warnings)
    elif kind == "true_false":
        _true_false(question, draft, answer)
    elif kind == "fill_blank":
        _fill_blank(question, draft, answer, warnings)
    elif kind == "numeric":
        _numeric(question, answer, warnings)
    elif kind == "ordering":
        _ordering(question, draft, answer)
    elif kind == "matching":
        _matching(question, draft)
    else:
        _essay(question, answer, warnings)
    if draft.explanation.strip():
        question["explanation"] = draft.explanation.strip()
    validation = validate_question({**question, "id": "import-check"})
    if validation.spec is None:
        raise Problem("题目无效：" + validation.message)
    question["chapter"] = draft.chapter
    return ordered(question), warnings


def _guess_kind(draft: Draft, stem: str, answer: str) -> str:
    if draft.options:
        return CHOICE
    if answer and true_false(answer) is not None:
        return "true_false"
    if mark_blanks(stem)[1]:
        return "fill_blank"
    if answer:
        return "essay"
    raise Problem("无法判断题型：没有选项、没有答案，也不在题型标题之下")


def _missing_key() -> Problem:
    return Problem("缺少答案（可写“答案：B”，或在试卷末尾的参考答案中给出）")


def _choice(question: dict, draft: Draft, answer: str, warnings: list[str]) -> None:
    if len(draft.options) < 2:
        raise Problem("选择题至少需要两个选项（A．… B．…）")
    if not answer:
        raise _missing_key()
    keys = choice_keys(answer)
    if keys is None:
        raise Problem(f"答案“{answer}”不是选项字母")
    unknown = [key for key in keys if key not in draft.options]
    if unknown:
        raise Problem(f"答案中的 {'、'.join(unknown)} 不在选项中")
    chosen = [key for key in draft.options if key in keys]
    kind = question["type"]
    if kind == "single" and len(chosen) > 1:
        warnings.append(f"单选题给了 {len(chosen)} 个答案 {''.join(chosen)}，已按多选题导入")
    if kind == "multiple" or len(chosen) > 1:
        question["type"] = "multiple"
        question["options"] = dict(draft.options)
        question["answer"] = chosen
    else:
        question["type"] = "single"
        question["options"] = dict(draft.options)
        question["answer"] = chosen[0]


def _true_false(question: dict, draft: Draft, answer: str) -> None:
    if not answer:
        raise _missing_key()
    value = true_false(answer)
    if value is None and draft.options:
        # "A．对  B．错" with the key "A"
        keys = choice_keys(answer)
        if keys and len(keys) == 1 and keys[0] in draft.options:
            value = true_false(draft.options[keys[0]])
    if value is None:
        raise Problem(f"判断题的答案“{answer}”应为 对/错、正确/错误、√/× 或 T/F")
    question["answer"] = value


def _fill_blank(question: dict, draft: Draft, answer: str, warnings: list[str]) -> None:
    stem, count = mark_blanks(question["stem"])
    if not count:
        raise Problem("填空题的题干中没有空（用下划线 ____ 或 （  ） 表示）")
    if not answer:
        raise _missing_key()
    blanks = blank_answers(answer)
    if len(blanks) != count:
        raise Problem(f"题干有 {count} 个空，答案却有 {len(blanks)} 个（各空答案用“；”分隔）")
    if draft.options:
        warnings.append("填空题的选项已忽略")
    question["stem"] = stem
    question["answer"] = blanks


def _numeric(question: dict, answer: str, warnings: list[str]) -> None:
    if not answer:
        raise _missing_key()
    fields = numeric_answer(answer)
    if fields is None:
        warnings.append("计算题的答案不是一个数，已按简答题导入，答案作为评分要点")
        question["type"] = "essay"
        question["rubric"] = answer
        return
    question["answer"] = fields.pop("answer")
    question.update(fields)


def _ordering(question: dict, draft: Draft, answer: str) -> None:
    if len(draft.options) < 2:
        raise Problem("排序题至少需要两个要排序的项（选项 A、B…）")
    if not answer:
        raise _missing_key()
    keys = choice_keys(answer)
    if keys is None or sorted(keys) != sorted(draft.options):
        raise Problem(f"排序题的答案“{answer}”应把每个选项字母按正确顺序各写一次")
    question["options"] = dict(draft.options)
    question["answer"] = keys


def _matching(question: dict, draft: Draft) -> None:
    pairs: dict[str, str] = {}
    distractors: list[str] = []
    for key, text in draft.options.items():
        if _DISTRACTOR.match(text):
            distractors.append(_DISTRACTOR.sub("", text).strip())
            continue
        parts = _PAIR.split(text, maxsplit=1)
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise Problem(f"匹配题的选项 {key} 应写成“左项=右项”")
        pairs[parts[0].strip()] = parts[1].strip()
    if len(pairs) < 2:
        raise Problem("匹配题至少需要两对“左项=右项”")
    question["answer"] = {"pairs": pairs}
    if distractors:
        question["distractors"] = distractors


def _essay(question: dict, answer: str, warnings: list[str]) -> None:
    question["type"] = "essay"
    if answer:
        question["rubric"] = answer
    else:
        question["rubric"] = ESSAY_PLACEHOLDER_RUBRIC
        warnings.append("简答题没有参考答案，已放入占位的评分要点，请补充")


def difficulty_warning(count: int) -> list[Skip]:
    """One summary warning for the questions that got the default difficulty."""
    if not count:
        return []
    return [Skip("难度", f"{count} 道题没有注明难度，已设为 {DEFAULT_DIFFICULTY}（中）")]
