"""Upper and lower 27 % groups of attempts, ranked by total score."""

from __future__ import annotations

import math
from collections.abc import Sequence

# Kelley's 27 %: the split that best trades group size against contrast.
GROUP_FRACTION = 0.27


def group_size(n: int) -> int:
    """Attempts in each group: 27 % of ``n`` rounded half up, at least 1, at most ``n // 2``.

    0 when ``n < 2`` (no contrast is possible). The groups never overlap.
    """
    if n < 2:
        return 0
    return min(n // 2, max(1, math.floor(GROUP_FRACTION * n + 0.5)))


def upper_lower(totals: Sequence[float]) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the upper and lower groups.

    Attempts are ranked once by total, highest first; equal totals keep their input order
    (earlier ranks higher). The upper group is the first ``group_size`` of that ranking and
    the lower group the last, so a tie at a cut is broken by input order: the service layer
    passes attempts in a stable order (by attempt id) to make the report reproducible.
    """
    size = group_size(len(totals))
    if size == 0:
        return frozenset(), frozenset()
    ranking = sorted(range(len(totals)), key=lambda index: (-totals[index], index))
    return frozenset(ranking[:size]), frozenset(ranking[-size:])
