"""Text normalisation used when comparing free-text answers and option texts."""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def normalise(text: object) -> str:
    """Return a comparison form of ``text``.

    Applies NFKC (full-width letters, digits and punctuation become half-width), removes
    zero-width characters, collapses runs of whitespace to one space, strips the ends and
    case-folds. Non-string input is converted with ``str`` first; ``None`` becomes "".
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _WHITESPACE.sub(" ", folded).strip().casefold()


def same_text(left: object, right: object) -> bool:
    """True when two texts are equal after :func:`normalise`."""
    return normalise(left) == normalise(right)
