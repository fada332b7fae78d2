"""Form plumbing the question-type folders share: reading answer forms and editor forms.

Free of request and app state (messages go through Flask-Babel's ``gettext``, which needs no app
context), so the readers are tested on their own. ``request.form`` and :class:`Fields` both
satisfy :class:`FormData`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..domain.questions.numbers import parse_plain_number

LETTERS = "ABCDEFGHIJ"  # the exam page labels options A–J
FORM_ERROR = "_form"
# Question keys whose problems are shown next to another field of the editor.
_FIELD_OF_KEY = {"tolerance_pct": "tolerance", "type": FORM_ERROR}
_INTEGER = re.compile(r"^[+-]?\d+$")


class FormData(Protocol):
    """What a submitted form offers (Werkzeug's MultiDict, or :class:`Fields`)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


class Fields(dict):
    """Form values built from stored data, read like ``request.form``."""

    def get(self, key: str, default: Any = "") -> Any:  # type: ignore[override]
        """The first value of ``key``, or ``default``."""
        values = super().get(key)
        return values[0] if values else default

    def getlist(self, key: str) -> list[Any]:
        """Every value of ``key``."""
        return list(super().get(key) or [])

    def put(self, name: str, *values: object) -> None:
        """Set ``name`` to ``values`` as strings."""
        self[name] = [str(value) for value in values]


class AnswerFormError(ValueError):
    """An answer form that cannot be read; the message says what is missing."""


@dataclass
class ParsedForm:
    """A question dict built from the editor form, its chapter, the version note and field errors."""

    data: dict[str, Any]
    chapter: str
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no field has a problem."""
        return not self.errors

    def add(self, name: str, message: str) -> None:
        """Record a problem with field ``name``."""
        messages = self.errors.setdefault(name, [])
        if message not in messages:
            messages.append(message)

    def merge(self, checked: Mapping[str, list[str]]) -> None:
        """Add problems found by the bank checks (by question key), except on fields already flagged."""
        flagged = set(self.errors)
        for key, messages in checked.items():
            name = _FIELD_OF_KEY.get(key, key)
            if name not in flagged:
                for message in messages:
                    # "stem:不能为空" reads "不能为空" next to the stem field.
                    self.add(name, re.sub(rf"^{re.escape(key)}[\w.\[\]-]*:", "", message) or message)


def text_of(form: FormData, name: str) -> str:
    """A textarea's value with browser line endings (CRLF) made plain newlines."""
    return str(form.get(name) or "").replace("\r\n", "\n").replace("\r", "\n")


def line_of(form: FormData, name: str) -> str:
    """A one-line input's value, trimmed."""
    return str(form.get(name) or "").strip()


def parse_number(text: str) -> int | float | None:
    """``"26000"`` → 26000, ``"0.15"`` → 0.15; None for anything else (units, commas, nan).

    Parsing is the app's one parser for typed numbers (``parse_plain_number``): finite, at most
    10³⁰, never a 4,400-digit ``int()``.
    """
    result = parse_plain_number(text)
    if result.value is None:
        return None
    return int(result.value) if _INTEGER.match(text.strip()) else float(result.value)


def show_number(value: object) -> str:
    """A stored number as the form shows it: ``1.0`` → ``1``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return "" if value is None else str(value)


def position_number(raw: str) -> int | None:
    """A typed position (full-width digits allowed), or None."""
    try:
        return int(unicodedata.normalize("NFKC", raw))
    except ValueError:
        return None


def read_options(form: FormData, parsed: ParsedForm) -> dict[str, str]:
    """The editor's ``option-A`` … ``option-J`` rows that are filled, into ``parsed.data["options"]``."""
    options = {letter: line_of(form, f"option-{letter}") for letter in LETTERS}
    options = {letter: text for letter, text in options.items() if text}
    parsed.data["options"] = options
    return options


def read_scoring(form: FormData, parsed: ParsedForm, default: str) -> None:
    """The editor's ``scoring`` choice, or ``default``."""
    parsed.data["scoring"] = line_of(form, "scoring") or default
