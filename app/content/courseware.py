"""Courseware: chapters as Markdown files with YAML front matter, rendered and searchable.

A :class:`Course` is loaded from ``courseware/<course>/``; rendered chapters are cached and
re-rendered when their file changes (size or modification time).
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .markdown_render import LinkContext, render

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*(?:\{#([\w-]+)\})?\s*$", re.M)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


class CoursewareError(ValueError):
    """A chapter file that cannot be used; the message names the file and the field."""

    def __init__(self, path: Path | str, field_name: str | None, message: str):
        self.path = str(path)
        self.field = field_name
        where = f"{self.path}: " + (f"front matter field '{field_name}': " if field_name else "")
        super().__init__(where + message)


@dataclass(frozen=True)
class Section:
    """A heading of a chapter and the plain text below it (for search)."""

    anchor: str
    title: str
    level: int
    text: str


@dataclass
class Chapter:
    """One chapter: metadata from front matter and the Markdown body."""

    course: str
    slug: str
    title: str
    order: int
    objectives: list[str]
    reading_minutes: int
    body: str
    path: Path
    sections: list[Section] = field(default_factory=list)
    _rendered: object | None = None

    @property
    def anchors(self) -> set[str]:
        return {s.anchor for s in self.sections}

    @property
    def han_characters(self) -> int:
        return len(_HAN.findall(self.body))

    def rendered(self):
        """The chapter's sanitised HTML and table of contents (cached)."""
        if self._rendered is None:
            self._rendered = render(self.body, LinkContext(course=self.course))
        return self._rendered


def parse_front_matter(path: Path, text: str) -> tuple[dict, str]:
    """Split ``text`` into its front-matter mapping and the Markdown body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise CoursewareError(path, None, "missing front matter: the file must start with '---', YAML fields, '---'")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        raise CoursewareError(path, None, f"front matter is not valid YAML{where}: {exc}") from None
    if not isinstance(meta, dict):
        raise CoursewareError(path, None, "front matter must be a mapping of fields")
    return meta, text[match.end():]


def _require(path: Path, meta: dict, name: str, kind, check=None, message: str = ""):
    if name not in meta or meta[name] in (None, ""):
        raise CoursewareError(path, name, "is required")
    value = meta[name]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise CoursewareError(path, name, f"must be a whole number, got {value!r}")
    if kind is not int and not isinstance(value, kind):
        raise CoursewareError(path, name, message or f"has the wrong type ({type(value).__name__})")
    if check and not check(value):
        raise CoursewareError(path, name, message)
    return value


def _sections(body: str) -> list[Section]:
    matches = list(_HEADING.finditer(body))
    sections = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        title = m.group(2).strip()
        anchor = m.group(3) or re.sub(r"\s+", "-", title.lower())
        sections.append(Section(anchor=anchor, title=title, level=len(m.group(1)),
                                text=_plain_text(body[m.end():end])))
    return sections


_TEX_SYMBOLS = {r"\times": "×", r"\div": "÷", r"\cdot": "·", r"\le": "≤", r"\leq": "≤", r"\ge": "≥",
                r"\geq": "≥", r"\ne": "≠", r"\neq": "≠", r"\approx": "≈", r"\sum": "∑",
                r"\pm": "±", r"\infty": "∞", r"\ldots": "…", r"\cdots": "…"}


def _tex_plain(tex: str) -> str:
    r"""A formula as a reader would say it: ``\frac{a}{b}`` → (a)/(b), ``\times`` → ×, ``\text{利润}`` → 利润."""
    text = tex
    for _ in range(3):  # nested fractions, innermost first
        text = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\(?:text|mathrm|mathbf|textbf|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\(?:left|right|big|Big)\b", "", text)
    text = re.sub(r"\\[a-zA-Z]+", lambda m: _TEX_SYMBOLS.get(m.group(0), " "), text)
    text = text.replace("\\%", "%")
    text = re.sub(r"\\[,;:! ]|\\quad", " ", text)
    return re.sub(r"[{}]", "", text)


def _plain_text(markdown_text: str) -> str:
    """The text a reader sees: no Markdown marks, list bullets, or TeX source (for search snippets)."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: " " + _tex_plain(m.group(1)) + " ", markdown_text, flags=re.S)
    text = re.sub(r"(?<![\\$])\$([^$\n]+?)\$", lambda m: _tex_plain(m.group(1)), text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^!!!\s+\w+\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*(?:[-+*]|\d+[.)])\s+", "", text, flags=re.M)  # list bullets and numbers
    text = re.sub(r"\{:?[^{}]*#[\w-]+[^{}]*\}", " ", text)  # attribute lists such as {#anchor}
    text = re.sub(r"[*_`>#|]+", " ", text)
    text = re.sub(r"-{3,}|:?-{2,}:?", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def load_chapter(course: str, path: Path) -> Chapter:
    """Load and validate one chapter file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CoursewareError(path, None, "is not UTF-8 text") from None
    meta, body = parse_front_matter(path, text)
    title = _require(path, meta, "title", str, message="must be text")
    slug = _require(path, meta, "slug", str, lambda s: bool(_SLUG.match(s)),
                    "must be lower-case letters, digits and hyphens")
    if slug != path.stem:
        raise CoursewareError(path, "slug", f"'{slug}' must equal the file name '{path.stem}'")
    order = _require(path, meta, "order", int)
    objectives = _require(path, meta, "objectives", list,
                          lambda v: bool(v) and all(isinstance(o, str) and o.strip() for o in v),
                          "must be a non-empty list of texts")
    minutes = _require(path, meta, "reading_minutes", int)
    if minutes <= 0:
        raise CoursewareError(path, "reading_minutes", "must be positive")
    unknown = set(meta) - {"title", "slug", "order", "objectives", "reading_minutes"}
    if unknown:
        raise CoursewareError(path, sorted(unknown)[0], "is not a known field (title, slug, order, objectives, reading_minutes)")
    return Chapter(course=course, slug=slug, title=title.strip(), order=order, objectives=objectives,
                   reading_minutes=minutes, body=body, path=path, sections=_sections(body))


@dataclass(frozen=True)
class SearchHit:
    """A section that contains the query, with a highlighted snippet."""

    chapter: Chapter
    section: Section | None
    snippet_html: str
    count: int


class Course:
    """A course folder: its chapters in order, loading errors, and search."""

    def __init__(self, slug: str, root: Path):
        self.slug = slug
        self.root = root
        self.title = slug
        self.description = ""
        self.chapters: list[Chapter] = []
        self.errors: list[CoursewareError] = []
        self._stamp: tuple = ()

    def chapter(self, slug: str) -> Chapter | None:
        return next((c for c in self.chapters if c.slug == slug), None)

    def neighbours(self, chapter: Chapter) -> tuple[Chapter | None, Chapter | None]:
        i = self.chapters.index(chapter)
        return (self.chapters[i - 1] if i > 0 else None,
                self.chapters[i + 1] if i + 1 < len(self.chapters) else None)

    def figure_path(self, name: str) -> Path | None:
        """The figure file called ``name``, if it exists inside the figures folder."""
        if not re.match(r"^[\w-]+\.svg$", name):
            return None
        path = self.root / "figures" / name
        return path if path.is_file() else None

    def section_map(self) -> dict[str, set[str]]:
        """Chapter slug → its section anchors (for the question-bank linter)."""
        return {c.slug: c.anchors for c in self.chapters}

    def search(self, query: str) -> list[SearchHit]:
        """Sections (and chapter titles) containing every word of ``query``, in any order, case-insensitive.

        Words are separated by spaces (either width); the best matches come first. The caller pages them.
        """
        terms = search_terms(query)
        if not terms:
            return []
        hits: list[SearchHit] = []
        for chapter in self.chapters:
            title = chapter.title.lower()
            if all(t in title for t in terms):
                hits.append(SearchHit(chapter, None, _highlight(chapter.title, terms), 1))
            for section in chapter.sections:
                haystack = section.title + " " + section.text
                lower = haystack.lower()
                if all(t in lower for t in terms):
                    count = sum(lower.count(t) for t in terms)
                    hits.append(SearchHit(chapter, section, _highlight(haystack, terms), count))
        hits.sort(key=lambda h: (-(h.section is None), -h.count, h.chapter.order))
        return hits


MAX_SEARCH_TERMS = 8


def search_terms(query: str) -> list[str]:
    """The distinct lower-case words of a search query (at most :data:`MAX_SEARCH_TERMS`)."""
    words = re.split(r"\s+", (query or "").strip().lower())
    return list(dict.fromkeys(w for w in words if w))[:MAX_SEARCH_TERMS]


def _highlight(text: str, terms: list[str], width: int = 60) -> str:
    """A snippet around the first matching word, every word marked; HTML-escaped."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    pos = first.start() if first else 0
    start = max(0, pos - width)
    end = min(len(text), pos + (len(first.group(0)) if first else 0) + width)
    piece = text[start:end]
    out, i = [], 0
    for match in pattern.finditer(piece):
        out.append(html_lib.escape(piece[i:match.start()]))
        out.append("<mark>" + html_lib.escape(match.group(0)) + "</mark>")
        i = match.end()
    out.append(html_lib.escape(piece[i:]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


_cache: dict[str, Course] = {}
_lock = threading.Lock()


def _stamp(root: Path) -> tuple:
    files = sorted(root.glob("*.md")) + [root / "course.yaml"]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())


def load_course(root: Path, slug: str) -> Course:
    """Load ``root`` (a course folder) fresh; errors are collected, not raised."""
    course = Course(slug, root)
    meta_path = root / "course.yaml"
    order: list[str] = []
    if meta_path.exists():
        try:
            meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
            if not isinstance(meta, dict):
                raise CoursewareError(meta_path, None, "must be a mapping")
            course.title = str(meta.get("title", slug))
            course.description = str(meta.get("description", ""))
            order = [str(s) for s in meta.get("chapters") or []]
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            course.errors.append(CoursewareError(meta_path, None, f"cannot be read: {exc}"))
        except CoursewareError as exc:
            course.errors.append(exc)
    for path in sorted(root.glob("*.md")):
        if path.name.upper().startswith("README"):
            continue
        try:
            course.chapters.append(load_chapter(slug, path))
        except CoursewareError as exc:
            course.errors.append(exc)
    rank = {s: i for i, s in enumerate(order)}
    course.chapters.sort(key=lambda c: (rank.get(c.slug, len(rank)), c.order, c.slug))
    course._stamp = _stamp(root)
    return course


def cached_course(courseware_dir: str | Path, slug: str) -> Course | None:
    """The course, re-loaded when any of its files changed since the last call."""
    # A slug typed into a form reaches here: a 4,000-character one made stat() raise "File name too long".
    if len(slug) > 100 or not _SLUG.match(slug):
        return None
    root = Path(courseware_dir) / slug
    if not root.is_dir():
        return None
    key = str(root)
    with _lock:
        course = _cache.get(key)
        if course is None or course._stamp != _stamp(root):
            course = load_course(root, slug)
            _cache[key] = course
        return course
