"""Locale selection and translation catalogues.

User-facing strings are written in Simplified Chinese in the source; the English catalogue
(`app/translations/en/LC_MESSAGES/messages.po`) translates them. The `.po` files are the
source of truth: they are compiled to `.mo` at start-up when missing or stale, so a fresh
clone needs no separate build step.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Flask, current_app, request, session

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def compile_translations(app: Flask) -> str:
    """Compile every ``.po`` into a ``.mo`` next to it (or in a temp dir if read-only)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target_root = TRANSLATIONS_DIR
    for po_path in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as fh:
            catalog = read_po(fh)
        try:
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
        except OSError:
            target_root = Path(tempfile.mkdtemp(prefix="crm-translations-"))
            mo_alt = target_root / po_path.relative_to(TRANSLATIONS_DIR).with_suffix(".mo")
            mo_alt.parent.mkdir(parents=True, exist_ok=True)
            with mo_alt.open("wb") as fh:
                write_mo(fh, catalog)
    return str(target_root)


def N_(text: str) -> str:
    """Mark ``text`` for extraction only: labels kept in Chinese as data and translated where shown."""
    return text


def select_locale() -> str:
    """The locale chosen with the language switch, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
