"""Roster tools on the class page: the import template, a student's one-time password, removal.

Registered on the instructor blueprint, whose ``before_request`` guard admits instructors and
admins only (any of them may manage any class: classes have no owner). Each state change has a
confirmation page first (GET) and is a CSRF-checked POST.
"""

from __future__ import annotations

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.roster import template_csv, template_xlsx
from ..extensions import db
from ..i18n import marked
from ..models import ClassGroup
from ..services.accounts import reset_to_one_time_password
from ..services.classes import class_student, remove_member
from ..services.passwords import MIN_PASSWORD_LENGTH
from .forms import RemoveStudentForm, ResetPasswordForm
from .routes import bp

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/classes/roster-template.<fmt>")
def roster_template(fmt: str):
    """The roster template (学号, 姓名, 班级, 初始密码) as XLSX (with a 说明 sheet) or CSV."""
    if fmt == "xlsx":
        body, mimetype = template_xlsx(MIN_PASSWORD_LENGTH), XLSX_TYPE
    elif fmt == "csv":
        body, mimetype = template_csv(), "text/csv; charset=utf-8"
    else:
        abort(404)
    response = Response(body, mimetype=mimetype)
    # RFC 5987: the Chinese file name for browsers that read it, an ASCII one for the rest.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=roster-template.{fmt}; filename*=UTF-8''%E5%90%8D%E5%8D%95%E6%A8%A1%E6%9D%BF.{fmt}")
    return response


def _class_and_student(class_id: int, user_id: int):
    group = db.session.get(ClassGroup, class_id) or abort(404)
    student = class_student(group, user_id) or abort(404)
    return group, student


def _confirm_page(group, student, form, action: str):
    """The confirmation page; 400 when it answers a POST that was not a confirmation of this student."""
    if request.method == "POST":
        flash(_("请在确认页面上点击确认按钮。"), "warning")
    return render_template("instructor/student_confirm.html", group=group, student=student, form=form,
                           action=action), (400 if request.method == "POST" else 200)


@bp.route("/classes/<int:class_id>/students/<int:user_id>/reset-password", methods=["GET", "POST"])
def reset_student_password(class_id: int, user_id: int):
    """Confirm, then give the student a one-time password shown on this response only."""
    group, student = _class_and_student(class_id, user_id)
    form = ResetPasswordForm()
    if form.confirmed(student.username):
        password = reset_to_one_time_password(student, current_user, class_id=group.id, class_name=group.name)
        db.session.commit()
        response = make_response(render_template("instructor/student_password.html", group=group,
                                                 student=student, password=password))
        # The password must not survive in a cache or the browser's back-forward history.
        response.headers["Cache-Control"] = "no-store"
        return response
    return _confirm_page(group, student, form, "reset")


@bp.route("/classes/<int:class_id>/students/<int:user_id>/remove", methods=["GET", "POST"])
def remove_student(class_id: int, user_id: int):
    """Confirm, then take the student out of the class (the account and its attempts stay)."""
    group, student = _class_and_student(class_id, user_id)
    form = RemoveStudentForm()
    if form.confirmed(student.username):
        remove_member(group, student, current_user)
        flash(marked(_("已将“%(name)s”移出班级“%(group)s”。"), name=student.display_name, group=group.name), "success")
        return redirect(url_for("instructor.class_detail", class_id=group.id))
    return _confirm_page(group, student, form, "remove")
