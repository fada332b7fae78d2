"""Locale selection and translation catalogues.

User-facing strings are written in Simplified Chinese in the source; the English catalogue
(`app/translations/en/LC_MESSAGES/messages.po`) translates them. The `.po` files are the
source of truth: they are compiled to `.mo` at start-up when missing or stale, so a fresh
clone needs no separate build step.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import Flask, current_app, request, session
from markupsafe import Markup, escape

from .domain.marks import N_, Message  # noqa: F401  (N_ re-exported for the views and services)

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


def user_content(value: object) -> Markup:
    """``value`` (a name, a title, bank or course text) wrapped as user content: ``<span lang="zh">``.

    User content stays Chinese on an English page; the attribute makes screen readers read it as
    Chinese, and ``tests/web/test_english_walk.py`` skips what it marks. Templates use it as the
    ``content`` filter; elements that wrap nothing but user content carry ``lang="zh"`` themselves.
    """
    return Markup('<span lang="zh">%s</span>') % escape(value)


def marked(translated: str, **params: object) -> Markup:
    """``translated`` (a ``_()`` result without params) filled in, text params marked as user content.

    For flash messages that name a person, a class or an exam: ``marked(_("欢迎，%(name)s！"), name=…)``.
    Numbers are filled in as they are.
    """
    return Markup(escape(translated)) % {k: user_content(v) if isinstance(v, str) else v for k, v in params.items()}


def select_locale() -> str:
    """The locale chosen with the language switch, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


_FULL_TO_HALF = {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "？": "?", "！": "!"}
_FEEDBACK_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def _feedback_pattern(template: str) -> re.Pattern[str]:
    """A regex matching ``template`` filled in, with either width of punctuation (older rows are half-width)."""
    pattern = ""
    for piece in re.split(r"(%\(\w+\)[ds])", template):
        placeholder = re.fullmatch(r"%\((\w+)\)([ds])", piece)
        if placeholder:
            name, kind = placeholder.groups()
            pattern += rf"(?P<{name}>-?\d+)" if kind == "d" else rf"(?P<{name}>.*)"
            continue
        for char in piece:
            half = _FULL_TO_HALF.get(char)
            pattern += f"[{char}{re.escape(half)}]" if half else re.escape(char)
    return re.compile(pattern, re.DOTALL)


def _rule_description(text: str) -> str:
    """A drawing rule's Chinese description (``Rule.describe``) with its words in the current language."""
    from flask_babel import gettext, pgettext

    parts = []
    for part in re.split(r"[;；]", text):
        head, _sep, values = part.partition(" ")
        if head in ("章节", "题型", "标签", "难度") and values:
            items = values.split("、")
            if head == "题型":  # short type labels are catalogue entries; chapters and tags are content
                items = [gettext(item) for item in items]
            parts.append(f"{gettext(head)} {pgettext('enumeration', '、').join(items)}")
        else:
            parts.append(gettext(part))
    return pgettext("list separator", "；").join(parts)


def translate_stored(text: str | None) -> str:
    """Chinese text the domain composed (grader feedback, statistics flags) in the current language.

    Unknown text is shown as it was stored.
    """
    from flask_babel import gettext

    from app.domain.questions.feedback import REGRADED, TEMPLATES
    from app.domain.exams.assembly import RULE_MESSAGES
    from app.domain.statistics.items import FLAG_MESSAGES

    if not text:
        return text or ""
    if not _FEEDBACK_PATTERNS:
        # REGRADED wraps another sentence: first, so that the wrapped one is translated in turn.
        _FEEDBACK_PATTERNS.extend((t, _feedback_pattern(t)) for t in (REGRADED,) + TEMPLATES + FLAG_MESSAGES + RULE_MESSAGES)
    for template, pattern in _FEEDBACK_PATTERNS:
        match = pattern.fullmatch(text.strip())
        if match:
            params = {k: int(v) if v.lstrip("-").isdigit() else v for k, v in match.groupdict().items()}
            if template == REGRADED:
                params["feedback"] = translate_stored(params["feedback"])
            if "rule" in params:
                params["rule"] = _rule_description(params["rule"])
            return gettext(template, **params)
    return text


def translate_message(text: str | None) -> str:
    """A domain :class:`~app.domain.marks.Message` (a validation issue, a response-format error) in
    the current language: its template through the catalogue, its parameters translated in turn.

    Plain text (a parameter such as a key path or a value the user wrote) is returned as it is.
    """
    from flask_babel import gettext

    if not isinstance(text, Message):
        return text or ""
    params = {name: translate_message(value) if isinstance(value, Message) else value
              for name, value in text.params.items()}
    return gettext(text.template, **params) if params else gettext(text.template)


def _case_param(value: str) -> Markup:
    """A parameter of case feedback: numbers as they are, a list of cells or known phrases translated,
    other Chinese (row and column labels, type names from the case text) marked as user content."""
    from flask_babel import gettext

    from app.domain.cases.feedback import LISTING_MORE, pieces

    more = re.fullmatch(r"(.*) 等 (\d+) 项", value, re.DOTALL)
    if more:
        return Markup(escape(gettext(LISTING_MORE, shown="\0", count=int(more.group(2))))).replace(
            "\0", _case_param(more.group(1)))
    if not CHINESE_TEXT.search(value):
        return Markup(escape(value))
    if "、" in value:
        return Markup(escape(_list_separator())).join(_case_param(item) for item in value.split("、"))
    found = pieces(value)
    if found and len(found) == 1:
        return _render_case_pieces(found)
    return user_content(value)


CHINESE_TEXT = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def _list_separator() -> str:
    """How the items of a list are separated in the current language (、 in Chinese)."""
    from flask_babel import pgettext

    return pgettext("enumeration", "、")


def _render_case_pieces(found: list[tuple[str, dict[str, str]]]) -> Markup:
    """The pieces of case feedback in the current language; LookupError when a nested sentence is unknown."""
    from flask_babel import gettext

    from app.domain.cases.feedback import pieces

    out = Markup("")
    for template, params in found:
        if template in ("。", "；"):
            out += "." if template == "。" else ";"
            continue
        if out and not out.endswith(" "):
            out += " "
        if not params:
            out += escape(gettext(template))
            continue
        rendered = {}
        for name, value in params.items():
            if name == "message":  # a misconception without its full stop: unknown, the whole stays Chinese
                found_inner = pieces(value + "。")
                if found_inner is None:
                    raise LookupError(value)
                rendered[name] = Markup(_render_case_pieces(found_inner).rstrip("."))
            else:
                rendered[name] = _case_param(value)
        out += Markup(escape(gettext(template, **{k: "\0" + k + "\0" for k in rendered})))
        for name, value in rendered.items():
            out = Markup(out.replace("\0" + name + "\0", value))
    return out


def _case_feedback_markup(text: str) -> Markup | None:
    """Case feedback translated piece by piece, or None when a part of it is not a known template."""
    from app.domain.cases.feedback import pieces

    found = pieces(text)
    try:
        return _render_case_pieces(found) if found else None
    except LookupError:
        return None


def translate_case_feedback(text: str | None) -> str | Markup:
    """A case step's stored Chinese feedback in the current language (the ``case_feedback`` filter).

    Each sentence is recognised by its template (``app.domain.cases.feedback``) and translated with
    its numbers; cell and row labels of the case stay Chinese, marked as user content. Chinese users,
    and feedback with a part no template knows, see the text as stored.
    """
    from flask_babel import get_locale

    if not text:
        return ""
    locale = get_locale()
    if locale is None or locale.language == "zh":
        return text
    translated = _case_feedback_markup(text)
    return translated if translated is not None else text
