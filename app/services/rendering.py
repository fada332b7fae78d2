"""Rendering question text (Markdown → sanitised HTML), cached per question version."""

from __future__ import annotations

from functools import lru_cache

from ..content.markdown_render import render_inline


@lru_cache(maxsize=8192)
def html(text: str) -> str:
    """Sanitised HTML for a stem, option, item or explanation (versions are immutable: cache freely)."""
    return render_inline(text or "")


def inline_html(text: str) -> str:
    """Like :func:`html` but without the wrapping paragraph, for option labels."""
    out = html(text)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        return out[3:-4]
    return out
