"""Checked access to the parts of a question dict that the exporters write.

Every function raises :class:`~app.domain.interop.common.Unexpressible` with a Chinese reason
when the question is malformed, so an exporter can skip it instead of crashing.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..questions.option_refs import render_option_refs
from .common import BLANK_RUN, Unexpressible, is_number


def text_field(question: Mapping, key: str, *, required: bool = True) -> str:
    """A string field, stripped; required fields must not be empty."""
    value = question.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Unexpressible(f"缺少或无效的 {key}")
    return value.strip()


def explanation(question: Mapping) -> str:
    """The explanation with each ``{{opt:X}}`` as the bank letter: an export has no presentation order."""
    return render_option_refs(text_field(question, "explanation", required=False))


def question_id(question: Mapping) -> str:
    """The question's id (a non-empty string)."""
    value = question.get("id")
    if not isinstance(value, str) or not value.strip():
        raise Unexpressible("缺少 id")
    return value.strip()


def options(question: Mapping) -> dict[str, str]:
    """The ``options`` mapping of key → text, with at least two entries."""
    value = question.get("options")
    if not isinstance(value, Mapping) or len(value) < 2:
        raise Unexpressible("options 至少需要两个选项")
    result = {}
    for key, text in value.items():
        if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
            raise Unexpressible(f"选项 {key} 的内容为空或无效")
        result[str(key)] = str(text).strip()
    return result


def choice_answer(question: Mapping, opts: Mapping[str, str]) -> list[str]:
    """The right option keys of a single or multiple choice question."""
    answer = question.get("answer")
    keys = [answer] if question.get("type") == "single" else answer
    if not isinstance(keys, (list, tuple)) or not keys:
        raise Unexpressible("answer 应列出正确选项")
    keys = [str(key) for key in keys]
    unknown = [key for key in keys if key not in opts]
    if unknown:
        raise Unexpressible("answer 引用了不存在的选项:" + "、".join(unknown))
    if len(set(keys)) != len(keys):
        raise Unexpressible("answer 中有重复的选项")
    return keys


def true_false(question: Mapping) -> bool:
    """The answer of a true/false question."""
    answer = question.get("answer")
    if not isinstance(answer, bool):
        raise Unexpressible("判断题的 answer 应为 true 或 false")
    return answer


def numeric(question: Mapping) -> tuple[int | float, int | float | None]:
    """(answer, absolute tolerance or None) of a numeric question."""
    answer = question.get("answer")
    if not is_number(answer):
        raise Unexpressible("数值题的 answer 应是一个数")
    tolerance = question.get("tolerance")
    if tolerance is not None and (not is_number(tolerance) or tolerance < 0):
        raise Unexpressible("tolerance 应是非负数")
    pct = question.get("tolerance_pct")
    if pct is not None and (not is_number(pct) or pct < 0):
        raise Unexpressible("tolerance_pct 应是非负数")
    return answer, tolerance


def blanks(question: Mapping) -> tuple[list[str], list[str], list[list[str]]]:
    """(text pieces around the blanks, the underscore runs, accepted forms per blank)."""
    stem = text_field(question, "stem")
    runs = [match.group(0) for match in BLANK_RUN.finditer(stem)]
    pieces = BLANK_RUN.split(stem)
    answer = question.get("answer")
    if not runs:
        raise Unexpressible("填空题的题干中没有空格(4 个或更多下划线)")
    if not isinstance(answer, (list, tuple)) or len(answer) != len(runs):
        raise Unexpressible("填空题的 answer 应为每个空给出一组可接受的答案")
    forms = []
    for number, accepted in enumerate(answer, 1):
        if isinstance(accepted, str):
            accepted = [accepted]
        if not isinstance(accepted, (list, tuple)) or not accepted:
            raise Unexpressible(f"第 {number} 个空没有答案")
        texts = [str(form).strip() for form in accepted]
        if any(not text for text in texts):
            raise Unexpressible(f"第 {number} 个空有空白答案")
        forms.append(texts)
    return pieces, runs, forms


def matching(question: Mapping) -> tuple[dict[str, str], list[str]]:
    """(pairs left → right, distractors) of a matching question."""
    answer = question.get("answer")
    pairs = answer.get("pairs") if isinstance(answer, Mapping) else None
    if not isinstance(pairs, Mapping) or len(pairs) < 2:
        raise Unexpressible("配对题的 answer.pairs 至少需要两对")
    result = {}
    for left, right in pairs.items():
        if not str(left).strip() or not isinstance(right, (str, int, float)) or not str(right).strip():
            raise Unexpressible("配对题有空白的配对项")
        result[str(left).strip()] = str(right).strip()
    extra = question.get("distractors") or []
    if not isinstance(extra, (list, tuple)) or any(not str(item).strip() for item in extra):
        raise Unexpressible("distractors 应是非空字符串的列表")
    return result, [str(item).strip() for item in extra]


def ordering(question: Mapping) -> tuple[dict[str, str], list[str]]:
    """(options, the keys in the right order) of an ordering question."""
    opts = options(question)
    order = question.get("answer")
    if not isinstance(order, (list, tuple)) or sorted(map(str, order)) != sorted(opts):
        raise Unexpressible("排序题的 answer 应把每个选项恰好列出一次")
    return opts, [str(key) for key in order]
