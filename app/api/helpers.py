"""Request parsing helpers for API views: clear 400/422 errors, never a 500."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..errors import abort_with


def json_object() -> dict:
    """The request body as a JSON object, or a 400 naming the problem."""
    if not request.data:
        abort_with(400, _("请求体为空:需要 JSON 对象。"))
    data = request.get_json(silent=True)
    if data is None:
        abort_with(400, _("请求体不是有效的 JSON。"))
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
