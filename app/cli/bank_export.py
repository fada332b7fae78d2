"""``flask --app app bank export-yaml [-o DIR]``: write the database bank back to YAML files.

One file per chapter, ``DIR/<course>/<chapter>.yaml``, in the docs/question-format.md shape,
so that browser edits and the files stay one bank: ``bank lint DIR`` is clean and ``sync``
from ``DIR`` changes nothing. Retired questions are left out. Hand-written comments in files
that are overwritten are lost (the database does not keep them).
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..database import reads_only
from ..extensions import db
from ..models import Question
from ..services.authoring import chapter_choices, dump_yaml, file_shape

HEADER = "# 由 flask --app app bank export-yaml 从数据库导出；格式见 docs/question-format.md\n"


def _natural(qid: str) -> tuple:
    """``ch01-q2`` before ``ch01-q10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", qid))


def export_yaml(out_dir: Path, course: str = "crm") -> dict[str, int]:
    """Write every active question of ``course`` under ``out_dir/<course>/``; chapter → count."""
    by_chapter: dict[str, list[dict]] = {}
    questions = db.session.scalars(select(Question).where(Question.course == course, Question.active.is_(True)))
    for question in sorted(questions, key=lambda q: _natural(q.qid)):
        if question.current_version is not None:
            by_chapter.setdefault(question.chapter, []).append(file_shape(question.data))
    order = {slug: index for index, (slug, _title) in enumerate(chapter_choices(course))}
    folder = out_dir / course
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for chapter in sorted(by_chapter, key=lambda c: (order.get(c, len(order)), c)):
        text = HEADER + dump_yaml({"chapter": chapter, "questions": by_chapter[chapter]})
        (folder / f"{chapter}.yaml").write_text(text, encoding="utf-8")
        written[chapter] = len(by_chapter[chapter])
    return written


@click.command("export-yaml")
@click.option("--format", "fmt", type=click.Choice(["yaml"]), default="yaml", show_default=True)
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Bank root to write to (default: QUESTION_BANK_DIR).")
@click.option("--course", default="crm", show_default=True)
@with_appcontext
@reads_only
def export_yaml_command(fmt, output, course):
    """Write the database bank back to YAML, one file per chapter."""
    out_dir = Path(output or current_app.config["QUESTION_BANK_DIR"])
    try:
        written = export_yaml(out_dir, course)
    except OSError as exc:
        raise click.ClickException(f"无法写入 {out_dir}：{exc.strerror or exc}") from None
    folder = out_dir / course
    for chapter, count in written.items():
        click.echo(f"{folder / (chapter + '.yaml')}: {count} 题")
    others = sorted(p.name for p in folder.glob("*.y*ml") if p.stem not in written)
    if others:
        click.echo("注意：目录中还有不是本次写出的文件，其中的题目可能与导出的重复：" + "、".join(others), err=True)
    click.echo(f"共导出 {sum(written.values())} 题，{len(written)} 个文件。", err=True)


@click.command("template")
@click.option("--format", "fmt", type=click.Choice(["xlsx"]), default="xlsx", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="File to write, e.g. 题目导入模板.xlsx.")
def template_command(fmt, out):
    """Write the Excel question-import template (headers, an example per type, a 说明 sheet)."""
    from ..domain.interop import xlsx_template

    try:
        out.write_bytes(xlsx_template())
    except OSError as exc:
        raise click.ClickException(f"无法写入 {out}：{exc.strerror or exc}") from None
    click.echo(f"已写出导入模板：{out}")
