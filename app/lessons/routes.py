"""Course home, chapter pages, figures and "mark as read"."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..auth.session import login_required
from ..services.courseware import get_course, read_chapters, set_read

bp = Blueprint("lessons", __name__)


def _course_or_404(course: str):
    found = get_course(course)
    if found is None:
        abort(404)
    return found


@bp.route("/<course>/")
def course_home(course: str):
    """Chapters in order with the student's progress."""
    found = _course_or_404(course)
    done = read_chapters(current_user.id, course) if current_user.is_authenticated else set()
    return render_template("lessons/course.html", course=found, done=done)


@bp.route("/<course>/figures/<name>")
def figure(course: str, name: str):
    """An SVG figure of the course."""
    path = _course_or_404(course).figure_path(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/svg+xml", max_age=3600)
    # An SVG opened directly must not run script, whatever it contains.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.route("/<course>/<slug>")
def chapter(course: str, slug: str):
    """One chapter with its table of contents and previous/next links."""
    found = _course_or_404(course)
    chapter_obj = found.chapter(slug)
    if chapter_obj is None:
        abort(404)
    prev_ch, next_ch = found.neighbours(chapter_obj)
    is_read = current_user.is_authenticated and slug in read_chapters(current_user.id, course)
    return render_template("lessons/chapter.html", course=found, chapter=chapter_obj,
                           rendered=chapter_obj.rendered(), prev_ch=prev_ch, next_ch=next_ch,
                           is_read=is_read)


@bp.route("/<course>/<slug>/read", methods=["POST"])
@login_required
def mark_read(course: str, slug: str):
    """Store (or clear) "I have read this chapter" for the current student."""
    found = _course_or_404(course)
    if found.chapter(slug) is None:
        abort(404)
    set_read(current_user.id, course, slug, request.form.get("read", "1") == "1")
    return redirect(url_for("lessons.chapter", course=course, slug=slug))
