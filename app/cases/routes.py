"""Case exercises for students: assignments, free practice, the work page and downloads."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.session import login_required
from ..domain.cases import dataset_to_csv, dataset_to_xlsx, list_cases, table_template_csv, table_template_xlsx
from ..errors import error_response
from ..extensions import db
from ..models import CaseWork
from ..services import cases as svc
from .answers import GRID_KINDS, answers_from_form, file_field, merge_uploads
from .view import render_work, textbook_name

bp = Blueprint("cases", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.errorhandler(svc.CaseError)
def _refused(exc: svc.CaseError):
    """A refused case operation (not found, not assigned, unknown case) as an error page."""
    return error_response(exc.status, str(exc))


@bp.route("/")
@login_required
def index():
    """The student's case assignments, and free practice on any case."""
    page = db.paginate(svc.visible_assignments_query(current_user), per_page=20, error_out=False)
    works = svc.works_by_assignment(current_user, [a.id for a in page.items])
    return render_template("cases/index.html", page=page, works=works, cases=list_cases(),
                           practice=svc.recent_practice(current_user), status=svc.work_status,
                           past_due=svc.is_past_due, case_title=svc.case_title, textbook_name=textbook_name)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def assignment(assignment_id: int):
    """The student's work on an assignment: task, data, one input block per step, save and submit."""
    found = svc.visible_assignment(assignment_id, current_user)
    work = svc.work_for(found, current_user)
    here = url_for("cases.assignment", assignment_id=assignment_id)
    if request.method == "POST":
        return _act(work, here)
    return render_work(work, current_user, action_url=here)


@bp.route("/practice/<case_id>", methods=["POST"])
@login_required
def start_practice(case_id: str):
    """Start a practice run on a fresh random variant (or the textbook numbers)."""
    work = svc.start_practice(case_id, current_user, request.form.get("textbook") == "1")
    return redirect(url_for("cases.practice", work_id=work.id))


@bp.route("/practice/runs/<int:work_id>", methods=["GET", "POST"])
@login_required
def practice(work_id: int):
    """A practice run: the same page as an assignment, without a due date."""
    work = svc.own_practice(work_id, current_user)
    here = url_for("cases.practice", work_id=work_id)
    if request.method == "POST":
        return _act(work, here)
    return render_work(work, current_user, action_url=here)


def _act(work: CaseWork, here: str):
    """Save or submit the posted answers; uploaded tables replace their step's answers."""
    variant = svc.variant_for(work)
    answers, errors = answers_from_form(variant, request.form)
    uploads = {}
    for step in variant.steps:
        upload = request.files.get(file_field(step)) if step.kind in GRID_KINDS else None
        if upload is not None and upload.filename:
            uploads[step.id] = (upload.filename, upload.read())
    answers, upload_errors = merge_uploads(variant, answers, uploads)
    for step_id, problems in upload_errors.items():
        errors.setdefault(step_id, []).extend(problems)
    if errors:
        numbers = "、".join(str(n) for n, step in enumerate(variant.steps, start=1) if step.id in errors)
        flash(_("第 %(steps)s 步有内容无法读取，本次没有保存，之前保存的答案保持不变。请按该步下方的提示修改后重试。",
                steps=numbers), "error")
        return render_work(work, current_user, action_url=here, answers=answers, errors=errors, status=400)
    submitting = request.form.get("action") == "submit"
    try:
        if submitting:
            svc.submit_answers(work, answers)
        else:
            svc.save_answers(work, answers)
    except svc.CaseError as exc:
        flash(str(exc), "error")
        return redirect(here)
    if submitting:
        flash(_("已提交评分：得分 %(score)s / %(max)s。", score="%g" % work.score, max="%g" % work.max_score), "success")
        return redirect(here + "#result")
    flash(_("答案已保存（尚未评分）。") if not uploads else _("上传的表格已读入并保存（尚未评分）。"), "success")
    return redirect(here)


@bp.route("/work/<int:work_id>/dataset.<fmt>")
@login_required
def dataset(work_id: int, fmt: str):
    """The variant's dataset as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    work = svc.viewable_work(work_id, current_user)
    variant = svc.variant_for(work)
    if fmt not in ("csv", "xlsx") or not variant.dataset:
        abort(404)
    data = dataset_to_csv(variant) if fmt == "csv" else dataset_to_xlsx(variant)
    return _download(data, fmt, f"{work.case_id}-{work.seed}-data.{fmt}")


@bp.route("/work/<int:work_id>/template/<step_id>.<fmt>")
@login_required
def template(work_id: int, step_id: str, fmt: str):
    """An empty answer sheet for one table step, to fill in Excel and upload."""
    work = svc.viewable_work(work_id, current_user)
    step = svc.variant_for(work).step(step_id)
    if fmt not in ("csv", "xlsx") or step is None or step.kind not in GRID_KINDS:
        abort(404)
    data = table_template_csv(step) if fmt == "csv" else table_template_xlsx(step)
    return _download(data, fmt, f"{work.case_id}-{step_id}.{fmt}")


def _download(data: bytes, fmt: str, filename: str) -> Response:
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})
