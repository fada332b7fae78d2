"""The :class:`QuestionType` base class: parse a response, then grade it; views for students.

Each concrete type (one module per family) subclasses it and is registered in
:mod:`app.domain.questions.registry` under its YAML ``type`` string.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, ClassVar

# CORRECT and WRONG are imported from here by the graders: one import line per grader module.
from app.domain.questions.feedback import BAD_FORMAT, CORRECT, UNANSWERED, WRONG, N_, say  # noqa: F401
from app.domain.questions.option_refs import render_option_refs
from app.domain.questions.result import GradeResult, Validation
from app.domain.questions.spec import QuestionSpec
from app.domain.questions.validate import validate_with


class ResponseError(Exception):
    """A response of the wrong shape; the message (a Chinese :class:`~app.domain.marks.Message`) says what was expected."""


def to_score(fraction: Fraction, points: float) -> float:
    """``fraction`` × ``points`` as a float, clamped to [0, points] and rounded for display."""
    if fraction >= 1:
        return float(points)
    if fraction <= 0:
        return 0.0
    return min(float(points), round(float(fraction * Fraction(points)), 4))


def is_permutation(candidate: object, ids: Sequence[str]) -> bool:
    """True when ``candidate`` is a list holding exactly the strings ``ids`` in some order."""
    return (
        isinstance(candidate, (list, tuple))
        and all(isinstance(item, str) for item in candidate)
        and sorted(candidate) == sorted(ids)
    )


class QuestionType(ABC):
    """One question type: its data model, its response parser and grader, its views.

    Grading is two steps, as in PrairieLearn: :meth:`parse_response` turns the raw JSON
    response into a typed value or raises :class:`ResponseError` (a format error, scored 0
    with a message), then :meth:`score` compares the parsed value with the key.
    """

    name: ClassVar[str]
    # The one name of the type on every page, in the API schema, the exam editor, filters and
    # exports (marked with N_, translated where shown): 单选题. ``short_label`` is the compact form
    # of rule descriptions and tight columns: 单选.
    label: ClassVar[str]
    short_label: ClassVar[str]
    model: ClassVar[type[QuestionSpec]]
    # Answered responses of such a type wait for an instructor instead of being scored.
    needs_manual: ClassVar[bool] = False
    # Practised with instant feedback (an essay is not: it waits for a teacher).
    practised: ClassVar[bool] = True
    # ``choices``: the student picks among the options (review lists every option, marking the
    # choice and the key); ``lettered``: those options carry a letter (A, B, C… by place) on the
    # page, and item statistics count them as distractors.
    choices: ClassVar[bool] = False
    lettered: ClassVar[bool] = False
    # What the type's student view adds (JSON Schema properties, for the API's question schema),
    # and its response shape in words (the API's response body).
    view_schema: ClassVar[dict[str, dict]] = {}
    response_example: ClassVar[str]
    # Interop: the Moodle XML qtypes that import as this type (the first is what export writes,
    # where one suffices), and the GIFT answer syntax it reads and writes (None: GIFT cannot say it).
    moodle_qtypes: ClassVar[tuple[str, ...]]
    gift_kind: ClassVar[str | None] = None

    @property
    def keys(self) -> frozenset[str]:
        """The YAML keys this type accepts."""
        return frozenset(self.model.model_fields)

    def validate(self, data: Mapping[str, Any]) -> Validation:
        """Validate question data against this type's model and rules."""
        return validate_with(self.model, data)

    # -- grading -------------------------------------------------------------------------

    @abstractmethod
    def parse_response(self, spec: Any, response: object) -> object:
        """Return the typed response, ``None`` for an empty one, or raise ResponseError."""

    @abstractmethod
    def score(self, spec: Any, parsed: Any) -> tuple[Fraction, str]:
        """The fraction of the points earned by a parsed response, and Chinese feedback."""

    def grade(self, spec: Any, response: object) -> GradeResult:
        """Grade ``response``; never raises."""
        points = float(spec.points)
        try:
            parsed = None if response is None else self.parse_response(spec, response)
        except ResponseError as exc:
            error = exc.args[0] if exc.args else str(exc)  # a Message: the web layer translates it
            return GradeResult(0.0, points, False, False, say(BAD_FORMAT, e=str(exc)), error)
        if parsed is None:
            return GradeResult(0.0, points, False, False, UNANSWERED)
        fraction, feedback = self.score(spec, parsed)
        if self.needs_manual:
            return GradeResult(0.0, points, False, True, feedback)
        return GradeResult(to_score(fraction, points), points, fraction >= 1, False, feedback)

    @abstractmethod
    def key_response(self, spec: Any) -> object:
        """A response that earns full marks (for self-tests of the bank)."""

    # -- views ---------------------------------------------------------------------------

    @abstractmethod
    def answer_display(self, spec: Any) -> str:
        """The key as one line of Chinese text for review pages."""

    def answer_extras(self, spec: Any) -> dict[str, object]:
        """Type-specific additions to :meth:`answer_view`."""
        return {}

    def answer_view(self, spec: Any) -> dict[str, object]:
        """The key for review: ``answer`` in response form, ``display`` text, explanation."""
        view: dict[str, object] = {
            "id": spec.id,
            "type": spec.type,
            "answer": self.key_response(spec),
            "display": self.answer_display(spec),
            "explanation": render_option_refs(spec.explanation),  # the API's option ids are bank ids
        }
        view.update(self.answer_extras(spec))
        return view

    def review_parts(self, spec: Any, parsed: Any) -> list[dict[str, object]] | None:
        """A response part by part beside the key, for review: ``[{"item", "given", "right", "ok"}]``.

        ``parsed`` is :meth:`parse_response`'s value or None (unanswered). None for a type whose
        review shows no parts (choices list their options instead; one number or text is one line).
        """
        return None

    def default_order(self, spec: Any) -> dict[str, list[str]]:
        """The presentation order used when none is given (never reveals the key)."""
        return {}

    def shuffle(self, spec: Any, rng: random.Random) -> dict[str, list[str]]:
        """A random presentation order; lists of the original ids, so grading needs no remap."""
        return {}

    def view_extras(self, spec: Any, order: Mapping[str, list[str]]) -> dict[str, object]:
        """What this type adds to the student view, laid out in ``order``."""
        return {"options": []}

    def resolve_order(
        self, spec: Any, order: Mapping[str, object] | None, rng: random.Random | None
    ) -> dict[str, list[str]]:
        """``order`` where it still fits the question, else a shuffle by ``rng``, else default.

        A stored order that no longer matches (the question changed) is ignored quietly.
        """
        resolved = self.shuffle(spec, rng) if rng is not None else self.default_order(spec)
        if isinstance(order, Mapping):
            for part, ids in resolved.items():
                if is_permutation(order.get(part), ids):
                    resolved[part] = list(order[part])  # type: ignore[arg-type]
        return resolved

    def student_view(
        self,
        spec: Any,
        order: Mapping[str, object] | None = None,
        rng: random.Random | None = None,
    ) -> dict[str, object]:
        """What a student may see before review: never the answer, explanation or rubric."""
        view: dict[str, object] = {
            "id": spec.id,
            "type": spec.type,
            "stem": spec.stem,
            "points": float(spec.points),
        }
        view.update(self.view_extras(spec, self.resolve_order(spec, order, rng)))
        return view


class OptionsMixin:
    """Presentation of the lettered ``options`` shared by single, multiple and ordering."""

    def default_order(self, spec: Any) -> dict[str, list[str]]:
        """Options in their YAML order."""
        return {"options": list(spec.options)}

    def shuffle(self, spec: Any, rng: random.Random) -> dict[str, list[str]]:
        """Options in a random order."""
        ids = list(spec.options)
        rng.shuffle(ids)
        return {"options": ids}

    def view_extras(self, spec: Any, order: Mapping[str, list[str]]) -> dict[str, object]:
        """Options as ``[{"id", "text"}]`` in presentation order."""
        return {"options": [{"id": key, "text": spec.options[key]} for key in order["options"]]}
