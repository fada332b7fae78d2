"""Home page, site search and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

bp = Blueprint("main", __name__)
SEARCH_PER_PAGE = 10


@bp.route("/")
def index():
    """Landing page: what the platform offers and where to start."""
    from ..services.courseware import get_course

    course = get_course("crm")
    return render_template("main/index.html", course=course)


@bp.route("/search")
def search():
    """Full-text search across the course: every word must match (Chinese substring matching), 10 hits a page."""
    from ..services.courseware import get_course
    from ..services.pagination import page_arg, paginate_list

    query = (request.args.get("q") or "").strip()[:100]
    course = get_course("crm")
    hits = course.search(query) if (course and query) else []
    page = paginate_list(hits, page_arg(), SEARCH_PER_PAGE)
    return render_template("main/search.html", query=query, page=page, course=course)


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen interface language in the session."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    target = request.referrer or url_for("main.index")
    if not target.startswith(request.host_url):
        target = url_for("main.index")
    return redirect(target)
