"""Error pages: HTML for people, ``{"error": ...}`` for API clients; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("请求无效。"),
        401: _("请先登录。"),
        403: _("你没有权限访问此页面。"),
        404: _("找不到该页面或对象。"),
        405: _("不支持该请求方法。"),
        409: _("操作与当前状态冲突。"),
        413: _("上传的文件太大。"),
        422: _("提交的数据无效。"),
        429: _("尝试次数过多，请稍后再试。"),
        500: _("服务器内部错误，请稍后重试；已保存的内容不会丢失。"),
    }


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(code: int, message: str | None = None):
    """Render an error in the form the client expects."""
    message = message or _messages().get(code, _("出错了。"))
    if wants_json():
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, message=message), code


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return error_response(400, _("安全令牌（CSRF）缺失或已失效，请刷新页面后重试。"))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        message = None
        if code == 429:
            message = _("登录失败次数过多，请一分钟后再试。") if "login" in request.path or request.path.endswith("/session") else None
        elif code in (400, 403, 404, 409, 413, 422) and exc.description and getattr(exc, "_custom", False):
            message = exc.description
        response = make_response(error_response(code, message))
        if code == 405:
            for key, value in exc.get_headers():
                if key.lower() == "allow":
                    response.headers["Allow"] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        from .extensions import db

        db.session.rollback()
        return error_response(500)


def abort_with(code: int, message: str):
    """Abort with a user-facing message shown as is (HTML page or JSON error)."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=message)
    exc._custom = True
    raise exc
