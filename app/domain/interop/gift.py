"""Moodle GIFT import and export.

``parse_gift(text)`` reads a GIFT file the way Moodle's own importer does and returns bank
question dicts; ``export_gift(chapters)`` writes the bank as GIFT that Moodle imports unchanged.
What GIFT cannot say (difficulty, tags, section, points, unit, rubric, …) travels in a
``// @crm {...}`` comment line just before the question, which Moodle ignores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import (
    BLANK, ESSAY_PLACEHOLDER_RUBRIC, category_path, IdAllocator, Unexpressible, decode_input, decode_meta,
    defaults_warning, finish_question, fold_feedback, format_number, option_keys, parse_decimal,
    to_number,
)
from .gift_export import export_gift
from .gift_syntax import (
    Block, protect, read_weight, restore, rich_text, split_blocks, split_feedback,
    unescape_short_answer,
)
from .results import ImportResult, Skip
from .weights import choice_fields, full_credit_forms, numeric_answer

__all__ = ["parse_gift", "export_gift"]

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Invalid(Exception):
    """The block is not valid GIFT (a question that has no bank equivalent raises Unexpressible)."""


@dataclass
class _Parsed:
    """A question read from one block, before id, metadata and chapter are applied."""

    name: str | None
    question: dict
    warnings: list[str] = field(default_factory=list)


def parse_gift(text: str | bytes, *, default_chapter: str | None = None) -> ImportResult:
    """Read a Moodle GIFT file into question-bank dicts. Never raises.

    ``$CATEGORY:`` lines set the chapter (the last path component); questions before any
    category get ``default_chapter``. Questions without a bank equivalent are skipped with
    the reason, unparseable blocks become errors, and losses (partial credit, images) warnings.
    """
    source, warnings, errors = decode_input(text)
    if source is None:
        return ImportResult(errors=errors, warnings=warnings)
    questions: list[dict] = []
    skipped: list[Skip] = []
    ids = IdAllocator()
    defaults_used: list[str] = []
    chapter = default_chapter
    category: str | None = None
    categories: list[str | None] = []
    places: list[str | None] = []
    for block in split_blocks(source):
        meta, meta_problem = _block_meta(block)
        raw = block.text()
        where = f"第 {block.line} 行"
        if meta_problem:
            warnings.append(Skip(where, meta_problem, block.line))
        if not raw:
            continue
        if raw.startswith("$CATEGORY:"):
            category, last = category_path(raw[len("$CATEGORY:"):])
            chapter = last or default_chapter
            continue
        try:
            parsed = _parse_block(raw, meta)
        except Unexpressible as exc:
            skipped.append(Skip(_where(where, raw), exc.reason, block.line))
            continue
        except _Invalid as exc:
            errors.append(Skip(_where(where, raw), str(exc), block.line))
            continue
        except (ArithmeticError, AttributeError, KeyError, TypeError, ValueError):
            # a last resort so that one odd block cannot abort the whole import
            errors.append(Skip(_where(where, raw), "无法读取这道题", block.line))
            continue
        question = parsed.question
        fingerprint = "\n".join([question["type"], parsed.name or "", question.get("stem", "")])
        question["id"], id_warning = ids.allocate(parsed.name, fingerprint)
        located = f"{where} {question['id']}"
        for message in parsed.warnings + ([id_warning] if id_warning else []):
            warnings.append(Skip(located, message, block.line))
        questions.append(finish_question(question, meta, chapter, defaults_used))
        categories.append(category)
        places.append(where)
    warnings.extend(defaults_warning(defaults_used))
    return ImportResult(questions=questions, skipped=skipped, errors=errors, warnings=warnings,
                        categories=categories, places=places)


def _where(where: str, raw: str) -> str:
    if raw.startswith("::"):
        end = raw.find("::", 2)
        if end != -1:
            return f"{where} {raw[: end + 2]}"
    return where


def _block_meta(block: Block) -> tuple[dict | None, str | None]:
    meta, problem = None, None
    for comment in block.comments:
        found, issue = decode_meta(comment)
        if found is not None or issue:
            meta, problem = found, issue
    return meta, problem


def _parse_block(raw: str, meta: dict | None) -> _Parsed:
    text = protect(raw)
    name = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            text = text[2:]
        else:
            name = restore(text[2:end]).strip() or None
            text = text[end + 2:].strip()
    start, end = text.find("{"), text.find("}")
    if start == -1 and end == -1:
        raise Unexpressible("没有答案部分（花括号），这是一段说明文字（description），不是题目")
    if start == -1 or end == -1 or end < start or "{" in text[start + 1:end]:
        raise _Invalid("花括号不成对")
    if "{" in text[end + 1:] or "}" in text[end + 1:]:
        raise _Invalid("一道题只能有一组答案花括号；多个空的填空题请用 Moodle XML（完形填空）导入")
    answer = text[start + 1:end].strip()
    before, after = text[:start], text[end + 1:]
    general = ""
    separator = answer.rfind("####")
    if separator != -1:
        general, answer = answer[separator + 4:], answer[:separator].strip()
    kind = _kind(answer)
    blank = _blank(meta) if kind == "short" else BLANK
    at_end = not after.strip()
    stem_source = before + after if at_end and kind != "short" else before + blank + after
    stem, fmt, images = rich_text(stem_source)
    if not stem.strip():
        raise _Invalid("题干为空")
    explanation, _, more_images = rich_text(general, fmt)
    parsed = _Parsed(name=name, question={"stem": stem})
    feedback = _READERS[kind](answer, fmt, meta, parsed)
    folded = fold_feedback(explanation, feedback)
    if folded:
        parsed.question["explanation"] = folded
    if images + more_images:
        parsed.warnings.append(f"{images + more_images} 张图片没有导入，只保留了替代文字")
    return parsed


def _kind(answer: str) -> str:
    """Moodle's own order of tests for the question type."""
    if answer == "":
        return "essay"
    if answer.startswith("#"):
        return "numeric"
    if answer.startswith(">"):
        raise Unexpressible("排序题（qtype_ordering 的 GIFT 扩展语法）不受支持，请用 Moodle XML 导入")
    if "~" in answer:
        return "choice"
    if "=" in answer and "->" in answer:
        return "matching"
    if answer.split("#", 1)[0].strip() in _TRUE_FALSE:
        return "true_false"
    return "short"


def _blank(meta: dict | None) -> str:
    width = (meta or {}).get("blank")
    return "_" * width if isinstance(width, int) and not isinstance(width, bool) and 4 <= width <= 80 else BLANK


def _read_choice(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    parts = answer.replace("=", "~=").split("~")
    if parts and not parts[0].strip():
        parts = parts[1:]
    if len(parts) < 2:
        raise _Invalid("选择题至少需要两个选项")
    texts, fractions, feedback = [], [], []
    for part in parts:
        part = part.strip()
        if part.startswith("="):
            fraction, part = 1.0, part[1:]
        else:
            fraction, part = read_weight(part, 0.0)
        text, comment = split_feedback(part)
        texts.append(rich_text(text, fmt)[0])
        fractions.append(fraction)
        feedback.append(rich_text(comment, fmt)[0])
    keys = option_keys(meta, len(texts))
    if keys is None:
        raise Unexpressible("选项超过 26 个，无法编号")
    # Moodle's rule: a question with an "=" answer is single choice, otherwise multiple
    fields, warnings = choice_fields(texts, fractions, "=" in answer, keys, meta)
    parsed.question.update(fields)
    parsed.warnings.extend(warnings)
    return [(f"选项 {key}", comment) for key, comment in zip(keys, feedback)]


def _read_true_false(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    value, wrong, right = (answer.split("#", 2) + ["", ""])[:3]
    parsed.question.update(type="true_false", answer=_TRUE_FALSE[value.strip()])
    return [("答对时", rich_text(right, fmt)[0]), ("答错时", rich_text(wrong, fmt)[0])]


def _read_matching(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    parts = answer.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    if len(parts) < 2:
        raise _Invalid("配对题至少需要两项")
    pairs: dict[str, str] = {}
    distractors: list[str] = []
    for part in parts:
        if "->" not in part:
            raise _Invalid("配对题的每一项都应写成 =左项 -> 右项")
        left, right = part.split("->", 1)
        left_text = rich_text(left, fmt)[0]
        right_text = restore(right).strip()
        if not right_text:
            raise _Invalid("配对题有空白的右项")
        if not left_text:
            distractors.append(right_text)
        elif left_text in pairs:
            raise Unexpressible(f"配对题的左项“{left_text}”重复")
        else:
            pairs[left_text] = right_text
    if len(pairs) < 2:
        raise Unexpressible("配对题至少需要两对")
    parsed.question.update(type="matching", answer={"pairs": pairs})
    if distractors:
        parsed.question["distractors"] = distractors
    return []


def _read_numeric(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    body, _, wrong = answer[1:].partition("~")
    parts = body.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    if not parts:
        raise _Invalid("数值题没有答案")
    entries, feedback = [], []
    for part in parts:
        fraction, part = read_weight(part.strip(), 1.0)
        value_text, comment = split_feedback(part)
        value, tolerance = _numeric_value(restore(value_text).strip())
        entries.append((value, tolerance, fraction))
        feedback.append((f"答案 {format_number(value)}", rich_text(comment, fmt)[0]))
    (value, tolerance), warnings = numeric_answer(entries)
    parsed.warnings.extend(warnings)
    parsed.question.update(type="numeric", answer=value)
    if tolerance is not None:
        parsed.question["tolerance"] = tolerance
    if wrong:
        feedback.append(("其他答案", rich_text(split_feedback(wrong)[1], fmt)[0]))
    return feedback


def _numeric_value(text: str) -> tuple[int | float, int | float | None]:
    """(answer, tolerance or None) of ``26000``, ``26000:100`` or ``25000..27000``."""
    if text.find("..") > 0:
        low_text, high_text = text.split("..", 1)
        low, high = parse_decimal(low_text), parse_decimal(high_text)
        if low is None or high is None or low > high:
            raise _Invalid(f"数值范围“{text}”无效")
        middle = (low + high) / 2
        return to_number(middle.normalize()), to_number((high - middle).normalize())
    if text.find(":") > 0:
        value_text, tolerance_text = text.split(":", 1)
        value, tolerance = parse_decimal(value_text), parse_decimal(tolerance_text)
        if value is None or tolerance is None or tolerance < 0:
            raise _Invalid(f"数值答案“{text}”无效")
        return to_number(value, value_text.strip()), to_number(tolerance, tolerance_text.strip())
    value = parse_decimal(text)
    if value is None:
        raise _Invalid(f"数值答案“{text}”不是数字")
    return to_number(value, text), None


def _read_short(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    parts = answer.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    entries, feedback = [], []
    for part in parts:
        fraction, part = read_weight(part.strip(), 1.0)
        form_text, comment = split_feedback(part)
        form, wildcard = unescape_short_answer(rich_text(form_text, fmt)[0])
        entries.append((form, fraction, wildcard))
        feedback.append((f"答案“{form}”", rich_text(comment, fmt)[0]))
    forms, warnings = full_credit_forms(entries)
    parsed.warnings.extend(warnings)
    parsed.question.update(type="fill_blank", answer=[forms])
    return feedback


def _read_essay(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    parsed.question["type"] = "essay"
    if meta is None:
        parsed.question["rubric"] = ESSAY_PLACEHOLDER_RUBRIC
        parsed.warnings.append("GIFT 不含评分要点，已填入占位文字，请教师补充")
    return []


_READERS = {
    "choice": _read_choice, "true_false": _read_true_false, "matching": _read_matching,
    "numeric": _read_numeric, "short": _read_short, "essay": _read_essay,
}
READERS = _READERS  # by GIFT answer syntax (QuestionType.gift_kind); read by the completeness test
