"""Practice without Flask: choosing questions, the Leitner schedule of the notebook, mastery.

The wrong-answer notebook (错题本) uses three Leitner boxes (shown to students as review rounds:
box 2 is "第 2 轮复习"):

* a missed question enters box 1 and is due the next day;
* a right answer to a DUE entry (its review day has come), on a later day than the last one that
  counted (or than the last miss), moves it up a box and counts one correct day: box 2 is due 3
  days later, box 3 is due 7 days later;
* a right answer to an entry that is not due yet (a redo from the notebook, or the question
  coming up in ordinary practice) changes nothing: neither its box nor its review day, so redoing
  a question early can never hurry it out of the notebook;
* two right answers on the same day count once;
* a wrong answer, due or not, puts it back in box 1, due the next day, and starts the count of
  correct days again: a miss shows the question is not learnt, whenever it happens;
* after right answers on three separate review days it leaves the notebook (``cleared``);
  missing it again later brings it back into box 1.

Every function takes the day explicitly, so tests pass dates instead of waiting.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

BOX_INTERVAL_DAYS: dict[int, int] = {1: 1, 2: 3, 3: 7}
DAYS_TO_CLEAR = 3

MODE_NEW = "new"
MODE_WEAK = "weak"
MODE_DUE = "due"
MODE_REDO = "redo"  # notebook questions redone now, due or not
MODES = (MODE_NEW, MODE_WEAK)


# --- the notebook's schedule --------------------------------------------------------------

@dataclass(frozen=True)
class Leitner:
    """The schedule of one notebook entry."""

    box: int
    due_on: date
    correct_days: int = 0
    misses: int = 1
    last_correct_on: date | None = None
    last_missed_on: date | None = None
    cleared: bool = False

    def is_due(self, today: date) -> bool:
        """True when the entry is in the notebook and its review day has come."""
        return not self.cleared and self.due_on <= today

    @property
    def last_counted_on(self) -> date | None:
        """The last day that changed the schedule: a miss or a right answer that counted."""
        days = [d for d in (self.last_correct_on, self.last_missed_on) if d is not None]
        return max(days) if days else None


def due_after(box: int, today: date) -> date:
    """The review day of an entry put in ``box`` on ``today``."""
    return today + timedelta(days=BOX_INTERVAL_DAYS[box])


def first_miss(today: date) -> Leitner:
    """A question missed for the first time: box 1, due tomorrow."""
    return Leitner(box=1, due_on=due_after(1, today), misses=1, last_missed_on=today)


def after_answer(state: Leitner, correct: bool, today: date) -> Leitner:
    """The schedule after answering the entry's question on ``today``."""
    if not correct:
        return replace(state, box=1, due_on=due_after(1, today), correct_days=0, misses=state.misses + 1,
                       last_missed_on=today, cleared=False)
    last = state.last_counted_on
    if state.cleared or not state.is_due(today) or (last is not None and today <= last):
        return state  # already out, not due yet (an early redo), or this day already counted
    correct_days = state.correct_days + 1
    if correct_days >= DAYS_TO_CLEAR:
        return replace(state, correct_days=correct_days, last_correct_on=today, cleared=True)
    box = min(state.box + 1, max(BOX_INTERVAL_DAYS))
    return replace(state, box=box, due_on=due_after(box, today), correct_days=correct_days,
                   last_correct_on=today)


# --- history and mastery ------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerRecord:
    """One past practice answer (plain data from the database)."""

    qid: str
    correct: bool
    answered_at: datetime


@dataclass(frozen=True)
class QuestionStats:
    """A student's history with one question."""

    attempts: int = 0
    misses: int = 0
    last_correct: bool | None = None
    last_answered: datetime | None = None

    @property
    def accuracy(self) -> float:
        """Share of right answers (0 when never answered)."""
        return (self.attempts - self.misses) / self.attempts if self.attempts else 0.0


def summarise(records: Iterable[AnswerRecord]) -> dict[str, QuestionStats]:
    """Per-question statistics from answers given in chronological order."""
    stats: dict[str, QuestionStats] = {}
    for record in records:
        old = stats.get(record.qid, QuestionStats())
        stats[record.qid] = QuestionStats(attempts=old.attempts + 1, misses=old.misses + (not record.correct),
                                          last_correct=record.correct, last_answered=record.answered_at)
    return stats


@dataclass(frozen=True)
class Mastery:
    """How well a student knows a set of questions: the share last answered right."""

    total: int
    answered: int
    mastered: int

    @property
    def percent(self) -> int:
        """Mastered questions as a whole percentage of all of them."""
        return round(100 * self.mastered / self.total) if self.total else 0


def mastery(qids: Iterable[str], stats: Mapping[str, QuestionStats]) -> Mastery:
    """Mastery of ``qids``: how many were answered, and how many were last answered right."""
    ids = set(qids)
    seen = [stats[q] for q in ids if q in stats and stats[q].attempts]
    return Mastery(total=len(ids), answered=len(seen), mastered=sum(bool(s.last_correct) for s in seen))


# --- choosing a practice set --------------------------------------------------------------

def select_questions(candidates: Sequence[str], stats: Mapping[str, QuestionStats], mode: str, count: int,
                     rng: random.Random) -> list[str]:
    """Up to ``count`` question ids from ``candidates`` in the order ``mode`` asks for.

    ``new`` (新题优先): never answered questions first, in random order, then the ones answered
    longest ago. ``weak`` (薄弱优先): questions missed most first (then lowest share right, then
    those whose last answer was wrong), then never answered ones, then ones always answered
    right. Ties are broken at random so repeated sets differ.
    """
    if count <= 0:
        return []
    pool = list(dict.fromkeys(candidates))
    rng.shuffle(pool)  # the sorts below are stable: equal keys keep this random order
    empty = QuestionStats()
    if mode == MODE_WEAK:
        def weakness(qid: str) -> tuple:
            s = stats.get(qid, empty)
            if s.misses:
                return (0, -s.misses, s.accuracy, bool(s.last_correct))
            return (1 if not s.attempts else 2, 0, 0.0, False)
        pool.sort(key=weakness)
    else:
        def newness(qid: str) -> tuple:
            s = stats.get(qid, empty)
            return (0, datetime.min) if not s.attempts else (1, s.last_answered or datetime.min)
        pool.sort(key=newness)
    return pool[:count]


def order_due(entries: Iterable[tuple[str, Leitner]], today: date, count: int) -> list[str]:
    """Up to ``count`` due notebook questions, longest overdue first, lower boxes first."""
    due = [(state.due_on, state.box, qid) for qid, state in entries if state.is_due(today)]
    return [qid for _, _, qid in sorted(due)][:max(count, 0)]


def order_notebook(entries: Iterable[tuple[str, Leitner]], count: int) -> list[str]:
    """Up to ``count`` questions still in the notebook, due or not, soonest due first (a redo set)."""
    kept = [(state.due_on, state.box, qid) for qid, state in entries if not state.cleared]
    return [qid for _, _, qid in sorted(kept)][:max(count, 0)]


# --- a practice set in progress -----------------------------------------------------------

@dataclass(frozen=True)
class PracticeSet:
    """The questions of one practice set, where the student is, and the answers given.

    ``answers`` maps a question id to the id of its stored answer. The set is kept in the
    user's (signed) session, so :meth:`from_dict` accepts only well-formed data.
    """

    user_id: int
    mode: str
    qids: tuple[str, ...]
    position: int = 0
    answers: tuple[tuple[str, int], ...] = ()

    @property
    def finished(self) -> bool:
        """True when every question was answered or skipped."""
        return self.position >= len(self.qids)

    @property
    def current(self) -> str | None:
        """The question the student is on (None when finished)."""
        return None if self.finished else self.qids[self.position]

    def answer_id(self, qid: str) -> int | None:
        """The stored answer to ``qid`` in this set, if any."""
        return dict(self.answers).get(qid)

    def answered(self, answer_id: int) -> PracticeSet:
        """The set with the current question answered (the first answer stays)."""
        qid = self.current
        if qid is None or self.answer_id(qid) is not None:
            return self
        return replace(self, answers=self.answers + ((qid, answer_id),))

    def advanced(self) -> PracticeSet:
        """The set moved on to the next question."""
        return replace(self, position=min(self.position + 1, len(self.qids)))

    def to_dict(self) -> dict:
        """Plain data for the session."""
        return {"u": self.user_id, "m": self.mode, "q": list(self.qids), "p": self.position,
                "a": [[q, a] for q, a in self.answers]}

    @classmethod
    def from_dict(cls, data: object) -> PracticeSet | None:
        """The set stored by :meth:`to_dict`, or None when ``data`` is not one."""
        if not isinstance(data, Mapping):
            return None
        try:
            qids = tuple(data["q"])
            answers = tuple((q, a) for q, a in data.get("a", []))
            made = cls(user_id=data["u"], mode=data["m"], qids=qids, position=data["p"], answers=answers)
        except (KeyError, TypeError, ValueError):
            return None
        ints = (made.user_id, made.position, *(a for _, a in answers))
        strings = (made.mode, *qids, *(q for q, _ in answers))
        if not all(type(v) is int for v in ints) or not all(isinstance(v, str) for v in strings):
            return None
        return made if 0 <= made.position <= len(qids) else None
