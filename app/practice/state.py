"""Where a practice set comes from (its scope) and keeping sets in the user's session.

A scope is written as a short key: ``crm`` (the whole course), ``crm/ch05-customer-value``
(one chapter), ``due`` (the notebook's due questions), ``notebook`` (every notebook question,
redone now) or ``notebook/<question id>`` (one notebook question, redone now). The session
holds the few most recent sets, one per scope, so practice in two chapters does not mix.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session, url_for

from ..domain.practice import PracticeSet
from ..domain.questions.spec import ID_PATTERN

SESSION_KEY = "practice_sets"
MAX_SETS = 3
DUE = "due"
NOTEBOOK = "notebook"
ALL = "*"


@dataclass(frozen=True)
class Scope:
    """The questions a set is drawn from."""

    course: str | None = None
    chapter: str | None = None
    # Notebook scopes only (no course): None for the due questions, ALL or one question id for a redo.
    redo: str | None = None

    @property
    def notebook(self) -> bool:
        """True for the notebook's scopes (due review and redos)."""
        return self.course is None

    @property
    def due(self) -> bool:
        """True for the review of the notebook's due questions."""
        return self.notebook and self.redo is None

    @property
    def key(self) -> str:
        if self.due:
            return DUE
        if self.notebook:
            return NOTEBOOK if self.redo == ALL else f"{NOTEBOOK}/{self.redo}"
        return self.course + (f"/{self.chapter}" if self.chapter else "")

    @property
    def url(self) -> str:
        if self.due:
            return url_for("practice.review_due")
        if self.notebook:
            if self.redo == ALL:
                return url_for("practice.redo_notebook")
            return url_for("practice.redo_question", qid=self.redo)
        if self.chapter:
            return url_for("practice.chapter", course=self.course, slug=self.chapter)
        return url_for("practice.course_practice", course=self.course)

    @classmethod
    def parse(cls, key: str | None) -> Scope | None:
        """The scope written as ``key``, or None when it is not one (existence is checked elsewhere)."""
        if key == DUE:
            return cls()
        if key == NOTEBOOK:
            return cls(redo=ALL)
        parts = (key or "").split("/")
        if parts[0] == NOTEBOOK and len(parts) == 2 and ID_PATTERN.match(parts[1]):
            return cls(redo=parts[1])
        if len(parts) > 2 or not all(parts) or not all(p.replace("-", "").isalnum() and p.isascii() for p in parts):
            return None
        return cls(parts[0], parts[1] if len(parts) == 2 else None)


def load(scope: Scope, user_id: int) -> PracticeSet | None:
    """The user's set for ``scope`` kept in this session, if any."""
    stored = dict(_stored()).get(scope.key)
    found = PracticeSet.from_dict(stored)
    return found if found is not None and found.user_id == user_id else None


def save(scope: Scope, practice_set: PracticeSet) -> None:
    """Keep ``practice_set`` as the set of ``scope``, dropping the oldest sets beyond MAX_SETS."""
    kept = [[key, data] for key, data in _stored() if key != scope.key]
    session[SESSION_KEY] = kept[-(MAX_SETS - 1):] + [[scope.key, practice_set.to_dict()]]


def _stored() -> list[tuple[str, object]]:
    """The session's sets, oldest first (a list: the session serialiser sorts mapping keys)."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, list):
        return []
    return [(item[0], item[1]) for item in stored
            if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)]
