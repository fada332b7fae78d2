"""Per-process caches for the exam hot paths (start, exam page, autosave, submit).

A question version's content never changes once written (an edit makes a new version; only
tags, difficulty and section may be corrected in place, and grading and the student's view use
none of them), so its data is kept for the life of the application object: one per worker, one
per test (so ids reused by another test database never meet a stale entry). The pool of current
versions that exams draw from does change: it is reloaded when the bank's fingerprint (count,
newest version, last update) changes, and at least every ``POOL_TTL_SECONDS`` for in-place tag
corrections.
"""

from __future__ import annotations

import threading
import time

from flask import current_app
from sqlalchemy import func, select

from ..domain.exams import PoolItem
from ..domain.questions import validate_question
from ..extensions import db
from ..models import AttemptItem, Question, QuestionVersion

POOL_TTL_SECONDS = 30.0
MAX_ENTRIES = 20000


class _Stores:
    """The caches of one application."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version_data: dict[int, dict] = {}
        self.specs: dict[int, object] = {}
        self.pools: dict[str, tuple[tuple, float, list[PoolItem], dict[str, tuple[int, dict]]]] = {}

    def remember(self, store: dict, key, value):
        with self.lock:
            if len(store) >= MAX_ENTRIES:
                store.clear()  # crude but bounded: a full cache refills from the next requests
            store[key] = value
        return value


def _stores() -> _Stores:
    stores = current_app.extensions.get("exam_cache")
    if stores is None:
        stores = current_app.extensions.setdefault("exam_cache", _Stores())
    return stores


def clear() -> None:
    """Forget everything cached for the current application."""
    current_app.extensions.pop("exam_cache", None)


def version_data(version_id: int) -> dict:
    """The content of one question version (immutable), loaded once per process."""
    stores = _stores()
    found = stores.version_data.get(version_id)
    if found is None:
        data = db.session.scalar(select(QuestionVersion.data).where(QuestionVersion.id == version_id))
        found = stores.remember(stores.version_data, version_id, data if data is not None else {})
    return found


def item_data(item: AttemptItem) -> dict:
    """The content of the version an attempt item was drawn in."""
    return version_data(item.version_id)


def version_spec(version_id: int):
    """The version validated once into a question spec (graders and views skip re-validating).

    Data that does not validate (a case stand-in, a broken import) is returned as is, so the
    domain functions report it exactly as they would without the cache.
    """
    stores = _stores()
    found = stores.specs.get(version_id)
    if found is None:
        data = version_data(version_id)
        spec = validate_question(data).spec if data.get("type") != "case" else None
        found = stores.remember(stores.specs, version_id, spec if spec is not None else data)
    return found


def item_spec(item: AttemptItem):
    """:func:`version_spec` of the version an attempt item was drawn in."""
    return version_spec(item.version_id)


def _fingerprint(course: str) -> tuple:
    return tuple(db.session.execute(
        select(func.count(Question.id), func.max(Question.current_version_id), func.max(Question.updated_at))
        .where(Question.course == course, Question.active.is_(True))).one())


def pool(course: str) -> tuple[list[PoolItem], dict[str, tuple[int, dict]]]:
    """Every active question of ``course`` as a pool item, and qid → (current version id, data)."""
    stores = _stores()
    fingerprint = _fingerprint(course)
    cached = stores.pools.get(course)
    if cached is not None and cached[0] == fingerprint and time.monotonic() - cached[1] < POOL_TTL_SECONDS:
        return cached[2], cached[3]
    rows = db.session.execute(
        select(Question.qid, Question.chapter, Question.type, Question.difficulty, QuestionVersion.id,
               QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.active.is_(True), Question.course == course)).all()
    items = [PoolItem(qid, chapter, qtype, difficulty, tuple(data.get("tags") or ()))
             for qid, chapter, qtype, difficulty, _vid, data in rows]
    current = {qid: (vid, data) for qid, _c, _t, _d, vid, data in rows}
    with stores.lock:
        stores.pools[course] = (fingerprint, time.monotonic(), items, current)
        for version_id, data in current.values():
            stores.version_data.setdefault(version_id, data)
    return items, current
