"""One page of rows, shaped like Flask-SQLAlchemy's pagination for the ``pager`` macro."""

from __future__ import annotations

from dataclasses import dataclass


def clamp_page(page: int | None, total: int, per_page: int) -> tuple[int, int]:
    """The page number clamped to the pages there are, and the number of pages (at least 1)."""
    pages = max(1, -(-total // per_page))
    return min(max(page or 1, 1), pages), pages


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
