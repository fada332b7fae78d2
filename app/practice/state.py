"""Where a practice set comes from (its scope) and keeping sets in the user's session.

A scope is written as a short key: ``crm`` (the whole course), ``crm/ch05-customer-value``
(one chapter) or ``due`` (the notebook's due questions). The session holds the few most
recent sets, one per scope, so practice in two chapters does not mix.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import session, url_for

from ..domain.practice import PracticeSet

SESSION_KEY = "practice_sets"
MAX_SETS = 3
DUE = "due"


@dataclass(frozen=True)
class Scope:
    """The questions a set is drawn from."""

    course: str | None = None
    chapter: str | None = None

    @property
    def due(self) -> bool:
        return self.course is None

    @property
    def key(self) -> str:
        if self.due:
            return DUE
        return self.course + (f"/{self.chapter}" if self.chapter else "")

    @property
    def url(self) -> str:
        if self.due:
            return url_for("practice.review_due")
        if self.chapter:
            return url_for("practice.chapter", course=self.course, slug=self.chapter)
        return url_for("practice.course_practice", course=self.course)

    @classmethod
    def parse(cls, key: str | None) -> Scope | None:
        """The scope written as ``key``, or None when it is not one (existence is checked elsewhere)."""
        if key == DUE:
            return cls()
        parts = (key or "").split("/")
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
