"""A teacher's preview of an exam: one sample paper exactly as a student would see it.

The paper is drawn by the same function as an attempt's (:func:`app.services.attempts.draw_paper`:
rules, sections, question and option shuffles) from a preview seed, and rendered by the exam
page's own body (:func:`app.exams.page.render_paper`) into the exam page's template with a
``preview`` flag, which shows a banner, disables the answer fields and leaves out the exam page's
scripts (no autosave, submit, timer or proctoring calls). Nothing is written: the items are
unsaved ``AttemptItem`` objects, never added to the session, and no attempt exists.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _

from ..i18n import translate_stored
from ..models import AttemptItem, Exam
from ..services import case_items
from ..services.attempts import draw_paper
from ..services.exams import ExamError, check_paper, exam_definition
from . import page

MAX_SEED = 2**31  # the range of an attempt's seed (secrets.randbelow(2**31) in start_or_resume)


class PreviewError(Exception):
    """The blueprint cannot be drawn (the bank cannot fill a rule, a case is missing)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def new_seed() -> int:
    """A fresh preview seed, drawn as a student's would be."""
    return secrets.randbelow(MAX_SEED)


def preview_items(exam: Exam, seed: int) -> tuple[list[AttemptItem], bool]:
    """The unsaved items of the paper ``seed`` draws for ``exam`` (in paper order) and whether it is
    in sections; PreviewError when the bank cannot fill it."""
    try:
        check_paper(exam_definition(exam))
        paper = draw_paper(exam, seed)
        items = [AttemptItem(**row) for row in paper.rows]
        for position, case in enumerate(paper.cases, start=len(items) + 1):  # the paper's generator continues
            items.append(case_items.preview_case_item(case.id, case.points, position, paper.rng))
    except ExamError as exc:
        raise PreviewError(str(exc), [translate_stored(d) for d in exc.details]) from None
    except ValueError as exc:
        raise PreviewError(_("无法按规则抽出样卷"), [translate_stored(str(exc))]) from None
    return items, paper.sectioned


def render_preview(exam: Exam, seed: int):
    """The exam page body of the sample paper ``seed`` draws (nothing saved, nothing stored)."""
    items, sectioned = preview_items(exam, seed)
    state = {"attempt_id": None, "exam_id": exam.id, "title": exam.title, "status": "preview", "deadline": None,
             "responses": {}}
    return page.render_paper(items, sectioned, exam, state, exam.time_limit_minutes, attempt_id="preview",
                             review_url="", has_deadline=exam.time_limit_minutes is not None)
