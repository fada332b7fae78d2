"""Rules about an attempt that need no database: its status values and its deadline."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class AttemptStatus(StrEnum):
    """``Attempt.status``: the values are the strings stored in the database (never change them).

    A ``StrEnum`` compares equal to the stored string and renders as it (``str()``, JSON, SQL
    parameters), so rows loaded as plain strings and the members mix freely.
    """

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


def past_deadline(deadline: datetime | None, grace_seconds: int, now: datetime) -> bool:
    """Whether ``now`` is after ``deadline`` plus the grace period (no deadline: never)."""
    if deadline is None:
        return False
    return now > deadline + timedelta(seconds=grace_seconds)
