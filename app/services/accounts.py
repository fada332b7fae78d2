"""Account operations shared by the web pages, the API and the CLI."""

from __future__ import annotations

from sqlalchemy import func, select

from .passwords import hash_password, needs_rehash, verify_password
from ..extensions import db
from ..models import AuditLog, Role, User


def find_user(username: str) -> User | None:
    """Case-insensitive lookup by username."""
    name = (username or "").strip()
    if not name:
        return None
    return db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = find_user(username)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def end_all_sessions(user: User) -> None:
    """Revoke every session of ``user`` (every device, copied cookies too); the caller commits.

    Bumps the session version in SQL, so two concurrent bumps both count.
    """
    user.session_version = User.session_version + 1


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every session of ``user``; the caller commits."""
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once. The caller commits."""
    user.active = active
    if not active:
        end_all_sessions(user)


def create_user(username: str, password: str, role: Role = Role.STUDENT, full_name: str = "",
                student_number: str = "") -> User:
    """Create and flush a user; the caller commits."""
    user = User(username=username.strip(), password_hash=hash_password(password), role=role,
                full_name=full_name.strip(), student_number=student_number.strip())
    db.session.add(user)
    db.session.flush()
    return user


def audit(actor: User | None, action: str, target: str = "", **details) -> None:
    """Record an instructor or admin action; the caller commits."""
    db.session.add(AuditLog(actor_id=actor.id if actor else None, action=action, target=target,
                            details=details))
