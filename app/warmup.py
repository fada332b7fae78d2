"""Fill a worker's caches when it boots, so the first students of an exam do not pay for it.

A fresh worker renders every question's Markdown and validates every version the first time a
paper needs it: about 2,000 texts at ~0.4 ms each, paid during the burst of attempt starts when an
exam opens. Warming does that work in a background thread as soon as the worker is up (the
gunicorn hook in ``gunicorn.conf.py`` calls :func:`start_warming`); requests are served meanwhile,
and a request that needs something not yet warm simply computes it as before.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask
from sqlalchemy import select

from .database import reads_only

log = logging.getLogger(__name__)


@reads_only  # a worker booting mid-exam must not hold the write lock while it renders (test_reads_only.py)
def warm(app: Flask) -> int:
    """Load every course's draw pool and render its questions as students see them; returns how many."""
    from .domain.questions import student_view
    from .extensions import db
    from .models import Question
    from .services import exam_cache
    from .services.case_items import is_case_data
    from .services.exam_payloads import payload_from_view

    warmed = 0
    with app.app_context():
        try:
            courses = db.session.scalars(select(Question.course).where(Question.active.is_(True)).distinct()).all()
            for course in courses:
                _items, versions = exam_cache.pool(course)
                for qid, (version_id, data) in versions.items():
                    if is_case_data(data):
                        continue
                    spec = exam_cache.version_spec(version_id)
                    payload_from_view(student_view(spec), qid, 0, 0.0)  # fills the rendered-text cache
                    warmed += 1
        finally:
            db.session.remove()
    return warmed


def start_warming(app: object) -> threading.Thread | None:
    """Warm ``app`` in a daemon thread; anything else (the benchmark's bare app) is left alone."""
    if not isinstance(app, Flask) or "QUESTION_BANK_DIR" not in app.config:
        return None

    def run() -> None:
        try:
            count = warm(app)
            log.info("warmed %d questions", count)
        except Exception:  # a cold cache is slower, never wrong: keep serving
            log.exception("cache warm-up failed")

    thread = threading.Thread(target=run, name="cache-warmup", daemon=True)
    thread.start()
    return thread
