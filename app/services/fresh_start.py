"""The start response without reading back what was just written.

:func:`app.services.attempts.start_or_resume` inserts a new attempt with Core statements; the
response that follows (:func:`app.services.exam_payloads.attempt_payload`) is built from the rows
as inserted, kept here on the session, instead of loading them again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, inspect

from ..extensions import db
from ..models import Attempt, User
from . import exam_cache

_KEY = "exams.fresh_start"


class _VersionData:
    """Stands in for ``AttemptItem.version``: case items read ``item.version.data``."""

    __slots__ = ("data",)

    def __init__(self, data: dict) -> None:
        self.data = data


class NewItem:
    """An attempt item as just inserted (a row of start_or_resume), with a new item's saved state."""

    __slots__ = ("position", "qid", "version_id", "points", "presentation")
    response = None
    seq = 0
    saved_at = None
    flagged = False

    def __init__(self, row: dict) -> None:
        self.position, self.qid, self.version_id = row["position"], row["qid"], row["version_id"]
        self.points, self.presentation = row["points"], row["presentation"]

    @property
    def version(self) -> _VersionData:
        return _VersionData(exam_cache.version_data(self.version_id))


@dataclass(frozen=True)
class FreshStart:
    """What :func:`~app.services.exam_payloads.attempt_payload` needs for an attempt this session has just inserted."""

    attempt: Attempt
    viewer: object
    title: str
    items: list[NewItem]


def unproxied(user):
    """The user object behind ``flask_login.current_user`` (compared by identity)."""
    get = getattr(user, "_get_current_object", None)
    return get() if get is not None else user


@event.listens_for(db.session, "after_begin")
def _forget_fresh_start(session, _transaction, _connection) -> None:
    # The snapshot describes the database as of the start's commit; once this session talks
    # to the database again (a save, a submit, a reload) it may no longer, so it is dropped.
    session.info.pop(_KEY, None)


def remember(attempt: Attempt, viewer, title: str, rows: list[dict]) -> None:
    """Keep the inserted ``rows`` of ``attempt`` for the response to ``viewer`` (the user who started it)."""
    db.session.info[_KEY] = FreshStart(attempt, unproxied(viewer), title, [NewItem(row) for row in rows])


def take(attempt: Attempt, viewer: User) -> FreshStart | None:
    """The snapshot of ``attempt`` if this session just inserted it for ``viewer`` and nothing changed since."""
    fresh = db.session.info.pop(_KEY, None)
    if (fresh is None or fresh.attempt is not attempt or fresh.viewer is not unproxied(viewer)
            or inspect(attempt).modified):
        return None
    return fresh
