"""JSON API ``/api/v1``: the browser's exam page uses the same endpoints."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import exams, instructor, openapi, proctoring, session  # noqa: E402,F401  (routes register on import)
