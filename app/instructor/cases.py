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
from ..cases.view import work_context
from ..errors import abort_with, error_response
from ..extensions import db
from ..i18n import marked
from ..models import CaseAssignment, ClassGroup
from ..services import cases as svc
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
                           case_title=svc.case_title(assignment.case_id), past_due=svc.is_past_due(assignment))


@bp.route("/cases/<int:assignment_id>/students/<int:user_id>")
def case_work(assignment_id: int, user_id: int):
    """A student's submitted answers beside the per-step scores and feedback (read-only)."""
    assignment = _assignment_or_404(assignment_id)
    student, work = svc.student_work(assignment, user_id)
    context = {}
    if work is not None:
        # The graded answers when there are some; the saved draft otherwise.
        shown = work.submitted_answers if work.submitted_answers is not None else work.answers
        context = work_context(work, current_user, answers=shown)
    context.update(assignment=assignment, student=student, work=work)
    return render_template("instructor/cases_work.html", **context)
