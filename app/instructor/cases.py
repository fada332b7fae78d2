"""Instructor pages for case exercises: assignments, creating one, results and each student's work.

Registered on the instructor blueprint, whose ``before_request`` guard admits instructors and
admins only.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..cases.forms import CaseAssignmentForm
from ..cases.view import grading_view, work_context
from ..errors import abort_with, error_response
from ..extensions import db
from ..i18n import marked
from ..models import CaseAssignment, CaseWork, ClassGroup, User
from ..services import case_rubric
from ..services import cases as svc
from .gradebook import paginate_list
from .routes import bp


@bp.errorhandler(svc.CaseError)
def _case_refused(exc: svc.CaseError):
    """A refused case operation (unknown student or case) as an error page."""
    return error_response(exc.status, str(exc))


def _assignment_or_404(assignment_id: int) -> CaseAssignment:
    assignment = db.session.get(CaseAssignment, assignment_id)
    if assignment is None:
        abort_with(404, _("找不到该案例作业。"))
    return assignment


@bp.route("/cases")
def cases():
    """Every case assignment, newest due date first."""
    page = db.paginate(svc.visible_assignments_query(current_user),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("instructor/cases.html", page=page, summary=svc.assignment_summaries(page.items),
                           case_title=svc.case_title)


@bp.route("/cases/new", methods=["GET", "POST"])
def case_new():
    """Assign a case to classes with a due date."""
    form = CaseAssignmentForm()
    form.case_id.choices = svc.case_choices()
    form.classes.choices = [(g.id, g.name) for g in db.session.scalars(select(ClassGroup).order_by(ClassGroup.name))]
    if form.validate_on_submit():
        try:
            assignment = svc.create_assignment(form.case_id.data, form.title.data, form.instructions.data,
                                               form.due_at.data, form.classes.data, current_user)
        except svc.CaseError as exc:
            form.classes.errors.append(str(exc))
        else:
            flash(marked(_("案例作业“%(title)s”已布置。"), title=assignment.title), "success")
            return redirect(url_for("instructor.case_results", assignment_id=assignment.id))
    status = 400 if request.method == "POST" else 200
    return render_template("instructor/cases_new.html", form=form), status


@bp.route("/cases/<int:assignment_id>")
def case_results(assignment_id: int):
    """One row per student of the assigned classes: status, score and a link to the work."""
    assignment = _assignment_or_404(assignment_id)
    page = db.paginate(svc.students_query(assignment), per_page=current_app.config["ITEMS_PER_PAGE"],
                       error_out=False)
    works = svc.works_of(assignment, [u.id for u in page.items])
    return render_template("instructor/cases_results.html", assignment=assignment, page=page, works=works,
                           classes=svc.assignment_classes(assignment), status=svc.work_status,
                           case_title=svc.case_title(assignment.case_id), past_due=svc.is_past_due(assignment),
                           rubric_case=svc.has_rubric(assignment.case_id))


@bp.route("/cases/<int:assignment_id>/students/<int:user_id>")
def case_work(assignment_id: int, user_id: int):
    """A student's submitted answers beside the per-step scores and feedback (read-only).

    A written task's submitted work also shows the rubric grading form.
    """
    assignment = _assignment_or_404(assignment_id)
    student, work = svc.student_work(assignment, user_id)
    context = {}
    if work is not None:
        # The graded answers when there are some; the saved draft otherwise.
        shown = work.submitted_answers if work.submitted_answers is not None else work.answers
        context = work_context(work, current_user, answers=shown)
        if context["rubric"] and work.submitted_answers is not None:
            context["grading"] = _grading(work, context["variant"])
    context.update(assignment=assignment, student=student, work=work)
    return render_template("instructor/cases_work.html", **context)


def _grading(work: CaseWork, variant) -> dict:
    return grading_view(variant, work.submitted_answers, work.result, (work.result or {}).get("comment", ""),
                        f"w{work.id}-")


def _render_case_queue(assignment: CaseAssignment, graded: bool, error_work: int | None = None,
                       error: str | None = None, values: dict | None = None, status: int = 200):
    works = case_rubric.work_queue(assignment, graded=graded)
    page = paginate_list(works, 10)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([w.user_id for w in page.items] or [-1])))}
    entries = [{"work": w, "student": users.get(w.user_id), "grading": _grading(w, svc.variant_for(w))}
               for w in page.items]
    return render_template("instructor/cases_grading.html", assignment=assignment, entries=entries, page=page,
                           graded=graded, case_title=svc.case_title(assignment.case_id), error_work=error_work,
                           error=error, values=values or {}), status


@bp.route("/cases/<int:assignment_id>/grading")
def case_grading(assignment_id: int):
    """The assignment's written works waiting for a teacher (``graded=1``: those already graded)."""
    assignment = _assignment_or_404(assignment_id)
    return _render_case_queue(assignment, request.args.get("graded") == "1")


@bp.route("/cases/works/<int:work_id>/grade", methods=["POST"])
def case_grade(work_id: int):
    """Save a teacher's rubric scores for one submitted work; bad input shows the form again, nothing saved."""
    work = db.session.get(CaseWork, work_id)
    if work is None or work.assignment is None:
        abort_with(404, _("找不到该作业。"))
    graded = request.form.get("graded") == "1"
    back = request.form.get("back") == "student"
    try:
        case_rubric.grade_work(work, svc.variant_for(work), request.form, current_user)
    except case_rubric.RubricError as exc:
        db.session.rollback()
        if exc.status != 422:
            abort_with(exc.status, str(exc))
        return _render_case_queue(work.assignment, graded, work.id, str(exc), dict(request.form), status=422)
    flash(_("已保存评分：%(score)s / %(points)s 分。", score=f"{work.score:g}", points=f"{work.max_score:g}"), "success")
    if back:
        return redirect(url_for("instructor.case_work", assignment_id=work.assignment_id, user_id=work.user_id))
    target = url_for("instructor.case_grading", assignment_id=work.assignment_id, **({"graded": "1"} if graded else {}))
    return redirect(target + (f"#work-{work.id}" if graded else ""))
