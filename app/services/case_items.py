"""Case exercises as exam items.

A case in an exam is an attempt item like any question, so autosave, deadlines, submission
and review work unchanged. It points at a stand-in bank question of type ``case`` (inactive,
so it never enters a draw) and keeps the student's variant seed in ``presentation``.
"""

from __future__ import annotations

import random

from ..domain.cases import get_case, grade, make_variant, solution
from ..domain.cases.limits import answers_problem_text
from ..domain.cases.model import Variant
from ..extensions import db
from ..models import AttemptItem, Question, QuestionVersion
from .rendering import html

CASE_PREFIX = "case:"


def case_qid(case_id: str) -> str:
    return CASE_PREFIX + case_id


def is_case_data(data: dict) -> bool:
    return data.get("type") == "case"


def is_case_item(item: AttemptItem) -> bool:
    return is_case_data(item.version.data)


def ensure_case_question(case_id: str) -> QuestionVersion:
    """The stand-in question version for ``case_id`` (created once)."""
    case = get_case(case_id)
    if case is None:
        raise ValueError(f"没有编号为“{case_id}”的案例")
    qid = case_qid(case_id)
    question = db.session.scalar(db.select(Question).where(Question.qid == qid))
    if question is None:
        question = Question(qid=qid, course="crm", chapter=case.chapter, type="case", difficulty=3,
                            source="case", active=False)
        db.session.add(question)
        db.session.flush()
        version = QuestionVersion(question=question, number=1, content_hash=qid,
                                  data={"id": qid, "type": "case", "case_id": case_id, "title": case.title,
                                        "stem": case.title})
        db.session.add(version)
        db.session.flush()
        question.current_version = version
    return question.current_version


def new_case_item(case_id: str, points: float, position: int, rng: random.Random) -> AttemptItem:
    """An attempt item holding this student's own variant of the case."""
    version = ensure_case_question(case_id)
    return AttemptItem(position=position, qid=case_qid(case_id), version_id=version.id, points=points,
                       presentation=case_presentation(rng))


def case_presentation(rng: random.Random) -> dict:
    """The presentation of a case item: the student's variant seed, the paper's next draw."""
    return {"case_seed": rng.randrange(1, 2**31)}


def preview_case_item(case_id: str, points: float, position: int, rng: random.Random) -> AttemptItem:
    """:func:`new_case_item` for a sample paper that is never stored: nothing is written.

    Uses the case's stand-in question when it exists; before its first use, a stand-in version
    that exists only in the version cache (a negative id no row can have) and on the unsaved item.
    """
    case = get_case(case_id)
    if case is None:
        raise ValueError(f"没有编号为“{case_id}”的案例")
    qid = case_qid(case_id)
    version = db.session.scalar(db.select(QuestionVersion)
                                .join(Question, Question.current_version_id == QuestionVersion.id)
                                .where(Question.qid == qid))
    if version is None:
        from . import exam_cache

        data = {"id": qid, "type": "case", "case_id": case_id, "title": case.title, "stem": case.title}
        version = QuestionVersion(id=exam_cache.unsaved_version(qid, data), number=1, content_hash=qid, data=data)
    item = AttemptItem(position=position, qid=qid, version_id=version.id, points=points,
                       presentation=case_presentation(rng))
    item.version = version
    return item


def variant_for(item: AttemptItem) -> Variant:
    return _variant(item.version.data, item.presentation)


def _variant(data: dict, presentation: dict | None) -> Variant:
    variant, error = make_variant(data["case_id"], (presentation or {}).get("case_seed", 1))
    if variant is None:  # the case was removed from the code: grade nothing rather than fail
        raise ValueError(error)
    return variant


def step_view(step, data_ids: set[str] | frozenset[str] = frozenset()) -> dict:
    """What the exam page needs to render one step's inputs.

    ``show_ids``: the rows are customers of the data table, whose ids the page shows; other rows
    (A 类, 第 1 年, 一位满意客户 …) show their Chinese label only.
    """
    return {"id": step.id, "prompt": step.prompt, "kind": step.kind, "points": step.points, "unit": step.unit,
            "show_ids": bool(step.rows) and set(step.row_ids) <= set(data_ids),
            "rows": [{"id": r, "label": label} for r, label in step.rows],
            "columns": [{"id": c, "label": label} for c, label in step.columns],
            "options": [{"id": o, "label": label} for o, label in step.options]}


def case_payload(item: AttemptItem) -> dict:
    """The case as the student sees it: task, data and steps; never a solution."""
    variant = variant_for(item)
    columns = list(variant.dataset[0].keys()) if variant.dataset else []
    data_ids = {str(row.get("id")) for row in variant.dataset or []}
    return {"id": item.qid, "position": item.position, "type": "case", "points": item.points,
            "stem_html": html(variant.text_md), "options": [],
            "case": {"id": variant.case_id, "title": item.version.data.get("title", ""), "params": variant.params,
                     "dataset_columns": columns, "dataset_labels": [variant.column_label(c) for c in columns],
                     "dataset": variant.dataset or [],
                     "steps": [step_view(s, data_ids) for s in variant.steps]}}


def check_case_response(item: AttemptItem, response) -> str | None:
    """Why ``response`` may not be stored for this case item (naming the step), or None.

    A case response is null (to clear) or a mapping of the variant's step ids to values of each
    step's shape, within the size caps of :mod:`app.domain.cases.limits`.
    """
    try:
        variant = variant_for(item)
    except ValueError as exc:
        return str(exc)
    return answers_problem_text(variant, response)


def _result(item: AttemptItem, variant: Variant):
    """The case's grade of the item's response, with the teacher's rubric scores kept on the item."""
    return _graded(variant, item.presentation, item.response)


def _graded(variant: Variant, presentation: dict | None, response):
    from .case_rubric import manual_scores

    return grade(variant, response if isinstance(response, dict) else {}, manual_scores(presentation))


def grade_case_item(item: AttemptItem) -> tuple[float | None, str, bool]:
    """Score scaled to the item's points, the per-step feedback as text, and whether a teacher grades it.

    A written task waits for a teacher like an essay: no score (None) while criteria are pending;
    once the teacher has scored them it stays a manually graded item with its score.
    """
    return grade_case(item.version.data, item.points, item.presentation, item.response)


def grade_case(data: dict, points: float, presentation: dict | None, response) -> tuple[float | None, str, bool]:
    """:func:`grade_case_item` from plain values: the stand-in version's ``data``, the item's points,
    presentation (variant seed, teacher's scores) and response."""
    from .case_rubric import manual_scores

    variant = _variant(data, presentation)
    result = _graded(variant, presentation, response)
    feedback = "\n".join(f"{s.id}:{s.score:g}/{s.max:g} {s.feedback}" for s in result.steps)
    manual = bool(variant.manual_criteria) and (result.needs_manual or bool(manual_scores(presentation)))
    if result.needs_manual:
        return None, feedback, True
    scale = points / result.max_score if result.max_score else 0.0
    return round(result.score * scale, 4), feedback, manual


def case_review(item: AttemptItem) -> dict:
    """Per-step results, rubric criteria and the model solution, for review."""
    variant = variant_for(item)
    result = _result(item, variant)
    return {"steps": [s.to_dict() for s in result.steps], "solution": solution(variant),
            "criteria": [c.to_dict() for c in result.criteria], "pending": result.needs_manual,
            "display": "见各步骤的参考答案", "answer": solution(variant), "id": item.qid, "type": "case",
            "explanation": ""}
