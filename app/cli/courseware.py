"""``flask --app app courseware lint``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content.lint import lint_courseware
from ..domain.bank import format_problems


@click.group("courseware")
def courseware_group():
    """Courseware: check chapter files."""


@courseware_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path())
@with_appcontext
def lint_command(paths):
    """Check chapter Markdown (default: the courseware directory); each problem as
    ``path:line: message``; exit 1 on any.

    Problems: a chapter that cannot be loaded, and half-width punctuation in Chinese text
    (maths, code and URLs excepted).
    """
    targets = list(paths) or [current_app.config["COURSEWARE_DIR"]]
    problems = lint_courseware(targets)
    if problems:
        click.echo(format_problems(problems), nl=False)
        click.echo(f"{len(problems)} 个问题", err=True)
        sys.exit(1)
    click.echo("课件检查通过，没有发现问题。", err=True)
