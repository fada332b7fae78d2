"""Question authoring pages: the bank browser, the editor with preview, history, restore, regrade.

Registered on the instructor blueprint, so every page here is for instructors and admins.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.questions import QUESTION_TYPES
from ..models import Question
from ..question_types import type_label
from ..services import authoring as svc
from ..services.bank import find_question
from ..services.regrade import regrade_question, stale_items
from ..services.pagination import page_arg
from .authoring_forms import (FIELD_NAMES, FORM_ERROR, TYPES, ParsedForm, form_fields, line_of, option_rows,
                              pair_rows, parse_form)
from .routes import bp


def _question_or_404(qid: str) -> Question:
    question = find_question(qid)
    if question is None or question.current_version is None or question.type not in TYPES:
        abort(404)  # case stand-ins are not bank questions
    return question


def _editor(template_args: dict, form, qtype: str, parsed: ParsedForm | None, status: int = 200,
            preview: dict | None = None, data: dict | None = None):
    """Render the editor with the submitted (or stored) fields, errors, lint warnings and preview.

    ``data`` is the question the warnings are about (the parsed form's when it parsed cleanly).
    """
    errors = parsed.errors if parsed else {}
    other = [m for name, ms in errors.items() if name == FORM_ERROR or name not in FIELD_NAMES for m in ms]
    if data is None and parsed is not None and parsed.ok:
        data = parsed.data
    new = template_args.get("question") is None
    return render_template(
        "instructor/question_form.html", f=form, qtype=qtype, type_label=type_label(qtype),
        errors=errors, other_errors=other, preview=preview, option_rows=option_rows(form),
        pair_rows=pair_rows(form), chapters=svc.chapter_choices(), sections=svc.section_choices(),
        suggested_ids=svc.suggested_ids() if new else {}, warnings=svc.lint_warnings(data) if data else [],
        **template_args), status


def _new_form():
    """The posted form of a new question, its id generated when left empty or kept as suggested.

    An id the teacher did not touch follows the chapter chosen last (also without JavaScript), and
    a suggestion taken by someone else in the meantime is replaced by the next free one.
    """
    form = request.form.copy()
    chapter, given = line_of(form, "chapter"), line_of(form, "id")
    if (not given or given == line_of(form, "suggested_id")) and svc.is_chapter(chapter):
        form["id"] = form["suggested_id"] = svc.next_question_id(chapter)
    return form


def _read(form, qtype: str, qid: str | None, new: bool) -> ParsedForm:
    """The submitted form as a question, with the form's and the bank's checks."""
    parsed = parse_form(form, qtype, qid)
    parsed.merge(svc.check_question(parsed.data, parsed.chapter, new=new))
    return parsed


def _preview(parsed: ParsedForm) -> dict:
    """Preview context: the payload when the question can be shown, else the messages.

    Where a question sits (chapter, section) and its id do not change what students see, so
    problems with them do not hold the preview back.
    """
    blocking = [m for name, ms in parsed.errors.items() if name not in ("id", "chapter", "section") for m in ms]
    if blocking:
        return {"errors": blocking}
    try:
        return {"q": svc.preview_payload(svc.normalised(dict(parsed.data, id="preview")))}
    except svc.AuthoringError as exc:
        return {"errors": [str(exc)]}


@bp.route("/bank")
def bank():
    """Browse the bank: filters, counts, paginated rows."""
    filters, notes = svc.BankFilter.from_args(request.args)
    rows = svc.bank_rows()
    tags = sorted({t for r in rows for t in r.tags})
    page = svc.paginate([r for r in rows if filters.keeps(r)], page_arg(),
                        current_app.config["ITEMS_PER_PAGE"])
    chapters = svc.chapter_choices()
    return render_template("instructor/bank.html", page=page, filters=filters, notes=notes, tags=tags,
                           counts=svc.bank_counts(rows), chapters=chapters, labels=dict(chapters),
                           types=QUESTION_TYPES)


@bp.route("/bank/new", methods=["GET", "POST"])
def question_new():
    """Create a question of ``?type=``; "预览" re-renders with the preview, "保存" creates it."""
    qtype = request.args.get("type", "")
    if qtype not in TYPES:
        return render_template("instructor/question_new.html", types=QUESTION_TYPES), (400 if qtype else 200)
    args = {"question": None, "action_url": url_for("instructor.question_new", type=qtype)}
    if request.method == "GET":
        chapter = request.args.get("chapter", "")
        chapter = chapter if svc.is_chapter(chapter) else ""
        fields = form_fields({"type": qtype, "difficulty": 2, "points": 1}, chapter)
        if chapter:
            fields.put("id", svc.next_question_id(chapter))
            fields.put("suggested_id", fields.get("id"))
        return _editor(args, fields, qtype, None)
    form = _new_form()
    parsed = _read(form, qtype, None, new=True)
    if request.form.get("action") == "preview":
        return _editor(args, form, qtype, parsed, preview=_preview(parsed))
    if parsed.ok:
        try:
            question = svc.create_question(parsed.data, parsed.chapter, current_user, parsed.note)
        except svc.AuthoringError as exc:
            parsed.merge(exc.errors)
        else:
            flash(_("已创建题目 %(qid)s（第 1 版）。", qid=question.qid), "success")
            return redirect(url_for("instructor.question_edit", qid=question.qid))
    return _editor(args, form, qtype, parsed, status=400)


@bp.route("/bank/<qid>/edit", methods=["GET", "POST"])
def question_edit(qid: str):
    """Edit a question; content changes make a new version, metadata changes do not."""
    question = _question_or_404(qid)
    qtype = question.type
    args = {"question": question, "action_url": url_for("instructor.question_edit", qid=qid)}
    if request.method == "GET":
        return _editor(args, form_fields(question.data, question.chapter), qtype, None,
                       preview={"q": svc.preview_payload(question.data)}, data=question.data)
    parsed = _read(request.form, qtype, qid, new=False)
    if request.form.get("action") == "preview":
        return _editor(args, request.form, qtype, parsed, preview=_preview(parsed))
    if parsed.ok:
        try:
            outcome = svc.edit_question(question, parsed.data, parsed.chapter, current_user, parsed.note,
                                        request.form.get("base_version", type=int))
        except svc.AuthoringError as exc:
            parsed.merge(exc.errors)
        else:
            messages = {"versioned": _("已保存为第 %(n)d 版。", n=question.current_version.number),
                        "metadata": _("已保存标签、难度、小节或章节；题目内容未变，仍为第 %(n)d 版。",
                                      n=question.current_version.number),
                        "unchanged": _("没有改动，未保存。")}
            flash(messages[outcome], "success" if outcome != "unchanged" else "info")
            return redirect(url_for("instructor.question_edit", qid=qid))
    return _editor(args, request.form, qtype, parsed, status=400)


@bp.route("/bank/preview", methods=["POST"])
def question_preview():
    """The live preview (authoring.js posts the editor form here): an HTML fragment."""
    qtype = request.form.get("type", "")
    if qtype not in TYPES:
        return render_template("instructor/question_preview.html", preview={"errors": [_("未知题型。")]}), 400
    parsed = parse_form(request.form, qtype, "preview")
    parsed.merge(svc.check_question(parsed.data, parsed.chapter, new=False))
    return render_template("instructor/question_preview.html", preview=_preview(parsed))


@bp.route("/bank/<qid>/history")
def question_history(qid: str):
    """Versions with author, time and note; the diff of two versions (``?a=&b=``)."""
    question = _question_or_404(qid)
    versions = list(reversed(question.versions))
    current = question.current_version.number
    a = request.args.get("a", type=int)
    b = request.args.get("b", type=int)
    diff, diff_error = None, None
    if a is None and b is None and len(versions) > 1:
        a, b = versions[1].number, versions[0].number
    if a is not None and b is not None:
        try:
            diff = svc.version_diff(question, a, b)
        except svc.AuthoringError as exc:
            diff_error = str(exc)
    authors = svc.version_authors(question)
    return render_template("instructor/question_history.html", question=question, versions=versions,
                           current=current, a=a, b=b, diff=diff, diff_error=diff_error, authors=authors,
                           stale=len(stale_items(question))), (400 if diff_error else 200)


@bp.route("/bank/<qid>/restore/<int:number>", methods=["GET", "POST"])
def question_restore(qid: str, number: int):
    """Confirm (GET shows what changes) and restore a version as a new version (POST)."""
    question = _question_or_404(qid)
    version = svc.get_version(question, number)
    if version is None:
        abort(404)
    if request.method == "POST":
        try:
            created = svc.restore_version(question, number, current_user)
        except svc.AuthoringError as exc:
            flash(str(exc), "error")
        else:
            if created is None:
                flash(_("第 %(n)d 版的内容与当前版本相同，未产生新版本。", n=number), "info")
            else:
                flash(_("已将第 %(n)d 版恢复为第 %(m)d 版。", n=number, m=created.number), "success")
        return redirect(url_for("instructor.question_history", qid=qid))
    diff = svc.version_diff(question, question.current_version.number, number)
    return render_template("instructor/question_restore.html", question=question, version=version, diff=diff)


@bp.route("/bank/<qid>/regrade", methods=["GET", "POST"])
def question_regrade(qid: str):
    """Regrade after a key fix: GET shows what would change, POST (confirmed) applies it."""
    question = _question_or_404(qid)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("请勾选确认后再重新评分。"), "error")
            return redirect(url_for("instructor.question_regrade", qid=qid))
        report = regrade_question(question, current_user, apply=True)
    else:
        report = regrade_question(question)
    return render_template("instructor/question_regrade.html", question=question, report=report)
