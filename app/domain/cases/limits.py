"""What a stored case answer may hold: the shape each step kind takes, with size caps.

Every path that stores case answers (the exam autosave of a case item, the case work form and
its table uploads) checks them here before writing, so a student cannot fill the database with
arbitrary JSON. The shape follows the step definitions (:class:`~.model.Step`): only the
variant's step ids; a ``number``, ``choice`` or ``text`` step takes a number or a short string;
a ``ranking`` step a string or a list of row ids; a ``table`` or ``classification`` step a mapping
of its own row ids to a cell value or to ``{column: value}`` with its own column keys. Row and
column ids match as the grader reads them (:func:`~.grading.norm_key`, column label or key).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from .grading import norm_key
from .model import Step, Variant

#: Longest text in one cell, number, choice or classification label (characters).
MAX_CELL = 100
#: Longest free text (a ``text`` or ``writing`` step, or a ranking typed as text).
MAX_TEXT = 1000
#: Longest written cell of a ``text_table`` step (a few sentences of a pitch).
MAX_TEXT_CELL = 300
#: Largest serialized answers object of one case (UTF-8 bytes of its compact JSON).
MAX_ANSWERS_BYTES = 64 * 1024

_LONG_KINDS = ("text", "ranking", "writing")
_GRID_KINDS = ("table", "classification", "text_table")


def cell_limit(step: Step) -> int:
    """The longest text one cell of this step may hold."""
    return MAX_TEXT_CELL if step.kind == "text_table" else MAX_CELL


def step_name(variant: Variant, step: Step) -> str:
    """How a message names a step: its number on the page (the id is the code's, not the student's)."""
    number = next((n for n, s in enumerate(variant.steps, start=1) if s.id == step.id), 0)
    return f"第 {number} 步"


def _row_name(step: Step, row_id: str) -> str:
    """A row as the page shows it: a customer id (C01) as is, other rows by their Chinese label."""
    label = dict(step.rows).get(row_id, row_id)
    return f" {row_id} " if len(label) > 10 or label == row_id else f"「{label}」"


def _column_name(step: Step, key: str) -> str:
    return f"「{dict(step.columns).get(key, key)}」"


def _scalar_problem(value: Any, limit: int) -> str | None:
    """None when ``value`` is a finite number, a string of at most ``limit`` characters or null."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if len(str(abs(value))) <= limit else "数字太长"
    if isinstance(value, float):
        return None if math.isfinite(value) else "数字无效（不能是 NaN 或无穷大）"
    if isinstance(value, str):
        return None if len(value) <= limit else f"内容太长（最多 {limit} 个字符）"
    return "应为数字或文字"


def _grid_problem(step: Step, value: Any) -> str | None:
    limit = cell_limit(step)
    if not isinstance(value, Mapping):
        return "应为 {行编号: 值} 形式的对象"
    rows = {norm_key(row_id): row_id for row_id in step.row_ids}
    columns = {norm_key(key): key for key, _ in step.columns} | {norm_key(label): key for key, label in step.columns}
    seen: set[str] = set()
    for raw_row, cell in value.items():
        row_id = rows.get(norm_key(raw_row))
        if row_id is None:
            return f"没有行编号「{str(raw_row)[:20]}」"
        name = _row_name(step, row_id)
        if row_id in seen:
            return f"行{name}重复出现"
        seen.add(row_id)
        if isinstance(cell, Mapping):
            used: set[str] = set()
            for raw_col, inner in cell.items():
                key = columns.get(norm_key(raw_col))
                if key is None:
                    return f"行{name}中没有列「{str(raw_col)[:20]}」"
                if key in used:
                    return f"行{name}的列{_column_name(step, key)}重复出现"
                used.add(key)
                problem = _scalar_problem(inner, limit)
                if problem:
                    return f"行{name}列{_column_name(step, key)}：{problem}"
        elif len(step.columns) <= 1:
            problem = _scalar_problem(cell, limit)
            if problem:
                return f"行{name.rstrip()}：{problem}"
        else:
            return f"行 {row_id} 应为 {{列名: 值}} 形式的对象"
    return None


def _ranking_problem(step: Step, value: Any) -> str | None:
    if isinstance(value, list):
        limit = max(len(step.rows), 1)
        if len(value) > limit:
            return f"排序最多 {limit} 项"
        for item in value:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                return "排序中的每一项应为编号"
            problem = _scalar_problem(item, MAX_CELL)
            if problem:
                return problem
        return None
    return _scalar_problem(value, MAX_TEXT)


def step_value_problem(step: Step, value: Any) -> str | None:
    """Why ``value`` is not a storable answer of ``step`` (a short Chinese phrase), or None."""
    if value is None:
        return None
    if step.kind in _GRID_KINDS:
        return _grid_problem(step, value)
    if step.kind == "ranking":
        return _ranking_problem(step, value)
    return _scalar_problem(value, MAX_TEXT if step.kind in _LONG_KINDS else MAX_CELL)


def answer_problems(variant: Variant, answers: object) -> dict[str, str]:
    """Every problem of a case answers object, keyed by step id ("" for the whole object).

    Empty when ``answers`` may be stored: a mapping of known step ids to values of each step's
    shape, at most :data:`MAX_ANSWERS_BYTES` serialized.
    """
    if answers is None:
        return {}
    if not isinstance(answers, Mapping):
        return {"": "案例题的答案应为 {步骤编号: 值} 形式的对象。"}
    problems: dict[str, str] = {}
    unknown = [str(key)[:40] for key in answers if variant.step(key) is None]
    if unknown:
        problems[""] = "没有这个步骤：" + "、".join(unknown[:5]) + "。"
        return problems
    for step in variant.steps:
        problem = step_value_problem(step, answers.get(step.id))
        if problem:
            problems[step.id] = f"{step_name(variant, step)}的答案无效：{problem}。"
    if not problems:
        try:
            size = len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except (TypeError, ValueError):
            return {"": "案例题的答案无法保存为 JSON。"}
        if size > MAX_ANSWERS_BYTES:
            problems[""] = f"案例题的答案太大（最多 {MAX_ANSWERS_BYTES // 1024} KB）。"
    return problems


def answers_problem_text(variant: Variant, answers: object) -> str | None:
    """All problems of :func:`answer_problems` as one message, or None when the answers may be stored."""
    problems = answer_problems(variant, answers)
    return "".join(problems.values()) or None
