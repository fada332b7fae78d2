"""The exam page body, assembled from cached HTML instead of re-rendered for every request.

Rendering 40 questions through Jinja and Flask-Babel costs far more than the rest of the page,
yet a question's HTML depends only on its version, points and presentation order, its number and
position in the paper, and the locale: saved responses are applied in the browser
(static/js/exam.js reads them from the ``exam-state`` JSON). So each question is rendered once
with placeholder tokens for its number and position, and kept in a bounded LRU.

Every student has their own shuffle, so the order is not part of the key either: the fragment is
rendered with marks around each shuffled element (options, ordering items, matching rows and
their choices; see ``marks`` in exams/_question.html) and tokens where an element's place shows
(its ``-n`` id and its letter). Assembly puts the elements in the student's order, as the domain's
student view lays them out, and fills the tokens: students who drew the same version with the
same points in the same locale share one fragment. The page body around the questions
(exams/_take_body.html) is likewise rendered once per locale and paper shape, with slots for the
per-attempt values. A paper in sections gains a heading before each section and an answer sheet
grouped by section (app/exams/sections.py), kept likewise per locale and section shape.

The caches live on the application (one per worker process; one per test app, so version ids
reused by another test database never meet a stale entry). Versions are immutable (an edit makes
a new version id), so entries never need invalidating. A case item carries a per-student dataset,
so its fragment is keyed on its whole payload and only serves that student's reloads.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

from flask import current_app, g, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..domain.questions import QuestionSpec, get_question_type
from ..domain.questions.presented import option_letter
from ..models import Attempt, AttemptItem
from ..services import case_items, exam_cache
from ..services.exam_payloads import question_payload
from .memo import remember
from .sections import sectioned

DEFAULT_MAX_ENTRIES = 8192  # a question fragment is ~2,000 characters
DEFAULT_MAX_CHARS = 16_000_000  # and the whole cache at most ~32 MB per worker (CJK text: 2 bytes a character)
MAX_SMALL_ENTRIES = 4096  # number labels, body shells: cleared when full

# "<" followed by NUL never comes out of escaped text or sanitized stem HTML, so a token can
# only be ours; Markup keeps Jinja from escaping it on the way through the templates.
NUMBER_TOKEN = Markup("<\x00number\x00>")
POSITION_TOKEN = Markup("<\x00position\x00>")
INDEX_TOKEN = Markup("<\x00index\x00>")  # an element's 1-based place: the loop.index of the plain macro
LETTER_TOKEN = Markup("<\x00letter\x00>")  # an option's letter by place
_MARK = re.compile("<\x00(?:start:\\w+|element|end)\x00>")  # MARKS' own (see _compile)
_SLOT = re.compile("<\x00slot:(\\w+)\x00>")
BODY_SLOTS = ("attempt_id", "review_url", "title", "state_json", "questions_html", "navigator_html")
PAGE_SLOTS = ("csrf_token", "title", "display_name", "body", "proctor_json")  # exams/take.html around the body


def _slot(name: str) -> Markup:
    return Markup(f"<\x00slot:{name}\x00>")


class _Marks:
    """The ``marks`` argument of ``question_block``: where shuffled elements start and end."""

    element = Markup("<\x00element\x00>")
    end = Markup("<\x00end\x00>")
    index = INDEX_TOKEN
    letter = LETTER_TOKEN

    @staticmethod
    def start(name: str) -> Markup:
        return Markup(f"<\x00start:{name}\x00>")


MARKS = _Marks()


class _Group(NamedTuple):
    """A run of shuffled elements as rendered: the payload key they come from, in rendered order."""

    name: str
    elements: tuple  # each a string (nothing to fill in) or a program (see _compile)


# Program codes for the tokens: indexes into the values list that _emit fills them from.
_CODES = {"number": 0, "position": 1, "index": 2, "letter": 3}
_TOKEN = re.compile("<\x00(number|position|index|letter|start:\\w+|element|end)\x00>")
# INDEX_TOKEN and LETTER_TOKEN by place: what loop.index and option_letter(loop.index0) give in
# the plain macro; review and practice letter options with the same function.
_PLACES = tuple((str(k + 1), option_letter(k)) for k in range(64))


def _place(k: int) -> tuple[str, str]:
    return _PLACES[k] if k < len(_PLACES) else (str(k + 1), option_letter(k))


def _compile(html: str) -> tuple:
    """``html`` rendered with MARKS as a program: literal strings, token codes and _Groups."""
    pieces = _TOKEN.split(html)  # odd indexes are tokens and marks
    root: list = []
    current: list | None = root
    stack: list[tuple[list, str, list]] = []  # (parent program, group name, its elements)
    for i, piece in enumerate(pieces):
        if i % 2 == 0 or piece in _CODES:
            if piece:
                if current is None:
                    raise ValueError(f"text between a group's start and its first element: {piece!r}")
                current.append(piece if i % 2 == 0 else _CODES[piece])
        elif piece.startswith("start:"):
            stack.append((current, piece[6:], []))
            current = None
        elif piece == "element":
            current = []
            stack[-1][2].append(current)
        else:  # end
            parent, name, elements = stack.pop()
            parent.append(_Group(name, tuple(e[0] if len(e) == 1 and type(e[0]) is str else tuple(e)
                                             for e in elements)))
            current = parent
    if stack:
        raise ValueError("a group without its end")
    return tuple(root)


def _group_sizes(program: tuple, found: dict[str, int]) -> dict[str, int]:
    """Group name → element count, checked to be the same wherever the group repeats."""
    for entry in program:
        if type(entry) is _Group:
            if found.setdefault(entry.name, len(entry.elements)) != len(entry.elements):
                raise ValueError(f"group {entry.name!r} repeats with another size")
            for element in entry.elements:
                if type(element) is tuple:
                    _group_sizes(element, found)
    return found


def _emit(program: tuple, values: list[str], orders: dict[str, tuple[int, ...]], out: list[str]) -> None:
    """Appends ``program`` to ``out``: tokens from ``values``, each group's elements in ``orders``."""
    for entry in program:
        kind = type(entry)
        if kind is str:
            out.append(entry)
        elif kind is int:
            out.append(values[entry])
        else:
            outer = values[2], values[3]  # a nested group (matching's choices) must not change its row's
            elements = entry.elements
            for place, index in enumerate(orders[entry.name]):
                element = elements[index]
                if type(element) is str:
                    out.append(element)
                else:
                    values[2], values[3] = _place(place)
                    _emit(element, values, orders, out)
            values[2], values[3] = outer


def _element_ids(values: object) -> list | None:
    """The ids of a student view's or payload's list (options and items are dicts, matching's strings)."""
    if not isinstance(values, list):
        return None
    return [v.get("id") if isinstance(v, dict) else v for v in values]


_NO_ORDERS = object()  # a memoised "the view does not fit"
# Per fragment (~400 bytes each, so at most ~50 KB): a single's four options have only 24 orders
# and five elements 120, shared by many students; longer lists mostly miss and cost one student
# view. 32 missed a quarter of the lookups at 300 students (≈0.05 ms a page).
MAX_ORDERS = 128


class Fragment(NamedTuple):
    """A rendered question prepared so that filling it in is joins, not searches."""

    chunks: tuple[tuple[str, ...], ...]  # no shuffled elements: split at NUMBER_TOKEN, then each at POSITION_TOKEN
    qid_html: str  # the escaped question id, for the navigator link
    size: int  # characters, for the cache's bound
    program: tuple | None = None  # with shuffled elements: see _compile
    groups: dict[str, dict[str, int]] | None = None  # payload key → element id → index in its group
    view: Callable[[dict | None], dict] | None = None  # presentation → student view, to order the groups
    orders: dict | None = None  # presentation key → orders (or _NO_ORDERS), memoised

    @classmethod
    def from_html(cls, html: str, qid: str, payload: dict | None = None,
                  view: Callable[[dict | None], dict] | None = None) -> Fragment:
        """``html`` as rendered from ``payload``; with marks, ``payload`` names the elements and
        ``view`` gives a student's layout of them."""
        if _MARK.search(html) is None:
            return cls(tuple(tuple(chunk.split(POSITION_TOKEN)) for chunk in html.split(NUMBER_TOKEN)),
                       str(escape(qid)), len(html))
        program = _compile(html)
        groups: dict[str, dict[str, int]] = {}
        for name, count in _group_sizes(program, {}).items():
            ids = _element_ids((payload or {}).get(name)) or []
            index = {element_id: i for i, element_id in enumerate(ids)}
            if len(index) != count or len(ids) != count:
                raise ValueError(f"group {name!r}: {count} elements, ids {ids!r}")
            groups[name] = index
        return cls((), str(escape(qid)), len(html), program, groups, view, {})

    def orders_for(self, presentation: dict | None) -> dict[str, tuple[int, ...]] | None:
        """Each group's element indexes as a student with ``presentation`` sees them; None when
        that view's elements are not this fragment's."""
        return self._memoised(exam_cache.order_key(presentation), lambda: presentation)

    def orders_of(self, item) -> dict[str, tuple[int, ...]] | None:
        """:meth:`orders_for` the item's presentation, memoised on its stored JSON text where the
        item carries it (exam_payloads.ItemRow): a hit decodes nothing."""
        text = getattr(item, "presentation_text", None)
        if text is None:
            return self.orders_for(item.presentation or None)  # as question_payload passes it
        return self._memoised(text, lambda: item.presentation or None)  # a text never equals order_key's tuples

    def _memoised(self, key, presentation: Callable[[], dict | None]) -> dict[str, tuple[int, ...]] | None:
        found = self.orders.get(key)
        if found is None:
            found = remember(self.orders, key, self._orders(presentation()) or _NO_ORDERS, MAX_ORDERS)
        return None if found is _NO_ORDERS else found

    def _orders(self, presentation: dict | None) -> dict[str, tuple[int, ...]] | None:
        if self.view is None:
            return None
        view = self.view(presentation)
        orders = {}
        for name, index in self.groups.items():
            try:
                order = tuple([index[element_id] for element_id in _element_ids(view.get(name))])
            except (KeyError, TypeError):  # an unknown id, or no list at all
                return None
            if len(order) != len(index) or len(set(order)) != len(order):
                return None
            orders[name] = order
        return orders

    def fill(self, label: str, position: str, orders: dict[str, tuple[int, ...]] | None = None) -> str:
        """The question with its number label and position; ``orders`` places shuffled elements."""
        if self.program is None:
            return label.join([position.join(chunk) for chunk in self.chunks])
        out: list[str] = []
        _emit(self.program, [label, position, "", ""], orders, out)
        return "".join(out)


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
        self.bodies: dict[Hashable, tuple[str, ...]] = {}  # shape → literal, slot, literal, ...
        self.sections: dict[Hashable, tuple[str, str]] = {}  # section shape → heading, answer sheet group
        self.pages: dict[Hashable, tuple[str, ...]] = {}  # locale and role → the page around the body
        self.cases: dict[int, bool] = {}  # version id → whether it is a case item (versions are immutable)


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


def _number_label(stores: _Stores, locale: str, number: int) -> str:
    label = stores.labels.get((locale, number))
    if label is None:
        # The macro's own msgid, as Jinja's autoescaping gettext gives it (Markup, not escaped).
        label = remember(stores.labels, (locale, number), str(Markup(gettext("第 %(n)d 题", n=number))),
                         MAX_SMALL_ENTRIES)
    return label


def _question_macro():
    # Template.module is built once per loaded template (again after a reload in debug).
    return current_app.jinja_env.get_template("exams/_question.html").module.question_block


def _student_view(item: AttemptItem) -> Callable[[dict | None], dict] | None:
    """presentation → the student view of ``item``'s version (the layout its payload follows)."""
    spec = exam_cache.item_spec(item)
    question_type = get_question_type(spec.type) if isinstance(spec, QuestionSpec) else None
    if question_type is None:
        return None
    # No HTML here: a view only lays out ids and texts, far cheaper than a payload.
    return functools.partial(question_type.student_view, spec)


def _render(macro, item: AttemptItem, payload: dict, number: int, total: int, shared: bool) -> Fragment:
    """``payload`` rendered with tokens; ``shared``: with marks, for every order of its version."""
    html = str(macro(dict(payload, position=POSITION_TOKEN), number, total, NUMBER_TOKEN, MARKS if shared else None))
    return Fragment.from_html(html, item.qid, payload, _student_view(item) if shared else None)


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
    cases = stores.cases
    for index, item in enumerate(items):
        is_case = cases.get(item.version_id)
        if is_case is None:
            is_case = case_items.is_case_data(exam_cache.item_data(item))
            if item.version_id > 0:  # a stored version; a preview's stand-in (negative) is not kept
                remember(cases, item.version_id, is_case, MAX_SMALL_ENTRIES)
        if is_case:  # its payload holds this student's dataset
            case_payloads[index] = payload = question_payload(item)
            keys.append(_case_key(payload, locale))
        else:  # every presentation order shares it
            keys.append((item.version_id, item.qid, float(item.points), locale))
    macro = None
    parts: list[str] = []
    nav: list[str] = []
    for number, (item, key, fragment) in enumerate(zip(items, keys, cache.get_many(keys), strict=True), start=1):
        if fragment is None:
            macro = macro or _question_macro()
            case_payload = case_payloads.get(number - 1)
            try:  # a case keeps its own whole-payload key, so it needs no marks
                shared = case_payload is None
                fragment = _render(macro, item, question_payload(item) if shared else case_payload, number, total,
                                   shared)
                cache.put(key, fragment)
            except ValueError:  # elements it cannot tell apart (repeated ids): this student's order, uncached
                fragment = None
        orders = None
        if fragment is not None and fragment.groups:
            orders = fragment.orders_of(item)
        if fragment is None or (fragment.groups and orders is None):
            # A view whose elements are not the fragment's: the question as this student sees it.
            macro = macro or _question_macro()
            fragment = _render(macro, item, question_payload(item), number, total, shared=False)
        label = _number_label(stores, locale, number)
        position = str(item.position)
        parts.append(fragment.fill(label, position, orders))
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
        shell = remember(stores.bodies, key, tuple(_SLOT.split(html)), MAX_SMALL_ENTRIES)  # odd indexes are slot names
    return shell


def render_body(attempt: Attempt, state: dict, minutes: int | None, items: list | None = None) -> Markup:
    """The exam page body for ``attempt`` (see exams/_take_body.html) in the current locale;
    ``items``: its items in paper order if already read (ORM objects or light rows alike)."""
    return render_paper(list(attempt.items) if items is None else items, attempt.sectioned, attempt.exam, state,
                        minutes,
                        attempt_id=str(attempt.id), review_url=url_for("exams.review", attempt_id=attempt.id),
                        has_deadline=attempt.deadline is not None)


def render_paper(items: list[AttemptItem], sectioned_paper: bool, exam, state: dict, minutes: int | None, *,
                 attempt_id: str, review_url: str, has_deadline: bool) -> Markup:
    """The exam page body for ``items`` (an attempt's, or a teacher's unsaved sample paper) of ``exam``."""
    stores = _stores()
    locale = str(get_locale())
    parts, nav = render_questions(items, locale)
    if sectioned_paper:  # a heading before each section, the answer sheet grouped (app/exams/sections.py)
        parts, nav = sectioned(items, parts, nav, locale, stores.sections)
    env = current_app.jinja_env
    values = {
        "attempt_id": attempt_id,
        "review_url": str(escape(review_url)),
        "title": str(escape(exam.title)),
        # What the |tojson filter would give.
        "state_json": htmlsafe_json_dumps(state, dumps=env.policies["json.dumps_function"],
                                          **env.policies["json.dumps_kwargs"]),
        "questions_html": "".join(parts),
        "navigator_html": "".join(nav),
    }
    shell = _body_shell(stores, locale, minutes, exam.time_limit_minutes, has_deadline, len(items))
    return Markup("".join(piece if i % 2 == 0 else values[piece] for i, piece in enumerate(shell)))


class _ShellUser:
    """What base.html reads of ``current_user``, with the name as a slot."""

    is_authenticated = True
    display_name = _slot("display_name")

    def __init__(self, is_instructor: bool, is_admin: bool) -> None:
        self.is_instructor = is_instructor
        self.is_admin = is_admin


def _json(value) -> str:
    env = current_app.jinja_env  # what the |tojson filter gives
    return htmlsafe_json_dumps(value, dumps=env.policies["json.dumps_function"], **env.policies["json.dumps_kwargs"])


def proctor_json(proctor: dict) -> Markup:
    """The exam page's ``proctor-config`` JSON: ``proctor`` with the warning text in the current locale."""
    return _json(dict(proctor, text={"warning": gettext("你已离开考试页面 {n} 次，监考老师已收到提示。请留在考试页面上继续作答。")}))


def _page_shell(stores: _Stores, locale: str, user, require_fullscreen: bool) -> tuple[str, ...]:
    key = (locale, request.script_root, bool(user.is_instructor), bool(user.is_admin), bool(require_fullscreen))
    shell = stores.pages.get(key)
    if shell is None:
        shell_user = _ShellUser(*key[2:4])
        # Flask-Login's context processor loads the session's user for ``current_user``, which the
        # shell's own value overrides: a student's page that never loaded it must not pay for it.
        stand_in = "_login_user" not in g
        if stand_in:
            g._login_user = shell_user
        try:
            html = render_template("exams/take.html", attempt={"exam": {"title": _slot("title")}},
                                   body=_slot("body"), proctor={"require_fullscreen": require_fullscreen},
                                   proctor_json=_slot("proctor_json"), current_user=shell_user,
                                   csrf_token=lambda: _slot("csrf_token"))
        finally:
            if stand_in:
                g.pop("_login_user", None)
        shell = remember(stores.pages, key, tuple(_SLOT.split(html)), MAX_SMALL_ENTRIES)  # odd indexes are slot names
    return shell


def render_page(attempt: Attempt, body: Markup, proctor: dict, user) -> str:
    """The whole exam page (exams/take.html around ``body``) for ``user``, the attempt's owner.

    base.html costs as much as the paper when rendered per request, yet only the CSRF token, the
    title, the user's name and the proctoring JSON differ between students: it is rendered once
    per locale and role with slots for them. A pending flash message goes through the template.
    """
    if "_flashes" in session:
        return render_template("exams/take.html", attempt=attempt, body=body, proctor=proctor,
                               proctor_json=proctor_json(proctor))
    shell = _page_shell(_stores(), str(get_locale()), user, proctor["require_fullscreen"])
    values = {"csrf_token": str(escape(generate_csrf())), "title": str(escape(attempt.exam.title)),
              "display_name": str(escape(user.display_name)), "body": body, "proctor_json": proctor_json(proctor)}
    return "".join(piece if i % 2 == 0 else values[piece] for i, piece in enumerate(shell))


_CODE_SUFFIXES = (".py", ".html", ".js", ".po")
_code_digest: str | None = None


def code_digest() -> str:
    """A digest of the application's code, templates, scripts and translations, read once per process.

    Part of the ETag so that a page stored under other code never matches after a deploy, while
    every process and server running the same code agrees (a per-process value would make a
    reload that reaches another worker a full page).
    """
    global _code_digest
    if _code_digest is None:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the app package
        digest = hashlib.blake2b(digest_size=16)
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in ("vendor", "__pycache__"))
            for name in sorted(files):
                if name.endswith(_CODE_SUFFIXES):
                    path = os.path.join(folder, name)
                    digest.update(os.path.relpath(path, root).encode())
                    with open(path, "rb") as fh:
                        digest.update(fh.read())
        _code_digest = digest.hexdigest()
    return _code_digest


def conditional_enabled() -> bool:
    """Whether exam page reloads may be answered 304: only while a CSRF token never expires
    (WTF_CSRF_TIME_LIMIT None), since a stored copy keeps the token it was served with."""
    return current_app.config.get("WTF_CSRF_TIME_LIMIT") is None


def page_etag(attempt: Attempt, items: list, user, minutes: int | None, proctor: dict) -> str:
    """The exam page's ETag: a digest of everything the page shows or embeds except the server time
    (exam.js asks the API for it after a revalidated load) and the CSRF token's signing time.

    Covers the viewer, the attempt's state and deadline, every item's paper place and saved state
    (a save always sets ``saved_at``), the exam's shown settings, the proctoring values, the
    locale and the session's CSRF secret (a new session gets a new page). ``items``: the
    attempt's exam_payloads.ItemRow (the order as its stored text).
    """
    exam = attempt.exam
    csrf_key = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    parts = (code_digest(), str(get_locale()), request.script_root, session.get(csrf_key),
             user.id, user.display_name, bool(user.is_instructor), bool(user.is_admin), minutes,
             attempt.id, attempt.user_id, attempt.exam_id, attempt.number, attempt.status, attempt.started_at,
             attempt.deadline, attempt.submitted_at, attempt.sectioned,
             exam.title, exam.time_limit_minutes, sorted(proctor.items()),
             [(i.position, i.qid, i.version_id, i.points, i.presentation_text, i.seq, i.saved_at, i.flagged)
              for i in items])
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
