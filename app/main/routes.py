"""Home page, site search and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

bp = Blueprint("main", __name__)
SEARCH_PER_PAGE = 10


@bp.route("/")
def index():
    """Home: the landing page for visitors; a dashboard of what to do next for teachers and students."""
    from flask_login import current_user

    from ..services import dashboard
    from ..services.courseware import get_course

    if current_user.is_authenticated and current_user.is_instructor:
        return render_template("main/teacher_home.html", board=dashboard.teacher_dashboard())
    if current_user.is_authenticated:
        return render_template("main/student_home.html", board=dashboard.student_dashboard(current_user))
    return render_template("main/index.html", course=get_course("crm"))


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
