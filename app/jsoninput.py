"""Strict JSON for request bodies: bounded nesting, finite numbers, a clear 4xx instead of a 500.

Python's ``json`` recurses once per ``[``/``{``, so a body of 100,000 brackets raises
RecursionError (not ValueError) and Flask turned it into a 500 — even on the unauthenticated
login. It also accepts ``NaN``/``Infinity`` and turns ``1e999`` into ``inf``. The app's JSON
provider (every ``request.get_json``) and ``json_object`` both go through :func:`strict_loads`,
which scans the raw text for bracket depth (skipping strings) before parsing.
"""

from __future__ import annotations

import json
import math
import re

from flask import Request
from flask.json.provider import DefaultJSONProvider

MAX_JSON_DEPTH = 64
# JSON bodies are answers and definitions; a megabyte is far beyond any honest one.
MAX_JSON_BYTES = 1024 * 1024

# A string (to its closing quote, or to the end when unterminated — so a match never fails
# and the scan stays linear on `"\"\"\"…`) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|[\[\]{}]', re.S)
# A NUL character or half of a UTF-16 surrogate pair in a string: PostgreSQL refuses to store
# either (SQLite takes them), so they would be a 500 only in production. JSON can only carry
# them as \u escapes, so the parsed data is searched only when the text has one.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class JSONInputError(ValueError):
    """A body refused before or while parsing; ``message`` is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def json_depth(text: str) -> int:
    """The deepest bracket nesting of ``text`` ignoring brackets inside strings (stops past the limit)."""
    opening = text.count("[") + text.count("{")
    if opening <= MAX_JSON_DEPTH:
        return opening  # an upper bound, and cheap: the usual body never needs the scan
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        else:
            depth -= 1
    return deepest


def _(message: str, **values) -> str:
    # strict_loads also reads files for CLI commands, where there may be no app to translate with.
    from flask import has_app_context

    if has_app_context():
        from flask_babel import gettext

        return gettext(message, **values)
    return message % values if values else message


def _too_deep() -> JSONInputError:
    return JSONInputError(_("JSON 嵌套过深（最多 %(n)d 层）。", n=MAX_JSON_DEPTH))


def _non_finite(_value: str):
    raise JSONInputError(_("JSON 中不能有 NaN 或 Infinity，数字必须是有限的数值。"))


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _non_finite(text)
    return value


def strict_loads(data: str | bytes | bytearray, **kwargs):
    """``json.loads`` refusing nesting beyond MAX_JSON_DEPTH and non-finite numbers (ValueError)."""
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8-sig" if data[:3] == b"\xef\xbb\xbf" else "utf-8")
        except UnicodeDecodeError:
            raise JSONInputError(_("请求体不是有效的 UTF-8 编码。")) from None
    else:
        text = data
    if json_depth(text) > MAX_JSON_DEPTH:
        raise _too_deep()
    kwargs.setdefault("parse_constant", _non_finite)
    kwargs.setdefault("parse_float", _finite_float)
    try:
        data = json.loads(text, **kwargs)
    except RecursionError:  # pragma: no cover - the depth scan comes first
        raise _too_deep() from None
    if "\\u" in text and _unstorable(data):
        raise JSONInputError(_("JSON 文本中有无法保存的字符（NUL 或不成对的代理字符）。"))
    return data


def _unstorable(value) -> bool:
    """True when a string (key or value) anywhere in ``value`` holds NUL or a lone surrogate."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


class StrictJSONProvider(DefaultJSONProvider):
    """The app's JSON provider: parsing is :func:`strict_loads`; output is unchanged."""

    def loads(self, s: str | bytes, **kwargs):
        return strict_loads(s, **kwargs)


class StrictRequest(Request):
    """A request whose JSON failures are a 400 naming the problem (never a bare 415/500).

    Only the API reads JSON. Elsewhere a JSON body is not form data: Flask-WTF would otherwise
    feed ``request.get_json()`` to the page forms, where a list or a number in place of the
    text a field expects raised a TypeError.
    """

    JSON_BLUEPRINTS = ("api",)

    @property
    def is_json(self) -> bool:
        return super().is_json and (self.blueprint or "").partition(".")[0] in self.JSON_BLUEPRINTS

    def on_json_loading_failed(self, e: ValueError | None):
        from flask_babel import gettext as _

        from .errors import abort_with

        if e is None:
            abort_with(400, _("请求体必须是 JSON（Content-Type: application/json）。"))
        if isinstance(e, JSONInputError):
            abort_with(400, e.message)
        if "digits" in str(e):
            abort_with(400, _("JSON 中的整数位数过多。"))
        abort_with(400, _("请求体不是有效的 JSON。"))


def _refuse_nul_in_fields():
    """A NUL character in a query or form field is a 400 (PostgreSQL cannot store it)."""
    from flask import request
    from flask_babel import gettext as _

    from .errors import abort_with

    fields = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.append(request.form)
    for multi in fields:
        for key, value in multi.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort_with(400, _("提交的内容中有无法保存的字符（NUL）。"))


def init_json_input(app) -> None:
    """Install the strict JSON provider and request class, and the NUL check on fields."""
    app.json = StrictJSONProvider(app)
    app.request_class = StrictRequest
    app.before_request(_refuse_nul_in_fields)
