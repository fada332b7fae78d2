"""Write question-bank dicts as Moodle GIFT (used through :func:`app.domain.interop.gift.export_gift`).

Each chapter starts with ``$CATEGORY: $course$/<course>/<chapter>``; each question is
``// @crm {metadata}`` then ``::id::[markdown]stem{answers####explanation}``. Ordering questions
and fill-in-the-blank questions with several blanks have no GIFT form and are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..questions.registry import get_question_type
from . import shapes
from .common import (
    BLANK, Unexpressible, build_meta, convert_for_export, encode_meta, format_number, format_weight,
    percent_tolerance, standard_keys,
)
from .gift_syntax import escape, escape_short_answer, marked
from .results import ExportResult

# Fields GIFT carries itself; everything else of META_FIELDS goes to the comment.
_NATIVE = {"tolerance"}


def export_gift(chapters_with_questions: object, *, course: str = "crm") -> ExportResult:
    """Write the bank as GIFT. Never raises; each question left out is listed with the reason.

    ``chapters_with_questions`` is ``{chapter slug: [question, …]}``, a list of bank files
    ``[{"chapter": …, "questions": […]}]`` or a flat list of questions with ``chapter`` keys.
    """
    converted, skipped, errors = convert_for_export(chapters_with_questions, course, _question_block)
    if errors:
        return ExportResult(errors=errors)
    blocks: list[str] = []
    current = None
    for chapter, block in converted:
        if chapter != current:
            blocks.append(f"$CATEGORY: $course$/{course}/{chapter}")
            current = chapter
        blocks.append(block)
    text = "\n\n".join(blocks) + ("\n" if blocks else "")
    return ExportResult(text=text, skipped=skipped)


def _question_block(question: object) -> str:
    if not isinstance(question, Mapping):
        raise Unexpressible("不是题目对象")
    question_type = get_question_type(question.get("type"))
    if question_type is None:
        raise Unexpressible(f"未知题型 {question.get('type')!r}")
    if question_type.gift_kind is None:  # the type says GIFT has no syntax for it
        raise Unexpressible(f"GIFT 不能表达{question_type.label}；请用 Moodle XML 导出")
    writer = _WRITERS[question_type.gift_kind]
    qid = shapes.question_id(question)
    meta = build_meta(question, _NATIVE)
    head, body = writer(question, meta)
    explanation = shapes.explanation(question)
    lines = [f"// {encode_meta(meta)}"] if meta else []
    if isinstance(body, list):
        body = "{\n" + "".join(f"\t{line}\n" for line in body)
        if explanation:
            body += f"\t####{marked(explanation)}\n"
        body += "}"
        lines.append(f"::{escape(qid)}::[markdown]{head}{body}")
    else:
        feedback = f"####{marked(explanation)}" if explanation else ""
        tail = ""
        if isinstance(head, tuple):  # fill_blank: the answers sit inside the stem
            head, tail = head
        lines.append(f"::{escape(qid)}::[markdown]{head}{{{body}{feedback}}}{tail}")
    return "\n".join(lines)


def _stem(question: Mapping) -> str:
    return escape(shapes.text_field(question, "stem"))


def _write_choice(question: Mapping, meta: dict) -> tuple[str, list[str]]:
    options = shapes.options(question)
    right = shapes.choice_answer(question, options)
    if not standard_keys(options):
        meta["option_keys"] = list(options)
    lines = []
    if question["type"] == "single":
        for key, text in options.items():
            # a text starting with "%" could be read as a weight, so it gets an explicit one
            prefix = "=" if key in right else ("~%0%" if text.startswith("%") else "~")
            lines.append(prefix + marked(text))
    else:
        share = 1 / len(right)
        for key, text in options.items():
            weight = share if key in right else -share
            lines.append(f"~%{format_weight(weight)}%{marked(text)}")
    return _stem(question), lines


def _write_true_false(question: Mapping, meta: dict) -> tuple[str, str]:
    return _stem(question), "TRUE" if shapes.true_false(question) else "FALSE"


def _write_numeric(question: Mapping, meta: dict) -> tuple[str, str]:
    answer, tolerance = shapes.numeric(question)
    if tolerance is not None and question.get("tolerance_pct") is not None:
        meta["tolerance"] = tolerance  # keep both: the import drops a derived tolerance
    if tolerance is None and question.get("tolerance_pct") is not None:
        tolerance = percent_tolerance(answer, question["tolerance_pct"])
    value = format_number(answer)
    if tolerance is not None:
        value += ":" + format_number(tolerance)
    return _stem(question), "#" + value


def _write_fill_blank(question: Mapping, meta: dict) -> tuple[tuple[str, str], str]:
    pieces, runs, forms = shapes.blanks(question)
    if len(runs) != 1:
        raise Unexpressible(f"GIFT 只能表达一个空的填空题，这道题有 {len(runs)} 个空；请用 Moodle XML 导出")
    if any("->" in form for form in forms[0]):
        raise Unexpressible("答案含有“->”，Moodle 会把这道题读成配对题；请用 Moodle XML 导出")
    if runs[0] != BLANK:
        meta["blank"] = len(runs[0])
    answers = []
    for form in forms[0]:
        prefix = "=%100%" if form.startswith("%") else "="
        answers.append(prefix + marked(escape_short_answer(form)))
    return (escape(pieces[0]), escape(pieces[1])), " ".join(answers)


def _write_matching(question: Mapping, meta: dict) -> tuple[str, list[str]]:
    pairs, distractors = shapes.matching(question)
    lines = []
    for left, right in pairs.items():
        if "->" in left:
            raise Unexpressible("配对题左项含有“->”,GIFT 无法表达")
        lines.append(f"={marked(left)} -> {escape(right)}")
    lines.extend(f"= -> {escape(item)}" for item in distractors)
    return _stem(question), lines


def _write_essay(question: Mapping, meta: dict) -> tuple[str, str]:
    return _stem(question), ""


# By GIFT answer syntax; each question type names its own (QuestionType.gift_kind).
_WRITERS: dict[str, Callable] = {
    "choice": _write_choice, "true_false": _write_true_false, "numeric": _write_numeric,
    "short": _write_fill_blank, "matching": _write_matching, "essay": _write_essay,
}
WRITERS = _WRITERS  # read by the question-type completeness test
