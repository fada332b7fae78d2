"""Practice: drawing sets, grading answers at once, the wrong-answer notebook and mastery.

Every function takes the student's id and reads or changes only that student's rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain import practice as rules
from ..domain.questions import QUESTION_TYPES, grade, student_view
from ..extensions import db
from ..i18n import translate_message
from ..models import NotebookEntry, PracticeAnswer, Question, QuestionVersion
from ..models.base import utcnow
from ..question_types import web_type
from .courseware import get_course
from .pagination import Page, clamp_page
from .rendering import html, inline_html
from .review import as_presented, explanation_html, lesson_link
from .withholding import withheld_qids

# Types graded by hand (essays) give no instant feedback: not practised (QuestionType.practised).
NOT_PRACTISED = tuple(name for name, question_type in QUESTION_TYPES.items() if not question_type.practised)


class PracticeError(Exception):
    """An answer that cannot be taken; the message is for the student."""


def local_today() -> date:
    """Today in the site's time zone: notebook days turn over at local midnight."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.now(timezone.utc).astimezone(zone).date()


# --- the questions ------------------------------------------------------------------------

def _practicable():
    # ``use: exam`` questions are for exams only: never practised, by anyone.
    return (select(Question).where(Question.active.is_(True), Question.current_version_id.is_not(None),
                                   Question.type.not_in(NOT_PRACTISED), Question.use != "exam"))


def practice_qids(course: str, chapter: str | None = None, user_id: int | None = None) -> list[str]:
    """Ids of the questions that can be practised in ``course`` (or one of its chapters).

    With ``user_id``, without the questions withheld from that student (app.services.withholding).
    """
    stmt = _practicable().where(Question.course == course)
    if chapter is not None:
        stmt = stmt.where(Question.chapter == chapter)
    withheld = withheld_qids(user_id)
    return [qid for qid in db.session.scalars(stmt.with_only_columns(Question.qid).order_by(Question.qid))
            if qid not in withheld]


def find_practicable(qid: str, user_id: int | None = None) -> Question | None:
    """The question ``qid`` if it can be practised now (by ``user_id``: not withheld from them)."""
    if qid in withheld_qids(user_id):
        return None
    return db.session.scalar(_practicable().where(Question.qid == qid))


def question_payload(qid: str, user_id: int | None = None) -> dict | None:
    """The question as the student sees it before answering: rendered, never a key.

    Options keep their bank order so that the letters match the key shown after answering
    (ordering items and matching choices still come in an order that gives nothing away).
    None when it cannot be practised, or is withheld from ``user_id``.
    """
    question = find_practicable(qid, user_id)
    if question is None:
        return None
    data = question.data
    view = student_view(data)
    payload = {"qid": qid, "type": view.get("type"), "points": view.get("points"), "chapter": question.chapter,
               "stem_html": html(str(view.get("stem", ""))), "unit": view.get("unit"),
               "blanks": view.get("blanks", 0),
               "options": [{"id": o["id"], "html": inline_html(o["text"])} for o in view.get("options", [])]}
    web = web_type(view.get("type"))
    if web is not None:
        payload.update(web.practice_extras(data, view))
    return payload


# --- history and mastery ------------------------------------------------------------------

def history(user_id: int) -> dict[str, rules.QuestionStats]:
    """The student's statistics per question id, from every practice answer."""
    rows = db.session.execute(
        select(Question.qid, PracticeAnswer.correct, PracticeAnswer.answered_at)
        .join(Question, Question.id == PracticeAnswer.question_id)
        .where(PracticeAnswer.user_id == user_id).order_by(PracticeAnswer.id))
    return rules.summarise(rules.AnswerRecord(qid, correct, at) for qid, correct, at in rows)


@dataclass(frozen=True)
class ChapterMastery:
    """One chapter of a course with the student's mastery of its questions."""

    slug: str
    title: str
    number: int
    mastery: rules.Mastery


def course_mastery(user_id: int, course: str) -> tuple[list[ChapterMastery], rules.Mastery]:
    """Mastery per chapter of ``course`` (in course order) and over the whole course."""
    found = get_course(course)
    stats = history(user_id)
    by_chapter: dict[str, list[str]] = {}
    for qid, chapter in db.session.execute(
            _practicable().where(Question.course == course).with_only_columns(Question.qid, Question.chapter)):
        by_chapter.setdefault(chapter, []).append(qid)
    chapters = [ChapterMastery(c.slug, c.title, n, rules.mastery(by_chapter.get(c.slug, []), stats))
                for n, c in enumerate(found.chapters if found else [], start=1)]
    overall = rules.mastery([q for qids in by_chapter.values() for q in qids], stats)
    return chapters, overall


# --- drawing a set ------------------------------------------------------------------------

def draw(user_id: int, course: str | None, chapter: str | None, mode: str, count: int,
         rng: random.Random, today: date | None = None, only: str | None = None) -> list[str]:
    """Question ids for a new practice set: by ``mode`` from a course or chapter, or the notebook.

    ``due``: the notebook questions due today; ``redo``: notebook questions due or not (only the
    question ``only`` when given, and only while it is in the student's notebook).
    """
    if mode == rules.MODE_DUE:
        return rules.order_due(notebook_states(user_id), today or local_today(), count)
    if mode == rules.MODE_REDO:
        entries = [(qid, state) for qid, state in notebook_states(user_id) if only is None or qid == only]
        return rules.order_notebook(entries, count)
    return rules.select_questions(practice_qids(course or "crm", chapter, user_id), history(user_id), mode, count,
                                  rng)


# --- answering ----------------------------------------------------------------------------

def record_answer(user_id: int, qid: str, response: object, today: date | None = None) -> PracticeAnswer:
    """Grade ``response`` to ``qid``, store it and update the notebook; PracticeError if malformed."""
    question = find_practicable(qid, user_id)
    if question is None:
        # The same words for a missing, retired or withheld question: nothing tells them apart.
        raise PracticeError(_("题目 %(q)s 不存在或不能练习。", q=qid))
    result = grade(question.data, response)
    if result.error:
        raise PracticeError(_("答案格式不正确：%(e)s", e=translate_message(result.error)))
    answer = PracticeAnswer(user_id=user_id, question_id=question.id, version_id=question.current_version_id,
                            chapter=question.chapter, response=response, score=result.score,
                            max_score=result.max_score, correct=result.correct)
    db.session.add(answer)
    _update_notebook(user_id, question.id, result.correct, today or local_today())
    db.session.commit()
    return answer


def _state(entry: NotebookEntry) -> rules.Leitner:
    return rules.Leitner(box=entry.box, due_on=entry.due_on, correct_days=entry.correct_days,
                         misses=entry.misses, last_correct_on=entry.last_correct_on,
                         last_missed_on=entry.last_missed_on, cleared=entry.cleared_at is not None)


def _update_notebook(user_id: int, question_id: int, correct: bool, today: date) -> None:
    entry = db.session.scalar(select(NotebookEntry).where(NotebookEntry.user_id == user_id,
                                                          NotebookEntry.question_id == question_id))
    if entry is None:
        if correct:
            return
        state = rules.first_miss(today)
        entry = NotebookEntry(user_id=user_id, question_id=question_id, due_on=state.due_on)
        db.session.add(entry)
    else:
        state = rules.after_answer(_state(entry), correct, today)
    was_cleared = entry.cleared_at is not None
    entry.box, entry.due_on, entry.correct_days = state.box, state.due_on, state.correct_days
    entry.misses, entry.last_correct_on, entry.last_missed_on = state.misses, state.last_correct_on, state.last_missed_on
    if state.cleared and not was_cleared:
        entry.cleared_at = utcnow()
    elif not state.cleared:
        if was_cleared:
            entry.added_at = utcnow()  # back in the notebook
        entry.cleared_at = None


def feedback(user_id: int, answer_id: int) -> dict | None:
    """What the student sees right after answering: verdict, score, key, explanation, lesson link."""
    answer = db.session.get(PracticeAnswer, answer_id)
    if answer is None or answer.user_id != user_id:
        return None
    question = db.session.get(Question, answer.question_id)
    if question.qid in withheld_qids(user_id):
        return None  # an answer given before the exam opened: its key waits until the exam closes
    version = db.session.get(QuestionVersion, answer.version_id)
    data = version.data
    # The practice page never shuffles and labels options by bank id: those are the letters seen.
    seen = as_presented(data, None, answer.response, bank_letters=True)
    return {"qid": question.qid, "type": data.get("type"), "correct": answer.correct, "score": answer.score,
            "max_score": answer.max_score, "feedback": grade(data, answer.response).feedback,
            "stem_html": html(data.get("stem", "")), "response": seen["response"], "options": seen["options"], "parts": seen["parts"],
            "answer": seen["answer"], "explanation_html": explanation_html(data, seen["options"]),
            "lesson_url": lesson_link(question.chapter, data.get("section"), question.course)}


def set_score(user_id: int, answer_ids: list[int]) -> tuple[int, float, float]:
    """Right answers, points scored and points possible among the student's own ``answer_ids``."""
    if not answer_ids:
        return 0, 0.0, 0.0
    rows = db.session.execute(select(PracticeAnswer.correct, PracticeAnswer.score, PracticeAnswer.max_score).where(
        PracticeAnswer.id.in_(answer_ids), PracticeAnswer.user_id == user_id)).all()
    return sum(r.correct for r in rows), round(sum(r.score for r in rows), 4), round(sum(r.max_score for r in rows), 4)


def set_results(user_id: int, answer_ids: list[int]) -> list[dict]:
    """The student's own answers of a finished set, in answer order, as feedback rows."""
    return [row for row in (feedback(user_id, a) for a in answer_ids) if row is not None]


# --- the notebook -------------------------------------------------------------------------

def notebook_states(user_id: int) -> list[tuple[str, rules.Leitner]]:
    """Question id and schedule of every entry still in the student's notebook."""
    rows = db.session.execute(
        select(Question.qid, NotebookEntry).join(Question, Question.id == NotebookEntry.question_id)
        .where(NotebookEntry.user_id == user_id, NotebookEntry.cleared_at.is_(None),
               Question.active.is_(True), Question.use != "exam"))
    withheld = withheld_qids(user_id)  # hidden while withheld, never deleted: back when the exam closes
    return [(qid, _state(entry)) for qid, entry in rows if qid not in withheld]


@dataclass(frozen=True)
class NotebookSummary:
    """How many questions are in the notebook, how many are due, and how many have left it."""

    active: int
    due: int
    cleared: int


def notebook_summary(user_id: int, today: date | None = None) -> NotebookSummary:
    """Counts for the practice home and the notebook page."""
    today = today or local_today()
    states = [s for _, s in notebook_states(user_id)]
    cleared = db.session.scalar(select(func.count()).select_from(NotebookEntry).where(
        NotebookEntry.user_id == user_id, NotebookEntry.cleared_at.is_not(None))) or 0
    return NotebookSummary(len(states), sum(s.is_due(today) for s in states), cleared)


def notebook_page(user_id: int, page: int, per_page: int):
    """One page of the student's notebook, soonest due first: rows of (entry, question, stem HTML)."""
    stmt = (select(NotebookEntry, Question).join(Question, Question.id == NotebookEntry.question_id)
            .where(NotebookEntry.user_id == user_id, NotebookEntry.cleared_at.is_(None),
                   Question.active.is_(True), Question.use != "exam")
            .order_by(NotebookEntry.due_on, NotebookEntry.box, NotebookEntry.id))
    withheld = withheld_qids(user_id)
    if withheld:
        stmt = stmt.where(Question.qid.not_in(sorted(withheld)))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page, _ = clamp_page(page, total, per_page)
    found = list(db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)))
    last = last_answer_ids(user_id, [question.id for _entry, question in found])
    rows = [{"entry": entry, "question": question, "stem_html": html(question.data.get("stem", "")),
             "lesson_url": lesson_link(question.chapter, question.data.get("section"), question.course),
             # The last answer with its key and explanation, as the feedback showed it (None if withheld).
             "last": feedback(user_id, last[question.id]) if question.id in last else None}
            for entry, question in found]
    return Page(rows, page, per_page, total)


def last_answer_ids(user_id: int, question_ids: list[int]) -> dict[int, int]:
    """Question id (database) → the student's latest practice answer to it, among ``question_ids``."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(PracticeAnswer.question_id, func.max(PracticeAnswer.id))
        .where(PracticeAnswer.user_id == user_id, PracticeAnswer.question_id.in_(question_ids))
        .group_by(PracticeAnswer.question_id))
    return {question_id: answer_id for question_id, answer_id in rows}


def notebook_entry(user_id: int, qid: str) -> rules.Leitner | None:
    """The schedule of ``qid`` in the student's notebook (None when it is not there, or has left it)."""
    return dict(notebook_states(user_id)).get(qid)


