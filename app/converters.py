"""URL converters: ``<int:...>`` ids stay within the database's integer range."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """An ``int`` that fits a 32-bit INTEGER column: a larger id is no such object (404), not a database error."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DATABASE_INT_MAX if max is None else max,
                         signed=signed)


def init_converters(app) -> None:
    """Install before any blueprint registers a rule (rules bind their converter when added)."""
    app.url_map.converters["int"] = DatabaseIntConverter
