"""Between the case work form and the answers-file shape ``{step id: value}``.

Field names use the step id and row/column positions (never the ids themselves, which need
no escaping that way): ``s-<step>`` for one value, ``s-<step>-<row>-<col>`` for a table cell,
``s-<step>-<row>`` for a classification row, ``f-<step>`` for an uploaded table. Cells keep
the text the student typed; the domain grader reads numbers such as ``2.6万`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from ..domain.cases import Step, Variant, parse_table_upload, solution
from ..domain.cases.grading import norm_key
from ..domain.cases.limits import MAX_CELL, MAX_TEXT, answer_problems, cell_limit
#: Steps that take an uploaded CSV/XLSX answer sheet.
GRID_KINDS = ("table", "classification")
#: Steps shown as a grid of cells (a written table has no answer sheet to upload).
CELL_KINDS = GRID_KINDS + ("text_table",)


def field_name(step: Step, row: int | None = None, col: int | None = None) -> str:
    """The form field of a step, a classification row or a table cell."""
    name = f"s-{step.id}"
    if row is not None:
        name += f"-{row}"
    if col is not None:
        name += f"-{col}"
    return name


def file_field(step: Step) -> str:
    """The file input of a table or classification step."""
    return f"f-{step.id}"


def _clean(raw: Any, limit: int, errors: list[str], where: str) -> str:
    text = str(raw or "").strip()
    if len(text) > limit:
        errors.append(_("%(where)s的内容太长（最多 %(n)d 个字符）。", where=where, n=limit))
        return ""
    return text


def answers_from_form(variant: Variant, form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Read the work form into answers; empty fields are left out. Returns ``(answers, errors by step)``."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for step in variant.steps:
        problems: list[str] = []
        if step.kind in ("table", "text_table"):
            value: Any = {}
            for r, (row_id, label) in enumerate(step.rows):
                cells = {}
                for c, (key, col_label) in enumerate(step.columns):
                    where = label if step.kind == "text_table" and len(step.columns) == 1 else f"{label}·{col_label}"
                    text = _clean(form.get(field_name(step, r, c)), cell_limit(step), problems, where)
                    if text:
                        cells[key] = text
                if cells:
                    value[row_id] = cells
        elif step.kind == "classification":
            value = {}
            for r, (row_id, label) in enumerate(step.rows):
                text = _clean(form.get(field_name(step, r)), MAX_CELL, problems, label)
                if text:
                    value[row_id] = text
        else:
            limit = MAX_TEXT if step.kind in ("ranking", "text", "writing") else MAX_CELL
            value = _clean(form.get(field_name(step)), limit, problems, _("本步"))
        if problems:
            errors[step.id] = problems
        if value:
            answers[step.id] = value
    return answers, errors


def _plain(value: Any) -> Any:
    """Keep JSON scalars from an upload; anything else (dates from Excel) becomes text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _option_key(step: Step, value: Any) -> Any:
    """A classification label typed as an option's key or text becomes the key (for the select)."""
    wanted = norm_key(value)
    for key, text in step.options:
        if wanted in (norm_key(key), norm_key(text)):
            return key
    return value


def merge_uploads(variant: Variant, answers: dict[str, Any],
                  uploads: Mapping[str, tuple[str, bytes]]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Replace the answers of table steps by their uploaded files (``{step id: (filename, data)}``).

    A file with any problem changes nothing: its errors come back by step id.
    """
    merged = dict(answers)
    errors: dict[str, list[str]] = {}
    for step_id, (filename, data) in uploads.items():
        step = variant.step(step_id)
        if step is None or step.kind not in GRID_KINDS:
            continue
        mapping, problems = parse_table_upload(filename, data, list(step.columns), step.row_ids)
        if problems:
            errors[step_id] = problems
            continue
        if step.kind == "classification":
            column = step.column_ids[0]
            merged[step_id] = {row: _option_key(step, _plain(cells.get(column))) for row, cells in mapping.items()
                               if _plain(cells.get(column)) not in (None, "")}
        else:
            merged[step_id] = {row: {k: _plain(v) for k, v in cells.items() if v not in (None, "")}
                               for row, cells in mapping.items()}
    # An uploaded cell has no form field's length cap: check every step's shape and size here.
    for step_id, problem in answer_problems(variant, merged).items():
        if step_id in errors:
            continue
        errors.setdefault(step_id or (variant.steps[0].id if variant.steps else ""), []).append(problem)
    return merged, errors


# --- showing a step -------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return " > ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _cell(value: Any, row_id: str, column: str | None) -> str:
    """The text of one cell of a table or classification answer, whatever shape it was stored in."""
    if not isinstance(value, dict):
        return ""
    row = value.get(row_id)
    if isinstance(row, dict):
        return _text(row.get(column)) if column is not None else _text(next(iter(row.values()), None))
    return _text(row)


@dataclass
class StepView:
    """What the work page shows for one step: inputs prefilled, the result and the model answer."""

    step: Step
    number: int
    value: str = ""
    grid: list[list[str]] = field(default_factory=list)
    result: dict | None = None
    model: str = ""
    model_grid: list[list[str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Whether the rows are customers of the data table, whose ids (C01, …) the page shows;
    #: other rows (A 类, 第 1 年, 一位满意客户 …) show their Chinese label only.
    show_ids: bool = True

    @property
    def option_keys(self) -> list[str]:
        """The keys a classification select offers."""
        return [key for key, _ in self.step.options]


def _grid(step: Step, value: Any) -> list[list[str]]:
    if step.kind == "classification":
        return [[_cell(value, row_id, None)] for row_id in step.row_ids]
    return [[_cell(value, row_id, col) for col in step.column_ids] for row_id in step.row_ids]


def step_views(variant: Variant, answers: Mapping[str, Any] | None, result: Mapping[str, Any] | None = None,
               with_model: bool = False, errors: Mapping[str, list[str]] | None = None) -> list[StepView]:
    """One view per step, in order; the model answers only when ``with_model``."""
    answers = answers or {}
    graded = {s.get("id"): s for s in (result or {}).get("steps", []) if isinstance(s, dict)}
    model = solution(variant) if with_model else {}
    views = []
    data_ids = {str(row.get("id")) for row in variant.dataset or []}
    for number, step in enumerate(variant.steps, start=1):
        view = StepView(step=step, number=number, result=graded.get(step.id),
                        errors=list((errors or {}).get(step.id, [])),
                        show_ids=bool(step.rows) and set(step.row_ids) <= data_ids)
        if step.kind in CELL_KINDS:
            view.grid = _grid(step, answers.get(step.id))
            if with_model:
                view.model_grid = _grid(step, model.get(step.id))
        else:
            view.value = _text(answers.get(step.id))
            if with_model:
                view.model = _text(model.get(step.id))
        views.append(view)
    return views
