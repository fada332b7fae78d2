"""The per-exam summary of the gradebook: count, mean, median and pass rate at 60 % of full marks."""

import pytest

from app.domain.statistics.summary import PASS_FRACTION, pass_mark, score_summary


def test_summary_of_scores():
    summary = score_summary([5, 4, 2, 0, None], 5)
    assert (summary.n, summary.mean, summary.median) == (4, 2.75, 3)
    assert summary.pass_mark == 3 and summary.passed == 2 and summary.pass_rate == 0.5


def test_a_score_at_the_pass_mark_passes_despite_rounding():
    assert PASS_FRACTION == 0.6 and pass_mark(18) == 10.8  # 0.6 · 18 = 10.799999… in floating point
    assert score_summary([10.8, 10.7999], 18).passed == 1


def test_without_scores_or_full_marks_nothing_is_made_up():
    empty = score_summary([None, None], 10)
    assert (empty.n, empty.mean, empty.median, empty.passed, empty.pass_rate) == (0, None, None, 0, None)
    no_top = score_summary([3], 0)
    assert no_top.pass_mark is None and no_top.pass_rate is None and no_top.mean == 3


def test_summary_as_json():
    assert score_summary([1, 2], 3).to_dict() == {"n": 2, "mean": 1.5, "median": 1.5, "pass_mark": 1.8,
                                                 "passed": 1, "pass_rate": 0.5}
    assert score_summary([1], 3, fraction=0.5).pass_mark == pytest.approx(1.5)
