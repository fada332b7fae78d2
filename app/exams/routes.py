"""Timed exams."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("exams", __name__)


@bp.route("/")
def index():
    """Exams open to the current user."""
    return render_template("exams/index.html")
