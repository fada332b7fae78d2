"""Convert the HTML that Moodle stores in questions to the Markdown our bank uses.

Only the markup Moodle's editors produce is handled (paragraphs, line breaks, emphasis, lists,
links, code, simple tables); anything else keeps its text. Images become their alt text, since
files embedded in a Moodle export (``@@PLUGINFILE@@``) are not imported.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "blockquote", "section", "article", "header", "footer", "center"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_KEEP_RAW = {"sub", "sup"}
_SKIP_CONTENT = {"script", "style", "head", "title"}


class _Converter(HTMLParser):
    """A streaming converter; ``markdown()`` returns the result."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[int | None] = []  # None for <ul>, the next number for <ol>
        self.links: list[str | None] = []
        self.pre = 0
        self.skip = 0
        self.row = 0
        self.cells = 0
        self.images = 0

    # -- helpers
    def _text(self) -> str:
        return "".join(self.out)

    def _at_line_start(self) -> bool:
        text = self._text()
        return not text or text.endswith("\n")

    def _block(self) -> None:
        text = self._text().rstrip(" ")
        self.out = [text]
        if text and not text.endswith("\n\n"):
            self.out.append("\n" if text.endswith("\n") else "\n\n")

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _SKIP_CONTENT:
            self.skip += 1
        elif tag in _BLOCKS:
            self._block()
        elif tag in _HEADINGS:
            self._block()
            self.out.append("**")
        elif tag == "br":
            self.out.append("  \n")
        elif tag == "hr":
            self._block()
            self.out.append("---\n\n")
        elif tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self._block()
            self.out.append("```\n")
            self.pre += 1
        elif tag in ("ul", "ol"):
            if not self.lists:
                self._block()
            self.lists.append(None if tag == "ul" else 1)
        elif tag == "li":
            self._li()
        elif tag == "a":
            self.links.append(attributes.get("href"))
            self.out.append("[")
        elif tag == "img":
            self.images += 1
            alt = (attributes.get("alt") or "").strip()
            self.out.append(f"[图片:{alt}]" if alt else "[图片]")
        elif tag in _KEEP_RAW:
            self.out.append(f"<{tag}>")
        elif tag == "table":
            self._block()
            self.row = 0
        elif tag == "tr":
            self.cells = 0
            self.out.append("|")
        elif tag in ("td", "th"):
            self.cells += 1
            self.out.append(" ")

    def _li(self) -> None:
        if not self._at_line_start():
            self.out.append("\n")
        depth = max(len(self.lists) - 1, 0)
        marker = "- "
        if self.lists and self.lists[-1] is not None:
            marker = f"{self.lists[-1]}. "
            self.lists[-1] += 1
        self.out.append("  " * depth + marker)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self.skip = max(self.skip - 1, 0)
        elif tag in _BLOCKS:
            self._block()
        elif tag in _HEADINGS:
            self.out.append("**")
            self._block()
        elif tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre" and self.pre:
            self.pre -= 1
            if not self._at_line_start():
                self.out.append("\n")
            self.out.append("```")
            self._block()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self._block()
        elif tag == "li":
            if not self._at_line_start():
                self.out.append("\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            self.out.append(f"]({href})" if href and not href.startswith("@@") else "]")
        elif tag in _KEEP_RAW:
            self.out.append(f"</{tag}>")
        elif tag in ("td", "th"):
            self.out.append(" |")
        elif tag == "tr":
            self.out.append("\n")
            self.row += 1
            if self.row == 1 and self.cells:
                self.out.append("|" + "---|" * self.cells + "\n")
        elif tag == "table":
            self._block()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if self._at_line_start():
            text = text.lstrip()
        self.out.append(text)

    def markdown(self) -> str:
        """The converted text: trailing spaces trimmed (except hard breaks), blank runs collapsed."""
        lines = []
        for line in self._text().split("\n"):
            hard_break = line.endswith("  ") and line.strip()
            lines.append(line.rstrip() + ("  " if hard_break else ""))
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        return text.strip()


def html_to_markdown(html: str) -> tuple[str, int]:
    """Return (markdown, number of images dropped) for a Moodle HTML fragment."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return converter.markdown(), converter.images


def convert_text(text: str, text_format: str | None) -> tuple[str, int]:
    """Markdown for a Moodle text in the given format (``html``, ``markdown``, ``plain_text``…)."""
    fmt = (text_format or "").lower()
    if fmt == "html":
        return html_to_markdown(text)
    return text.strip(), 0
