"""Low-level GIFT syntax: escapes, question blocks, format markers, weights.

Follows the behaviour of Moodle's own GIFT reader (question/format/gift): questions are blocks
separated by blank lines, lines starting with ``//`` are comments, ``\\~ \\= \\# \\{ \\} \\:``
escape the control characters, ``\\\\`` is a backslash and ``\\n`` a line break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .html_text import convert_text

# Escaped characters are swapped for private-use code points while the structure is parsed.
_ESCAPES = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005",
            "~": "\ue006", "n": "\ue007"}
_BACKSLASH = "\ue000"
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_RESTORE[_BACKSLASH] = "\\"
_FORMATS = {"html": "html", "moodle": "moodle_auto_format", "plain": "plain_text",
            "markdown": "markdown"}
# Moodle's answer weight: %50%, %-33.33333%, %100% (its own pattern, so both read the same).
WEIGHT = re.compile(r"^%(-*)(\d{1,2}\.?\d*)%")
_CONTROL = str.maketrans({"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{",
                          "}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""})


@dataclass
class Block:
    """One question block: its content lines and comment lines, with line numbers."""

    line: int
    content: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The block's content joined and trimmed, as Moodle sees it."""
        return "\n".join(self.content).strip()


def split_blocks(text: str) -> list[Block]:
    """Split a GIFT file into blocks at blank lines; comment lines stay in their block."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if current is None:
            current = Block(line=number)
            blocks.append(current)
        if stripped.startswith("//"):
            current.comments.append(stripped[2:])
        else:
            if not current.content:
                current.line = number
            current.content.append(line)
    return blocks


def protect(text: str) -> str:
    """Replace escaped characters with placeholders (Moodle's ``escapedchar_pre``)."""
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    return text


def restore(text: str) -> str:
    """Turn placeholders back into the characters they stand for."""
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def escape(text: str) -> str:
    """Escape a text for GIFT (Moodle's ``repchar``): control characters and line breaks."""
    return text.translate(_CONTROL)


def rich_text(protected: str, default_format: str = "moodle_auto_format") -> tuple[str, str, int]:
    """(markdown, format, images dropped) of a protected GIFT text with an optional marker."""
    text = protected.strip()
    fmt = default_format
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end > 0 else ""
        if name in _FORMATS:
            fmt = _FORMATS[name]
            text = text[end + 1:]
    converted, images = convert_text(restore(text).strip(), fmt)
    return converted, fmt, images


def marked(text: str) -> str:
    """Escape an answer or feedback text, guarding a leading ``[`` from being read as a marker."""
    return ("[markdown]" if text.startswith("[") else "") + escape(text)


def split_feedback(part: str) -> tuple[str, str]:
    """Split ``answer#feedback`` at the first unescaped ``#``."""
    answer, _, feedback = part.partition("#")
    return answer, feedback


def read_weight(part: str, default: float) -> tuple[float, str]:
    """(fraction, rest) for an answer that may start with a ``%n%`` weight."""
    match = WEIGHT.match(part)
    if not match:
        return default, part
    sign = -1 if match.group(1) else 1
    return sign * float(match.group(2).rstrip(".") or 0) / 100, part[match.end():]


def escape_short_answer(form: str) -> str:
    """Moodle short answers treat ``*`` as a wildcard; ``\\*`` is a literal star."""
    return form.replace("*", "\\*")


def unescape_short_answer(form: str) -> tuple[str, bool]:
    """(form with ``\\*`` made literal, whether an unescaped wildcard ``*`` remains)."""
    wildcard = bool(re.search(r"(?<!\\)\*", form))
    return form.replace("\\*", "*"), wildcard
