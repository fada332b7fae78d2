"""``flask --app app exam …``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..models import User
from ..extensions import db
from ..database import reads_only
from ..services.attempts import close_overdue
from ..services.exam_errors import ExamError
from ..services.exams import create_exam


@click.group("exam")
def exam_group():
    """Exams: create from a definition file, prepare papers, close overdue attempts."""


@exam_group.command("close-overdue")
@with_appcontext
def close_overdue_command():
    """Submit every attempt whose deadline (plus grace) has passed, with what was saved."""
    count = close_overdue()
    click.echo(f"已自动提交 {count} 份超时答卷")


@exam_group.command("prepare")
@click.argument("exam_id", type=int)
@click.option("--batch", "batch_size", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="Students per write transaction.")
@with_appcontext
def prepare_command(exam_id: int, batch_size: int):
    """Draw and store every assigned student's paper now, so starts only stamp the time (docs/performance.md).

    The app does this by itself after publishing and class or roster changes; run it by hand
    after changing the bank, or to check. Safe to repeat: current papers are kept, stale ones redrawn.
    """
    from ..services.prepared_papers import prepare_exam

    report = prepare_exam(exam_id, batch_size=batch_size)
    if report.reason == "no such exam":
        raise click.ClickException(f"没有编号为 {exam_id} 的考试（flask --app app exam list 列出全部考试）")
    if report.reason:
        raise click.ClickException(f"考试 #{exam_id} 未发布或已结束，不预备试卷")
    click.echo(f"考试 #{exam_id}：新预备 {report.prepared} 份试卷，保留 {report.kept} 份，"
               f"作废重抽 {report.discarded} 份，跳过 {report.skipped} 名学生（有进行中的答卷或已无作答次数）")
    for problem in report.failed:
        click.echo(f"警告：{problem}", err=True)


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
        raise click.ClickException(f"{path}：无法读取考试定义：{exc}") from None
    actor = db.session.scalar(db.select(User).where(User.username == username)) if username else None
    try:
        exam = create_exam(data, actor)
    except ExamError as exc:
        details = "\n".join(f"  {line}" for line in exc.details)
        raise click.ClickException(f"{path}: {exc}\n{details}") from None
    click.echo(f"已创建考试 #{exam.id}“{exam.title}”")


@exam_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: [{id, title, status, opens_at, closes_at}, ...].")
@with_appcontext
@reads_only
def list_command(as_json: bool):
    """List every exam with its id, title, status (draft, published or closed) and window (UTC)."""
    import json

    from ..services.exam_access import display_status
    from ..services.exam_payloads import iso_time
    from ..models import Exam

    rows = []
    for exam in db.session.scalars(db.select(Exam).order_by(Exam.id)):
        status = display_status(exam)
        rows.append({"id": exam.id, "title": exam.title, "status": status,
                     "opens_at": iso_time(exam.opens_at), "closes_at": iso_time(exam.closes_at)})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['status']}\t{row['title']}")


@exam_group.command("paper")
@click.argument("exam_id", type=int)
@click.option("--variants", "count", type=click.IntRange(1, 10), default=2, show_default=True,
              help="Number of variants (A卷、B卷 …).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the Word files (created if missing).")
@click.option("--new", "new", is_flag=True, help="Record new variants (next free labels) instead of reprinting.")
@click.option("--by", "username", default=None, help="Instructor recorded as the creator of new variants.")
@with_appcontext
def paper_command(exam_id: int, count: int, out_dir: Path, new: bool, username: str | None):
    """Write a Word paper, its answer key and an answer sheet per variant (docs/paper-exams.md).

    Reprints the exam's recorded variants A卷、B卷 … (same seeds, same papers); records new ones
    only for labels not yet printed, or, with --new, a new set under the next free labels.
    """
    from ..models import Exam
    from ..services.paper_docx import write_files
    from ..services.paper_exam import prepare_variants

    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise click.ClickException(f"没有编号为 {exam_id} 的考试（flask --app app exam list 列出全部考试）")
    actor = db.session.scalar(db.select(User).where(User.username == username)) if username else None
    try:
        papers = prepare_variants(exam, count, actor, new=new)
        files = write_files(papers, out_dir)
    except ExamError as exc:
        db.session.rollback()
        details = "\n".join(f"  {line}" for line in exc.details)
        raise click.ClickException(f"{exc}\n{details}".rstrip()) from None
    except OSError as exc:
        db.session.rollback()
        raise click.ClickException(f"无法写入 {out_dir}：{exc}") from None
    db.session.commit()
    for printed in papers:
        if any(item.type == "case" and item.case is None for item in printed.items):
            click.echo(f"警告：{printed.paper.label}中有已不存在的案例，未能印制", err=True)
    for path in files:
        click.echo(str(path))
