"""Rendering a case work page, for the student and for the instructor's read-only view."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _

from ..content.markdown_render import render_inline
from ..domain.cases import Variant, pareto_points, textbook_label
from ..i18n import N_
from ..models import CaseWork, User
from ..services import cases as svc
from .answers import step_views


# The names of a case's fixed variant, as the domain gives them (marked for translation).
TEXTBOOK_NAMES = {"示例数据": N_("示例数据"), "考试原题数据": N_("考试原题数据"), "教材例题数据": N_("教材例题数据")}


def textbook_name(case_id: str) -> str:
    """The translated name of a case's fixed variant: 示例数据, 考试原题数据 or 教材例题数据."""
    label = textbook_label(case_id)
    return _(TEXTBOOK_NAMES.get(label, label))


def dataset_columns(variant: Variant) -> list[tuple[str, str]]:
    """``(key, Chinese header)`` of every key that appears in the dataset's rows, in first-seen order."""
    columns: list[str] = []
    for row in variant.dataset or []:
        columns.extend(k for k in row if k not in columns)
    return [(key, variant.column_label(key)) for key in columns]


def rubric_context(variant: Variant, result: dict | None) -> dict[str, Any] | None:
    """A written task's rubric for the pages: criteria, their results by id, the teacher's comment."""
    if not variant.criteria:
        return None
    result = result or {}
    results = {c["id"]: c for c in result.get("criteria") or [] if isinstance(c, dict) and "id" in c}
    return {"criteria": variant.criteria, "manual": variant.manual_criteria, "results": results,
            "comment": result.get("comment") or "", "pending": result.get("pending") or 0}


def grading_view(variant: Variant, answers: dict | None, result: dict | None, comment: str,
                 prefix: str) -> dict[str, Any]:
    """What the rubric grading form shows for one answer (``prefix`` keeps its field ids unique on a page)."""
    rubric = rubric_context(variant, result) or {"results": {}}
    return {"steps": step_views(variant, answers or {}, result), "task_html": render_inline(variant.text_md),
            "criteria": variant.criteria, "results": rubric["results"], "comment": comment or "", "prefix": prefix}


def work_context(work: CaseWork, viewer: User, answers: dict[str, Any] | None = None,
                 errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Everything the work templates need; ``answers`` overrides the saved draft (a refused post)."""
    variant = svc.variant_for(work)
    with_review = svc.review_visible(work, viewer)
    assignment = work.assignment
    return {
        "work": work,
        "variant": variant,
        "assignment": assignment,
        "case_title": svc.case_title(work.case_id),
        "textbook_label": textbook_name(work.case_id) if variant.is_textbook else "",
        "task_html": render_inline(variant.text_md),
        "instructions_html": render_inline(assignment.instructions) if assignment and assignment.instructions else "",
        "columns": dataset_columns(variant),
        "steps": step_views(variant, work.answers if answers is None else answers, work.result,
                            with_model=with_review, errors=errors),
        "review": with_review,
        "pareto": pareto_points(variant) if with_review else [],
        "thresholds": variant.params.get("thresholds") or [],
        "rubric": rubric_context(variant, work.result),
        "past_due": svc.is_past_due(assignment),
        "status": svc.work_status(work),
    }


def render_work(work: CaseWork, viewer: User, action_url: str, answers: dict[str, Any] | None = None,
                errors: dict[str, list[str]] | None = None, status: int = 200):
    """The student's work page (inputs are disabled after the due date)."""
    context = work_context(work, viewer, answers, errors)
    return render_template("cases/work.html", action_url=action_url, **context), status
