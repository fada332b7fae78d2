"""A fresh database for a load run: schema, question bank, K students in one class, a 40-question exam."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

BENCH_PASSWORD = "bench-pass-2026"
BENCH_CLASS = "压测班"

# 40 questions of every type, 60 points.
EXAM_RULES = [
    {"types": ["single"], "count": 14, "points": 1},
    {"types": ["multiple"], "count": 8, "points": 2},
    {"types": ["true_false"], "count": 6, "points": 1},
    {"types": ["ordering"], "count": 3, "points": 2},
    {"types": ["numeric"], "count": 4, "points": 3},
    {"types": ["fill_blank"], "count": 2, "points": 2},
    {"types": ["matching"], "count": 2, "points": 2},
    {"types": ["essay"], "count": 1, "points": 5},
]


@dataclass(frozen=True)
class Prepared:
    """What the load generator needs to know about the data it was given."""

    database_url: str
    secret_key: str
    exam_id: int
    usernames: list[str]
    prepare_s: float = 0.0  # seconds spent drawing and storing every student's paper at publishing
    papers: int = 0  # papers prepared


def app_config(database_url: str, secret_key: str) -> dict:
    """Production settings on ``database_url`` (real password hashing, no demo data)."""
    return {"CONFIG_NAME": "production", "SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://"}


def prepare(database_url: str, students: int, time_limit_minutes: int = 180, secret_key: str | None = None,
            prefix: str = "s", prepare_papers: bool = True) -> Prepared:
    """Create the schema and data on an empty database; one password hash is shared by every student.

    The exam is created published, and publishing prepares every student's paper as a school's
    server would (app/services/prepared_papers.py) unless ``prepare_papers`` is off.
    """
    import time

    from sqlalchemy import func, insert, select

    from app import create_app
    from app.services.passwords import hash_password
    from app.extensions import db
    from app.models import ClassMembership, Role, User
    from app.services.accounts import create_user
    from app.services.bank import sync_bank
    from app.services.classes import get_or_create_class
    from app.services.exams import create_exam

    secret_key = secret_key or secrets.token_hex(32)
    app = create_app(dict(app_config(database_url, secret_key), PREPARE_PAPERS="sync" if prepare_papers else "off"))
    with app.app_context():
        db.create_all()
        report = sync_bank("crm")
        if report.problems:
            raise RuntimeError(f"question bank has problems: {report.problems[:3]}")
        teacher = create_user("bench-teacher", BENCH_PASSWORD, Role.INSTRUCTOR, "压测教师")
        group = get_or_create_class(BENCH_CLASS, teacher)
        shared_hash = hash_password(BENCH_PASSWORD)
        usernames = [f"{prefix}{n:05d}" for n in range(1, students + 1)]
        db.session.execute(insert(User), [
            {"username": name, "password_hash": shared_hash, "role": Role.STUDENT, "full_name": f"学生{name}",
             "student_number": name, "active": True} for name in usernames])
        ids = db.session.scalars(select(User.id).where(User.username.in_(usernames))).all()
        db.session.execute(insert(ClassMembership), [{"class_id": group.id, "user_id": uid} for uid in ids])
        db.session.commit()
        started = time.monotonic()
        exam = create_exam({"title": "压测考试(40 题)", "time_limit_minutes": time_limit_minutes, "max_attempts": 1,
                            "review_policy": "immediately", "classes": [BENCH_CLASS], "rules": EXAM_RULES}, teacher)
        prepare_s = time.monotonic() - started
        exam_id = exam.id
        from app.models import Attempt

        papers = db.session.scalar(select(func.count(Attempt.id)).where(Attempt.exam_id == exam_id)
                                   .execution_options(include_prepared=True))
        db.session.remove()
        db.engine.dispose()
    return Prepared(database_url, secret_key, exam_id, usernames, round(prepare_s, 1), papers)


def server_env(prepared: Prepared, base: dict) -> dict:
    """Environment for gunicorn serving the prepared database as production."""
    env = dict(base)
    env.update(APP_CONFIG="production", SECRET_KEY=prepared.secret_key, DATABASE_URL=prepared.database_url,
               RATELIMIT_STORAGE_URI=base.get("RATELIMIT_STORAGE_URI", "memory://"))
    return env
