"""Practice quizzes with instant feedback."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("practice", __name__)


@bp.route("/")
def index():
    """Practice home."""
    return render_template("practice/index.html")
