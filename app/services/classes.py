"""Classes and roster imports."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from .passwords import generate_password
from ..domain.roster import RosterRow, RowError
from ..domain.tabular import safe_row
from ..extensions import db
from ..models import ClassGroup, ClassMembership, Role, User
from .accounts import audit, create_user, find_user


@dataclass
class RosterResult:
    """What an import did: new accounts, existing ones added, rows refused.

    ``created`` pairs each new account's row with its generated password, or None when the file
    gave the initial password (the teacher knows it already).
    """

    created: list[tuple[RosterRow, str | None]] = field(default_factory=list)
    added: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def generated(self) -> list[tuple[RosterRow, str]]:
        """New accounts whose password the system generated (shown once, offered for download)."""
        return [(row, password) for row, password in self.created if password is not None]

    def credentials_csv(self) -> bytes:
        """New accounts with generated passwords as CSV for Excel (UTF-8 with BOM)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["username", "full name", "student number", "class", "password"])
        for row, password in self.generated:
            writer.writerow(safe_row([row.username, row.full_name, row.student_number, row.class_name, password]))
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def find_class(name: str) -> ClassGroup | None:
    return db.session.scalar(select(ClassGroup).where(func.lower(ClassGroup.name) == name.strip().lower()))


def get_or_create_class(name: str, actor: User | None) -> ClassGroup:
    found = find_class(name)
    if found is None:
        found = ClassGroup(name=name.strip(), created_by_id=actor.id if actor else None)
        db.session.add(found)
        db.session.flush()
    return found


def add_member(class_group: ClassGroup, user: User) -> bool:
    """Put ``user`` in ``class_group``; False when already there."""
    exists = db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == class_group.id, ClassMembership.user_id == user.id))
    if exists:
        return False
    db.session.add(ClassMembership(class_id=class_group.id, user_id=user.id))
    db.session.flush()
    return True


def import_roster(rows: list[RosterRow], errors: list[RowError], default_class: ClassGroup,
                  actor: User | None) -> RosterResult:
    """Create or enrol each good row; a row is done whole or reported, never half-done.

    Each row runs in a savepoint, so a failure on one row undoes only that row; the import
    as a whole commits once at the end.
    """
    result = RosterResult(errors=list(errors))
    touched: set[int] = set()  # classes that gained a member
    for row in rows:
        try:
            with db.session.begin_nested():
                target = get_or_create_class(row.class_name, actor) if row.class_name else default_class
                user = find_user(row.username)
                if user is not None and user.role != Role.STUDENT:
                    raise ValueError(_("用户名“%(u)s”已被教师或管理员账号使用", u=row.username))
                if user is None:
                    password = row.password or generate_password()
                    user = create_user(row.username, password, Role.STUDENT, row.full_name, row.student_number)
                    if add_member(target, user):
                        touched.add(target.id)
                    result.created.append((row, None if row.password else password))
                else:
                    if row.student_number and not user.student_number:
                        user.student_number = row.student_number
                    if add_member(target, user):
                        touched.add(target.id)
                    result.added.append(row)
        except ValueError as exc:
            result.errors.append(RowError(row.row, str(exc)))
    result.errors.sort(key=lambda e: e.row)
    audit(actor, "roster.import", f"class:{default_class.id}", created=len(result.created),
          added=len(result.added), errors=len(result.errors))
    db.session.commit()
    if touched:  # students new to classes with exams: their papers too (app/services/prepared_papers.py)
        from .prepared_papers import exams_of_classes, request_prepare

        request_prepare(exams_of_classes(touched))
    return result


def class_student(group: ClassGroup, user_id: int) -> User | None:
    """The student ``user_id`` when a member of ``group``, else None."""
    return db.session.scalar(select(User).join(ClassMembership, ClassMembership.user_id == User.id).where(
        ClassMembership.class_id == group.id, User.id == user_id, User.role == Role.STUDENT))


def remove_member(group: ClassGroup, user: User, actor: User | None) -> bool:
    """Take ``user`` out of ``group`` and commit; False when not a member.

    The account stays, and so do its attempts and case work: only the class's exams and
    assignments are no longer open to the student. Audited.
    """
    membership = db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == group.id, ClassMembership.user_id == user.id))
    if membership is None:
        return False
    db.session.delete(membership)
    audit(actor, "class.remove_student", f"class:{group.id}", user_id=user.id, username=user.username,
          class_name=group.name)
    db.session.commit()
    return True
