"""Instructor endpoints of ``/api/v1``: an exam's gradebook (JSON, CSV, XLSX) and item statistics."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_babel import gettext as _

from ..auth.session import instructor_required
from ..errors import abort_with
from ..extensions import db
from ..models import Exam
from ..services import gradebook as books
from ..services.item_statistics import WHICH, exam_report
from . import bp
from .docs import ERROR_SCHEMA, documented

NUMBER_OR_NULL = {"type": ["number", "null"]}
GRADEBOOK_ROW = {"type": "object", "properties": {
    "user_id": {"type": "integer"}, "username": {"type": "string"}, "full_name": {"type": "string"},
    "student_number": {"type": "string"}, "score": NUMBER_OR_NULL, "max_score": {"type": "number"},
    "status": {"type": "string", "enum": list(books.STATUS_LABELS)},
    "status_label": {"type": "string", "description": "the status in the interface language: 未参加 / 进行中 / 已提交 / 待评分 "
                                                      "(Not taken / In progress / Submitted / To be graded)"},
    "attempt_id": {"type": ["integer", "null"], "description": "the attempt whose score counts"},
    "attempts": {"type": "integer"},
    "items": {"type": "array", "description": "the kept attempt's items in paper order (empty without one); "
                                              "their scores add up to `score`",
              "items": {"type": "object", "properties": {
                  "number": {"type": "integer", "description": "position in the student's paper, from 1"},
                  "score": NUMBER_OR_NULL, "max_score": {"type": "number"},
                  "pending": {"type": "boolean", "description": "waits for manual grading (score null, counts 0)"}}}},
    "sections": {"type": "array", "description": "sectioned exams only (paper_layout sections): the kept attempt's "
                                                 "subtotal per section, in section order; empty without one",
                 "items": {"type": "object", "properties": {
                     "type": {"type": "string", "description": "a question type, or case"},
                     "score": {"type": "number"}, "max_score": {"type": "number"},
                     "pending": {"type": "integer", "description": "items still waiting for manual grading"}}}}}}
FLAG = {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}
STATISTICS = {"type": "object", "properties": {
    "exam": {"type": "object", "properties": {
        "n": {"type": "integer"}, "mean": NUMBER_OR_NULL, "sd": NUMBER_OR_NULL, "median": NUMBER_OR_NULL,
        "min": NUMBER_OR_NULL, "max": NUMBER_OR_NULL, "max_score": NUMBER_OR_NULL, "alpha": NUMBER_OR_NULL,
        "sem": NUMBER_OR_NULL, "histogram": {"type": "array"}}},
    "questions": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "type": {"type": "string"}, "n": {"type": "integer"}, "pending": {"type": "integer"},
        "facility": NUMBER_OR_NULL, "discrimination": NUMBER_OR_NULL, "point_biserial": NUMBER_OR_NULL,
        "point_biserial_uncorrected": NUMBER_OR_NULL, "distractors": {"type": ["array", "null"]},
        "flags": {"type": "array", "items": FLAG}}}},
    "warnings": {"type": "array", "items": {"type": "string"}}}}


def _exam(exam_id: int) -> Exam:
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort_with(404, _("找不到该考试"))
    return exam


@bp.route("/exams/<int:exam_id>/gradebook", methods=["GET"])
@instructor_required
@documented("An exam's gradebook (instructors)",
            description="One row per student of the exam's classes (plus other students who attempted it): "
                        "the score that counts under the exam's grading method. `format=json` (default) gives "
                        "a JSON array; `csv` is UTF-8 with a byte-order mark; `xlsx` keeps student numbers as text. "
                        "CSV and XLSX speak the interface language (Chinese, or English after the language switch): "
                        "用户名, 姓名, 学号, 得分, 满分, 状态 (the status word: 已提交, 待评分 …); a sectioned exam "
                        "adds two columns per section type in section order (the kept attempt's subtotal and its "
                        "full marks); then one column per question in paper order, 第1题（满分 2）…, holding the "
                        "item's points (待评分 while it waits for a teacher), so they add up to 得分. "
                        "`headers=keys` names the columns by their JSON keys instead (username, full_name, "
                        "student_number, score, max_score, status (the code), status_label, section_<type>, "
                        "section_<type>_max, q1, q2 …) for programs.",
            responses={200: {"type": "array", "items": GRADEBOOK_ROW}, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA,
                       403: ERROR_SCHEMA, 404: ERROR_SCHEMA})
def exam_gradebook(exam_id: int):
    """The exam's rows as JSON, CSV or XLSX."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv", "xlsx"):
        abort_with(400, _("参数 format 只能是 json、csv 或 xlsx。"))
    headers = request.args.get("headers", "labels")
    if headers not in ("labels", "keys"):
        abort_with(400, _("参数 headers 只能是 labels 或 keys。"))
    exam = _exam(exam_id)
    books.settle_overdue()
    rows = books.exam_gradebook(exam)
    if fmt == "json":
        return jsonify(rows)
    header, values = books.exam_table(rows, keys=headers == "keys")
    if fmt == "csv":
        body, mimetype = books.csv_bytes(header, values), "text/csv; charset=utf-8"
    else:
        body = books.xlsx_bytes(header, values, exam.title)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename=exam-{exam.id}-gradebook.{fmt}"})


@bp.route("/exams/<int:exam_id>/statistics", methods=["GET"])
@instructor_required
@documented("Item statistics of an exam (instructors)",
            description="Facility, discrimination (27 % groups), corrected point-biserial, flags and distractors "
                        "per question, and n, mean, sd, Cronbach's alpha (KR-20 for 0/1 items) and SEM of the exam; "
                        "see docs/statistics.md. `which=kept` (default) uses each student's attempt that counts, "
                        "`which=all` every submitted attempt.",
            responses={200: STATISTICS, 400: ERROR_SCHEMA, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA, 404: ERROR_SCHEMA})
def exam_item_statistics(exam_id: int):
    """The exam's statistics as JSON."""
    which = request.args.get("which", "kept")
    if which not in WHICH:
        abort_with(400, _("参数 which 只能是 kept 或 all。"))
    exam = _exam(exam_id)
    books.settle_overdue()
    return jsonify(exam_report(exam, which).stats.to_dict())
