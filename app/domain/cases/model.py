"""Plain data types shared by every case: steps, variants and grading results."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

#: The seed marker of a textbook variant (the source text's own numbers).
TEXTBOOK = "textbook"

#: Kinds of answer a step takes; the Flask layer renders an input per kind. ``writing`` is a
#: written answer of several sentences and ``text_table`` a table of written cells (the written
#: tasks graded by a rubric, :mod:`.rubric`).
STEP_KINDS = ("number", "table", "classification", "choice", "ranking", "text", "writing", "text_table")


@dataclass(frozen=True)
class Criterion:
    """One named criterion of a rubric-graded step.

    ``auto`` criteria are checked by the grader at once; the others wait for a teacher, who
    scores them from 0 to ``points``. ``guide`` says what earns the points (shown beside the
    answer to the teacher, and with the task to the student).
    """

    id: str
    label: str
    points: float
    auto: bool
    guide: str

    def public_dict(self) -> dict[str, Any]:
        """The criterion as shown with the task."""
        return {"id": self.id, "label": self.label, "points": self.points, "auto": self.auto, "guide": self.guide}


@dataclass(frozen=True)
class Step:
    """One graded step of a case.

    ``rows``, ``columns`` and ``options`` describe the expected answer shape for the
    web layer and for table uploads; they are not part of the public JSON payload.
    ``rows`` and ``columns`` are ``(id, label)`` pairs; ``options`` are ``(key, text)``
    pairs (choice options, or the labels a classification accepts).
    """

    id: str
    prompt: str
    kind: str
    points: float
    rows: tuple[tuple[str, str], ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, str], ...] = ()
    unit: str = ""
    #: The rubric of a written step (its points are the criteria's sum); empty for other steps.
    criteria: tuple[Criterion, ...] = ()

    @property
    def row_ids(self) -> list[str]:
        """The row ids of a table or classification step, in order."""
        return [row_id for row_id, _ in self.rows]

    @property
    def column_ids(self) -> list[str]:
        """The column keys of a table step, in order."""
        return [key for key, _ in self.columns]

    def public_dict(self) -> dict[str, Any]:
        """The step as shown to students: id, prompt, kind and points."""
        return {"id": self.id, "prompt": self.prompt, "kind": self.kind, "points": self.points}


@dataclass(frozen=True)
class Variant:
    """One concrete task of a case, generated from a seed or taken from the textbook.

    ``params`` holds only the inputs of the task (never a derived result), so the
    whole variant can be shown to a student.
    """

    case_id: str
    seed: int | str
    params: dict[str, Any]
    text_md: str
    dataset: list[dict[str, Any]] | None
    steps: tuple[Step, ...]
    #: ``(key, Chinese header)`` of every dataset column, for pages (not part of the JSON payload).
    columns: tuple[tuple[str, str], ...] = ()

    def column_label(self, key: str) -> str:
        """The Chinese header of a dataset column (the key itself when none is declared)."""
        return dict(self.columns).get(key, key)

    @property
    def is_textbook(self) -> bool:
        """Whether this is the textbook variant."""
        return self.seed == TEXTBOOK

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every rubric criterion of every step, in order."""
        return tuple(c for step in self.steps for c in step.criteria)

    @property
    def manual_criteria(self) -> tuple[Criterion, ...]:
        """The criteria a teacher scores."""
        return tuple(c for c in self.criteria if not c.auto)

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    @property
    def max_score(self) -> float:
        """The sum of the points of every step."""
        return tidy(sum(step.points for step in self.steps))

    def public_dict(self) -> dict[str, Any]:
        """Exactly the payload of ``case show --json``; it never holds an answer."""
        return {
            "id": self.case_id,
            "seed": self.seed,
            "params": copy.deepcopy(self.params),
            "text_md": self.text_md,
            "dataset": copy.deepcopy(self.dataset),
            "steps": [step.public_dict() for step in self.steps],
        }


@dataclass(frozen=True)
class StepResult:
    """The grade of one step: points earned, points possible and Chinese feedback."""

    id: str
    score: float
    max: float
    feedback: str

    def to_dict(self) -> dict[str, Any]:
        """The step entry of the ``case grade --json`` payload."""
        return {"id": self.id, "score": tidy(self.score), "max": tidy(self.max), "feedback": self.feedback}


@dataclass(frozen=True)
class CriterionResult:
    """The grade of one rubric criterion; ``score`` is None while it waits for a teacher."""

    id: str
    step: str
    label: str
    score: float | None
    max: float
    auto: bool
    feedback: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The criterion entry of a rubric case's grade payload."""
        return {"id": self.id, "step": self.step, "label": self.label,
                "score": None if self.score is None else tidy(self.score), "max": tidy(self.max),
                "auto": self.auto, "feedback": self.feedback}


@dataclass(frozen=True)
class CaseResult:
    """The grade of a whole case.

    A case with written steps also carries ``criteria`` (one result per rubric criterion);
    ``score`` then counts the automatic criteria and those a teacher has scored, and
    :attr:`pending` the points still waiting for a teacher.
    """

    score: float
    max_score: float
    steps: tuple[StepResult, ...] = field(default_factory=tuple)
    criteria: tuple[CriterionResult, ...] = field(default_factory=tuple)

    @classmethod
    def from_steps(cls, steps: list[StepResult], criteria: list[CriterionResult] | None = None) -> CaseResult:
        """Add up step results into a case result."""
        return cls(
            score=tidy(sum(s.score for s in steps)),
            max_score=tidy(sum(s.max for s in steps)),
            steps=tuple(steps),
            criteria=tuple(criteria or ()),
        )

    @property
    def pending(self) -> float:
        """Points of the criteria still waiting for a teacher's score."""
        return tidy(sum(c.max for c in self.criteria if c.score is None))

    @property
    def needs_manual(self) -> bool:
        """Whether a teacher still has criteria to score."""
        return any(c.score is None for c in self.criteria)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the payload of ``case grade --json``; a rubric case adds ``criteria`` and ``pending``."""
        payload: dict[str, Any] = {
            "score": tidy(self.score),
            "max_score": tidy(self.max_score),
            "steps": [s.to_dict() for s in self.steps],
        }
        if self.criteria:
            payload["criteria"] = [c.to_dict() for c in self.criteria]
            payload["pending"] = self.pending
        return payload


def tidy(value: float) -> float | int:
    """Round a score to two decimals and drop a trailing ``.0`` (``3.0`` -> ``3``)."""
    rounded = round(float(value) + 0.0, 2)
    if rounded == int(rounded):
        return int(rounded)
    return rounded
