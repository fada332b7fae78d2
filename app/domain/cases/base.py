"""The interface every case implements, and the checks they share."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from .grading import answers_problem
from .model import TEXTBOOK, CaseResult, CriterionResult, StepResult, Variant

MAX_SEED = 2**63 - 1


def coerce_seed(seed: object) -> int | None:
    """The seed as an int (also from a digit string), or None when it is not one."""
    if isinstance(seed, bool):
        return None
    if isinstance(seed, int):
        return seed if abs(seed) <= MAX_SEED else None
    if isinstance(seed, str):
        text = seed.strip()
        if text.lstrip("+-").isdigit() and text.isascii() and len(text) <= 20:
            value = int(text)
            return value if abs(value) <= MAX_SEED else None
    return None


class Case(ABC):
    """A case exercise: generates variants, knows their solution, grades answers.

    Subclasses set ``id``, ``title`` and ``chapter`` and implement ``build`` (a variant
    from a random generator), ``textbook``, ``solution`` and ``grade_steps``.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    chapter: ClassVar[str]
    #: What the textbook variant's numbers are: 示例数据 (fixed example data written for the
    #: course, because the source has none), 考试原题数据 or 教材例题数据.
    textbook_label: ClassVar[str] = "示例数据"

    def summary(self) -> dict[str, str]:
        """The entry of ``case list --json``."""
        return {"id": self.id, "title": self.title, "chapter": self.chapter}

    def generate(self, seed: int) -> Variant:
        """The variant for this seed; the same seed always gives the same variant.

        Raises ValueError for a seed that is not an integer; use
        :func:`app.domain.cases.make_variant` for a call that never raises.
        """
        value = coerce_seed(seed)
        if value is None:
            raise ValueError("种子应为整数。")
        return self.build(random.Random(value), value)

    @abstractmethod
    def build(self, rng: random.Random, seed: int | str) -> Variant:
        """Build a variant from a seeded random generator."""

    @abstractmethod
    def textbook(self) -> Variant:
        """The textbook variant: the source text's numbers, or a fixed documented variant."""

    @abstractmethod
    def solution(self, variant: Variant) -> dict[str, Any]:
        """The model answers in the answers-file shape ``{step id: value}``."""

    @abstractmethod
    def grade_steps(self, variant: Variant, answers: Mapping[str, Any]) -> list[StepResult]:
        """Grade every step of the variant (answers already known to be a mapping)."""

    def grade_criteria(self, variant: Variant, answers: Mapping[str, Any],
                       manual: Mapping[str, Any] | None = None) -> tuple[list[StepResult], list[CriterionResult]]:
        """Step results and rubric criterion results; a case without written steps has no criteria.

        Written tasks (:mod:`.rubric`) override this: ``manual`` holds the teacher's scores.
        """
        return self.grade_steps(variant, answers), []

    def grade(self, variant: Variant, answers: object, manual: Mapping[str, Any] | None = None) -> CaseResult:
        """Grade a student's answers; malformed input scores 0 with a message, never raises.

        ``manual`` (``{criterion id: score}``) are a teacher's scores of the rubric criteria that need
        judgement; without them those criteria stay pending (:attr:`CaseResult.pending`).
        """
        problem = answers_problem(answers)
        if variant.case_id != self.id:
            problem = f"该题目变体不属于案例 {self.id}。"
        if problem is not None:
            return CaseResult.from_steps(
                [StepResult(s.id, 0, s.points, problem) for s in variant.steps],
                [CriterionResult(c.id, s.id, c.label, 0.0, c.points, c.auto, problem)
                 for s in variant.steps for c in s.criteria])
        assert isinstance(answers, Mapping)
        steps, criteria = self.grade_criteria(variant, answers, manual)
        return CaseResult.from_steps(steps, criteria)

    def _variant(self, seed: int | str, params: dict[str, Any], text_md: str,
                 dataset: list[dict[str, Any]] | None, steps: tuple,
                 columns: tuple[tuple[str, str], ...] = ()) -> Variant:
        if seed == TEXTBOOK and self.textbook_label == "示例数据" and "示例数据" not in text_md:
            # Say so on the task itself: these are not the source text's numbers.
            heading, _, rest = text_md.partition("\n")
            text_md = f"{heading}\n\n> **示例数据**：资料中没有本题的原始数据，以下是为练习编写的固定示例数据。\n{rest}"
        return Variant(case_id=self.id, seed=seed, params=params, text_md=text_md,
                       dataset=dataset, steps=steps, columns=columns)


__all__ = ["Case", "TEXTBOOK", "coerce_seed"]
