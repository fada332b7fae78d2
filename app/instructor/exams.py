"""Instructor pages for exams: list, editor (form and YAML), rule check, publishing, accommodations.

Registered on the instructor blueprint, whose ``before_request`` guard admits instructors and
admins only.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..i18n import marked
from ..models import Exam, Role, User
from ..services import exam_admin as svc
from ..services.courseware import chapter_labels
from ..services.pagination import page_arg
from ..services.exams import ExamError
from ..exams import preview
from ..services.exams import as_utc
from .exam_forms import (AccommodationForm, ExamForm, ReopenForm, RuleForm, YamlUploadForm, definition_from_form,
                         form_data, paper_formdata)
from .routes import bp


def _page_number() -> int:
    return page_arg()


def _exam_or_404(exam_id: int) -> Exam:
    return db.session.get(Exam, exam_id) or abort(404)


@bp.route("/exams")
def exam_list():
    """Every exam with its classes, window, time limit and attempts."""
    page = svc.exam_rows(_page_number(), current_app.config["ITEMS_PER_PAGE"])
    return render_template("instructor/exam_list.html", page=page)


# --- the editor ----------------------------------------------------------------------------

def _set_choices(form: ExamForm, course: str) -> RuleForm:
    """Fill the choice lists from the bank and the classes; returns the blank row for the script."""
    form.course.choices = [SelectChoice(c) for c in svc.bank_courses()]
    form.classes.choices = [SelectChoice(n) for n in svc.class_names()]
    labels = chapter_labels(course)
    chapters = [SelectChoice(slug, labels.get(slug, slug)) for slug in svc.bank_chapters(course)]
    blank = RuleForm(prefix="rules-__prefix__-")
    for row in [entry.form for entry in form.rules] + [blank]:
        row.chapters.choices = chapters
    return blank


def _build_form(exam: Exam | None, locked: bool) -> ExamForm:
    """The editor form from the request (POST) or from the stored exam (GET)."""
    if request.method != "POST":
        if exam is None:
            return ExamForm(formdata=None)
        return ExamForm(formdata=None, data=form_data(svc.exam_definition_data(exam)))
    formdata = request.form
    posted_paper = "fixed" in formdata or "cases" in formdata or any(k.startswith("rules-") for k in formdata)
    if locked and not posted_paper:
        # The locked section is disabled in the page, so the browser sends none of it: keep the stored paper.
        formdata = MultiDict(formdata)
        for key, value in paper_formdata(svc.exam_definition_data(exam)):
            formdata.add(key, value)
    if exam is not None and "status" not in formdata:
        # A post without the select (a script) keeps the stored status instead of the new-exam default.
        formdata = MultiDict(formdata)
        formdata.add("status", exam.status)
    return ExamForm(formdata=formdata)


def _render_editor(form: ExamForm, exam: Exam | None, locked: bool, report=None, errors=None, upload=None,
                   status: int = 200):
    blank = _set_choices(form, form.course.data or "crm")
    return render_template("instructor/exam_edit.html", form=form, exam=exam, locked=locked, blank=blank,
                           report=report, errors=errors or [], upload=upload or YamlUploadForm(formdata=None),
                           cases=svc.case_choices(), attempts=svc.attempt_count(exam) if locked else 0,
                           locked_fields=pgettext("enumeration", "、").join(_(f) for f in svc.PAPER_FIELD_LABELS),
                           shown_status=svc.display_status(exam) if exam else None), status


def _editor(exam: Exam | None):
    locked = exam is not None and svc.attempt_count(exam) > 0
    form = _build_form(exam, locked)
    _set_choices(form, form.course.data or "crm")
    if request.method != "POST":
        return _render_editor(form, exam, locked)
    if form.add_rule.data:
        form.rules.append_entry()
        return _render_editor(form, exam, locked)
    remove = request.form.get("remove_rule", type=int)
    if remove is not None:
        if 0 <= remove < len(form.rules.entries) and len(form.rules.entries) > 1:
            form.rules.entries.pop(remove)
        return _render_editor(form, exam, locked)
    if form.check.data:
        form.validate()
        return _render_editor(form, exam, locked, report=svc.rule_report(definition_from_form(form)))
    if not form.validate():
        return _render_editor(form, exam, locked, errors=[_("请更正下面标出的错误。")], status=400)
    try:
        saved = svc.save_exam(exam, definition_from_form(form), current_user)
    except ExamError as exc:
        db.session.rollback()
        report = svc.rule_report(definition_from_form(form))
        return _render_editor(form, exam, locked, report=report, errors=[str(exc), *exc.details], status=exc.status)
    flash(marked(_("考试“%(t)s”已保存。"), t=saved.title), "success")
    return redirect(url_for("instructor.exam_list"))


@bp.route("/exams/new", methods=["GET", "POST"])
def exam_new():
    """Create an exam with the form."""
    return _editor(None)


@bp.route("/exams/<int:exam_id>/edit", methods=["GET", "POST"])
def exam_edit(exam_id: int):
    """Edit an exam; once it has attempts, its paper settings are locked."""
    return _editor(_exam_or_404(exam_id))


@bp.route("/exams/check-rules", methods=["POST"])
def exam_check_rules():
    """``check_rules`` for the editor's current form, as JSON (called by static/js/exam_editor.js)."""
    form = ExamForm()
    _set_choices(form, form.course.data or "crm")
    return jsonify(svc.rule_report(definition_from_form(form)))


@bp.route("/exams/upload", methods=["POST"], defaults={"exam_id": None})
@bp.route("/exams/<int:exam_id>/upload", methods=["POST"])
def exam_upload(exam_id: int | None):
    """Create (or, from the edit page, replace) an exam from an uploaded YAML definition."""
    exam = _exam_or_404(exam_id) if exam_id is not None else None
    upload = YamlUploadForm()
    errors: list[str] = []
    status = 400
    if upload.validate_on_submit():
        try:
            data = svc.load_yaml(upload.definition.data.read())
            saved = svc.save_exam(exam, data, current_user)
        except ExamError as exc:
            db.session.rollback()
            name = (upload.definition.data.filename or "")[:100]
            errors, status = [f"{name}: {exc}" if name else str(exc), *exc.details], exc.status
        else:
            flash(marked(_("已从文件保存考试“%(t)s”。"), t=saved.title), "success")
            return redirect(url_for("instructor.exam_list"))
    locked = exam is not None and svc.attempt_count(exam) > 0
    form = ExamForm(formdata=None, data=form_data(svc.exam_definition_data(exam))) if exam else ExamForm(formdata=None)
    return _render_editor(form, exam, locked, errors=errors, upload=upload, status=status)


@bp.route("/exams/<int:exam_id>/definition.yaml")
def exam_yaml(exam_id: int):
    """The exam as a YAML definition file (to keep, copy or upload again)."""
    exam = _exam_or_404(exam_id)
    return Response(svc.definition_yaml(exam), mimetype="application/x-yaml",
                    headers={"Content-Disposition": f"attachment; filename=exam-{exam.id}.yaml"})


# --- publishing, closing, reopening -----------------------------------------------------------

def _back(exam: Exam):
    """Back to where the action was taken: the exam's editor or the list."""
    if request.form.get("next") == "edit":
        return redirect(url_for("instructor.exam_edit", exam_id=exam.id))
    return redirect(url_for("instructor.exam_list"))


@bp.route("/exams/<int:exam_id>/unpublish", methods=["GET", "POST"])
def exam_unpublish(exam_id: int):
    """Ask, then hide the exam from students (back to a draft); nothing is deleted."""
    exam = _exam_or_404(exam_id)
    if request.method == "POST":
        svc.set_status(exam, svc.DRAFT, current_user)
        flash(marked(_("考试“%(t)s”已取消发布，学生不再看到它；答卷与成绩都保留。"), t=exam.title), "success")
        return redirect(url_for("instructor.exam_list"))
    return render_template("instructor/exam_unpublish.html", exam=exam, attempts=svc.attempt_count(exam))


@bp.route("/exams/<int:exam_id>/publish", methods=["POST"])
def exam_publish(exam_id: int):
    """Publish a draft: its classes' students see it (and may start it in its window)."""
    exam = _exam_or_404(exam_id)
    try:
        svc.set_status(exam, svc.PUBLISHED, current_user)
    except ExamError as exc:
        flash(str(exc), "warning")
    else:
        flash(marked(_("考试“%(t)s”已发布。"), t=exam.title), "success")
    return _back(exam)


@bp.route("/exams/<int:exam_id>/close", methods=["GET", "POST"])
def exam_close(exam_id: int):
    """Ask, then end the exam now: it closes, running attempts are submitted, withheld questions return."""
    exam = _exam_or_404(exam_id)
    if request.method == "POST":
        try:
            submitted = svc.close_now(exam, current_user)
        except ExamError as exc:
            flash(str(exc), "warning")
        else:
            flash(marked(_("考试“%(t)s”已结束，%(n)d 份进行中的答卷已提交。"), t=exam.title, n=submitted), "success")
        return _back(exam)
    return render_template("instructor/exam_close.html", exam=exam, closed=svc.is_closed(exam),
                           draft=exam.status == svc.DRAFT, running=svc.running_count(exam))


@bp.route("/exams/<int:exam_id>/reopen", methods=["GET", "POST"])
def exam_reopen(exam_id: int):
    """Ask for a new closing time, then open a closed exam again."""
    exam = _exam_or_404(exam_id)
    form = ReopenForm() if request.method == "POST" else ReopenForm(formdata=None)
    closed = svc.is_closed(exam)
    if closed and form.validate_on_submit():
        try:
            svc.reopen(exam, as_utc(form.closes_at.data), current_user)
        except ExamError as exc:
            db.session.rollback()
            form.closes_at.errors = [*form.closes_at.errors, str(exc)]
        else:
            flash(marked(_("考试“%(t)s”已重新开放。"), t=exam.title), "success")
            return redirect(url_for("instructor.exam_edit", exam_id=exam.id))
    status = 400 if request.method == "POST" else 200
    return render_template("instructor/exam_reopen.html", exam=exam, form=form, closed=closed), status


@bp.route("/exams/<int:exam_id>/preview")
def exam_preview(exam_id: int):
    """One sample paper exactly as a student would see it, drawn from ``seed``; nothing is stored.

    Without a seed (or with one out of range) a random seed is chosen and the URL carries it, so
    a reload shows the same paper and "换一份样卷" another.
    """
    exam = _exam_or_404(exam_id)
    seed = request.args.get("seed", type=int)
    if seed is None or not 0 <= seed < preview.MAX_SEED:
        return redirect(url_for("instructor.exam_preview", exam_id=exam.id, seed=preview.new_seed()))
    try:
        body = preview.render_preview(exam, seed)
    except preview.PreviewError as exc:
        return render_template("exams/take.html", preview={"exam": exam, "seed": seed, "error": str(exc),
                                                           "problems": exc.problems}, body=None), 422
    return render_template("exams/take.html", preview={"exam": exam, "seed": seed, "next_seed": preview.new_seed()},
                           body=body, proctor=None)


# --- accommodations -------------------------------------------------------------------------

@bp.route("/accommodations")
def accommodations():
    """Students, searchable and paginated, with their extra time and attempts."""
    q = (request.args.get("q") or "").strip()[:100]
    page = svc.search_students(q, _page_number(), current_app.config["ITEMS_PER_PAGE"])
    return render_template("instructor/accommodations.html", page=page, q=q)


@bp.route("/accommodations/<int:user_id>", methods=["GET", "POST"])
def accommodation_edit(user_id: int):
    """Set one student's extra minutes, time multiplier and extra attempts."""
    student = db.session.get(User, user_id)
    if student is None or student.role != Role.STUDENT:
        abort(404)
    form = AccommodationForm(obj=student) if request.method == "POST" else AccommodationForm(formdata=None, obj=student)
    back = url_for("instructor.accommodations", q=request.args.get("q") or None,
                   page=request.args.get("page", type=int))
    if form.validate_on_submit():
        changed = svc.set_accommodations(student, form.extra_minutes.data, float(form.time_multiplier.data),
                                         form.extra_attempts.data, current_user)
        flash(marked(_("已保存 %(n)s 的考试特殊安排。"), n=student.display_name) if changed else _("没有改动。"), "success")
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render_template("instructor/accommodations_edit.html", form=form, student=student, back=back), status
