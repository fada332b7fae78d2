"""Gradebook words that need no database: the result status of a student in an exam.

One home for the status words: pages, the API's ``status_label`` and every export show a
status through :data:`STATUS_LABELS` (Chinese, marked for the catalogue; the web layer
translates them). The codes themselves only appear where a program reads them (the JSON API).
"""

from __future__ import annotations

from .marks import N_

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
NEEDS_GRADING = "needs_grading"

STATUS_LABELS = {
    NOT_STARTED: N_("未参加"),
    IN_PROGRESS: N_("进行中"),
    SUBMITTED: N_("已提交"),
    # A submitted attempt with an item a teacher has yet to grade; also the word for that item.
    NEEDS_GRADING: N_("待评分"),
}
