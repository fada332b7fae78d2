"""``flask --app app bank …`` and ``flask --app app sync``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..domain.bank import bank_stats, format_problems, lint_paths, load_paths
from ..services.bank import chapter_sections, sync_bank
from ..services.courseware import get_course


@click.group("bank")
def bank_group():
    """Question bank: lint, statistics, import and export."""


@bank_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def lint_command(paths):
    """Check question-bank YAML; each problem as ``path:line: message``; exit 1 on any."""
    targets = list(paths) or [current_app.config["QUESTION_BANK_DIR"]]
    problems = lint_paths(targets, chapter_sections("crm"))
    if problems:
        click.echo(format_problems(problems), nl=False)
        click.echo(f"{len(problems)} 个问题", err=True)
        sys.exit(1)
    click.echo("题库检查通过,没有发现问题。", err=True)


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


@click.command("sync")
@click.option("--course", default="crm", show_default=True)
@with_appcontext
def sync_command(course):
    """Load courseware and the question bank into the database (idempotent, keeps versions)."""
    found = get_course(course)
    if found is None:
        raise click.ClickException(f"找不到课程目录 courseware/{course}")
    for error in found.errors:
        click.echo(f"课件错误:{error}", err=True)
    click.echo(f"课件:{len(found.chapters)} 章")
    report = sync_bank(course)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo("题库:" + report.summary())
