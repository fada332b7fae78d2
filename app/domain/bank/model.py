"""A loaded bank question (a validated spec plus where it came from) and its content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.questions import QuestionSpec, validate_question

HASH_VERSION = "q1"
# Metadata that says where a question sits rather than what it asks: changing it keeps the
# same version, so re-tagging a question does not split its statistics.
_NOT_HASHED = frozenset({"tags", "difficulty", "section", "use"})  # metadata: editing it makes no new version


@dataclass(frozen=True)
class Question:
    """A validated question of the bank, with its chapter and source location."""

    spec: QuestionSpec
    chapter: str
    source_path: str
    source_line: int

    @property
    def id(self) -> str:
        """The question id (unique in the bank)."""
        return self.spec.id

    @property
    def type(self) -> str:
        """The YAML ``type`` string."""
        return self.spec.type

    @property
    def points(self) -> float:
        """Points for a fully right answer."""
        return float(self.spec.points)

    @property
    def difficulty(self) -> int:
        """1 (easy) … 5 (hard)."""
        return self.spec.difficulty

    @property
    def section(self) -> str | None:
        """The anchor of the chapter section the question tests, if given."""
        return self.spec.section

    @property
    def tags(self) -> list[str]:
        """Free tags."""
        return list(self.spec.tags)

    @property
    def location(self) -> str:
        """``path:line`` of the question in the bank."""
        return f"{self.source_path}:{self.source_line}"

    def to_data(self) -> dict[str, Any]:
        """The question as plain JSON-ready data (defaults filled in), e.g. for storage."""
        return self.spec.model_dump(mode="json")

    @property
    def content_hash(self) -> str:
        """See :func:`content_hash`."""
        return content_hash(self)


def content_hash(question: Question | QuestionSpec | Mapping[str, Any]) -> str:
    """A stable SHA-256 of what a question asks and how it is graded.

    Computed over the validated data with defaults filled in (so writing ``points: 1`` or
    leaving it out gives the same hash) and keys sorted; ``tags``, ``difficulty`` and
    ``section`` are left out. A changed stem, option, answer, tolerance, explanation… gives a
    new hash, i.e. a new version. Invalid data is hashed as written. Never raises.
    """
    spec = getattr(question, "spec", question)
    if not isinstance(spec, QuestionSpec):
        validation = validate_question(spec)
        spec = validation.spec if validation.spec is not None else spec
    if isinstance(spec, QuestionSpec):
        data: Any = {k: v for k, v in spec.model_dump(mode="json").items() if k not in _NOT_HASHED}
        for key in ("tolerance", "tolerance_pct"):
            if key in data and not data[key]:
                data[key] = None  # a zero tolerance grades exactly like none
    else:
        data = spec
    try:
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr)
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        text = repr(data)
    return hashlib.sha256(f"{HASH_VERSION}:{text}".encode()).hexdigest()
