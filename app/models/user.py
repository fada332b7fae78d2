"""Accounts, roles and classes (班级)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow


class Role(str, enum.Enum):
    """What an account may do; instructors and admins see the instructor area."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A person who logs in: student, instructor or admin."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(100), default="")
    student_number: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=Role.STUDENT,
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Accommodations: apply to every timed exam the student takes.
    extra_minutes: Mapped[int] = mapped_column(default=0)
    time_multiplier: Mapped[float] = mapped_column(default=1.0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    # Bumped on logout, password change, deactivation and "log out everywhere": every session
    # cookie signed with an older value stops working.
    session_version: Mapped[int] = mapped_column(default=0)
    # Set when a teacher resets the password to a one-time password: the next login with it
    # must choose a new password, and the one-time password stops working after that login.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Set at each successful login; None means the account was never used (teacher dashboard).
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    memberships: Mapped[list["ClassMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:
        """Flask-Login's session name for this user: ``"<id>:<session_version>"`` (see app/auth/session.py)."""
        return f"{self.id}:{self.session_version or 0}"

    @property
    def is_instructor(self) -> bool:
        """Instructors and admins may use the instructor area."""
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def classes(self) -> list["ClassGroup"]:
        return [m.class_group for m in self.memberships]

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class ClassGroup(db.Model):
    """A class (班级) of students that exams and assignments are given to."""

    __tablename__ = "class_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list["ClassMembership"]] = relationship(
        back_populates="class_group", cascade="all, delete-orphan"
    )

    @property
    def students(self) -> list[User]:
        return sorted((m.user for m in self.memberships), key=lambda u: (u.student_number, u.username))


class ClassMembership(db.Model):
    """A student's place in a class."""

    __tablename__ = "class_membership"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("class_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)

    class_group: Mapped[ClassGroup] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")
