"""Half-width punctuation in Chinese text: found (for the linters) and fixed (for the converter).

Chinese text takes full-width punctuation (，：；？！（）). A half-width ``, : ; ? ! ( )`` is
an error where it touches Chinese: the character before or after it is a Chinese character
or full-width punctuation, or, for a pair of brackets, the text inside holds Chinese or the
brackets touch Chinese from outside. Maths (``$…$``, ``$$…$$``), code (fenced blocks and
`` `spans` ``), URLs, HTML comments and Markdown syntax (link targets ``](…)``, the ``!`` of
``![…]``, admonition markers ``!!!``) are left alone, and so is punctuation between Latin
letters or digits (``9:00``, ``1,000``, ``(A + O)``, ``customer first, then…``).

:func:`findings` is the one home of the rule: ``bank lint``, ``courseware lint`` and
``scripts/fullwidth_punctuation.py`` (through :func:`to_fullwidth`) all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_HALF = frozenset(FULL_WIDTH)
# Chinese characters (CJK ideographs, extension A, compatibility), Japanese kana (Kano's own
# terms), and full-width punctuation. Curly quotes are left out: English text uses them too.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                  r"\u3001\u3002\u3008-\u3011\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f\u2026\u2014\uff5e]")
_QUOTES = "\u201c\u201d\u2018\u2019*_"
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Regions the rule never looks into, in the order they are masked.
_PROTECTED = [
    re.compile(r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[^\n]*$", re.M | re.S),  # fenced code block
    re.compile(r"\$\$.+?\$\$", re.S),  # display maths
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\d)"),  # inline maths
    re.compile(r"`+[^`\n]*`+"),  # code span
    re.compile(r"<?\b(?:https?|ftp|mailto):[^\s<>（）\u4e00-\u9fff]+>?"),  # URL
    re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)"),  # link / image target after ]
    re.compile(r"!(?=\[)"),  # the ! of an image
    re.compile(r"^[ \t]*!!!", re.M),  # admonition marker
    re.compile(r"\{#[\w-]+\}"),  # heading anchor
    re.compile(r"\{\{\s*opt:[^{}]*\}\}"),  # option reference in an explanation
]


@dataclass(frozen=True)
class Finding:
    """One half-width mark in Chinese text: its offset in the text and what it should be."""

    offset: int
    char: str
    line: int  # 1-based line within the text

    @property
    def replacement(self) -> str:
        return FULL_WIDTH[self.char]


def _mask(text: str) -> str:
    """``text`` with every protected region blanked out (same length, newlines kept)."""
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = "\0"

    # HTML comments by hand: a regex with a lazy ".*?" rescans to the end for every unclosed "<!--".
    pos = 0
    while (a := text.find("<!--", pos)) >= 0 and (b := text.find("-->", a + 4)) >= 0:
        blank(a, b + 3)
        pos = b + 3
    for pattern in _PROTECTED:
        for match in pattern.finditer("".join(chars)):
            blank(match.start(), match.end())
    return "".join(chars)


def _touches(masked: str, i: int, step: int) -> bool:
    """Whether the character next to ``i`` (before for ``step`` −1, after for +1) is Chinese.

    Curly quotes and emphasis marks are looked through: ``“客户”,`` and ``**重点**:`` touch
    Chinese, ``“first”,`` does not.
    """
    j = i + step
    while 0 <= j < len(masked) and masked[j] in _QUOTES:
        j += step
    return 0 <= j < len(masked) and bool(_CJK.match(masked[j]))


def _near(masked: str, i: int, step: int) -> bool:
    """Like :func:`_touches`, but across spaces (``管理 (CRM) 是`` still touches Chinese)."""
    j = i + step
    while 0 <= j < len(masked) and (masked[j] in " \t" or masked[j] in _QUOTES):
        j += step
    return 0 <= j < len(masked) and bool(_CJK.match(masked[j]))


class _Lines:
    """Per-line facts computed once, so that every check is linear in the text's length."""

    def __init__(self, masked: str):
        self.cjk: list[bool] = []  # line holds Chinese or full-width punctuation
        self.han: list[bool] = []  # line holds Chinese characters
        self.last: list[int] = []  # offset of the line's last character that is not a space
        self.starts: list[int] = []
        start = 0
        for line in masked.split("\n"):
            self.starts.append(start)
            self.cjk.append(bool(_CJK.search(line)))
            self.han.append(bool(_HAN.search(line)))
            stripped = line.rstrip(" \t")
            self.last.append(start + len(stripped) - 1)
            start += len(line) + 1


def _in_chinese_line(masked: str, i: int, lines: _Lines, n: int) -> bool:
    """A mark in a line of Chinese text that English would not write: ``CRM:`` ending the line,
    ``52%,NPS`` or ``Management,CRM`` (an English comma, colon or semicolon is followed by a space).
    Digits on both sides (``1,000``, ``9:00``) are numbers, not punctuation."""
    if not lines.cjk[n]:
        return False
    if i >= lines.last[n]:
        return True  # the line ends here
    after = masked[i + 1]
    if masked[i] in "?!" or after in " \t\0":
        return False
    return not (i > 0 and masked[i - 1].isdigit() and after.isdigit())


def _attached(masked: str, start: int, lines: _Lines, n: int) -> bool:
    """``CRM(SaaS)`` in a line of Chinese: English puts a space before a bracket."""
    if start == 0 or not masked[start - 1].isascii() or not masked[start - 1].isalnum():
        return False
    return lines.han[n]


def findings(text: str) -> list[Finding]:
    """Every half-width ``, : ; ? ! ( )`` of ``text`` that stands in Chinese text, in order."""
    if not text or not any(ch in _HALF for ch in text):
        return []
    masked = _mask(text)
    lines = _Lines(masked)
    han_before = [0]  # han_before[i]: Chinese characters in masked[:i]
    for ch in masked:
        han_before.append(han_before[-1] + (1 if _HAN.match(ch) else 0))
    found: set[int] = set()
    stack: list[tuple[int, bool]] = []  # (offset, attached to a Latin word in a Chinese line)
    unclosed: list[int] = []
    pairs: list[tuple[int, int, bool]] = []
    n = 0
    for i, ch in enumerate(masked):
        if ch == "\n":  # brackets pair within a line (a paragraph, a table row, a YAML value)
            unclosed.extend(k for k, _ in stack)
            stack = []
            n += 1
        elif ch in "(（":
            stack.append((i, _attached(masked, i, lines, n)))
        elif ch in ")）":
            if stack:
                start, attached = stack.pop()
                pairs.append((start, i, attached))
            elif ch == ")" and (_touches(masked, i, -1) or _touches(masked, i, 1)):
                found.add(i)
        elif ch in ",:;?!" and (_touches(masked, i, -1) or _touches(masked, i, 1)
                                or _in_chinese_line(masked, i, lines, n)):
            found.add(i)
    for i in unclosed + [k for k, _ in stack]:
        if masked[i] == "(" and (_touches(masked, i, -1) or _touches(masked, i, 1)):
            found.add(i)
    for start, end, attached in pairs:
        half = [k for k in (start, end) if masked[k] in "()"]
        if not half:
            continue
        chinese = (han_before[end] > han_before[start + 1] or _near(masked, start, -1) or _near(masked, end, 1)
                   or masked[start] == "（" or masked[end] == "）" or attached)
        if chinese:
            found.update(half)
    result = []
    line, last = 1, 0
    for i in sorted(found):
        line += text.count("\n", last, i)
        last = i
        result.append(Finding(i, text[i], line))
    return result


def to_fullwidth(text: str) -> str:
    """``text`` with every finding replaced by its full-width form.

    Spaces beside a replaced mark go too (``管理 (CRM) 是`` → ``管理（CRM）是``): full-width
    punctuation carries its own spacing. Indentation, line ends, table bars and the space
    beside maths or code stay.
    """
    for _ in range(5):  # a replaced bracket can make its neighbour Chinese: repeat until stable
        new = _replace_once(text)
        if new == text:
            break
        text = new
    return text


def _replace_once(text: str) -> str:
    hits = findings(text)
    if not hits:
        return text
    chars = list(text)
    for hit in hits:
        chars[hit.offset] = hit.replacement
    masked = _mask(text)
    drop: set[int] = set()
    for hit in hits:
        for step in (-1, 1):
            j = hit.offset + step
            while 0 <= j < len(chars) and chars[j] in " \t":
                j += step
            # Keep indentation, line ends, table bars and the space beside maths or code.
            if j == hit.offset + step or not 0 <= j < len(chars) or chars[j] in "\n|" or masked[j] == "\0":
                continue
            drop.update(range(min(j, hit.offset) + 1, max(j, hit.offset)))
    return "".join(ch for i, ch in enumerate(chars) if i not in drop)


def describe(text: str, finding: Finding, width: int = 8) -> str:
    """A short message: the mark, what it should be, and the text around it."""
    start = max(0, finding.offset - width)
    end = min(len(text), finding.offset + width + 1)
    around = text[start:end].replace("\n", " ")
    return f"中文中的半角标点 “{finding.char}” 应为全角 “{finding.replacement}”（…{around}…）"
