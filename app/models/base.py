"""Shared column helpers."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Timezone-aware current UTC time (stored naive-UTC in SQLite, aware in PostgreSQL)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
