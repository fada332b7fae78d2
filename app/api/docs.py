"""A small registry of API route documentation, assembled into OpenAPI by ``openapi.py``."""

from __future__ import annotations

from typing import Any, Callable

API_DOCS: dict[str, dict[str, Any]] = {}


def documented(summary: str, *, request: dict | None = None, responses: dict[int, dict | str] | None = None,
               description: str = "", auth: bool = True, csrf: bool = False) -> Callable:
    """Attach OpenAPI documentation to an API view function.

    ``request`` and response values are JSON Schemas; a string response value is a description.
    """

    def decorator(view):
        API_DOCS[view.__name__] = {
            "summary": summary,
            "description": description,
            "request": request,
            "responses": responses or {200: "OK"},
            "auth": auth,
            "csrf": csrf,
        }
        return view

    return decorator


ERROR_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
