"""Instructor workspace: dashboard, classes and rosters."""

from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.session import instructor_required
from ..domain.roster import read_roster
from ..domain.tabular import TableError
from ..extensions import db
from ..i18n import marked
from ..models import ClassGroup
from ..services.accounts import audit
from ..services.classes import find_class, import_roster
from ..services.passwords import MIN_PASSWORD_LENGTH
from .forms import ClassForm, RosterForm

bp = Blueprint("instructor", __name__)


@bp.before_request
@instructor_required
def _guard():
    """Every page here is for instructors and admins."""


@bp.route("/")
def index():
    """Instructor dashboard."""
    classes = db.session.scalars(select(ClassGroup).order_by(ClassGroup.name)).all()
    return render_template("instructor/index.html", classes=classes)


@bp.route("/classes", methods=["GET", "POST"])
def classes():
    """List classes and create a new one."""
    form = ClassForm()
    if form.validate_on_submit():
        if find_class(form.name.data):
            form.name.errors.append(_("已存在同名班级。"))
        else:
            group = ClassGroup(name=form.name.data.strip(), description=form.description.data or "",
                               created_by_id=current_user.id)
            db.session.add(group)
            db.session.flush()
            audit(current_user, "class.create", f"class:{group.id}", name=group.name)
            db.session.commit()
            flash(marked(_("班级“%(name)s”已创建。"), name=group.name), "success")
            return redirect(url_for("instructor.class_detail", class_id=group.id))
    rows = db.session.scalars(select(ClassGroup).order_by(ClassGroup.name)).all()
    return render_template("instructor/classes.html", classes=rows, form=form)


@bp.route("/classes/<int:class_id>", methods=["GET", "POST"])
def class_detail(class_id: int):
    """A class's students, and roster import."""
    group = db.session.get(ClassGroup, class_id) or abort(404)
    form = RosterForm()
    result = None
    credentials_href = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows, errors = read_roster(upload.filename or "", upload.read(), MIN_PASSWORD_LENGTH)
        except TableError as exc:
            form.file.errors.append(_(str(exc)))  # the roster's column messages are catalogue entries
        else:
            result = import_roster(rows, errors, group, current_user)
            if result.generated:
                credentials_href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(
                    result.credentials_csv()).decode("ascii")
    status = 400 if form.errors and request.method == "POST" else 200
    return render_template("instructor/class_detail.html", group=group, form=form, result=result,
                           credentials_href=credentials_href), status


from . import exams  # noqa: E402,F401  (exam editor and accommodations register on bp)
from . import authoring  # noqa: E402,F401  (question authoring registers on bp)
from . import bank_import  # noqa: E402,F401  (question import registers on bp)
from . import cases  # noqa: E402,F401  (case assignments and results register on bp)
from . import rosters  # noqa: E402,F401  (roster template, password reset and removal register on bp)

from . import gradebook, grading, monitor, statistics  # noqa: E402,F401  (results tools register on bp)
from . import papers  # noqa: E402,F401  (paper exams: Word variants and typed-in answer sheets)
