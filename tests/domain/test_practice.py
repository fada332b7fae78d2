"""Practice rules without an app: the Leitner schedule, choosing questions, mastery, the set."""

import random
from datetime import date, datetime, timedelta

import pytest

from app.domain.practice import (
    BOX_INTERVAL_DAYS,
    AnswerRecord,
    Leitner,
    PracticeSet,
    QuestionStats,
    after_answer,
    first_miss,
    mastery,
    order_due,
    order_notebook,
    select_questions,
    summarise,
)

DAY = date(2026, 3, 2)


def days(n: int) -> date:
    return DAY + timedelta(days=n)


# --- Leitner ------------------------------------------------------------------------------

def test_intervals_are_one_three_and_seven_days():
    assert BOX_INTERVAL_DAYS == {1: 1, 2: 3, 3: 7}


def test_a_miss_enters_box_one_due_the_next_day():
    state = first_miss(DAY)
    assert (state.box, state.due_on, state.correct_days, state.misses) == (1, days(1), 0, 1)
    assert not state.is_due(DAY)
    assert state.is_due(days(1)) and state.is_due(days(5))


def test_right_answers_on_three_separate_days_clear_the_entry():
    state = first_miss(DAY)
    state = after_answer(state, True, days(1))
    assert (state.box, state.due_on, state.correct_days, state.cleared) == (2, days(4), 1, False)
    state = after_answer(state, True, days(4))
    assert (state.box, state.due_on, state.correct_days, state.cleared) == (3, days(11), 2, False)
    state = after_answer(state, True, days(11))
    assert state.correct_days == 3 and state.cleared
    assert not state.is_due(days(30))


def test_an_early_right_redo_keeps_the_round_and_the_review_day():
    state = after_answer(first_miss(DAY), True, days(1))
    assert (state.box, state.due_on, state.correct_days) == (2, days(4), 1)
    for n in (2, 3):  # redone from the notebook before the review day: nothing moves
        assert after_answer(state, True, days(n)) == state
    on_time = after_answer(state, True, days(4))
    assert (on_time.box, on_time.correct_days, on_time.due_on) == (3, 2, days(11))
    late = after_answer(state, True, days(6))  # overdue counts as due
    assert (late.box, late.correct_days, late.due_on) == (3, 2, days(13))


def test_an_early_wrong_redo_is_a_miss_like_any_other():
    state = after_answer(after_answer(first_miss(DAY), True, days(1)), True, days(4))
    assert (state.box, state.due_on) == (3, days(11))
    missed = after_answer(state, False, days(6))  # not due until day 11, missed anyway
    assert (missed.box, missed.due_on, missed.correct_days, missed.misses) == (1, days(7), 0, 2)


def test_an_early_redo_never_clears_an_entry():
    state = after_answer(after_answer(first_miss(DAY), True, days(1)), True, days(4))
    for n in range(5, 11):
        state = after_answer(state, True, days(n))
    assert not state.cleared and state.correct_days == 2
    assert after_answer(state, True, days(11)).cleared


def test_same_day_right_answers_count_once():
    state = after_answer(first_miss(DAY), True, days(1))
    assert after_answer(state, True, days(1)) == state
    assert after_answer(after_answer(state, True, days(1)), True, days(1)) == state
    for _ in range(5):  # five right answers on the review day are still one day
        state = after_answer(state, True, days(4))
    assert state.correct_days == 2 and not state.cleared


def test_a_right_answer_on_the_day_of_the_miss_does_not_count():
    state = first_miss(DAY)
    assert after_answer(state, True, DAY) == state
    again = after_answer(after_answer(state, True, days(1)), False, days(2))
    assert after_answer(again, True, days(2)).correct_days == 0
    # A stale review day (due, but this day already counted a miss) does not count either.
    overdue_miss = Leitner(box=1, due_on=days(-5), misses=2, last_missed_on=DAY)
    assert after_answer(overdue_miss, True, DAY) == overdue_miss


def test_a_miss_resets_to_box_one_and_restarts_the_count():
    state = after_answer(after_answer(first_miss(DAY), True, days(1)), True, days(4))
    assert state.box == 3
    missed = after_answer(state, False, days(5))
    assert (missed.box, missed.due_on, missed.correct_days, missed.misses) == (1, days(6), 0, 2)
    # Three more separate review days are needed after the miss.
    for n in (6, 9):
        missed = after_answer(missed, True, days(n))
    assert not missed.cleared and missed.due_on == days(16)
    assert after_answer(missed, True, days(16)).cleared


def test_a_cleared_question_missed_again_comes_back():
    state = Leitner(box=3, due_on=days(10), correct_days=3, misses=1, last_correct_on=days(9), cleared=True)
    assert after_answer(state, True, days(20)) == state
    back = after_answer(state, False, days(20))
    assert (back.cleared, back.box, back.due_on, back.misses, back.correct_days) == (False, 1, days(21), 2, 0)


# --- choosing questions -------------------------------------------------------------------

def stats(attempts=0, misses=0, last_correct=None, when=0) -> QuestionStats:
    return QuestionStats(attempts, misses, last_correct, datetime(2026, 1, 1) + timedelta(hours=when))


HISTORY = {
    "q1": stats(3, 1, True, when=5),     # missed once of three
    "q2": stats(2, 2, False, when=1),    # missed twice: weakest
    "q3": stats(4, 0, True, when=2),     # always right
    "q4": stats(1, 1, False, when=3),    # missed once of one: lower share right than q1
    "q5": stats(2, 0, True, when=0),     # always right, answered longest ago
}
CANDIDATES = ["q1", "q2", "q3", "q4", "q5", "n1", "n2", "n3"]


@pytest.mark.parametrize("seed", range(5))
def test_weak_points_first(seed):
    order = select_questions(CANDIDATES, HISTORY, "weak", 8, random.Random(seed))
    assert order[:3] == ["q2", "q4", "q1"]
    assert set(order[3:6]) == {"n1", "n2", "n3"}   # then the never answered ones
    assert set(order[6:]) == {"q3", "q5"}          # always right: last


@pytest.mark.parametrize("seed", range(5))
def test_new_questions_first(seed):
    order = select_questions(CANDIDATES, HISTORY, "new", 8, random.Random(seed))
    assert set(order[:3]) == {"n1", "n2", "n3"}
    assert order[3:] == ["q5", "q2", "q3", "q4", "q1"]   # then longest ago first


def test_selection_takes_count_without_repeats_and_varies():
    picked = select_questions(CANDIDATES + ["n1"], {}, "new", 3, random.Random(1))
    assert len(picked) == 3 and len(set(picked)) == 3
    assert select_questions(CANDIDATES, {}, "new", 0, random.Random(1)) == []
    assert len(select_questions(CANDIDATES, {}, "new", 50, random.Random(1))) == 8
    orders = {tuple(select_questions(CANDIDATES, {}, "new", 8, random.Random(s))) for s in range(10)}
    assert len(orders) > 1


def test_due_questions_oldest_first():
    entries = [
        ("late", Leitner(box=2, due_on=days(-3))),
        ("today", Leitner(box=1, due_on=DAY)),
        ("future", Leitner(box=1, due_on=days(1))),
        ("gone", Leitner(box=3, due_on=days(-9), cleared=True)),
        ("late-box1", Leitner(box=1, due_on=days(-3))),
    ]
    assert order_due(entries, DAY, 10) == ["late-box1", "late", "today"]
    assert order_due(entries, DAY, 1) == ["late-box1"]
    # A redo set takes every entry still in the notebook, due or not, soonest due first.
    assert order_notebook(entries, 10) == ["late-box1", "late", "today", "future"]
    assert order_notebook(entries, 2) == ["late-box1", "late"] and order_notebook(entries, -1) == []


# --- history and mastery ------------------------------------------------------------------

def test_summarise_and_mastery():
    t = datetime(2026, 1, 1)
    records = [AnswerRecord("a", False, t), AnswerRecord("a", True, t), AnswerRecord("b", True, t),
               AnswerRecord("b", False, t), AnswerRecord("c", True, t)]
    summary = summarise(records)
    assert summary["a"] == QuestionStats(2, 1, True, t)
    assert summary["b"].last_correct is False and summary["b"].accuracy == 0.5
    m = mastery(["a", "b", "c", "d", "e"], summary)
    assert (m.total, m.answered, m.mastered, m.percent) == (5, 3, 2, 40)
    assert mastery([], summary).percent == 0
    assert mastery(["x"], summary) == mastery(["x"], {})


# --- the set in progress ------------------------------------------------------------------

def test_practice_set_moves_and_records():
    s = PracticeSet(user_id=7, mode="new", qids=("a", "b"))
    assert s.current == "a" and not s.finished
    s = s.answered(11)
    assert s.answer_id("a") == 11 and s.answered(12).answer_id("a") == 11
    s = s.advanced()
    assert s.current == "b"
    s = s.advanced().advanced()
    assert s.finished and s.current is None and s.answered(13) == s
    assert PracticeSet.from_dict(s.to_dict()) == s


@pytest.mark.parametrize("junk", [
    None, "x", [], {}, {"u": 1, "m": "new", "q": ["a"], "p": 5, "a": []},
    {"u": "1", "m": "new", "q": ["a"], "p": 0, "a": []}, {"u": 1, "m": "new", "q": [1], "p": 0},
    {"u": 1, "m": "new", "q": ["a"], "p": 0, "a": [["a"]]}, {"u": 1, "m": "new", "q": ["a"], "p": -1},
])
def test_practice_set_rejects_malformed_data(junk):
    assert PracticeSet.from_dict(junk) is None
