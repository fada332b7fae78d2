"""Typed SQL on the DBAPI cursor, for the one hot path where SQLAlchemy's per-statement work shows.

An autosave is one ``SELECT`` and one ``UPDATE``; through the ORM session (or a Core connection)
each costs ~0.05–0.1 ms of Python (events, compiled-cache lookup, result metadata, transaction
objects) around ~0.01 ms in the database. :class:`Statement` compiles a typed ``text()`` once per
dialect and runs it on a pooled DBAPI connection, converting parameters and columns with the same
SQLAlchemy type processors Core would use, so values read and written are identical.

:func:`connection` keeps :mod:`app.database`'s transaction rules (``BEGIN IMMEDIATE`` for a write
on SQLite, a deferred read otherwise). Where something listens to the engine's statements (SQL
tracing, the tests' statement recorder) it yields a Core connection instead, so every statement
is still seen there; :class:`Statement` runs on either.
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import TextClause

from .database import begin_statement, reset_read_only, set_read_only


def traced(engine: Engine) -> bool:
    """Whether something listens to ``engine``'s cursor executions (they must then go through Core)."""
    dispatch = engine.dispatch
    return bool(dispatch.before_cursor_execute) or bool(dispatch.after_cursor_execute)


class _Compiled:
    __slots__ = ("sql", "names", "binds", "results", "row")

    def __init__(self, clause: TextClause, dialect) -> None:
        compiled = clause.compile(dialect=dialect)
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup) if dialect.positional else None
        self.binds = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.binds[name] = process
        columns = getattr(clause, "selected_columns", None)  # text().columns(...): typed results
        if columns is not None:
            self.results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                                 for column in columns)
            self.row = namedtuple("Row", [column.name for column in columns])
        else:
            self.results = self.row = None

    def parameters(self, values: dict[str, Any]):
        if self.binds:
            values = dict(values)
            for name, process in self.binds.items():
                if name in values:
                    values[name] = process(values[name])
        if self.names is not None:
            return tuple(values[name] for name in self.names)
        return values

    def convert(self, raw: tuple):
        return self.row._make(value if process is None or value is None else process(value)
                              for process, value in zip(self.results, raw))


class Statement:
    """A typed ``text()`` statement that runs on a DBAPI cursor or on a Core connection alike."""

    def __init__(self, clause: TextClause) -> None:
        self.clause = clause
        self._by_dialect: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compiled(self, dialect) -> _Compiled:
        found = self._by_dialect.get(dialect)
        if found is None:
            found = self._by_dialect[dialect] = _Compiled(self.clause, dialect)
        return found

    def execute(self, target, values: dict[str, Any]) -> int:
        """Run on ``target`` (from :func:`connection`); the number of rows changed."""
        if isinstance(target, Connection):
            return target.execute(self.clause, values).rowcount
        cursor, dialect = target
        compiled = self._compiled(dialect)
        cursor.execute(compiled.sql, compiled.parameters(values))
        return cursor.rowcount

    def first(self, target, values: dict[str, Any]):
        """Run on ``target``; the first row (columns by name, typed as declared) or None."""
        if isinstance(target, Connection):
            return target.execute(self.clause, values).first()
        cursor, dialect = target
        compiled = self._compiled(dialect)
        cursor.execute(compiled.sql, compiled.parameters(values))
        raw = cursor.fetchone()
        return None if raw is None else compiled.convert(raw)


@contextmanager
def connection(engine: Engine, write: bool) -> Iterator[Any]:
    """A pooled connection in one transaction, committed when the block ends (rolled back on error).

    ``write`` starts it with ``BEGIN IMMEDIATE`` on SQLite (:mod:`app.database`); a read runs
    deferred. Yields a target for :class:`Statement`: a (cursor, dialect) pair, or a Core
    connection while the engine is traced.
    """
    token = set_read_only(not write)
    try:
        if traced(engine):
            with engine.connect() as core, core.begin():
                yield core
            return
        dialect = engine.dialect
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                if dialect.name == "sqlite":  # the driver is in autocommit mode (app.database)
                    cursor.execute(begin_statement())
                yield cursor, dialect
                raw.commit()
            except BaseException:
                raw.rollback()
                raise
            finally:
                cursor.close()
        finally:
            raw.close()  # back to the pool
    finally:
        reset_read_only(token)
