"""``GET /api/v1/openapi.json``: OpenAPI 3.1 built from the URL map and the docs registry."""

from __future__ import annotations

import re

from flask import current_app, jsonify

from . import bp
from .docs import API_DOCS, ERROR_SCHEMA, documented

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def build_spec() -> dict:
    """Every rule of the API blueprint, with its documentation."""
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        params = [{"name": m.group(2), "in": "path", "required": True,
                   "schema": {"type": "integer" if m.group(1) == "int" else "string"}}
                  for m in _CONVERTER.finditer(rule.rule)]
        view_name = rule.endpoint.split(".", 1)[1]
        doc = API_DOCS.get(view_name, {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict = {"operationId": view_name, "summary": doc.get("summary", view_name),
                        "responses": {}}
            if doc.get("description"):
                op["description"] = doc["description"]
            if params:
                op["parameters"] = params
            if doc.get("request"):
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": doc["request"]}}}
            for code, schema in (doc.get("responses") or {200: "OK"}).items():
                if isinstance(schema, str):
                    op["responses"][str(code)] = {"description": schema}
                else:
                    op["responses"][str(code)] = {"description": str(code),
                                                  "content": {"application/json": {"schema": schema}}}
            if doc.get("auth", True):
                op["security"] = [{"cookieSession": []}]
            if method in ("POST", "PUT", "PATCH", "DELETE") and doc.get("auth", True):
                op.setdefault("parameters", []).append(
                    {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}})
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "CRM 课程平台 API", "version": "1.0.0",
                 "description": "Cookie-session JSON API. Log in with POST /api/v1/session."},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"cookieSession": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
    }


@bp.route("/openapi.json")
@documented("This OpenAPI document", responses={200: {"type": "object"}}, auth=False)
def openapi_json():
    """The API description."""
    return jsonify(build_spec())
