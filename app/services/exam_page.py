"""The exam page body, assembled from cached HTML instead of re-rendered for every request.

Rendering 40 questions through Jinja and Flask-Babel costs far more than the rest of the page,
yet a question's HTML depends only on its payload (version, presentation order, points), its
number and position in the paper, and the locale: saved responses are applied in the browser
(static/js/exam.js reads them from the ``exam-state`` JSON). So each question is rendered once
with placeholder tokens for its number and position, kept in a bounded LRU split at the tokens,
and joined with each student's own number and position: students who drew the same version in
the same option order and locale share one fragment. The page body around the questions
(exams/_take_body.html) is likewise rendered once per locale and paper shape, with slots for the
per-attempt values.

The caches live on the application (one per worker process; one per test app, so version ids
reused by another test database never meet a stale entry). Versions are immutable (an edit makes
a new version id), so entries never need invalidating. A case item carries a per-student dataset,
so its fragment is keyed on its whole payload and only serves that student's reloads.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple

from flask import current_app, url_for
from flask_babel import get_locale, gettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..models import Attempt, AttemptItem
from . import case_items, exam_cache
from .exams import question_payload

DEFAULT_MAX_ENTRIES = 8192  # a question fragment is ~2,000 characters
DEFAULT_MAX_CHARS = 16_000_000  # and the whole cache at most ~32 MB per worker (CJK text: 2 bytes a character)
MAX_SMALL_ENTRIES = 4096  # number labels, case flags, body shells: cleared when full

# "<" followed by NUL never comes out of escaped text or sanitized stem HTML, so a token can
# only be ours; Markup keeps Jinja from escaping it on the way through the templates.
NUMBER_TOKEN = Markup("<\x00number\x00>")
POSITION_TOKEN = Markup("<\x00position\x00>")
_SLOT = re.compile("<\x00slot:(\\w+)\x00>")
BODY_SLOTS = ("attempt_id", "review_url", "title", "state_json", "questions_html", "navigator_html")


def _slot(name: str) -> Markup:
    return Markup(f"<\x00slot:{name}\x00>")


class Fragment(NamedTuple):
    """A rendered question split around its tokens, so filling it in is two C-level joins."""

    chunks: tuple[tuple[str, ...], ...]  # split at NUMBER_TOKEN, then each at POSITION_TOKEN
    qid_html: str  # the escaped question id, for the navigator link
    size: int  # characters, for the cache's bound

    @classmethod
    def from_html(cls, html: str, qid: str) -> Fragment:
        return cls(tuple(tuple(chunk.split(POSITION_TOKEN)) for chunk in html.split(NUMBER_TOKEN)),
                   str(escape(qid)), len(html))

    def fill(self, label: str, position: str) -> str:
        return label.join([position.join(chunk) for chunk in self.chunks])


class FragmentCache:
    """A thread-safe LRU of rendered question fragments, bounded in entries and characters."""

    def __init__(self, max_entries: int, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.max_entries = max(1, int(max_entries))
        self.max_chars = max(1, int(max_chars))
        self._entries: OrderedDict[Hashable, Fragment] = OrderedDict()
        self._lock = threading.Lock()
        self.chars = 0
        self.hits = 0
        self.misses = 0
        self.renders = 0
        self.evictions = 0

    def get_many(self, keys: list[Hashable]) -> list[Fragment | None]:
        """The cached fragment (or None) for each key; one lock round for the whole page."""
        found: list[Fragment | None] = []
        with self._lock:
            entries = self._entries
            for key in keys:
                fragment = entries.get(key)
                if fragment is None:
                    self.misses += 1
                else:
                    entries.move_to_end(key)
                    self.hits += 1
                found.append(fragment)
        return found

    def put(self, key: Hashable, fragment: Fragment) -> None:
        with self._lock:
            self.renders += 1
            old = self._entries.pop(key, None)
            if old is not None:
                self.chars -= old.size
            self._entries[key] = fragment
            self.chars += fragment.size
            while len(self._entries) > self.max_entries or (self.chars > self.max_chars and len(self._entries) > 1):
                _key, evicted = self._entries.popitem(last=False)
                self.chars -= evicted.size
                self.evictions += 1

    def __len__(self) -> int:
        return len(self._entries)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "renders": self.renders,
                    "evictions": self.evictions, "size": len(self._entries), "chars": self.chars,
                    "max_entries": self.max_entries, "max_chars": self.max_chars}


class _Stores:
    """The caches of one application."""

    def __init__(self, max_entries: int, max_chars: int) -> None:
        self.fragments = FragmentCache(max_entries, max_chars)
        # Plain dicts: small, and a lost race only renders the same value twice.
        self.labels: dict[tuple[str, int], str] = {}  # (locale, n) → "Question n"
        self.is_case: dict[int, bool] = {}  # version id → a case stand-in
        self.bodies: dict[Hashable, tuple[str, ...]] = {}  # shape → literal, slot, literal, ...


def _remember(store: dict, key, value):
    if len(store) >= MAX_SMALL_ENTRIES:
        store.clear()  # crude but bounded: refills from the next pages
    store[key] = value
    return value


def _stores() -> _Stores:
    stores = current_app.extensions.get("exam_page_cache")
    if stores is None:
        config = current_app.config
        stores = current_app.extensions.setdefault("exam_page_cache", _Stores(
            config.get("EXAM_PAGE_CACHE_ENTRIES", DEFAULT_MAX_ENTRIES),
            config.get("EXAM_PAGE_CACHE_CHARS", DEFAULT_MAX_CHARS)))
    return stores


def fragment_cache() -> FragmentCache:
    """The current application's question fragment cache (for stats and tests)."""
    return _stores().fragments


def clear() -> None:
    """Forget everything cached for the current application."""
    current_app.extensions.pop("exam_page_cache", None)


def _freeze(value: object) -> Hashable:
    """A hashable copy of a JSON value; lists keep their order (the order is the point)."""
    if isinstance(value, dict):
        return ("{}",) + tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("[]",) + tuple(_freeze(v) for v in value)
    return value


def _presentation_key(presentation: dict | None) -> Hashable:
    # Fast path for the usual {"options": [ids]}; anything else goes through _freeze.
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


def _is_case(stores: _Stores, item: AttemptItem) -> bool:
    found = stores.is_case.get(item.version_id)
    if found is None:
        found = _remember(stores.is_case, item.version_id, case_items.is_case_data(exam_cache.item_data(item)))
    return found


def _number_label(stores: _Stores, locale: str, number: int) -> str:
    label = stores.labels.get((locale, number))
    if label is None:
        # The macro's own msgid, as Jinja's autoescaping gettext gives it (Markup, not escaped).
        label = _remember(stores.labels, (locale, number), str(Markup(gettext("第 %(n)d 题", n=number))))
    return label


def _question_macro():
    # Template.module is built once per loaded template (again after a reload in debug).
    return current_app.jinja_env.get_template("exams/_question.html").module.question_block


def _case_key(payload: dict, locale: str) -> Hashable:
    # A case's HTML follows from its payload (this student's variant): key on all of it.
    rest = {k: v for k, v in payload.items() if k != "position"}
    return ("case", json.dumps(rest, sort_keys=True, ensure_ascii=False, default=str), locale)


def render_questions(items: list[AttemptItem], locale: str | None = None) -> tuple[list[str], list[str]]:
    """The questions and navigator links for ``items`` in paper order, as HTML pieces."""
    stores = _stores()
    cache = stores.fragments
    locale = locale or str(get_locale())
    total = len(items)
    keys: list[Hashable] = []
    case_payloads: dict[int, dict] = {}
    for index, item in enumerate(items):
        if _is_case(stores, item):  # its payload holds this student's dataset
            case_payloads[index] = payload = question_payload(item)
            keys.append(_case_key(payload, locale))
        else:
            keys.append((item.version_id, item.qid, _presentation_key(item.presentation), float(item.points),
                         locale))
    macro = None
    parts: list[str] = []
    nav: list[str] = []
    for number, (item, key, fragment) in enumerate(zip(items, keys, cache.get_many(keys), strict=True), start=1):
        if fragment is None:
            macro = macro or _question_macro()
            payload = case_payloads.get(number - 1) or question_payload(item)
            html = str(macro(dict(payload, position=POSITION_TOKEN), number, total, NUMBER_TOKEN))
            fragment = Fragment.from_html(html, item.qid)
            cache.put(key, fragment)
        label = _number_label(stores, locale, number)
        position = str(item.position)
        parts.append(fragment.fill(label, position))
        nav.append(f'<a class="btn btn-sm btn-outline-secondary" href="#q-{position}" '
                   f'data-qid="{fragment.qid_html}" title="{label}">{number}</a>')
    return parts, nav


def _body_shell(stores: _Stores, locale: str, minutes: int | None, limit: int | None, has_deadline: bool,
                count: int) -> tuple[str, ...]:
    key = (locale, minutes, limit, has_deadline, count)
    shell = stores.bodies.get(key)
    if shell is None:
        template = current_app.jinja_env.get_template("exams/_take_body.html")
        html = template.render(minutes=minutes, limit=limit, has_deadline=has_deadline, count=count,
                               **{name: _slot(name) for name in BODY_SLOTS})
        shell = _remember(stores.bodies, key, tuple(_SLOT.split(html)))  # odd indexes are slot names
    return shell


def render_body(attempt: Attempt, state: dict, minutes: int | None) -> Markup:
    """The exam page body for ``attempt`` (see exams/_take_body.html) in the current locale."""
    stores = _stores()
    locale = str(get_locale())
    items = list(attempt.items)
    parts, nav = render_questions(items, locale)
    env = current_app.jinja_env
    values = {
        "attempt_id": str(attempt.id),
        "review_url": str(escape(url_for("exams.review", attempt_id=attempt.id))),
        "title": str(escape(attempt.exam.title)),
        # What the |tojson filter would give.
        "state_json": htmlsafe_json_dumps(state, dumps=env.policies["json.dumps_function"],
                                          **env.policies["json.dumps_kwargs"]),
        "questions_html": "".join(parts),
        "navigator_html": "".join(nav),
    }
    shell = _body_shell(stores, locale, minutes, attempt.exam.time_limit_minutes, attempt.deadline is not None,
                        len(items))
    return Markup("".join(piece if i % 2 == 0 else values[piece] for i, piece in enumerate(shell)))
