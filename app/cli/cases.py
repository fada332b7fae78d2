"""``flask --app app case list|show|grade`` (see ../shared/CONTRACT.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..domain.cases import grade, list_cases, make_variant, solution
from ..jsoninput import strict_loads


def _variant(case_id: str, seed: int | None, textbook: bool):
    if seed is not None and textbook:
        raise click.UsageError("--seed 与 --textbook 只能选一个。")
    variant, error = make_variant(case_id, seed, textbook=textbook or seed is None)
    if variant is None:
        raise click.ClickException(error)
    return variant


def _emit(data, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=None))
    else:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group("case")
def case_group():
    """Case exercises: list, show a variant, grade answers."""


@case_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json):
    """Every case with its id, title and chapter."""
    cases = list_cases()
    if as_json:
        _emit(cases, True)
        return
    for case in cases:
        click.echo(f"{case['id']:24} {case['chapter']:28} {case['title']}")


@case_group.command("show")
@click.argument("case_id")
@click.option("--seed", type=int, default=None, help="Variant seed (default: the textbook variant).")
@click.option("--textbook", is_flag=True, help="The fixed variant: the source text's own numbers where it has them, otherwise fixed example data (示例数据).")
@click.option("--solution", "with_solution", is_flag=True,
              help="Also print the model answers (for teachers; the task alone never holds them).")
@click.option("--json", "as_json", is_flag=True)
def show_command(case_id, seed, textbook, with_solution, as_json):
    """The task of one variant; the answers only with --solution."""
    variant = _variant(case_id, seed, textbook)
    data = variant.public_dict()
    if with_solution:
        data["solution"] = solution(variant)
    if as_json:
        _emit(data, True)
    else:
        click.echo(data["text_md"])
        for step in data["steps"]:
            click.echo(f"- [{step['id']}] ({step['points']} 分, {step['kind']}) {step['prompt']}")
        if with_solution:
            click.echo("\n参考答案：")
            _emit(data["solution"], False)


@case_group.command("grade")
@click.argument("case_id")
@click.option("--seed", type=int, default=None)
@click.option("--textbook", is_flag=True)
@click.option("--answers", "answers_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def grade_command(case_id, seed, textbook, answers_path, as_json):
    """Grade an answers file ``{"<step id>": value}`` against one variant."""
    variant = _variant(case_id, seed, textbook)
    try:
        answers = strict_loads(answers_path.read_text(encoding="utf-8-sig"))  # depth-checked, finite numbers
    except FileNotFoundError:
        raise click.ClickException(f"找不到答案文件 {answers_path}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"{answers_path}: 不是有效的 JSON 文件({exc})") from None
    result = grade(variant, answers).to_dict()
    if as_json:
        _emit(result, True)
        return
    for step in result["steps"]:
        click.echo(f"[{step['id']}] {step['score']:g}/{step['max']:g}  {step['feedback']}")
    click.echo(f"总分 {result['score']:g} / {result['max_score']:g}")
    sys.exit(0)
