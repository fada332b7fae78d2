"""Rules of the home dashboards that need no database: what counts as closing soon, how long is left.

All times are naive UTC, passed in explicitly so tests need no clock.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

#: An exam closing within this window is listed under "closing soon" on the teacher's home.
CLOSING_WINDOW = timedelta(hours=48)


def closing_soon(closes_at: datetime | None, now: datetime, window: timedelta = CLOSING_WINDOW) -> bool:
    """Whether ``closes_at`` is still ahead of ``now`` but within ``window`` (no closing time: never)."""
    return closes_at is not None and now < closes_at <= now + window


def hours_left(until: datetime | None, now: datetime) -> int | None:
    """Whole hours from ``now`` to ``until``, rounded up (1 for anything under an hour); None without a time."""
    if until is None:
        return None
    seconds = (until - now).total_seconds()
    return max(0, math.ceil(seconds / 3600))
