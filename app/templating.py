"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale

from .domain.questions.presented import option_letter
from .i18n import translate_case_feedback, translate_stored, user_content


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a stored UTC time in the site's time zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    try:
        return value.astimezone(tz).strftime(fmt)
    except OverflowError:  # a year-9999 time stored before exam times were limited to 1970–2200
        return value.strftime(fmt) + " UTC"


def init_templating(app: Flask) -> None:
    """Register filters and globals."""
    app.add_template_filter(local_time, "local_time")
    # The domain composes Chinese (grader feedback, statistics flags): shown in the reader's language.
    app.add_template_filter(translate_stored, "translated")
    app.add_template_filter(translate_case_feedback, "case_feedback")
    app.add_template_filter(user_content, "content")
    # A global, not a context value: imported macros (exams/_question.html) see globals only.
    app.add_template_global(option_letter, "option_letter")

    @app.context_processor
    def _globals():
        return {
            "languages": app.config["LANGUAGES"],
            "current_locale": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        }
