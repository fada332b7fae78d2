"""The error every exam service raises when it refuses an operation."""

from __future__ import annotations


class ExamError(Exception):
    """A refused exam operation: ``status`` is the HTTP status, the message is for the user."""

    def __init__(self, message: str, status: int = 409, details: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.details = details or []
