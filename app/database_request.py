"""Per-request transaction mode: GET and HEAD read in deferred transactions."""

from __future__ import annotations

from flask import Flask, g, request

from .database import reset_read_only, set_read_only


def init_request_transactions(app: Flask) -> None:
    """Mark safe-method requests read-only so SQLite readers never queue behind writers."""

    @app.before_request
    def _mark_transaction_mode():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        read_only = request.method in ("GET", "HEAD", "OPTIONS") or getattr(view, "reads_first", False)
        g._read_only_token = set_read_only(read_only)

    @app.teardown_request
    def _reset_transaction_mode(_exc):
        token = g.pop("_read_only_token", None)
        if token is not None:
            try:
                reset_read_only(token)
            except ValueError:  # token from another context (streamed responses)
                set_read_only(False)
