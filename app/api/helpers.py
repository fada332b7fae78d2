"""Request parsing helpers for API views: clear 400/422 errors, never a 500."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..errors import abort_with
from ..jsoninput import MAX_JSON_BYTES


def json_object() -> dict:
    """The request body as a JSON object, or a 4xx naming the problem (every API view reads JSON here).

    Too large (413), too deeply nested, NaN/Infinity, bad UTF-8 or not JSON (400): the app's
    strict JSON provider (``app/jsoninput.py``) refuses them before Python's parser can fail.
    """
    if (request.content_length or 0) > MAX_JSON_BYTES or len(request.get_data()) > MAX_JSON_BYTES:
        abort_with(413, _("请求体过大（JSON 最多 %(n)d KB）。", n=MAX_JSON_BYTES // 1024))
    if not request.data:
        abort_with(400, _("请求体为空：需要 JSON 对象。"))
    if not request.is_json:
        abort_with(400, _("请求体不是有效的 JSON。"))
    data = request.get_json()
    if not isinstance(data, dict):
        abort_with(400, _("请求体必须是 JSON 对象。"))
    return data


def string_field(data: dict, name: str, max_length: int = 256) -> str:
    """A required string field of a JSON object."""
    value = data.get(name)
    if not isinstance(value, str) or not value:
        abort_with(400, _("字段 %(f)s 必须是非空字符串。", f=name))
    if len(value) > max_length:
        abort_with(400, _("字段 %(f)s 过长。", f=name))
    return value
