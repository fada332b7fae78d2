"""Per-process caches for the exam hot paths (start, exam page, autosave, submit).

A question version's content never changes once written (an edit makes a new version; only
tags, difficulty and section may be corrected in place, and grading and the student's view use
none of them), so its data is kept for the life of the application object: one per worker, one
per test (so ids reused by another test database never meet a stale entry). The pool of current
versions that exams draw from does change: it is reloaded when the bank's fingerprint (count,
newest version, last update) changes, and at least every ``POOL_TTL_SECONDS`` for in-place tag
corrections. Each pool also keeps the draw plans built from it (candidates per rule, checked
once), so a start only shuffles and matches; a reloaded pool starts with none.

Rendered question payloads (without number, position and points) are kept per version and
presentation order in a bounded LRU: students who drew the same version in the same order
share one. Case items carry a per-student variant and never enter it.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import bindparam, func, select

from ..domain.exams import ExamDefinition, PoolItem
from ..domain.exams.assembly import DrawPlan, plan_draw
from ..domain.questions import validate_question
from ..extensions import db
from ..models import AttemptItem, Question, QuestionVersion

POOL_TTL_SECONDS = 30.0
MAX_ENTRIES = 20000
MAX_PLANS = 256  # per pool: one per distinct blueprint drawn from it
# ~2 KB each: at most ~32 MB per worker. 2,000 starts of a 40-question exam drawn from a 375-question
# bank leave ~15,500 (version, order) pairs, four in five lookups hitting.
MAX_PAYLOADS = 16384


class LRU:
    """A bounded, thread-safe least-recently-used mapping."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(1, int(max_entries))
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable):
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class _Pool:
    """One course's pool as loaded, with the draw plans built from it."""

    fingerprint: tuple
    loaded_at: float
    items: list[PoolItem]
    current: dict[str, tuple[int, dict]]
    plans: dict[str, DrawPlan] = field(default_factory=dict)
    drawable: dict[str, frozenset[str]] = field(default_factory=dict)
    _digest: str | None = None

    def digest(self) -> str:
        """A digest of everything a draw reads from this pool: its items in loaded order and the
        current version of each question (a version's content never changes)."""
        if self._digest is None:
            content = repr((self.items, sorted((qid, vid) for qid, (vid, _data) in self.current.items())))
            self._digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        return self._digest


class _Stores:
    """The caches of one application."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version_data: dict[int, dict] = {}
        self.unsaved: dict[str, int] = {}  # see unsaved_version
        self.specs: dict[int, object] = {}
        self.pools: dict[str, _Pool] = {}
        self.payloads = LRU(MAX_PAYLOADS)

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


def unsaved_version(key: str, data: dict) -> int:
    """A negative version id (no row ever has one) that :func:`version_data` answers with ``data``:
    for a teacher's preview of a case whose stand-in question does not exist yet (nothing is written)."""
    stores = _stores()
    with stores.lock:
        version_id = stores.unsaved.setdefault(key, -1 - len(stores.unsaved))
    stores.remember(stores.version_data, version_id, data)
    return version_id


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


# Built once: every start runs it.
_FINGERPRINT = (select(func.count(Question.id), func.max(Question.current_version_id), func.max(Question.updated_at))
                .where(Question.course == bindparam("course"), Question.active.is_(True)))


# Set by :func:`one_fingerprint`: course → fingerprint already read in this block.
_checked: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pool_fingerprints", default=None)


@contextmanager
def one_fingerprint():
    """Read each course's pool fingerprint once inside the block (a loop over several exams' plans).

    For read-only loops only: nothing inside may change the bank.
    """
    token = _checked.set({})
    try:
        yield
    finally:
        _checked.reset(token)


def _fingerprint(course: str) -> tuple:
    checked = _checked.get()
    if checked is not None and course in checked:
        return checked[course]
    found = tuple(db.session.execute(_FINGERPRINT, {"course": course}).one())
    if checked is not None:
        checked[course] = found
    return found


def _pool(course: str) -> _Pool:
    stores = _stores()
    fingerprint = _fingerprint(course)
    cached = stores.pools.get(course)
    if (cached is not None and cached.fingerprint == fingerprint
            and time.monotonic() - cached.loaded_at < POOL_TTL_SECONDS):
        return cached
    rows = db.session.execute(
        select(Question.qid, Question.chapter, Question.type, Question.difficulty, QuestionVersion.id,
               QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.active.is_(True), Question.course == course)).all()
    items = [PoolItem(qid, chapter, qtype, difficulty, tuple(data.get("tags") or ()))
             for qid, chapter, qtype, difficulty, _vid, data in rows]
    current = {qid: (vid, data) for qid, _c, _t, _d, vid, data in rows}
    loaded = _Pool(fingerprint, time.monotonic(), items, current)
    with stores.lock:
        stores.pools[course] = loaded
        for version_id, data in current.values():
            stores.version_data.setdefault(version_id, data)
    return loaded


def pool(course: str) -> tuple[list[PoolItem], dict[str, tuple[int, dict]]]:
    """Every active question of ``course`` as a pool item, and qid → (current version id, data)."""
    loaded = _pool(course)
    return loaded.items, loaded.current


def draw_plan(definition: ExamDefinition) -> tuple[DrawPlan, dict[str, tuple[int, dict]]]:
    """The draw plan of ``definition`` over its course's current pool, and qid → (version id, data).

    Built once per pool and blueprint (only the fields a draw reads make the key), so papers
    drawn from it are exactly those :func:`app.domain.exams.assemble` would draw.
    """
    loaded = _pool(definition.course)
    key = definition.model_dump_json(include={"rules", "fixed", "shuffle_questions"})
    plan = loaded.plans.get(key)
    if plan is None:
        plan = plan_draw(definition, loaded.items)
        with _stores().lock:
            if len(loaded.plans) >= MAX_PLANS:
                loaded.plans.clear()  # bounded; a cleared plan is rebuilt by its next start
            loaded.plans[key] = plan
    return plan, loaded.current


def draw_inputs_digest(definition: ExamDefinition) -> str:
    """A digest of what a paper of ``definition`` is drawn from now: the definition and its pool.

    Two equal digests mean a seed draws the same paper from both (the draw is deterministic in
    them); a different digest says nothing either way.
    """
    content = definition.model_dump_json() + _pool(definition.course).digest()
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def drawable_qids(definition: ExamDefinition) -> frozenset[str]:
    """Every question a paper of ``definition`` could contain, from its draw plan over the current pool.

    Kept with the plan, so it is recomputed exactly when the plan is: when the blueprint or the
    pool (its fingerprint) changes.
    """
    loaded = _pool(definition.course)
    key = definition.model_dump_json(include={"rules", "fixed", "shuffle_questions"})
    found = loaded.drawable.get(key)
    if found is None:
        found = draw_plan(definition)[0].drawable()
        with _stores().lock:
            if len(loaded.drawable) >= MAX_PLANS:
                loaded.drawable.clear()
            loaded.drawable[key] = found
    return found


def payloads() -> LRU:
    """The LRU of rendered question payloads, keyed by (version id, presentation order key)."""
    return _stores().payloads


def _freeze(value: object) -> Hashable:
    """A hashable copy of a JSON value; lists keep their order (the order is the point)."""
    if isinstance(value, dict):
        return ("{}",) + tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[]",) + tuple(_freeze(v) for v in value)
    return value


def order_key(presentation: dict | None) -> Hashable:
    """A hashable form of an item's stored presentation order, for keying what it lays out."""
    # Fast path for the usual {"options": [ids]}; anything else goes through _freeze (a string
    # must not pass for the list of its characters).
    if not presentation:
        return ()
    try:
        key = tuple(sorted((k, tuple(v)) for k, v in presentation.items() if type(v) is list))
        if len(key) == len(presentation):
            hash(key)
            return key
    except TypeError:
        pass
    return _freeze(presentation)
