"""Module-level entry points: validate question data, grade a response, build views.

Every function accepts a question as a validated spec, as an object with a ``spec``
attribute (a bank :class:`~app.domain.bank.model.Question`), or as plain data (a mapping as
written in YAML or stored as JSON), and never raises on bad input.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from app.domain.marks import N_, Message
from app.domain.questions.base import QuestionType
from app.domain.questions.registry import QUESTION_TYPES, get_question_type
from app.domain.questions.result import GradeResult, Issue, Validation
from app.domain.questions.spec import ALLOWED_KEYS, QuestionSpec
from app.domain.questions.validate import did_you_mean, not_a_mapping, unknown_key_message

QuestionLike = Any  # QuestionSpec | Question | Mapping[str, Any]


def validate_question(data: object) -> Validation:
    """Validate plain question data: pick the type by ``type``, then check fields and rules."""
    if not isinstance(data, Mapping):
        return not_a_mapping(data)
    type_name = data.get("type")
    question_type = get_question_type(type_name)
    if question_type is not None:
        return question_type.validate(data)
    known = "、".join(QUESTION_TYPES)
    if "type" not in data:
        issue = Issue((), Message(N_("缺少字段 type（可选：%(types)s）"), types=known))
    else:
        hint = did_you_mean(type_name, QUESTION_TYPES)
        issue = Issue(("type",), Message(N_("未知题型 %(type)s%(hint)s（可选：%(types)s）"), type=repr(type_name), hint=hint,
                                         types=known))
    unknown = [
        Issue((key,), unknown_key_message(key, None, ALLOWED_KEYS)) for key in data if key not in ALLOWED_KEYS
    ]
    return Validation(None, (issue, *unknown))


def resolve(question: QuestionLike) -> tuple[QuestionType, QuestionSpec] | str:
    """The type and spec of ``question``, or a Chinese message saying why there are none."""
    spec = getattr(question, "spec", question)
    if not isinstance(spec, QuestionSpec):
        validation = validate_question(spec)
        if validation.spec is None:
            return Message(N_("题目数据无效：%(problems)s"), problems=validation.message)
        spec = validation.spec
    question_type = get_question_type(spec.type)
    if question_type is None:  # a spec subclass that was never registered
        return Message(N_("未注册的题型 %(type)s"), type=repr(spec.type))
    return question_type, spec


def _declared_points(question: QuestionLike) -> float:
    points = question.get("points", 1) if isinstance(question, Mapping) else 1
    valid = isinstance(points, (int, float)) and not isinstance(points, bool)
    return float(points) if valid and math.isfinite(points) and points > 0 else 1.0


def grade(question: QuestionLike, response: object) -> GradeResult:
    """Grade ``response`` (JSON data) against ``question``; never raises."""
    resolved = resolve(question)
    if isinstance(resolved, str):
        return GradeResult(0.0, _declared_points(question), False, False, resolved, resolved)
    question_type, spec = resolved
    return question_type.grade(spec, response)


def student_view(
    question: QuestionLike,
    order: Mapping[str, object] | None = None,
    rng: random.Random | None = None,
) -> dict[str, object]:
    """What a student may see before review (see :meth:`QuestionType.student_view`).

    ``order`` is a presentation order from :func:`shuffle` (stored with the attempt); without
    it ``rng`` shuffles, and without either a fixed order is used that never reveals the key.
    An invalid question gives ``{"error": message}``.
    """
    resolved = resolve(question)
    if isinstance(resolved, str):
        return {"error": resolved}
    question_type, spec = resolved
    return question_type.student_view(spec, order, rng)


def answer_view(question: QuestionLike) -> dict[str, object]:
    """The key in displayable form for review, or ``{"error": message}``."""
    resolved = resolve(question)
    if isinstance(resolved, str):
        return {"error": resolved}
    question_type, spec = resolved
    return question_type.answer_view(spec)


def shuffle(question: QuestionLike, rng: random.Random) -> dict[str, list[str]]:
    """A random presentation order (original ids) to store with an attempt; ``{}`` if invalid."""
    resolved = resolve(question)
    if isinstance(resolved, str):
        return {}
    question_type, spec = resolved
    return question_type.shuffle(spec, rng)


def key_response(question: QuestionLike) -> object:
    """A response that scores full marks (an essay's goes to manual grading); ``None`` if invalid."""
    resolved = resolve(question)
    if isinstance(resolved, str):
        return None
    question_type, spec = resolved
    return question_type.key_response(spec)
