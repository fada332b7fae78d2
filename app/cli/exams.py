"""``flask --app app exam …``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..models import User
from ..extensions import db
from ..services.attempts import close_overdue
from ..services.exam_errors import ExamError
from ..services.exams import create_exam


@click.group("exam")
def exam_group():
    """Exams: create from a definition file, close overdue attempts."""


@exam_group.command("close-overdue")
@with_appcontext
def close_overdue_command():
    """Submit every attempt whose deadline (plus grace) has passed, with what was saved."""
    count = close_overdue()
    click.echo(f"已自动提交 {count} 份超时答卷")


@exam_group.command("create")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "username", default=None, help="Instructor recorded as the creator.")
@with_appcontext
def create_command(path: Path, username: str | None):
    """Create an exam from a YAML or JSON definition file (the fields of POST /api/v1/exams)."""
    from ..jsoninput import strict_loads
    from ..services.exam_admin import load_yaml

    try:
        raw = path.read_bytes()
        # YAML goes through the editor's upload reader: values that cannot be built (2026-02-30,
        # !!int abc, 4,400 digits) and invalid fields are reported with their line.
        data = strict_loads(raw) if path.suffix == ".json" else load_yaml(raw)
    except ExamError as exc:
        details = "\n".join(f"  {line}" for line in exc.details)
        raise click.ClickException(f"{path}: {exc}\n{details}".rstrip()) from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: 无法读取考试定义:{exc}") from None
    actor = db.session.scalar(db.select(User).where(User.username == username)) if username else None
    try:
        exam = create_exam(data, actor)
    except ExamError as exc:
        details = "\n".join(f"  {line}" for line in exc.details)
        raise click.ClickException(f"{path}: {exc}\n{details}") from None
    click.echo(f"已创建考试 #{exam.id}“{exam.title}”")
