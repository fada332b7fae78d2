"""Moodle GIFT import and export.

``parse_gift(text)`` reads a GIFT file the way Moodle's own importer does and returns bank
question dicts; ``export_gift(chapters)`` writes the bank as GIFT that Moodle imports unchanged.
What GIFT cannot say (difficulty, tags, section, points, unit, rubric, …) travels in a
``// @crm {...}`` comment line just before the question, which Moodle ignores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import (
    BLANK, ESSAY_PLACEHOLDER_RUBRIC, IdAllocator, decode_input, decode_meta, defaults_warning,
    finish_question, fold_feedback, format_number, option_keys, parse_decimal, to_number,
)
from .gift_export import export_gift
from .gift_syntax import (
    Block, protect, read_weight, restore, rich_text, split_blocks, split_feedback,
    unescape_short_answer,
)
from .results import ImportResult, Skip

__all__ = ["parse_gift", "export_gift"]

_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Skipped(Exception):
    """The block is valid GIFT but has no bank equivalent."""


class _Invalid(Exception):
    """The block is not valid GIFT."""


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
    for block in split_blocks(source):
        meta, meta_problem = _block_meta(block)
        raw = block.text()
        where = f"第 {block.line} 行"
        if meta_problem:
            warnings.append(Skip(where, meta_problem, block.line))
        if not raw:
            continue
        if raw.startswith("$CATEGORY:"):
            parts = [part.strip() for part in raw[len("$CATEGORY:"):].split("/") if part.strip()]
            chapter = parts[-1] if parts and not parts[-1].startswith("$") else default_chapter
            continue
        try:
            parsed = _parse_block(raw, meta)
        except _Skipped as exc:
            skipped.append(Skip(_where(where, raw), str(exc), block.line))
            continue
        except _Invalid as exc:
            errors.append(Skip(_where(where, raw), str(exc), block.line))
            continue
        question = parsed.question
        fingerprint = "\n".join([question["type"], parsed.name or "", question.get("stem", "")])
        question["id"], id_warning = ids.allocate(parsed.name, fingerprint)
        located = f"{where} {question['id']}"
        for message in parsed.warnings + ([id_warning] if id_warning else []):
            warnings.append(Skip(located, message, block.line))
        questions.append(finish_question(question, meta, chapter, defaults_used))
    warnings.extend(defaults_warning(defaults_used))
    return ImportResult(questions=questions, skipped=skipped, errors=errors, warnings=warnings)


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
        raise _Skipped("没有答案部分(花括号),这是一段说明文字(description),不是题目")
    if start == -1 or end == -1 or end < start or "{" in text[start + 1:end]:
        raise _Invalid("花括号不成对")
    if "{" in text[end + 1:] or "}" in text[end + 1:]:
        raise _Invalid("一道题只能有一组答案花括号;多个空的填空题请用 Moodle XML(完形填空)导入")
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
        parsed.warnings.append(f"{images + more_images} 张图片没有导入,只保留了替代文字")
    return parsed


def _kind(answer: str) -> str:
    """Moodle's own order of tests for the question type."""
    if answer == "":
        return "essay"
    if answer.startswith("#"):
        return "numeric"
    if answer.startswith(">"):
        raise _Skipped("排序题(qtype_ordering 的 GIFT 扩展语法)不受支持,请用 Moodle XML 导入")
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
    entries = []
    for part in parts:
        part = part.strip()
        if part.startswith("="):
            weight, part = 1.0, part[1:]
        else:
            weight, part = read_weight(part, 0.0)
        text, feedback = split_feedback(part)
        entries.append((rich_text(text, fmt)[0], weight, rich_text(feedback, fmt)[0]))
    keys = option_keys(meta, len(entries))
    if keys is None:
        raise _Skipped("选项超过 26 个,无法编号")
    question = parsed.question
    question["options"] = {key: text for key, (text, _, _) in zip(keys, entries)}
    weights = {key: weight for key, (_, weight, _) in zip(keys, entries)}
    if "=" in answer:
        full = [key for key, weight in weights.items() if weight >= 0.9999]
        if len(full) != 1:
            raise _Skipped("单选题应恰好有一个满分选项,这道题有 %d 个" % len(full))
        question.update(type="single", answer=full[0])
        if any(weight != 0 for key, weight in weights.items() if key != full[0]):
            parsed.warnings.append("单选题中其他选项的部分得分或扣分已忽略")
    else:
        right = [key for key, weight in weights.items() if weight > 0]
        if not right:
            raise _Skipped("多选题没有得分的选项")
        question.update(type="multiple", answer=right)
        share = 1 / len(right)
        exact = all(abs(weights[key] - share) < 0.005 for key in right) and all(
            abs(weight + share) < 0.005 for key, weight in weights.items() if key not in right)
        if not exact and not (meta and "scoring" in meta):
            parsed.warnings.append(
                "选项权重与本平台的部分得分规则不同,已按本平台规则导入"
                "(选对一项得 1/k,选错一项扣 1/k)")
    return [(f"选项 {key}", fb) for key, (_, _, fb) in zip(keys, entries)]


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
            raise _Skipped(f"配对题的左项“{left_text}”重复")
        else:
            pairs[left_text] = right_text
    if len(pairs) < 2:
        raise _Skipped("配对题至少需要两对")
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
    chosen = None
    feedback = []
    for part in parts:
        weight, part = read_weight(part.strip(), 1.0)
        value_text, fb = split_feedback(part)
        value, tolerance = _numeric_value(restore(value_text).strip())
        feedback.append((f"答案 {format_number(value)}", rich_text(fb, fmt)[0]))
        if weight >= 0.9999 and chosen is None:
            chosen = (value, tolerance)
        elif 0 < weight < 0.9999:
            parsed.warnings.append(f"部分得分的答案 {format_number(value)} 已忽略")
    if chosen is None:
        raise _Skipped("数值题没有满分答案")
    parsed.question.update(type="numeric", answer=chosen[0])
    if chosen[1] is not None:
        parsed.question["tolerance"] = chosen[1]
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
    forms: list[str] = []
    feedback = []
    for part in parts:
        weight, part = read_weight(part.strip(), 1.0)
        form_text, fb = split_feedback(part)
        form, wildcard = unescape_short_answer(rich_text(form_text, fmt)[0])
        feedback.append((f"答案“{form}”", rich_text(fb, fmt)[0]))
        if weight < 0.9999:
            if weight > 0:
                parsed.warnings.append(f"部分得分的答案“{form}”已忽略")
        elif wildcard:
            parsed.warnings.append(f"含通配符 * 的答案“{form}”无法表达,已忽略")
        elif form and form not in forms:
            forms.append(form)
    if not forms:
        raise _Skipped("填空题没有可用的满分答案")
    parsed.question.update(type="fill_blank", answer=[forms])
    return feedback


def _read_essay(answer: str, fmt: str, meta: dict | None, parsed: _Parsed) -> list[tuple[str, str]]:
    parsed.question["type"] = "essay"
    if meta is None:
        parsed.question["rubric"] = ESSAY_PLACEHOLDER_RUBRIC
        parsed.warnings.append("GIFT 不含评分要点,已填入占位文字,请教师补充")
    return []


_READERS = {
    "choice": _read_choice, "true_false": _read_true_false, "matching": _read_matching,
    "numeric": _read_numeric, "short": _read_short, "essay": _read_essay,
}
