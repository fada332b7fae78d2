"""Markdown → sanitised HTML, shared by lessons, question stems and explanations.

Python-Markdown with tables, table of contents, admonitions, footnotes, attribute lists and
maths (pymdownx.arithmatex in generic mode: TeX stays readable as text until KaTeX renders it
in the browser). The HTML is always passed through nh3, so whatever an author writes, script
and event-handler attributes never reach a page.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "style", "scope"},
    "ol": {"start"},
}
_CHAPTER_LINK = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9-]*)\.md(?P<anchor>#[\w-]+)?$")


@dataclass
class LinkContext:
    """Where relative links point: a course's chapter pages and figure folder."""

    chapter_url: str = "/lessons/{course}/{slug}"
    figure_url: str = "/lessons/{course}/figures/{name}"
    course: str = "crm"
    seen_links: list[str] = field(default_factory=list)


class _LinkRewriter(Treeprocessor):
    def __init__(self, md, context: LinkContext):
        super().__init__(md)
        self.context = context

    def run(self, root: Element) -> None:
        ctx = self.context
        for el in root.iter():
            if el.tag == "a" and el.get("href"):
                match = _CHAPTER_LINK.match(el.get("href"))
                if match:
                    url = ctx.chapter_url.format(course=ctx.course, slug=match["slug"])
                    el.set("href", url + (match["anchor"] or ""))
                ctx.seen_links.append(el.get("href"))
            elif el.tag == "img" and el.get("src"):
                src = el.get("src")
                if src.startswith("figures/"):
                    el.set("src", ctx.figure_url.format(course=ctx.course, name=src[len("figures/"):]))
                el.set("loading", "lazy")
                ctx.seen_links.append(el.get("src"))


class _LinkExtension(Extension):
    def __init__(self, context: LinkContext):
        super().__init__()
        self.context = context

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_LinkRewriter(md, self.context), "crm_links", 1)


@dataclass
class Rendered:
    """Sanitised HTML with its headings (for a table of contents) and the links it contains."""

    html: str
    toc: list[dict]
    links: list[str]


def _markdown(context: LinkContext | None) -> markdown.Markdown:
    extensions = [
        "tables",
        "admonition",
        "footnotes",
        "attr_list",
        "fenced_code",
        "sane_lists",
        "toc",
        "pymdownx.arithmatex",
    ]
    if context is not None:
        extensions.append(_LinkExtension(context))
    return markdown.Markdown(
        extensions=extensions,
        extension_configs={
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3", "permalink": False},
            "pymdownx.arithmatex": {"generic": True},
            "footnotes": {"BACKLINK_TEXT": "↩"},
        },
        output_format="html",
    )


def sanitize(html: str) -> str:
    """Remove anything that could run script; keep the structure lessons need."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        clean_content_tags={"script", "style"},
        filter_style_properties={"text-align"},
    )


def render(text: str, context: LinkContext | None = None) -> Rendered:
    """Render Markdown to sanitised HTML plus its table of contents."""
    ctx = context or LinkContext()
    md = _markdown(ctx)
    html = md.convert(text or "")
    return Rendered(html=sanitize(html), toc=list(getattr(md, "toc_tokens", [])), links=list(ctx.seen_links))


_inline = threading.local()


def render_inline(text: str) -> str:
    """Render a short Markdown text (question stem, option, explanation) to sanitised HTML."""
    # Building a Markdown object with its extensions costs more than converting a stem: keep one
    # per thread (they are not thread-safe) and reset it after each use.
    md = getattr(_inline, "md", None)
    if md is None:
        md = _inline.md = _markdown(None)
    try:
        html = md.convert(text or "")
    finally:
        md.reset()
    return sanitize(html)
