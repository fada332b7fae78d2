"""Account operations shared by the web pages, the API and the CLI."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select, update

from .passwords import generate_password, hash_password, needs_rehash, verify_password
from ..extensions import db
from ..models import AuditLog, Role, User
from ..models.base import utcnow


def find_user(username: str) -> User | None:
    """Case-insensitive lookup by username."""
    name = (username or "").strip()
    if not name:
        return None
    return db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way).

    A successful login stamps ``User.last_login_at`` (the teacher dashboard's "never logged in").
    """
    user = find_user(username)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        return None
    if user.must_change_password:
        if not consume_one_time_password(user):
            return None
    elif needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # Every successful login (page and API) passes here: one UPDATE in the login's own commit.
    user.last_login_at = utcnow()
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


#: Length of a one-time password a teacher hands to a student (letters and digits, no look-alikes).
ONE_TIME_PASSWORD_LENGTH = 10


def reset_to_one_time_password(user: User, actor: User | None, **details) -> str:
    """Give ``user`` a new one-time password and return it (to be shown once); the caller commits.

    Only its hash is stored. Every session of ``user`` ends; the next login with it must choose a
    new password (``must_change_password``), and that login consumes it. Audited, without the password.
    """
    password = generate_password(ONE_TIME_PASSWORD_LENGTH)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_all_sessions(user)
    audit(actor, "user.reset_password", f"user:{user.id}", username=user.username, **details)
    return password


def consume_one_time_password(user: User) -> bool:
    """At the login with a one-time password: make it stop working, and commit.

    The hash is replaced by the hash of a random secret nobody knows (not an invalid string, so a
    later try costs the same argon2 verification as any other). The session just started can still
    set the new password: the forced change asks for no current password. The update only applies
    to the hash that was verified, so of two logins racing with the same password one wins; False
    for the other.
    """
    old_hash = user.password_hash
    new_hash = hash_password(secrets.token_urlsafe(32))
    done = db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == old_hash)
        .values(password_hash=new_hash).execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    if done:
        db.session.refresh(user)
    return done


def finish_forced_password_change(user: User, new_password: str) -> None:
    """Set the password chosen after a one-time password login; the caller commits."""
    change_password(user, new_password)
    user.must_change_password = False


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
