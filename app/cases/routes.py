"""Case exercises."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("cases", __name__)


@bp.route("/")
def index():
    """The list of case exercises."""
    return render_template("cases/index.html")
