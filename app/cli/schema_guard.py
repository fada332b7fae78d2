"""A database that was not upgraded: one clear message instead of a raw SQLAlchemy error.

Commands that read or write the database (``bank import``, ``bank export``, ``sync``…) run under
:class:`SchemaGuardGroup` / :class:`SchemaGuardCommand`: an error about a missing table or column
(SQLite "no such table/column", PostgreSQL undefined table/column) becomes a Chinese message that
says to run ``flask --app app db upgrade``.
"""

from __future__ import annotations

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

UPGRADE_HINT = "flask --app app db upgrade"
_UNDEFINED = {"42P01", "42703"}  # PostgreSQL: undefined_table, undefined_column
_MARKERS = ("no such table", "no such column", "does not exist", "has no column named")


def missing_schema(exc: Exception) -> bool:
    """True when ``exc`` says the database lacks a table or column the code expects."""
    if not isinstance(exc, (OperationalError, ProgrammingError)):
        return False
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) in _UNDEFINED or getattr(orig, "pgcode", None) in _UNDEFINED:
        return True
    text = str(orig or exc).lower()
    return any(marker in text for marker in _MARKERS)


def schema_message(exc: Exception) -> str:
    """The Chinese message for a database without the current schema."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    return (f"数据库还没有升级到当前版本（{detail}）。请先运行 {UPGRADE_HINT} 升级数据库，然后重试。"
            "已有的数据不会丢失。")


class SchemaError(click.ClickException):
    """Exit 1 with the message alone (no English "Error:" before the Chinese text)."""

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True, file=file)


def _guarded(invoke, ctx: click.Context):
    try:
        return invoke(ctx)
    except (OperationalError, ProgrammingError) as exc:
        if missing_schema(exc):
            raise SchemaError(schema_message(exc)) from None
        raise


class SchemaGuardGroup(click.Group):
    """A command group whose commands report a not-upgraded database clearly."""

    def invoke(self, ctx: click.Context):
        return _guarded(super().invoke, ctx)


class SchemaGuardCommand(click.Command):
    """A single command that reports a not-upgraded database clearly."""

    def invoke(self, ctx: click.Context):
        return _guarded(super().invoke, ctx)
