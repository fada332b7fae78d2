"""Moodle XML import and export.

``parse_moodle_xml(data)`` reads ``<quiz>`` files as Moodle exports them; ``export_moodle_xml``
writes the bank back. ``<name>`` carries the id, ``<tags>`` the tags, ``<defaultgrade>`` the
points; the rest of what Moodle has no field for travels in an ``<!-- @crm {...} -->`` comment
just before the question. Files with a DOCTYPE or ENTITY declaration are refused before parsing,
because the standard library parser would expand entities (billion laughs).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ..questions.registry import QUESTION_TYPES
from .cloze import PLACEHOLDER, read_blanks
from .common import (
    BLANK, ESSAY_PLACEHOLDER_RUBRIC, category_path, ID_PATTERN, IdAllocator, Unexpressible, decode_input, decode_meta,
    defaults_warning, finish_question, fold_feedback, option_keys, parse_decimal, to_number,
)
from .gift_syntax import unescape_short_answer
from .html_text import convert_text
from .moodle_xml_export import export_moodle_xml
from .results import ImportResult, Skip
from .weights import choice_fields, full_credit_forms, numeric_answer, shuffled_keys

__all__ = ["parse_moodle_xml", "export_moodle_xml"]

_DANGEROUS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.I)
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_NOT_QUESTIONS = {
    "description": "说明文字（description）不是题目",
    "random": "随机题（random）只是抽题规则，不是题目",
}
_ORDERING_SCORING = {"ALL_OR_NOTHING": "all_or_nothing", "LONGEST_ORDERED_SUBSET": "partial"}


@dataclass
class _Parsed:
    """Fields read from one <question>, plus what was lost on the way."""

    question: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    images: int = 0


def parse_moodle_xml(data: str | bytes, *, default_chapter: str | None = None) -> ImportResult:
    """Read a Moodle XML file into question-bank dicts. Never raises.

    Category questions set the chapter (the last path component); questions before any category
    get ``default_chapter``. Unsupported question types are skipped with the reason; malformed or
    unsafe XML is an error.
    """
    hint = None
    if isinstance(data, (bytes, bytearray)):
        declared = _DECLARED_ENCODING.match(bytes(data[:300]))
        hint = declared.group(1).decode("ascii") if declared else None
    text, warnings, errors = decode_input(data, hint)
    if text is None:
        return ImportResult(errors=errors, warnings=warnings)
    if _DANGEROUS.search(text):
        return ImportResult(warnings=warnings, errors=[Skip(
            "文件", "XML 中含有 DOCTYPE 或 ENTITY 声明，为防止实体扩展攻击已拒绝导入"
                   "(Moodle 导出的文件不含这些声明)")])
    root, problem = _parse_tree(_DECLARATION.sub("", text, count=1))
    if problem:
        return ImportResult(warnings=warnings, errors=[problem])
    if root.tag != "quiz":
        return ImportResult(warnings=warnings, errors=[Skip(
            "文件", f"根元素应是 <quiz>，实际是 <{root.tag}>，这不是 Moodle XML 题目文件")])
    return _read_quiz(root, default_chapter, warnings)


def _parse_tree(text: str) -> tuple[ET.Element | None, Skip | None]:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    try:
        parser.feed(text)
        return parser.close(), None
    except ET.ParseError as exc:
        line, column = exc.position
        return None, Skip(f"第 {line} 行", f"XML 格式错误（第 {line} 行第 {column} 列）：{exc}", line)


def _read_quiz(root: ET.Element, default_chapter: str | None, warnings: list[Skip]) -> ImportResult:
    questions: list[dict] = []
    skipped: list[Skip] = []
    errors: list[Skip] = []
    ids = IdAllocator()
    defaults_used: list[str] = []
    chapter = default_chapter
    category: str | None = None
    categories: list[str | None] = []
    meta, meta_problem = None, None
    index = 0
    for element in root:
        if element.tag is ET.Comment:
            found, issue = decode_meta(element.text or "")
            if found is not None or issue:
                meta, meta_problem = found, issue
            continue
        if element.tag != "question":
            continue
        current_meta, current_problem, meta, meta_problem = meta, meta_problem, None, None
        kind = (element.get("type") or "").strip().lower()
        if kind == "category":
            category, last = category_path(_plain(element, "category/text"))
            chapter = last or default_chapter
            continue
        index += 1
        name = _plain(element, "name/text") or None
        where = name or f"第 {index} 题"
        if current_problem:
            warnings.append(Skip(where, current_problem))
        reader = _READERS.get(kind) if kind in _IMPORTED else None
        if reader is None:
            reason = _NOT_QUESTIONS.get(kind, f"Moodle 题型 {kind or '(未标明)'} 在本平台没有对应题型")
            skipped.append(Skip(where, reason))
            continue
        try:
            parsed = _read_question(element, reader, current_meta)
        except Unexpressible as exc:
            skipped.append(Skip(where, exc.reason))
            continue
        except (ArithmeticError, AttributeError, KeyError, TypeError, ValueError):
            # a last resort so that one odd question cannot abort the whole import
            errors.append(Skip(where, "无法读取这道题，结构不符合 Moodle XML 格式"))
            continue
        question = parsed.question
        idnumber = _plain(element, "idnumber")
        fingerprint = "\n".join([question["type"], name or "", question.get("stem", "")])
        candidate = next((c for c in (name, idnumber) if c and ID_PATTERN.match(c)), name)
        question["id"], id_warning = ids.allocate(candidate, fingerprint)
        located = where if question["id"] == name else f"{where}(编号 {question['id']})"
        for message in parsed.warnings + ([id_warning] if id_warning else []):
            warnings.append(Skip(located, message))
        questions.append(finish_question(question, current_meta, chapter, defaults_used))
        categories.append(category)
    warnings.extend(defaults_warning(defaults_used))
    return ImportResult(questions=questions, skipped=skipped, errors=errors, warnings=warnings,
                        categories=categories)


def _plain(element: ET.Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _rich(element: ET.Element | None, default: str, parsed: _Parsed) -> tuple[str, str]:
    """(markdown, format) of an element holding ``format="…"`` and a ``<text>`` child."""
    if element is None:
        return "", default
    fmt = element.get("format") or default
    text, images = convert_text(element.findtext("text") or "", fmt)
    parsed.images += images
    return text, fmt


def _read_question(element: ET.Element, reader, meta: dict | None) -> _Parsed:
    parsed = _Parsed()
    stem, fmt = _rich(element.find("questiontext"), "moodle_auto_format", parsed)
    explanation = _rich(element.find("generalfeedback"), fmt, parsed)[0]
    parsed.question["stem"] = stem
    feedback = reader(element, fmt, meta, parsed)
    if not parsed.question["stem"].strip():
        raise Unexpressible("题干为空")
    grade = parse_decimal(_plain(element, "defaultgrade"))
    if grade is not None and grade > 0:
        parsed.question["points"] = to_number(grade.normalize())
    tags = [tag.strip() for tag in (t.text or "" for t in element.findall("tags/tag/text")) if tag.strip()]
    if tags:
        parsed.question["tags"] = tags
    folded = fold_feedback(explanation, feedback)
    if folded:
        parsed.question["explanation"] = folded
    if parsed.images:
        parsed.warnings.append(f"{parsed.images} 张图片没有导入，只保留了替代文字")
    return parsed


def _answers(element: ET.Element, fmt: str, parsed: _Parsed) -> list[tuple[str, float, str]]:
    """(text, fraction, feedback) of every <answer>."""
    result = []
    for answer in element.findall("answer"):
        text = _rich(answer, fmt, parsed)[0]
        fraction = parse_decimal(answer.get("fraction") or "0")
        feedback = _rich(answer.find("feedback"), fmt, parsed)[0]
        result.append((text, float(fraction) / 100 if fraction is not None else 0.0, feedback))
    return result


def _flag(element: ET.Element, path: str, default: bool) -> bool:
    value = _plain(element, path).lower()
    return default if not value else value in ("1", "true", "yes")


def _read_multichoice(element, fmt, meta, parsed):
    answers = _answers(element, fmt, parsed)
    keys = option_keys(meta, len(answers))
    if keys is None:
        raise Unexpressible("选项超过 26 个，无法编号")
    fields, warnings = choice_fields([a[0] for a in answers], [a[1] for a in answers],
                                     _flag(element, "single", True), keys, meta)
    parsed.question.update(fields)
    parsed.warnings.extend(warnings)
    return [(f"选项 {key}", answer[2]) for key, answer in zip(keys, answers)]


def _read_truefalse(element, fmt, meta, parsed):
    answers = _answers(element, fmt, parsed)
    right = [text.strip().lower() for text, fraction, _ in answers if fraction >= 0.9999]
    if len(right) != 1 or right[0] not in ("true", "false"):
        raise Unexpressible("判断题应恰好有一个正确答案（true 或 false）")
    parsed.question.update(type="true_false", answer=right[0] == "true")
    labels = {"true": "选“对”时", "false": "选“错”时"}
    return [(labels.get(text.strip().lower(), text), fb) for text, _, fb in answers]


def _read_shortanswer(element, fmt, meta, parsed):
    answers = _answers(element, fmt, parsed)
    entries = []
    for text, fraction, _ in answers:
        form, wildcard = unescape_short_answer(text.strip())
        entries.append((form, fraction, wildcard))
    forms, warnings = full_credit_forms(entries)
    if _flag(element, "usecase", False):
        warnings.append("区分大小写的设置已忽略（本平台判分忽略大小写）")
    parsed.warnings.extend(warnings)
    parsed.question.update(type="fill_blank", answer=[forms])
    if not re.search(r"_{4,}", parsed.question["stem"]):
        parsed.question["stem"] = parsed.question["stem"].rstrip() + " " + BLANK
    return [(f"答案“{form}”", fb) for (form, _, _), (_, _, fb) in zip(entries, answers)]


def _read_numerical(element, fmt, meta, parsed):
    entries, feedback = [], []
    for answer in element.findall("answer"):
        value_text = (answer.findtext("text") or "").strip()
        fraction = parse_decimal(answer.get("fraction") or "0")
        comment = _rich(answer.find("feedback"), fmt, parsed)[0]
        if value_text == "*":
            feedback.append(("其他答案", comment))
            continue
        value = parse_decimal(value_text)
        if value is None:
            raise Unexpressible(f"数值答案“{value_text}”不是数字")
        tolerance_text = (answer.findtext("tolerance") or "").strip()
        tolerance = parse_decimal(tolerance_text) if tolerance_text else None
        entries.append((to_number(value, value_text),
                        to_number(abs(tolerance), tolerance_text) if tolerance is not None else None,
                        float(fraction) / 100 if fraction is not None else 0.0))
        feedback.append((f"答案 {value_text}", comment))
    (value, tolerance), warnings = numeric_answer(entries)
    parsed.warnings.extend(warnings)
    parsed.question.update(type="numeric", answer=value)
    if tolerance is not None:
        parsed.question["tolerance"] = tolerance
    units = [(_plain(unit, "unit_name"), parse_decimal(_plain(unit, "multiplier") or "1"))
             for unit in element.findall("units/unit")]
    base = [name for name, multiplier in units if name and multiplier == 1]
    if base:
        parsed.question["unit"] = base[0]
    if len(units) > len(base[:1]):
        parsed.warnings.append("换算单位（倍数不为 1 的单位）已忽略")
    return feedback


def _read_matching(element, fmt, meta, parsed):
    pairs: dict[str, str] = {}
    distractors: list[str] = []
    for sub in element.findall("subquestion"):
        left = _rich(sub, fmt, parsed)[0]
        right = _plain(sub, "answer/text")
        if not right:
            continue
        if not left:
            distractors.append(right)
        elif left in pairs:
            raise Unexpressible(f"配对题的左项“{left}”重复")
        else:
            pairs[left] = right
    if len(pairs) < 2:
        raise Unexpressible("配对题至少需要两对")
    parsed.question.update(type="matching", answer={"pairs": pairs})
    if distractors:
        parsed.question["distractors"] = distractors
    return []


def _read_essay(element, fmt, meta, parsed):
    rubric = _rich(element.find("graderinfo"), fmt, parsed)[0]
    parsed.question["type"] = "essay"
    if rubric:
        parsed.question["rubric"] = rubric
    elif meta is None:
        parsed.question["rubric"] = ESSAY_PLACEHOLDER_RUBRIC
        parsed.warnings.append("题目没有评分要点（graderinfo），已填入占位文字，请教师补充")
    return []


def _read_ordering(element, fmt, meta, parsed):
    answers = element.findall("answer")
    ranked = []
    for position, answer in enumerate(answers):
        rank = parse_decimal(answer.get("fraction") or "")
        ranked.append((float(rank) if rank is not None else position, position,
                       _rich(answer, fmt, parsed)[0]))
    items = [text for _, _, text in sorted(ranked) if text]
    if len(items) < 2:
        raise Unexpressible("排序题至少需要两项")
    keys = option_keys(meta, len(items)) if meta and meta.get("option_keys") else None
    keys = keys or shuffled_keys(len(items), parsed.question["stem"] + "\n".join(items))
    parsed.question.update(type="ordering", options={key: text for key, text in
                                                     sorted(zip(keys, items))}, answer=keys)
    grading = _plain(element, "gradingtype").upper()
    parsed.question["scoring"] = _ORDERING_SCORING.get(grading, "partial")
    if grading not in _ORDERING_SCORING and not (meta and "scoring" in meta):
        parsed.warnings.append(f"Moodle 的评分方式 {grading or '(默认)'} 已改为本平台的部分得分"
                               "(最长有序子序列)")
    count = parse_decimal(_plain(element, "selectcount") or "0")
    if _plain(element, "selecttype").upper() not in ("", "ALL", "EXACT") and count and 0 < count < len(items):
        parsed.warnings.append("Moodle 只抽取部分项目的设置已忽略，本平台显示全部项目")
    return []


def _read_cloze(element, fmt, meta, parsed):
    source = element.find("questiontext")
    raw = (source.findtext("text") or "") if source is not None else ""
    text, blanks, weights, warnings = read_blanks(raw, fmt == "html")
    if not blanks:
        raise Unexpressible("完形填空题中没有空")
    stem, images = convert_text(text, fmt)
    parsed.images += images
    widths = (meta or {}).get("blank")
    runs = [("_" * w if isinstance(w, int) and 4 <= w <= 80 else BLANK)
            for w in (widths if isinstance(widths, list) and len(widths) == len(blanks)
                      else [None] * len(blanks))]
    for run in runs:
        stem = stem.replace(PLACEHOLDER, run, 1)
    if len(set(weights)) > 1:
        warnings.append("各空分值不同，本平台每个空分值相同")
    parsed.warnings.extend(warnings)
    parsed.question.update(stem=stem, type="fill_blank", answer=blanks)
    return []


# By Moodle qtype; a qtype is read only when a question type claims it (QuestionType.moodle_qtypes).
_IMPORTED = frozenset(qtype for question_type in QUESTION_TYPES.values() for qtype in question_type.moodle_qtypes)
_READERS = {
    "multichoice": _read_multichoice, "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer, "numerical": _read_numerical,
    "matching": _read_matching, "match": _read_matching, "essay": _read_essay,
    "ordering": _read_ordering, "cloze": _read_cloze, "multianswer": _read_cloze,
}
READERS = _READERS  # read by the question-type completeness test
