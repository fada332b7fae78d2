"""The exam page's small memos (number labels, shells, element orders, section headings): plain
dicts, emptied when full. Crude but bounded: a cleared memo refills from the next pages."""

from __future__ import annotations


def remember(store: dict, key, value, limit: int):
    """Keep ``value`` under ``key`` in ``store`` (emptied first once it holds ``limit`` entries); returns ``value``."""
    if len(store) >= limit:
        store.clear()
    store[key] = value
    return value
