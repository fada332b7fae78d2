"""Plain result objects returned by the question domain: grades and validation issues."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from app.domain.marks import joined

if TYPE_CHECKING:
    from app.domain.questions.spec import QuestionSpec

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one response to one question.

    ``error`` is set (and ``score`` is 0) when the response had the wrong shape, so that a
    malformed answer is told apart from a wrong one. ``needs_manual`` marks responses that
    wait for an instructor (essays).
    """

    score: float
    max_score: float
    correct: bool
    needs_manual: bool
    feedback: str
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The result as a JSON-ready mapping."""
        return asdict(self)


@dataclass(frozen=True)
class Issue:
    """One problem with a question's data; ``loc`` is the key path (``("options", "B")``).

    ``message`` is Chinese text, a :class:`~app.domain.marks.Message` that the web layer translates.
    """

    loc: Loc
    message: str


@dataclass(frozen=True)
class Validation:
    """The outcome of validating question data: a spec when valid, else the issues."""

    spec: QuestionSpec | None
    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the data is a valid question."""
        return self.spec is not None and not self.issues

    @property
    def message(self) -> str:
        """All issues joined into one line with ``；`` (empty when valid), translatable as a whole."""
        return joined(issue.message for issue in self.issues)
