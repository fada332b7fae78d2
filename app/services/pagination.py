"""One page of rows, shaped like Flask-SQLAlchemy's pagination for the ``pager`` macro."""

from __future__ import annotations

from dataclasses import dataclass

# Far beyond any list here; keeps LIMIT/OFFSET inside a 64-bit integer on every database
# (``?page=99999999999999999999`` raised OverflowError in the SQLite driver: a 500).
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200


def page_number(raw: object) -> int:
    """A page number from a query string value: garbage, zero or negative is 1; huge is MAX_PAGE.

    Callers clamp it further to the last page there is (``clamp_page``, ``db.paginate``).
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return min(max(raw, 1), MAX_PAGE)
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    # Digits only: the length alone says it is huge (int() refuses over 4,300 digits).
    return MAX_PAGE if len(text) > 7 else min(max(int(text), 1), MAX_PAGE)


def page_arg(name: str = "page") -> int:
    """``page_number`` of the current request's query argument ``name`` (every paged view reads it here)."""
    from flask import request

    return page_number(request.args.get(name))


def clamp_page(page: int | None, total: int, per_page: int) -> tuple[int, int]:
    """The page number clamped to the pages there are, and the number of pages (at least 1)."""
    pages = max(1, -(-total // per_page))
    return min(page_number(page), pages), pages


@dataclass(frozen=True)
class Page:
    """``items`` of page ``page`` out of ``total`` rows, ``per_page`` to a page."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return clamp_page(1, self.total, self.per_page)[1]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate_list(items: list, page: int | None, per_page: int) -> Page:
    """Page ``page`` (clamped to the pages there are) of an in-memory list."""
    page, _ = clamp_page(page, len(items), per_page)
    return Page(items[(page - 1) * per_page: page * per_page], page, per_page, len(items))
