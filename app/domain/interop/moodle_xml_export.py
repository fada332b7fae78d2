"""Write question-bank dicts as Moodle XML (used through ``moodle_xml.export_moodle_xml``).

Texts are written with ``format="markdown"``, which Moodle renders itself. Fill-in-the-blank
questions with one blank become ``shortanswer``, with several blanks ``cloze``; ordering
questions use the format of Moodle's ordering question type (qtype_ordering).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from ..questions.registry import get_question_type
from . import shapes
from .cloze import MARKER, blank_marker
from .common import (
    BLANK, Unexpressible, build_meta, convert_for_export, encode_meta, format_number,
    format_weight, is_number, percent_tolerance, standard_keys,
)
from .gift_syntax import escape_short_answer
from .results import ExportResult

_NATIVE = {"tags", "points", "unit", "tolerance", "rubric"}
_MD = {"format": "markdown"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def export_moodle_xml(chapters_with_questions: object, *, course: str = "crm") -> ExportResult:
    """Write the bank as a Moodle XML ``<quiz>``. Never raises; skips are listed with reasons.

    Accepts the same shapes as :func:`app.domain.interop.gift.export_gift`.
    """
    converted, skipped, errors = convert_for_export(chapters_with_questions, course, _question)
    if errors:
        return ExportResult(errors=errors)
    quiz = ET.Element("quiz")
    current = None
    for chapter, (comment, element) in converted:
        if chapter != current:
            quiz.append(_category(course, chapter))
            current = chapter
        if comment is not None:
            quiz.append(comment)
        quiz.append(element)
    ET.indent(quiz, space="  ")
    body = ET.tostring(quiz, encoding="unicode", short_empty_elements=False)
    return ExportResult(text='<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", skipped=skipped)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    if text is not None and _NOT_XML.search(text):
        raise Unexpressible("文字中含有 XML 不允许的控制字符")
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _text_holder(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    """``<tag format="markdown"><text>…</text></tag>``."""
    holder = _sub(parent, tag, **(attributes or _MD))
    _sub(holder, "text", text)
    return holder


def _category(course: str, chapter: str) -> ET.Element:
    element = ET.Element("question", type="category")
    _sub(_sub(element, "category"), "text", f"$course$/{course}/{chapter}")
    _text_holder(element, "info", "")
    return element


def _comment(meta: dict) -> ET.Comment:
    # "--" may not appear inside an XML comment; in the JSON it can only sit inside a string
    text = encode_meta(meta).replace("--", "-\\u002d")
    if _NOT_XML.search(text):
        raise Unexpressible("元数据中含有 XML 不允许的控制字符")
    return ET.Comment(f" {text} ")


def _question(question: object) -> tuple[ET.Comment | None, ET.Element]:
    if not isinstance(question, Mapping):
        raise Unexpressible("不是题目对象")
    question_type = get_question_type(question.get("type"))
    if question_type is None:
        raise Unexpressible(f"未知题型 {question.get('type')!r}")
    writer = _WRITERS[question_type.moodle_qtypes[0]]  # the type names its Moodle qtype
    qid = shapes.question_id(question)
    points = question.get("points", 1)
    if not is_number(points) or points <= 0:
        raise Unexpressible("points 应是正数")
    absent = ["points"] + (["scoring"] if question["type"] == "ordering" else [])
    native = _NATIVE | ({"scoring"} if question["type"] == "ordering" else set())
    meta = build_meta(question, native, absent)
    if question.get("tags") == []:
        meta["tags"] = []  # an empty list has no <tags> form
    element = ET.Element("question")
    _sub(_sub(element, "name"), "text", qid)
    _text_holder(element, "questiontext", shapes.text_field(question, "stem"))
    _text_holder(element, "generalfeedback",
                 shapes.explanation(question))
    _sub(element, "defaultgrade", format_number(points))
    _sub(element, "penalty", "0.3333333")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", qid)
    element.set("type", writer(question, element, meta))
    tags = question.get("tags") or []
    if not isinstance(tags, (list, tuple)):
        raise Unexpressible("tags 应是字符串列表")
    if tags:
        holder = _sub(element, "tags")
        for tag in tags:
            _sub(_sub(holder, "tag"), "text", str(tag))
    return (_comment(meta) if meta else None), element


def _answer(parent: ET.Element, fraction: str, text: str, fmt: str = "markdown") -> ET.Element:
    answer = _sub(parent, "answer", fraction=fraction, format=fmt)
    _sub(answer, "text", text)
    _text_holder(answer, "feedback", "")
    return answer


def _write_choice(question: Mapping, element: ET.Element, meta: dict) -> str:
    options = shapes.options(question)
    right = shapes.choice_answer(question, options)
    if not standard_keys(options):
        meta["option_keys"] = list(options)
    single = question["type"] == "single"
    _sub(element, "single", "true" if single else "false")
    _sub(element, "shuffleanswers", "true")
    _sub(element, "answernumbering", "ABCD")
    share = 1 / len(right)
    for key, text in options.items():
        if single:
            fraction = "100" if key in right else "0"
        else:
            fraction = format_weight(share if key in right else -share)
        _answer(element, fraction, text)
    return "multichoice"


def _write_true_false(question: Mapping, element: ET.Element, meta: dict) -> str:
    value = shapes.true_false(question)
    _answer(element, "100" if value else "0", "true", "moodle_auto_format")
    _answer(element, "0" if value else "100", "false", "moodle_auto_format")
    return "truefalse"


def _write_numeric(question: Mapping, element: ET.Element, meta: dict) -> str:
    value, tolerance = shapes.numeric(question)
    if tolerance is not None and question.get("tolerance_pct") is not None:
        meta["tolerance"] = tolerance  # keep both: the import drops a derived tolerance
    if tolerance is None and question.get("tolerance_pct") is not None:
        tolerance = percent_tolerance(value, question["tolerance_pct"])
    answer = _answer(element, "100", format_number(value), "moodle_auto_format")
    if tolerance is not None:
        _sub(answer, "tolerance", format_number(tolerance))
    unit = question.get("unit")
    if unit is not None and (not isinstance(unit, str) or not unit.strip()):
        raise Unexpressible("unit 应是非空字符串")
    _sub(element, "unitgradingtype", "0")
    _sub(element, "unitpenalty", "0.1000000")
    _sub(element, "showunits", "0" if unit else "3")
    _sub(element, "unitsleft", "0")
    if unit:
        holder = _sub(_sub(element, "units"), "unit")
        _sub(holder, "multiplier", "1")
        _sub(holder, "unit_name", unit.strip())
    return "numerical"


def _write_fill_blank(question: Mapping, element: ET.Element, meta: dict) -> str:
    pieces, runs, forms = shapes.blanks(question)
    if len(runs) == 1:
        _sub(element, "usecase", "0")
        for form in forms[0]:
            _answer(element, "100", escape_short_answer(form), "moodle_auto_format")
        return "shortanswer"
    if any(MARKER.search(piece) for piece in pieces):
        raise Unexpressible("题干中有与完形填空标记相同写法的文字，Moodle 会把它当作空")
    if any(run != BLANK for run in runs):
        meta["blank"] = [len(run) for run in runs]
    points = question.get("points", 1)
    # Moodle grades a cloze question out of the sum of its blanks' weights
    weight = int(points) // len(runs) if int(points) == points and points % len(runs) == 0 else 1
    text = pieces[0]
    for accepted, piece in zip(forms, pieces[1:]):
        text += blank_marker(accepted, weight) + piece
    if _NOT_XML.search(text):
        raise Unexpressible("文字中含有 XML 不允许的控制字符")
    element.find("questiontext/text").text = text
    return "cloze"


def _write_matching(question: Mapping, element: ET.Element, meta: dict) -> str:
    pairs, distractors = shapes.matching(question)
    _sub(element, "shuffleanswers", "true")
    for left, right in [*pairs.items(), *(("", item) for item in distractors)]:
        sub = _text_holder(element, "subquestion", left)
        _sub(_sub(sub, "answer"), "text", right)
    return "matching"


def _write_essay(question: Mapping, element: ET.Element, meta: dict) -> str:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "15"), ("attachments", "0"),
                       ("attachmentsrequired", "0")):
        _sub(element, tag, value)
    rubric = question.get("rubric")
    if isinstance(rubric, (list, tuple)):
        if not all(isinstance(point, str) and point.strip() for point in rubric):
            raise Unexpressible("rubric 的每一条都应是非空文字")
        meta["rubric"] = list(rubric)  # Moodle holds one text; the list comes back from here
        text = "\n".join(f"- {point.strip()}" for point in rubric)
    else:
        text = shapes.text_field(question, "rubric", required=False)
    _text_holder(element, "graderinfo", text)
    _text_holder(element, "responsetemplate", "", format="html")
    return "essay"


def _write_ordering(question: Mapping, element: ET.Element, meta: dict) -> str:
    options, order = shapes.ordering(question)
    meta["option_keys"] = order  # Moodle lists items in the right order; keys restore ours
    scoring = question.get("scoring", "all_or_nothing")
    if scoring not in ("partial", "all_or_nothing"):
        raise Unexpressible(f"未知的 scoring:{scoring}")
    grading = "LONGEST_ORDERED_SUBSET" if scoring == "partial" else "ALL_OR_NOTHING"
    for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"),
                       ("selectcount", str(len(order))), ("gradingtype", grading),
                       ("showgrading", "SHOW"), ("numberingstyle", "none")):
        _sub(element, tag, value)
    for position, key in enumerate(order, 1):
        _sub(_sub(element, "answer", fraction=str(position), format="markdown"), "text", options[key])
    return "ordering"


# By Moodle qtype, the first of each question type's QuestionType.moodle_qtypes; a writer returns
# the qtype it wrote (fill_blank: shortanswer for one blank, cloze for more).
_WRITERS: dict[str, Callable[[Mapping, ET.Element, dict], str]] = {
    "multichoice": _write_choice, "truefalse": _write_true_false, "numerical": _write_numeric,
    "shortanswer": _write_fill_blank, "matching": _write_matching, "essay": _write_essay,
    "ordering": _write_ordering,
}
WRITERS = _WRITERS  # read by the question-type completeness test
