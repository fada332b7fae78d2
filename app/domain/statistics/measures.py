"""Plain numeric helpers over lists of floats; each returns ``None`` when undefined."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

from app.domain.statistics.model import HistogramBin

HISTOGRAM_BINS = 10


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean, or ``None`` for no values."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def _sum_of_squares(values: Sequence[float]) -> float:
    centre = math.fsum(values) / len(values)
    return math.fsum((value - centre) ** 2 for value in values)


def _constant(values: Sequence[float]) -> bool:
    # Compared on the raw data: a mean such as 0.1 + 0.1 + 0.1 leaves tiny nonzero deviations.
    return max(values) == min(values)


def sample_variance(values: Sequence[float]) -> float | None:
    """The sample variance (divisor n − 1), or ``None`` for fewer than two values."""
    if len(values) < 2:
        return None
    if _constant(values):
        return 0.0
    return _sum_of_squares(values) / (len(values) - 1)


def sample_sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (divisor n − 1, as Moodle reports it)."""
    variance = sample_variance(values)
    return None if variance is None else math.sqrt(variance)


def median(values: Sequence[float]) -> float | None:
    """The median (mean of the two middle values for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation, or ``None`` when fewer than two pairs or either side is constant."""
    if len(xs) != len(ys) or len(xs) < 2 or _constant(xs) or _constant(ys):
        return None
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(ys) / len(ys)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    denominator = math.sqrt(_sum_of_squares(xs) * _sum_of_squares(ys))
    if denominator == 0:
        return None
    # Rounding can push a perfect correlation a hair past ±1.
    return max(-1.0, min(1.0, sxy / denominator))


def cronbach_alpha(matrix: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a complete person × item score matrix.

    α = k/(k−1) · (1 − Σ var(item) / var(total)); equal to KR-20 for 0/1 items. ``None``
    with fewer than two persons or items, or when every total is the same.
    """
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    items = len(matrix[0])
    if any(len(row) != items for row in matrix):
        return None
    totals = [math.fsum(row) for row in matrix]
    total_variance = sample_variance(totals)
    if not total_variance:
        return None
    item_variances = [sample_variance([row[j] for row in matrix]) or 0.0 for j in range(items)]
    return items / (items - 1) * (1 - math.fsum(item_variances) / total_variance)


def standard_error_of_measurement(sd: float | None, alpha: float | None) -> float | None:
    """SEM = sd · √(1 − α), or ``None`` when either is undefined."""
    if sd is None or alpha is None:
        return None
    return sd * math.sqrt(max(0.0, 1 - alpha))


def histogram(
    totals: Sequence[float], max_score: float | None, bins: int = HISTOGRAM_BINS
) -> tuple[HistogramBin, ...]:
    """Counts of totals for a bar chart over ``0 … top``, ``top = max(max_score, highest total)``.

    Whole-number scores with ``top < bins`` get one bin per score, ``[k, k + 1)`` for
    ``k = 0 … top``; otherwise ``bins`` equal bins ``[lower, upper)``, the last one closed.
    Totals below 0 fall into the first bin. When every total and the maximum are 0 there is
    a single bin ``[0, 0]``; without totals, no bins.
    """
    if not totals or bins < 1:
        return ()
    top = max([max_score or 0.0, *totals])
    if top <= 0:
        return (HistogramBin(0.0, 0.0, len(totals)),)
    if top < bins and all(float(value).is_integer() for value in (top, *totals)):
        edges = [float(score) for score in range(int(top) + 2)]
    else:
        edges = [top * index / bins for index in range(bins + 1)]
    counts = [0] * (len(edges) - 1)
    for total in totals:
        index = bisect_right(edges, total) - 1
        counts[min(max(index, 0), len(counts) - 1)] += 1
    return tuple(HistogramBin(edges[i], edges[i + 1], count) for i, count in enumerate(counts))
