"""Admin pages: accounts and the audit log."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..auth.session import admin_required
from ..errors import abort_with
from ..extensions import db
from ..models import AuditLog, Role, User
from ..services.accounts import audit, create_user, find_user, set_active
from .forms import UserForm

bp = Blueprint("admin", __name__)


@bp.before_request
@admin_required
def _guard():
    """Every page here is for admins."""


@bp.route("/", methods=["GET", "POST"])
def index():
    """Accounts, searchable and paginated, and a form to create one."""
    form = UserForm()
    if form.validate_on_submit():
        if find_user(form.username.data):
            form.username.errors.append(_("该用户名已存在。"))
        else:
            user = create_user(form.username.data, form.password.data, Role(form.role.data),
                               form.full_name.data or "", form.student_number.data or "")
            audit(current_user, "user.create", f"user:{user.id}", username=user.username, role=user.role.value)
            db.session.commit()
            flash(_("账号“%(u)s”已创建。", u=user.username), "success")
            return redirect(url_for("admin.index"))
    q = (request.args.get("q") or "").strip()[:100]  # SQLite refuses LIKE patterns over 50,000 bytes
    stmt = select(User).order_by(User.role, User.username)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.full_name.ilike(like), User.student_number.ilike(like)))
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("admin/index.html", page=page, form=form, q=q), (400 if form.errors else 200)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_user_active(user_id: int):
    """Deactivate (every session of the account ends at once) or reactivate an account."""
    user = db.get_or_404(User, user_id)
    if request.form.get("active") not in ("0", "1"):
        abort_with(400, _("请求无效。"))
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash(_("不能停用自己的账号。"), "error")
    elif user.active != active:
        set_active(user, active)
        audit(current_user, "user.activate" if active else "user.deactivate", f"user:{user.id}", username=user.username)
        db.session.commit()
        flash((_("账号“%(u)s”已启用。", u=user.username) if active
               else _("账号“%(u)s”已停用，其所有登录已退出。", u=user.username)), "success")
    return redirect(url_for("admin.index", q=request.form.get("q") or None))


@bp.route("/audit")
def audit_log():
    """Recent instructor and admin actions."""
    page = db.paginate(select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()),
                       per_page=50, error_out=False)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r.actor_id for r in page.items if r.actor_id})))}
    return render_template("admin/audit.html", page=page, users=users)
