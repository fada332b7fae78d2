"""Case exercises: realistic CRM tasks with data, solved in steps and graded like a teacher.

Pure domain code (no Flask, no database). The web and CLI layers call:

- :func:`list_cases` and :func:`get_case` (the :data:`CASES` registry, keyed by case id);
- :func:`make_variant` to build a variant from a case id and a seed (or the textbook);
- ``variant.public_dict()`` for the task shown to students (never the answers);
- :func:`solution` and :func:`grade` (``result.to_dict()`` for JSON);
- :func:`parse_table_upload`, :func:`dataset_to_csv`, :func:`dataset_to_xlsx`,
  :func:`table_template_csv`, :func:`table_template_xlsx` and :func:`pareto_points`.
"""

from __future__ import annotations

from typing import Any

from .abc_classification import AbcClassificationCase, pareto_points
from .base import Case, coerce_seed
from .customer_value import CustomerValueCase
from .ltv import LtvCase
from .model import STEP_KINDS, TEXTBOOK, CaseResult, Criterion, CriterionResult, Step, StepResult, Variant
from .platform_strengths import PlatformStrengthsCase
from .presales_pitch import PresalesPitchCase
from .numbers import format_number, parse_number
from .rfm import RfmCase
from .satisfaction import SatisfactionCase
from .scorecard import ScorecardCase
from .tables import (
    dataset_to_csv,
    dataset_to_xlsx,
    parse_table_upload,
    table_template_csv,
    table_template_xlsx,
)

#: Every case, keyed by its id (the id used in URLs, the CLI and stored attempts).
CASES: dict[str, Case] = {
    case.id: case
    for case in (
        CustomerValueCase(),
        AbcClassificationCase(),
        RfmCase(),
        LtvCase(),
        ScorecardCase(),
        SatisfactionCase(),
        PlatformStrengthsCase(),
        PresalesPitchCase(),
    )
}


def list_cases() -> list[dict[str, str]]:
    """The payload of ``case list --json``: ``[{"id", "title", "chapter"}]`` in course order."""
    return [case.summary() for case in CASES.values()]


def textbook_label(case_id: object) -> str:
    """How the textbook variant of a case is named (示例数据, 考试原题数据 or 教材例题数据)."""
    case = get_case(case_id)
    return case.textbook_label if case is not None else "示例数据"


def get_case(case_id: object) -> Case | None:
    """The case with this id, or None."""
    return CASES.get(case_id) if isinstance(case_id, str) else None


def make_variant(case_id: object, seed: object = None, textbook: bool = False) -> tuple[Variant | None, str | None]:
    """Build a variant; never raises.

    ``textbook=True`` (or ``seed == "textbook"``) gives the textbook variant; otherwise
    ``seed`` must be an integer (or a string of digits). Returns ``(variant, None)`` or
    ``(None, Chinese message)``.
    """
    case = get_case(case_id)
    if case is None:
        return None, f"没有编号为「{str(case_id)[:40]}」的案例。"
    if textbook or seed == TEXTBOOK:
        return case.textbook(), None
    value = coerce_seed(seed)
    if value is None:
        return None, "种子应为整数（或使用教材数据）。"
    return case.generate(value), None


def solution(variant: Variant) -> dict[str, Any]:
    """The model answers of a variant, in the answers-file shape; ``{}`` for an unknown case."""
    case = get_case(getattr(variant, "case_id", None))
    return case.solution(variant) if case is not None else {}


def grade(variant: Variant, answers: object, manual: object = None) -> CaseResult:
    """Grade answers for a variant; bad input gives zero points with a message, never an error.

    ``manual`` (``{criterion id: score}``) are a teacher's scores of a written task's rubric criteria
    that need judgement; other cases ignore it.
    """
    case = get_case(getattr(variant, "case_id", None))
    if case is None:
        return CaseResult(score=0, max_score=0, steps=())
    return case.grade(variant, answers, manual if isinstance(manual, dict) else None)


__all__ = [
    "CASES",
    "STEP_KINDS",
    "TEXTBOOK",
    "Case",
    "CaseResult",
    "Criterion",
    "CriterionResult",
    "Step",
    "StepResult",
    "Variant",
    "dataset_to_csv",
    "dataset_to_xlsx",
    "format_number",
    "get_case",
    "grade",
    "list_cases",
    "make_variant",
    "pareto_points",
    "parse_number",
    "parse_table_upload",
    "solution",
    "table_template_csv",
    "table_template_xlsx",
    "textbook_label",
]
