"""Gradebook pages: pick a class, see its students against its exams with a summary per exam,
save the weights of the weighted total, export CSV or XLSX.

Weights are saved per class (``ExamClass.weight``) by the page's form; the page and its exports
use the saved weights (see ``app.services.gradebook`` and docs/gradebook.md).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
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
    """The class's gradebook with weighted totals, a summary per exam and histograms."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    svc.settle_overdue()
    return _gradebook_page(svc.class_gradebook(group))


@bp.route("/gradebook/<int:class_id>/weights", methods=["POST"])
def gradebook_weights(class_id: int):
    """Save the class's weights (instructors; CSRF-checked like every form). One wrong value
    saves nothing: the page comes back with every value as typed and the problems marked."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    book = svc.class_gradebook(group)
    posted = svc.read_weights(request.form, book.exams)
    if posted.errors:
        return _gradebook_page(book, posted), 422
    changes = svc.save_weights(group, posted.weights, current_user)
    if not changes:
        flash(_("权重没有变化。"), "info")
    elif all(weight == 0 for weight in {**book.weights, **posted.weights}.values()):
        flash(_("权重已保存。所有考试的权重都是 0，加权总评暂不计算。"), "warning")
    else:
        flash(_("权重已保存，本页与导出均按新权重计算加权总评。"), "success")
    return redirect(url_for("instructor.gradebook_class", class_id=group.id))


def _gradebook_page(book: svc.Gradebook, posted: svc.WeightsInput | None = None) -> str:
    summaries = svc.exam_summaries(book)
    histograms = {str(exam_id): summary.histogram for exam_id, summary in summaries.items()}
    histograms["weighted"] = svc.score_histogram([r.weighted for r in book.rows], 100.0)
    raw = posted.raw if posted else {}
    weight_values = {exam.id: raw.get(exam.id, f"{book.weights[exam.id]:g}") for exam in book.exams}
    return render_template("instructor/gradebook.html", book=book, page=paginate_list(book.rows, ROWS_PER_PAGE),
                           histograms=histograms, summaries=summaries, weight_values=weight_values,
                           weight_errors=posted.errors if posted else {})


@bp.route("/gradebook/<int:class_id>/export.<fmt>")
def gradebook_export(class_id: int, fmt: str):
    """The whole class's gradebook as CSV (UTF-8 with BOM) or XLSX."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    svc.settle_overdue()
    book = svc.class_gradebook(group)
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
