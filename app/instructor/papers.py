"""Instructor pages for paper exams: download printed variants as Word files, type in answer sheets.

Registered on the instructor blueprint, whose ``before_request`` guard admits instructors and
admins only; every POST carries the CSRF token (CSRFProtect).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..i18n import marked
from ..models import Exam, User
from ..services import paper_exam as svc
from ..services.exam_errors import ExamError
from ..services.paper_docx import zip_bytes
from .routes import bp


def _exam_or_404(exam_id: int) -> Exam:
    return db.session.get(Exam, exam_id) or abort(404)


def _render_paper_page(exam: Exam, error: str | None = None, details=(), count: str = "2", status: int = 200):
    return render_template("instructor/exam_paper.html", exam=exam, variants=svc.variants(exam), error=error,
                           details=list(details), count=count, max_count=svc.MAX_PER_EXPORT), status


@bp.route("/exams/<int:exam_id>/paper", methods=["GET", "POST"])
def exam_paper(exam_id: int):
    """制作纸质试卷: choose how many variants; POST answers with a zip of their Word files.

    Nothing irreversible happens: a download reprints the recorded variants and records (and
    audits) only the ones not printed before.
    """
    exam = _exam_or_404(exam_id)
    if request.method != "POST":
        return _render_paper_page(exam)
    raw = (request.form.get("variants") or "").strip()[:10]
    try:
        count = int(raw)
    except ValueError:
        return _render_paper_page(exam, _("套数应为 1 到 %(n)d 的整数。", n=svc.MAX_PER_EXPORT), count=raw, status=422)
    try:
        papers = svc.prepare_variants(exam, count, current_user, new=request.form.get("new") == "1")
        data = zip_bytes(papers)
    except ExamError as exc:
        db.session.rollback()
        return _render_paper_page(exam, str(exc), exc.details, count=raw, status=exc.status)
    db.session.commit()
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=exam-{exam.id}-papers.zip"})


def _entry_page(exam: Exam, paper, student: User | None, values: dict, problems: dict | None = None,
                error: str | None = None, details=(), status: int = 200):
    printed = None
    refusal = None
    if paper is not None:
        try:
            printed = svc.printed_paper(exam, paper)
        except ExamError as exc:
            error, details, status = str(exc), exc.details, exc.status
    if student is not None and error is None:
        refusal = svc.entry_refusal(exam, student)
    return render_template("instructor/paper_entry.html", exam=exam, variants=svc.variants(exam), paper=paper,
                           students=svc.exam_students(exam), student=student, printed=printed, values=values,
                           sections=svc.sections(printed) if printed else [],
                           hints={i.qid: svc.entry_hint(i) for i in printed.items} if printed else {},
                           problems=problems or {}, error=error, details=list(details), refusal=refusal), status


def _chosen(exam: Exam, source) -> tuple:
    paper = svc.get_variant(exam, source.get("paper", type=int))
    student_id = source.get("student", type=int)
    student = next((s for s in svc.exam_students(exam) if s.id == student_id), None) if student_id else None
    return paper, student


@bp.route("/exams/<int:exam_id>/paper/entry", methods=["GET", "POST"])
def paper_entry(exam_id: int):
    """Type in one student's answer sheet of one variant; saving grades it as a submitted attempt."""
    exam = _exam_or_404(exam_id)
    source = request.form if request.method == "POST" else request.args
    paper, student = _chosen(exam, source)
    if request.method != "POST":
        return _entry_page(exam, paper, student, {})
    values = {key[2:]: value for key, value in request.form.items() if key.startswith("q-")}
    if paper is None or student is None:
        return _entry_page(exam, paper, student, values, error=_("请选择卷别和学生。"), status=422)
    try:
        attempt = svc.enter_answers(exam, paper, student, values, current_user)
    except svc.EntryInvalid as exc:
        db.session.rollback()
        return _entry_page(exam, paper, student, values, exc.problems, str(exc), status=422)
    except ExamError as exc:
        db.session.rollback()
        return _entry_page(exam, paper, student, values, error=str(exc), details=exc.details, status=exc.status)
    pending = sum(1 for item in attempt.items if item.needs_manual and item.score is None)
    message = marked(_("已录入 %(name)s 的%(label)s答卷：自动评分 %(score)g / %(max)g 分。"),
                     name=student.display_name, label=paper.label, score=attempt.score, max=attempt.max_score)
    if pending:
        message += _("另有 %(n)d 道题待人工评分。", n=pending)
    flash(message, "success")
    return redirect(url_for("instructor.paper_entry", exam_id=exam.id, paper=paper.id))
