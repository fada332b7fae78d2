"""What an attempt looks like to a client: question payloads (rendered HTML, never a key) and the
attempt's state, with results where the review policy allows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Text, bindparam, cast, select

from ..domain.questions import answer_view, student_view
from ..extensions import db
from ..models import Attempt, AttemptItem, User
from ..models.base import utcnow
from . import case_items, exam_cache, fresh_start, withholding
from .exam_access import PageUser, attempt_and_user, review_allowed
from .paper_sections import api_sections
from .rendering import html, inline_html


def iso_time(value: datetime | None) -> str | None:
    """A naive UTC time as the API writes it (``…Z``), or None."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def question_payload(item: AttemptItem) -> dict:
    """A question as the student sees it: rendered HTML, never a key.

    The rendered part depends only on the version (immutable) and the presentation order, so it
    is built once per pair and shared: callers must not modify the nested lists. Case items hold
    a per-student variant and are built every time.
    """
    return question_payloads([item])[0]


def question_payloads(items) -> list[dict]:
    """:func:`question_payload` for each item (the caches looked up once)."""
    cache = exam_cache.payloads()
    payloads = []
    for item in items:
        key = (item.version_id, exam_cache.order_key(item.presentation))
        shared = cache.get(key)  # a hit is never a case: those are not stored
        if shared is None:
            if case_items.is_case_data(exam_cache.item_data(item)):
                payloads.append(case_items.case_payload(item))
                continue
            view = student_view(exam_cache.item_spec(item), item.presentation or None)
            shared = cache.put(key, payload_from_view(view, "", 0, 0.0))
        # dict(shared, …) keeps payload_from_view's key order and sets the per-item values.
        payloads.append(dict(shared, id=item.qid, position=item.position, points=item.points))
    return payloads


def payload_from_view(view: dict, qid: str, position: int, points: float) -> dict:
    """A student view (app.domain.questions.student_view) with its texts rendered as safe HTML."""
    payload = {"id": qid, "position": position, "type": view.get("type"), "points": points,
               "stem_html": html(view.get("stem", "")),
               "options": [{"id": o["id"], "html": inline_html(o["text"])} for o in view.get("options", [])]}
    for key in ("blanks", "unit"):
        if key in view:
            payload[key] = view[key]
    if "items" in view:
        payload["items"] = [{"id": o["id"], "html": inline_html(o["text"])} for o in view["items"]]
    if "left" in view:
        payload["left"] = view["left"]
        payload["choices"] = view["choices"]
    return payload


_UNREAD = object()


class ItemRow:
    """An attempt item as the exam page reads it: the columns a payload and the page need, no ORM
    object (loading and tracking 40 of them per page cost more than rendering the paper).

    The presentation order comes as its stored JSON text (``presentation_text``) and is decoded
    on first use: the page keys its memo of element orders on the text, so a page whose orders
    are all memoised decodes none.
    """

    __slots__ = ("position", "qid", "version_id", "points", "presentation_text", "response", "seq", "saved_at",
                 "flagged", "_presentation")

    def __init__(self, row) -> None:
        (self.position, self.qid, self.version_id, self.points, self.presentation_text, self.response, self.seq,
         self.saved_at, self.flagged) = row
        self._presentation = _UNREAD

    @property
    def presentation(self):
        """The presentation order as ``AttemptItem.presentation`` gives it."""
        if self._presentation is _UNREAD:
            text = self.presentation_text
            self._presentation = None if text is None else json.loads(text)
        return self._presentation

    @property
    def version(self) -> SimpleNamespace:
        """Stands in for ``AttemptItem.version``: case items read ``item.version.data``."""
        return SimpleNamespace(data=exam_cache.version_data(self.version_id))


# The presentation as text: the JSON type would decode it for every row (see ItemRow).
_ITEM_ROWS = (select(AttemptItem.position, AttemptItem.qid, AttemptItem.version_id, AttemptItem.points,
                     cast(AttemptItem.presentation, Text), AttemptItem.response, AttemptItem.seq,
                     AttemptItem.saved_at, AttemptItem.flagged)
              .where(AttemptItem.attempt_id == bindparam("attempt_id")).order_by(AttemptItem.position))


def item_rows(attempt_id: int, connection=None) -> list[ItemRow]:
    """The items of an attempt in paper order as :class:`ItemRow` (one Core query; ``connection``:
    a Core connection to read on, default the session's)."""
    connection = connection if connection is not None else db.session.connection()
    return [ItemRow(row) for row in connection.execute(_ITEM_ROWS, {"attempt_id": attempt_id})]


def own_page_reads(attempt_id: int, user_id: int, accept: Callable[[SimpleNamespace, PageUser], bool]
                   ) -> tuple[SimpleNamespace, PageUser, list[ItemRow]] | None:
    """For a student's page without the ORM: the attempt, the session's user (``exam_access.
    attempt_and_user``) and, if ``accept(attempt, user)``, the attempt's items; None otherwise.

    One read transaction on a connection of its own: the ORM session never begins one, so the
    request's teardown has nothing to roll back, and the items are read as of the attempt row.
    """
    with db.engine.connect() as connection:
        found = attempt_and_user(attempt_id, user_id, connection)
        if found is None or not accept(*found):
            return None
        return (*found, item_rows(attempt_id, connection))


def attempt_payload(attempt: Attempt, viewer: User, with_questions: bool = False, items=None) -> dict:
    """The attempt's state and saved responses; results only where the review policy allows.

    Responses and ``results`` speak bank option ids, like the ``questions`` options they refer
    to; only the HTML pages letter options by presented place (docs/exam-definition.md).
    ``items``: the attempt's items if the caller has read them already (e.g. :func:`item_rows`).
    """
    # Right after start_or_resume inserted it: the items as inserted, not read back. Only for
    # students, whose in-progress attempt never shows results.
    fresh = fresh_start.take(attempt, viewer)
    if items is None:
        items = fresh.items if fresh is not None else attempt.items
    data = {
        "attempt_id": attempt.id, "exam_id": attempt.exam_id,
        "title": fresh.title if fresh is not None else attempt.exam.title,
        "number": attempt.number, "status": attempt.status,
        "started_at": iso_time(attempt.started_at), "deadline": iso_time(attempt.deadline),
        "submitted_at": iso_time(attempt.submitted_at), "server_time": iso_time(utcnow()),
        "responses": {i.qid: {"response": i.response, "seq": i.seq, "saved_at": iso_time(i.saved_at),
                              "flagged": i.flagged} for i in items},
    }
    if with_questions:
        data["questions"] = question_payloads(items)
    withheld = frozenset()
    results = fresh is None and review_allowed(attempt, viewer)
    if results:
        data["score"] = attempt.score
        data["max_score"] = attempt.max_score
        data["partially_graded"] = attempt.needs_manual
        withheld = withholding.withheld_qids(viewer.id) if not viewer.is_instructor else frozenset()
        data["results"] = [{"id": i.qid, "max": i.points, "withheld": True} if i.qid in withheld else
                           dict(case_items.case_review(i) if case_items.is_case_item(i) else answer_view(i.version.data),
                                id=i.qid, score=i.score, max=i.points,
                                feedback="" if i.teacher_graded else i.feedback, graded=i.teacher_graded,
                                needs_manual=i.needs_manual and i.score is None, comment=i.manual_comment)
                           for i in attempt.items]
    if attempt.sectioned and (with_questions or results):  # the paper's sections, with subtotals in results
        data["sections"] = api_sections(attempt.items if results else items, results, withheld)
    return data
