"""``flask --app app bank …`` and ``flask --app app sync``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..database import reads_only
from ..domain.bank import bank_stats, format_problems, lint_paths, load_paths
from .schema_guard import SchemaGuardCommand, SchemaGuardGroup
from ..services.bank import chapter_sections, sync_bank
from ..domain.bank.importing import source_tag
from ..services.interop import IMPORT_FORMATS
from ..services.courseware import get_course


@click.group("bank", cls=SchemaGuardGroup)
def bank_group():
    """Question bank: lint, statistics, import and export."""


@bank_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def lint_command(paths):
    """Check question-bank YAML; each problem as ``path:line: message``; exit 1 on any.

    Problems include an explanation that names an option by its bare letter (docs/question-format.md).
    """
    targets = list(paths) or [current_app.config["QUESTION_BANK_DIR"]]
    problems = lint_paths(targets, chapter_sections("crm"))
    if problems:
        click.echo(format_problems(problems), nl=False)
        click.echo(f"{len(problems)} 个问题", err=True)
        sys.exit(1)
    click.echo("题库检查通过，没有发现问题。", err=True)


@bank_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def stats_command(as_json, paths):
    """Counts by type, chapter and difficulty."""
    targets = list(paths) or [current_app.config["QUESTION_BANK_DIR"]]
    result = load_paths(targets, chapter_sections("crm"))
    stats = bank_stats(result.questions)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, sort_keys=True))
        return
    click.echo(f"共 {stats['total']} 题")
    for key, title in (("by_type", "题型"), ("by_chapter", "章节"), ("by_difficulty", "难度")):
        click.echo(f"{title}:" + ",".join(f"{k} {v}" for k, v in sorted(stats[key].items())))


@bank_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), default=None,
              help="File format; by default from the extension (.docx .xlsx .txt=aiken .gift .xml).")
@click.option("--course", default="crm", show_default=True)
@click.option("--chapter", default=None,
              help="Chapter slug for questions whose category is not a chapter, or that have none.")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--partial", is_flag=True, help="When the file has problems, import its valid questions anyway.")
@click.option("--json", "as_json", is_flag=True, help='Print {"questions": [...], "problems": [...]}.')
@with_appcontext
def import_command(path, fmt, course, chapter, dry_run, partial, as_json):
    """Import Word, Excel, Aiken, Moodle GIFT or Moodle XML questions (docs/interop.md).

    All or nothing: a file with problems imports nothing unless --partial. Questions keep a
    category path that is not a chapter as the tag 来源：<path>; questions without an id get the
    bank's next id of their chapter. Exit 1 when nothing was (or would be) imported because of
    problems.
    """
    from ..services.interop import available_formats, format_for, import_file

    fmt = fmt or format_for(path.name, path.read_bytes())
    if fmt is None:
        raise click.UsageError(f"无法从扩展名判断 {path.name} 的格式，请用 --format 指定（"
                               + "|".join(IMPORT_FORMATS) + "）")
    if fmt not in available_formats():
        raise click.UsageError(f"此版本还不能导入 {fmt} 格式，可用：" + "、".join(available_formats()))
    report = import_file(path.read_bytes(), fmt, course, chapter, dry_run=dry_run, partial=partial)
    plan = report.plan
    if as_json:
        click.echo(json.dumps({
            "questions": [item.bank_shape() for item in plan.items],
            "problems": [_located(item) for item in plan.problems],
            "warnings": [_located(item) for item in plan.warnings],
            "counts": plan.counts(), "written": report.written,
        }, ensure_ascii=False, indent=1))
    else:
        for item in plan.file_problems:
            click.echo(f"{path}:{item.line or 1}: {item.where}: {item.reason}", err=True)
        for item in plan.items:
            for message in item.problems:
                extra = _chapter_hint(item) if item.chapter is None and "指定归入" in message else ""
                click.echo(f"问题 {item.where}: {message}{extra}", err=True)
        for item in plan.warnings:
            click.echo(f"注意 {item.where}: {item.reason}", err=True)
        click.echo(report.summary(dry_run) + ("（试运行，未写入）" if dry_run else ""))
    if report.refused:
        sys.exit(1)


def _chapter_hint(item) -> str:
    """How to give a question without a chapter one, from the command line."""
    if item.category:
        return f"；用 --chapter 指定章节即可导入，分类路径会保留为标签“{source_tag(item.category)}”"
    return "；用 --chapter 指定章节即可导入"


def _located(skip) -> dict:
    return {"where": skip.where, "line": skip.line, "reason": skip.reason}


@bank_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["gift", "moodle-xml"]), required=True)
@click.option("--course", default="crm", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
@reads_only
def export_command(fmt, course, output):
    """Export the bank (database, or the YAML files when the database is empty)."""
    from ..services.interop import export_bank

    result, source = export_bank(fmt, course)
    for item in result.errors:
        click.echo(f"错误 {item.where}: {item.reason}", err=True)
    if result.errors:
        sys.exit(1)
    for item in result.skipped:
        click.echo(f"未导出 {item.where}: {item.reason}", err=True)
    if output:
        output.write_text(result.text, encoding="utf-8")
        click.echo(f"已写入 {output}（来源：{'数据库' if source == 'database' else 'YAML 文件'}，"
                   f"未导出 {len(result.skipped)} 题）", err=True)
    else:
        click.echo(result.text, nl=False)


@click.command("sync", cls=SchemaGuardCommand)
@click.option("--course", default="crm", show_default=True)
@with_appcontext
def sync_command(course):
    """Load courseware and the question bank into the database (idempotent, keeps versions)."""
    found = get_course(course)
    if found is None:
        raise click.ClickException(f"找不到课程目录 courseware/{course}")
    for error in found.errors:
        click.echo(f"课件错误：{error}", err=True)
    click.echo(f"课件：{len(found.chapters)} 章")
    report = sync_bank(course)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo("题库：" + report.summary())


from .bank_export import export_yaml_command, template_command  # noqa: E402

bank_group.add_command(export_yaml_command)
bank_group.add_command(template_command)
