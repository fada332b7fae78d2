"""Exam item statistics, checked against values worked out by hand."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.statistics import (
    AttemptScores,
    QuestionInfo,
    cronbach_alpha,
    exam_statistics,
    group_size,
    histogram,
    pearson,
    upper_lower,
)

# Ten students, five 0/1 items, in input order S1 … S10.
#
#          Q1 Q2 Q3 Q4 Q5   total
#   S1      1  1  1  1  0     4
#   S2      1  1  1  0  0     3
#   S3      1  1  1  1  0     4
#   S4      1  1  0  0  1     3
#   S5      1  1  1  0  0     3
#   S6      1  1  0  0  1     3
#   S7      1  0  0  0  0     1
#   S8      0  0  0  0  1     1
#   S9      1  0  0  0  0     1
#   S10     0  0  0  0  0     0
#   right   8  6  4  2  3    23
#
# Ranking by total, ties in input order: S1 S3 | S2 S4 S5 S6 | S7 S8 S9 | S10.
# Group size: 27 % of 10 = 2.7 -> 3. Upper = S1 S3 S2 (S2 wins the tie at 3 points by coming
# first); lower = S8 S9 S10 (S7 ranks above S8 and S9 among the 1-point ties).
ROWS = ["11110", "11100", "11110", "11001", "11100", "11001", "10000", "00001", "10000", "00000"]
QIDS = ["Q1", "Q2", "Q3", "Q4", "Q5"]
# Q5 is a single-choice question whose key is A; S10 chose nothing.
Q5_CHOICES = ["C", "C", "C", "A", "B", "A", "D", "A", "B", None]


def dichotomous_attempts() -> list[AttemptScores]:
    attempts = []
    for row, choice in zip(ROWS, Q5_CHOICES, strict=True):
        scores = {qid: (int(mark), 1) for qid, mark in zip(QIDS, row, strict=True)}
        choices = {"Q5": [choice] if choice else []}
        attempts.append(AttemptScores(scores=scores, choices=choices, total=sum(map(int, row))))
    return attempts


def dichotomous_info() -> dict[str, QuestionInfo]:
    info = {qid: QuestionInfo(type="true_false", max_score=1) for qid in QIDS}
    info["Q5"] = QuestionInfo(type="single", options=("A", "B", "C", "D"), key=("A",), max_score=1)
    return info


@pytest.fixture
def report():
    return exam_statistics(dichotomous_attempts(), dichotomous_info())


def by_id(report, qid):
    return next(question for question in report.questions if question.id == qid)


def codes(question):
    return [flag.code for flag in question.flags]


# Facility p = right / 10.
@pytest.mark.parametrize(
    ("qid", "facility"), [("Q1", 0.8), ("Q2", 0.6), ("Q3", 0.4), ("Q4", 0.2), ("Q5", 0.3)]
)
def test_facility_is_mean_score_over_max(report, qid, facility):
    assert by_id(report, qid).facility == pytest.approx(facility)
    assert by_id(report, qid).mean_score == pytest.approx(facility)


# D = (right in upper S1 S3 S2) / 3 − (right in lower S8 S9 S10) / 3:
#   Q1 3/3 − 1/3 = 2/3   Q2 3/3 − 0/3 = 1   Q3 3/3 − 0/3 = 1
#   Q4 2/3 − 0/3 = 2/3   Q5 0/3 − 1/3 = −1/3
# Other tie-breaks would give Q3 = 2/3 (S4 upper) or Q5 = 0 (S7 lower), so this pins the rule.
@pytest.mark.parametrize(
    ("qid", "discrimination"),
    [("Q1", 2 / 3), ("Q2", 1.0), ("Q3", 1.0), ("Q4", 2 / 3), ("Q5", -1 / 3)],
)
def test_discrimination_uses_27_percent_groups_with_ties_in_input_order(
    report, qid, discrimination
):
    question = by_id(report, qid)
    assert question.discrimination == pytest.approx(discrimination)
    assert (question.upper_n, question.lower_n) == (3, 3)


# Corrected r_pb of item x with rest = total − x: r = (M1 − M0) / s_rest · √(p·q),
# s_rest the population SD of rest, M1/M0 the mean rest of those who got x right/wrong.
#   Q1 rest 3 2 3 2 2 2 0 1 0 0: mean 1.5, var 35/10 − 1.5² = 1.25;
#      M1 = 14/8 = 1.75, M0 = (1 + 0)/2 = 0.5; r = (1.75 − 0.5)/√1.25 · √0.16 = 0.447214
#   Q2 rest 3 2 3 2 2 2 1 1 1 0: mean 1.7, var 3.7 − 2.89 = 0.81;
#      M1 = 14/6, M0 = 3/4; r = (19/12)/0.9 · √0.24 = 0.861858
#   Q3 rest 3 2 3 3 2 3 1 1 1 0: mean 1.9, var 4.7 − 3.61 = 1.09;
#      M1 = 10/4 = 2.5, M0 = 9/6 = 1.5; r = 1/√1.09 · √0.24 = 0.469237
#   Q4 rest 3 3 3 3 3 3 1 1 1 0: mean 2.1, var 5.7 − 4.41 = 1.29;
#      M1 = 3, M0 = 15/8; r = 1.125/√1.29 · √0.16 = 0.396203
#   Q5 rest 4 3 4 2 3 2 1 0 1 0: mean 2, var 6 − 4 = 2;
#      M1 = 4/3, M0 = 16/7; r = (−20/21)/√2 · √0.21 = −0.308607
# Uncorrected, with the total (mean 2.3, var 7.1 − 5.29 = 1.81):
#   Q2 M1 = 20/6, M0 = 3/4: r = (31/12)/√1.81 · √0.24 = 0.940691
#   Q5 M1 = 7/3, M0 = 16/7: r = (1/21)/√1.81 · √0.21 = 0.016220
@pytest.mark.parametrize(
    ("qid", "corrected"),
    [("Q1", 0.447214), ("Q2", 0.861858), ("Q3", 0.469237), ("Q4", 0.396203), ("Q5", -0.308607)],
)
def test_point_biserial_correlates_with_the_rest_of_the_test(report, qid, corrected):
    assert by_id(report, qid).point_biserial == pytest.approx(corrected, abs=1e-6)


@pytest.mark.parametrize(("qid", "uncorrected"), [("Q2", 0.940691), ("Q5", 0.016220)])
def test_uncorrected_point_biserial_uses_the_whole_total(report, qid, uncorrected):
    assert by_id(report, qid).point_biserial_uncorrected == pytest.approx(uncorrected, abs=1e-6)


# Totals 4 3 4 3 3 3 1 1 1 0: n 10, mean 2.3, sum of squared deviations 71 − 10·2.3² = 18.1,
# sample SD √(18.1/9) = 1.418136; sorted 0 1 1 1 3 3 3 3 4 4 -> median 3.
# KR-20 = k/(k−1) · (1 − Σpq / σ²) with σ² = 1.81 (population, like pq):
#   Σpq = .8·.2 + .6·.4 + .4·.6 + .2·.8 + .3·.7 = .16 + .24 + .24 + .16 + .21 = 1.01
#   KR-20 = 5/4 · (1 − 1.01/1.81) = 5/4 · 0.8/1.81 = 1/1.81 = 0.552486
# SEM = SD · √(1 − KR-20) = √(18.1/9 · 0.81/1.81) = √0.9 = 0.948683
def test_exam_summary_matches_hand_computation(report):
    exam = report.exam
    assert exam.n == 10
    assert exam.mean == pytest.approx(2.3)
    assert exam.sd == pytest.approx(1.418136, abs=1e-6)
    assert exam.median == 3
    assert (exam.min, exam.max, exam.max_score) == (0, 4, 5)
    assert exam.alpha == pytest.approx(1 / 1.81)
    assert exam.sem == pytest.approx(math.sqrt(0.9))
    assert report.warnings == ()


def test_histogram_has_one_bin_per_whole_score(report):
    bins = [(b.lower, b.upper, b.count) for b in report.exam.histogram]
    assert bins == [(0, 1, 1), (1, 2, 3), (2, 3, 0), (3, 4, 4), (4, 5, 2), (5, 6, 0)]


def test_negative_discrimination_is_flagged_with_a_chinese_reason(report):
    flags = by_id(report, "Q5").flags
    flag = next(flag for flag in flags if flag.code == "negative_discrimination")
    assert flag.message == "区分度为负：高分组答对率低于低分组，请检查答案是否有误"
    assert "negative_discrimination" not in codes(by_id(report, "Q1"))


def test_facility_thresholds_are_strict(report):
    # Q4 sits exactly on 0.2: not "too hard". Ten answers are enough: no "few responses".
    assert codes(by_id(report, "Q4")) == []
    assert codes(by_id(report, "Q2")) == []


# Q5 (key A): A by S4 S6 S8, B by S5 S9, C by S1 S2 S3, D by S7, nothing by S10.
# Upper S1 S3 S2 all chose C; lower S8 S9 S10 chose A, B and nothing.
def test_distractor_analysis_counts_groups_and_flags_distractor_liked_by_upper_group(report):
    question = by_id(report, "Q5")
    rows = {row.option: (row.is_key, row.count, row.upper, row.lower, row.flagged)
            for row in question.distractors}
    assert rows == {
        "A": (True, 3, 0, 1, False),
        "B": (False, 2, 0, 1, False),
        "C": (False, 3, 3, 0, True),
        "D": (False, 1, 0, 0, False),
    }
    assert question.omitted == 1
    flag = next(flag for flag in question.flags if flag.code == "distractor_attracts_upper")
    assert "C" in flag.message and "高分组" in flag.message
    assert by_id(report, "Q1").distractors is None


def test_to_dict_has_the_contract_shape(report):
    data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert set(data["exam"]) >= {"n", "mean", "sd", "alpha", "sem"}
    assert [question["id"] for question in data["questions"]] == QIDS
    for question in data["questions"]:
        assert set(question) >= {"id", "facility", "discrimination", "point_biserial", "flags"}
    q5 = data["questions"][4]
    assert q5["discrimination"] == -0.3333
    assert q5["flags"][0] == {
        "code": "negative_discrimination",
        "message": "区分度为负：高分组答对率低于低分组，请检查答案是否有误",
    }
    assert data["exam"]["alpha"] == 0.5525


# Partial credit: A (max 2), B (max 1), C (max 3).
#          A   B   C    total
#   S1     2   1   3     6
#   S2     1   1   1.5   3.5
#   S3     0   0   0     0
#   S4     1   0   1.5   2.5
# Sample variances: A mean 1, SS 1+0+1+0 = 2 -> 2/3; B mean .5, SS 4·.25 = 1 -> 1/3;
#   C mean 1.5, SS 2.25+0+2.25+0 = 4.5 -> 1.5; Σ = 2.5.
#   Total mean 3, SS 9 + .25 + 9 + .25 = 18.5 -> 18.5/3.
# α = 3/2 · (1 − 2.5 / (18.5/3)) = 3/2 · 11/18.5 = 16.5/18.5 = 0.891892.
# SEM = √(18.5/3) · √(2/18.5) = √(2/3) = 0.816497.
# Facility: A (1 + .5 + 0 + .5)/4 = .5, B 2/4 = .5, C (1 + .5 + 0 + .5)/4 = .5.
# Groups of 27 % of 4 = 1.08 -> 1: upper S1, lower S3, so every D = 1 − 0 = 1.
# r(A, rest): A 2 1 0 1, rest 4 2.5 0 1.5; deviations 1 0 −1 0 and 2 .5 −2 −.5:
#   Sxy = 2 + 2 = 4, Sxx = 2, Syy = 8.5; r = 4/√17 = 0.970143.
PARTIAL = [(2, 1, 3), (1, 1, 1.5), (0, 0, 0), (1, 0, 1.5)]
PARTIAL_MAX = {"A": 2, "B": 1, "C": 3}


def partial_attempts(rows=PARTIAL):
    return [
        AttemptScores(scores={qid: (score, PARTIAL_MAX[qid]) for qid, score in zip("ABC", row)})
        for row in rows
    ]


def partial_info():
    return {qid: QuestionInfo(type="fill_blank", max_score=top) for qid, top in PARTIAL_MAX.items()}


def test_partial_credit_alpha_uses_item_variances():
    report = exam_statistics(partial_attempts(), partial_info())
    assert report.exam.alpha == pytest.approx(16.5 / 18.5)
    assert report.exam.sem == pytest.approx(math.sqrt(2 / 3))
    assert report.exam.mean == pytest.approx(3.0)  # totals default to the sum of scores
    assert [q.facility for q in report.questions] == pytest.approx([0.5, 0.5, 0.5])
    assert [q.discrimination for q in report.questions] == pytest.approx([1.0, 1.0, 1.0])
    assert report.questions[0].point_biserial == pytest.approx(4 / math.sqrt(17))
    assert all("few_responses" in codes(q) for q in report.questions)


def test_cronbach_alpha_is_kr20_for_dichotomous_items():
    matrix = [[int(mark) for mark in row] for row in ROWS]
    assert cronbach_alpha(matrix) == pytest.approx(1 / 1.81)


# Multiple choice, key A and C; S1 chose A C, S2 A, S3 B D, S4 A D (partial scores).
def test_multiple_choice_distractors_count_every_chosen_option():
    picks = [["A", "C"], ["A"], ["B", "D"], ["A", "D"]]
    scores = [1, 0.5, 0, 0]
    attempts = [
        AttemptScores(scores={"M": (score, 1)}, choices={"M": pick}, total=score)
        for score, pick in zip(scores, picks)
    ]
    info = {"M": QuestionInfo(type="multiple", options=("A", "B", "C", "D"), key=("A", "C"))}
    question = exam_statistics(attempts, info).questions[0]
    counts = {row.option: (row.count, row.upper, row.lower, row.flagged)
              for row in question.distractors}
    # Upper S1 (A C); lower S4 (A D): ranked S1 1, S2 .5, then S3 and S4 tie at 0, S4 last.
    assert counts == {
        "A": (3, 1, 1, False), "B": (1, 0, 0, False), "C": (1, 1, 0, False), "D": (2, 0, 1, False)
    }
    assert question.omitted == 0


def test_few_responses_flag_below_ten_attempts():
    report = exam_statistics(dichotomous_attempts()[:9], dichotomous_info())
    flag = next(flag for flag in report.questions[0].flags if flag.code == "few_responses")
    assert "9" in flag.message and "不可靠" in flag.message


def test_too_easy_and_too_hard_flags():
    attempts = [
        AttemptScores(scores={"easy": (1, 1), "hard": (1 if i == 0 else 0, 1), "mid": (i % 2, 1)})
        for i in range(12)
    ]
    info = {qid: QuestionInfo() for qid in ("easy", "hard", "mid")}
    easy, hard, mid = exam_statistics(attempts, info).questions
    assert codes(easy) == ["too_easy"] and "过易" in easy.flags[0].message
    assert codes(hard) == ["too_hard"] and "过难" in hard.flags[0].message
    assert codes(mid) == []


def assert_json_clean(report):
    text = json.dumps(report.to_dict(), allow_nan=False, ensure_ascii=False)
    assert "NaN" not in text and "Infinity" not in text


def test_no_attempts_gives_empty_values():
    report = exam_statistics([], dichotomous_info())
    exam = report.exam
    assert (exam.n, exam.mean, exam.sd, exam.median, exam.alpha, exam.sem) == (0, *[None] * 5)
    assert exam.histogram == () and exam.max_score == 5
    for question in report.questions:
        assert question.n == 0
        assert (question.facility, question.discrimination, question.point_biserial) == (
            None, None, None)
        assert codes(question) == ["few_responses"]
    assert_json_clean(report)


def test_one_attempt_has_a_mean_but_no_spread():
    report = exam_statistics(dichotomous_attempts()[:1], dichotomous_info())
    assert report.exam.mean == 4 and report.exam.sd is None
    assert report.exam.alpha is None and report.exam.sem is None
    q1 = report.questions[0]
    assert q1.facility == 1 and q1.discrimination is None and q1.point_biserial is None
    assert_json_clean(report)


def test_everyone_with_the_same_score_has_no_alpha_or_correlation():
    report = exam_statistics(partial_attempts([(1, 1, 1)] * 5), partial_info())
    assert report.exam.sd == 0
    assert report.exam.alpha is None and report.exam.sem is None
    assert all(q.point_biserial is None and q.discrimination == 0 for q in report.questions)
    assert_json_clean(report)


def test_a_question_nobody_answered_is_empty_and_left_out_of_alpha():
    info = partial_info() | {"unused": QuestionInfo(type="essay", max_score=5)}
    report = exam_statistics(partial_attempts(), info)
    unused = report.questions[-1]
    assert unused.n == 0 and unused.facility is None and unused.mean_score is None
    assert unused.discrimination is None and unused.point_biserial is None
    assert unused.max_score == 5
    assert report.exam.alpha == pytest.approx(16.5 / 18.5)
    assert_json_clean(report)


def test_pending_essay_is_counted_apart_and_blocks_alpha():
    attempts = partial_attempts()
    pending = AttemptScores(scores={"A": (2, 2), "B": (1, 1), "C": (None, 3)})
    report = exam_statistics([*attempts, pending], partial_info())
    c = report.questions[2]
    assert (c.n, c.pending) == (4, 1)
    assert report.exam.alpha is None
    assert any("α" in warning for warning in report.warnings)


def test_random_draws_keep_item_statistics_but_not_alpha():
    attempts = partial_attempts() + [AttemptScores(scores={"A": (2, 2), "B": (1, 1)})]
    report = exam_statistics(attempts, partial_info())
    assert report.questions[0].n == 5 and report.questions[2].n == 4
    assert report.exam.alpha is None and report.exam.max_score == 6


GOOD_BC = {"B": (1, 1), "C": (3, 3)}


@pytest.mark.parametrize(
    ("bad", "message", "a_count"),
    [
        (AttemptScores(scores={"A": (float("nan"), 2), **GOOD_BC}), "不是有效数字", 4),
        (AttemptScores(scores={"A": (3, 2), **GOOD_BC}), "超出 0–2 的范围", 4),
        (AttemptScores(scores={"A": (1, 0), **GOOD_BC}), "满分 0 无效", 4),
        (AttemptScores(scores={"A": (True, 2), **GOOD_BC}), "不是有效数字", 4),
        (AttemptScores(scores={"A": "2/2", **GOOD_BC}), "应为 (得分, 满分)", 4),
        (AttemptScores(scores={"A": (1, 2, 3), **GOOD_BC}), "应为 (得分, 满分)", 4),
        (AttemptScores(scores={"A": (1, 2), **GOOD_BC}, total=float("inf")), "总分", 5),
        (AttemptScores(scores={"A": (1, 2), "nope": (1, 1), **GOOD_BC}), "不在本次考试", 5),
        (AttemptScores(scores=[("A", 1)]), "映射", 4),  # type: ignore[arg-type]
        ({"scores": {"A": (1, 2), **GOOD_BC}}, "不是 AttemptScores", 4),
        (None, "不是 AttemptScores", 4),
    ],
)
def test_bad_attempts_are_skipped_with_a_message(bad, message, a_count):
    report = exam_statistics([*partial_attempts(), bad], partial_info())
    assert any(message in warning for warning in report.warnings), report.warnings
    assert report.questions[0].n == a_count  # a bad entry for A is not counted
    assert_json_clean(report)


def test_malformed_choices_count_as_omitted_with_a_message():
    info = {"S": QuestionInfo(type="single", options=("A", "B"), key=("B",))}
    attempts = [AttemptScores(scores={"S": (0, 1)}, choices={"S": 5})]  # type: ignore[dict-item]
    report = exam_statistics(attempts, info)
    assert any("格式无效" in warning for warning in report.warnings)
    assert report.questions[0].omitted == 1


def test_unknown_option_is_ignored_with_a_message():
    info = {"S": QuestionInfo(type="single", options=("A", "B"), key="B")}  # type: ignore[arg-type]
    attempts = [AttemptScores(scores={"S": (0, 1)}, choices={"S": "Z"})]
    report = exam_statistics(attempts, info)
    assert any("不存在的选项 Z" in warning for warning in report.warnings)
    assert report.questions[0].omitted == 1
    assert [row.is_key for row in report.questions[0].distractors] == [False, True]


@pytest.mark.parametrize("responses", [None, "abc", 42])
@pytest.mark.parametrize("info", [None, [], {"A": "single"}, {3: QuestionInfo()}])
def test_wrong_container_types_give_messages_not_exceptions(responses, info):
    report = exam_statistics(responses, info)  # type: ignore[arg-type]
    assert report.exam.n == 0 and report.warnings
    assert_json_clean(report)


@pytest.mark.parametrize(("n", "size"), [(0, 0), (1, 0), (2, 1), (4, 1), (5, 1), (6, 2),
                                         (10, 3), (11, 3), (100, 27)])
def test_group_size_is_27_percent_rounded(n, size):
    assert group_size(n) == size


def test_groups_never_overlap_and_break_ties_by_input_order():
    upper, lower = upper_lower([5, 5, 5, 5])
    assert upper == {0} and lower == {3}


def test_pearson_is_none_for_constant_or_short_data():
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([0.1] * 3, [1, 2, 3]) is None
    assert pearson([1], [2]) is None
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)


def test_histogram_uses_ten_equal_bins_for_fractional_scores():
    bins = histogram([0, 4.5, 10, 10], 10)
    assert len(bins) == 10 and bins[0].count == 1 and bins[4].count == 1 and bins[-1].count == 2
    assert (bins[-1].lower, bins[-1].upper) == (9, 10)
    assert histogram([], 10) == ()


score_rows = st.lists(
    st.lists(st.one_of(st.none(), st.sampled_from([0, 0.25, 0.5, 1, 1 / 3])), min_size=4,
             max_size=4),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(score_rows)
def test_any_score_matrix_gives_bounded_json_clean_statistics(rows):
    """None in the matrix: that student was not given that question."""
    attempts = [
        AttemptScores(scores={f"q{j}": (value, 1) for j, value in enumerate(row)
                              if value is not None})
        for row in rows
    ]
    report = exam_statistics(attempts, {f"q{j}": QuestionInfo() for j in range(4)})
    assert_json_clean(report)
    for question in report.questions:
        assert question.facility is None or 0 <= question.facility <= 1
        assert question.discrimination is None or -1 <= question.discrimination <= 1
        for r in (question.point_biserial, question.point_biserial_uncorrected):
            assert r is None or -1 <= r <= 1
    assert report.exam.alpha is None or report.exam.alpha <= 1 + 1e-9
    assert sum(b.count for b in report.exam.histogram) == report.exam.n


def test_statistics_package_imports_no_web_or_database_code():
    package = Path(__file__).parents[2] / "app" / "domain" / "statistics"
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert imported and not imported & {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug"}
