"""Gradebook pages: pick a class, see its students against its exams, export CSV or XLSX.

Weights are query parameters ``w<exam_id>`` (see ``app.services.gradebook``), so a weighted
view is a link that can be bookmarked or shared with colleagues.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, flash, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import ClassGroup, ClassMembership, Exam
from ..services import gradebook as svc
from ..services.pagination import Page, page_arg
from ..services.pagination import paginate_list as paginate_items
from .routes import bp

ROWS_PER_PAGE = 50


def paginate_list(items: list, per_page: int) -> Page:
    """The ``page`` query parameter's slice of ``items``."""
    return paginate_items(items, page_arg(), per_page)


@bp.route("/gradebook")
def gradebook_index():
    """Classes to open a gradebook for, and every exam with its results tools."""
    counts = dict(db.session.execute(select(ClassMembership.class_id, func.count()).group_by(ClassMembership.class_id)).all())
    classes = db.session.scalars(select(ClassGroup).order_by(ClassGroup.name)).all()
    exams = db.paginate(select(Exam).order_by(Exam.id.desc()), per_page=current_app.config["ITEMS_PER_PAGE"],
                        error_out=False)
    return render_template("instructor/gradebook_index.html", classes=classes, counts=counts, exams=exams)


@bp.route("/gradebook/<int:class_id>")
def gradebook_class(class_id: int):
    """The class's gradebook with weighted totals and a histogram of them."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    svc.settle_overdue()
    book, problems = svc.class_gradebook(group, request.args)
    for problem in problems:
        flash(problem, "warning")
    histograms = {str(exam.id): svc.score_histogram([r.cells[exam.id].score for r in book.rows],
                                                    book.max_scores[exam.id]) for exam in book.exams}
    histograms["weighted"] = svc.score_histogram([r.weighted for r in book.rows], 100.0)
    weight_args = {f"w{exam.id}": f"{book.weights[exam.id]:g}" for exam in book.exams}
    return render_template("instructor/gradebook.html", book=book, page=paginate_list(book.rows, ROWS_PER_PAGE),
                           histograms=histograms, weight_args=weight_args)


@bp.route("/gradebook/<int:class_id>/export.<fmt>")
def gradebook_export(class_id: int, fmt: str):
    """The whole class's gradebook as CSV (UTF-8 with BOM) or XLSX."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    svc.settle_overdue()
    book, _problems = svc.class_gradebook(group, request.args)
    header, rows = svc.class_table(book)
    filename = f"gradebook-{group.id}.{fmt}"
    if fmt == "csv":
        body, mimetype = svc.csv_bytes(header, rows), "text/csv; charset=utf-8"
    else:
        body = svc.xlsx_bytes(header, rows, group.name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}; filename*=UTF-8''{_quoted(group.name, fmt)}"})


def _quoted(name: str, fmt: str) -> str:
    """A Chinese download name (RFC 5987) beside the ASCII fallback."""
    return quote(_("成绩册") + f"-{name}.{fmt}")
