"""Exam administration for instructors: listing, editing, YAML definitions, publishing, accommodations.

Creating goes through :func:`app.services.exams.create_exam` (the same path as the API and
``flask exam create``); editing is here. Once an exam has attempts its paper settings
(``PAPER_FIELDS``) are frozen, because every attempt keeps the paper it drew.

Status changes (draft → published → closed, reopening, unpublishing) go through
:func:`set_status`, :func:`close_now` and :func:`reopen`, each audited; what each status means
is :mod:`.exam_access`'s.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import yaml
from flask import current_app
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, or_, select

from ..domain.bank.yamlio import decode, iter_duplicates, locate, parse_text
from ..domain.cases import get_case, list_cases
from ..domain.exams import AttemptStatus, CaseItem, ExamDefinition, FixedItem, Rule, check_rules
from ..domain.exams.assembly import matches
from ..domain.questions.numbers import parse_plain_number
from ..extensions import db
from ..i18n import N_, translate_message, translate_stored
from ..models import Attempt, ClassGroup, Exam, ExamClass, Question, Role, User
from ..models.base import utcnow
from . import prepared_papers
from .accounts import audit
from .attempts import submit
from .exam_access import CLOSED, DRAFT, PUBLISHED, display_status, is_closed
from .exam_errors import ExamError
from .exams import as_utc, check_paper, create_exam, question_pool, resolve_classes, room_settings

PAPER_FIELDS = ("course", "rules", "fixed", "cases", "shuffle_questions", "shuffle_options")
# The editor's labels of the paper fields, for the note that says why they are locked.
PAPER_FIELD_LABELS = (N_("课程"), N_("抽题规则"), N_("指定题目"), N_("案例实训"), N_("打乱题目顺序"), N_("打乱选项顺序"))
MAX_YAML_BYTES = 256 * 1024

# --- listing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamRow:
    """An exam with what the list shows about it."""

    exam: Exam
    classes: list[str]
    attempts: int
    closed: bool  # closed by a teacher or its closing time passed ("立即结束考试" no longer offered)
    status: str  # exam_access.display_status: draft, published or closed


def exam_rows(page: int, per_page: int):
    """A page of exams, newest first, with class names and attempt counts (``.rows`` on the page)."""
    pagination = db.paginate(select(Exam).order_by(Exam.id.desc()), page=page, per_page=per_page, error_out=False)
    ids = [e.id for e in pagination.items]
    counts = dict(db.session.execute(select(Attempt.exam_id, func.count(Attempt.id))
                                     .where(Attempt.exam_id.in_(ids)).group_by(Attempt.exam_id)).all())
    names: dict[int, list[str]] = {}
    for exam_id, name in db.session.execute(select(ExamClass.exam_id, ClassGroup.name)
                                            .join(ClassGroup, ClassGroup.id == ExamClass.class_id)
                                            .where(ExamClass.exam_id.in_(ids)).order_by(ClassGroup.name)):
        names.setdefault(exam_id, []).append(name)
    now = utcnow()
    pagination.rows = [ExamRow(e, names.get(e.id, []), counts.get(e.id, 0), is_closed(e, now), display_status(e, now))
                       for e in pagination.items]
    return pagination


def attempt_count(exam: Exam) -> int:
    """How many attempts (any state) the exam has."""
    return db.session.scalar(select(func.count(Attempt.id)).where(Attempt.exam_id == exam.id)) or 0


def running_count(exam: Exam) -> int:
    """How many attempts at the exam are in progress."""
    return db.session.scalar(select(func.count(Attempt.id)).where(
        Attempt.exam_id == exam.id, Attempt.status == AttemptStatus.IN_PROGRESS)) or 0


def case_choices() -> list[dict[str, str]]:
    """The case exercises an exam may include: ``[{"id", "title", "chapter"}]``."""
    return list_cases()


def class_names() -> list[str]:
    """Every class name, sorted."""
    return list(db.session.scalars(select(ClassGroup.name).order_by(ClassGroup.name)))


def bank_courses() -> list[str]:
    """Courses that have questions in the bank (always including ``crm``)."""
    found = set(db.session.scalars(select(Question.course).distinct()))
    return sorted(found | {"crm"})


def bank_chapters(course: str = "crm") -> list[str]:
    """Chapters with active questions in ``course``, sorted."""
    return list(db.session.scalars(select(Question.chapter).where(Question.course == course, Question.active.is_(True))
                                   .distinct().order_by(Question.chapter)))


# --- definitions ----------------------------------------------------------------------------

def _local(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time as a naive time in the site's time zone."""
    if value is None:
        return None
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    try:
        return value.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
    except OverflowError:  # stored before exam times were limited to 1970–2200; the editor then flags it
        return value


def exam_definition_data(exam: Exam) -> dict:
    """The exam as a definition dict (times naive, in the site's time zone), as the editor shows it."""
    blueprint = ExamDefinition.model_validate(dict(exam.blueprint or {}, title=exam.title))
    return {
        "title": exam.title, "description": exam.description or "", "status": exam.status, "course": exam.course,
        "time_limit_minutes": exam.time_limit_minutes, "opens_at": _local(exam.opens_at),
        "closes_at": _local(exam.closes_at), "max_attempts": exam.max_attempts,
        "grading_method": exam.grading_method, "review_policy": exam.review_policy,
        "shuffle_questions": exam.shuffle_questions, "shuffle_options": exam.shuffle_options,
        "paper_layout": exam.paper_layout, "grace_seconds": exam.grace_seconds, "classes": sorted(_class_names_of(exam)),
        "rules": [r.model_dump() for r in blueprint.rules], "fixed": [f.model_dump() for f in blueprint.fixed],
        "cases": [c.model_dump() for c in blueprint.cases],
        "access_code": exam.access_code or "", "allowed_networks": list(exam.allowed_networks or []),
        "single_device": exam.single_device, "closed_book": exam.closed_book,
        "require_fullscreen": exam.require_fullscreen, "focus_warning_after": exam.focus_warning_after or 0,
    }


def _class_names_of(exam: Exam) -> list[str]:
    return list(db.session.scalars(select(ClassGroup.name).join(ExamClass, ExamClass.class_id == ClassGroup.id)
                                   .where(ExamClass.exam_id == exam.id)))


def definition_yaml(exam: Exam) -> str:
    """The exam as a YAML definition file (times written in the site's time zone, without offset)."""
    data = exam_definition_data(exam)
    data["rules"] = [_compact_rule(r) for r in data["rules"]]
    header = f"# 考试定义（格式见 docs/exam-definition.md），时间为 {current_app.config['BABEL_DEFAULT_TIMEZONE']} 本地时间\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _compact_rule(rule: dict) -> dict:
    """Leave out filters that are at their defaults, so files stay short."""
    defaults = {"chapters": [], "types": [], "tags": [], "difficulty_min": 1, "difficulty_max": 5}
    return {k: v for k, v in rule.items() if defaults.get(k, object()) != v}


_DATETIME = N_("必须是日期时间，如 2026-03-01 09:00")
_MAPPING = N_("必须是映射（字段: 值）")
_MESSAGES = {
    "extra_forbidden": N_("不认识的字段"), "missing": N_("缺少必填字段"), "int_parsing": N_("必须是整数"),
    "int_type": N_("必须是整数"), "int_from_float": N_("必须是整数"), "float_parsing": N_("必须是数字"),
    "float_type": N_("必须是数字"), "bool_parsing": N_("必须是 true 或 false"),
    "bool_type": N_("必须是 true 或 false"), "datetime_parsing": _DATETIME, "datetime_type": _DATETIME,
    "datetime_from_date_parsing": _DATETIME, "string_type": N_("必须是文字"), "string_too_short": N_("不能为空"),
    "finite_number": N_("必须是有限的数字（不能是 NaN 或无穷大）"), "list_type": N_("必须是列表"), "dict_type": _MAPPING, "model_type": _MAPPING, "model_attributes_type": _MAPPING,
}
_FIELDS = {"": list(ExamDefinition.model_fields),
           "rules": list(Rule.model_fields) + ["chapter", "type", "tag", "difficulty"],
           "fixed": list(FixedItem.model_fields), "cases": list(CaseItem.model_fields)}


_RULE_LABELS = {"count": N_("题数"), "points": N_("每题分值"), "difficulty_min": N_("最低难度"),
                "difficulty_max": N_("最高难度"), "chapters": N_("章节"), "types": N_("题型"), "tags": N_("标签")}


def _rule_label(key: str) -> str:
    label = _RULE_LABELS.get(key)
    return _(label) if label else key


def _where(loc: tuple) -> str:
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, int) and i > 0 and loc[i - 1] in ("rules", "fixed", "cases"):
            parts[-1] += " " + _("第 %(n)d 条", n=part + 1)
        else:
            parts.append(str(part))
    return " → ".join(parts) or _("考试定义")


def _message(err: dict) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        scope = str(err["loc"][0]) if len(err["loc"]) > 1 else ""
        close = difflib.get_close_matches(str(err["loc"][-1]), _FIELDS.get(scope, []), n=1)
        return _("不认识的字段") + (_("（是不是 %(s)s？）", s=close[0]) if close else "")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        words = {"greater_than_equal": _("不能小于"), "less_than_equal": _("不能大于"), "greater_than": _("必须大于"),
                 "less_than": _("必须小于")}
        limit = next(iter(ctx.values()), "")
        return f"{words[kind]} {limit}"
    if kind == "literal_error":
        return _("必须是以下之一：%(e)s", e=ctx.get("expected", ""))
    if kind == "string_too_long":
        return _("过长（最多 %(n)s 个字符）", n=ctx.get("max_length"))
    known = _MESSAGES.get(kind)
    return _(known) if known else err["msg"].removeprefix("Value error, ")


def validate_definition(data: object, source: object = None) -> tuple[ExamDefinition | None, list[str]]:
    """Validate raw definition data; errors in Chinese, each naming its field (and YAML line)."""
    if not isinstance(data, dict):
        return None, [_("考试定义必须是一个映射（字段: 值），而不是列表或单个值")]
    try:
        return ExamDefinition.model_validate(data), []
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("literal[")))
            prefix = _("第 %(n)s 行", n=locate(source, loc, 1)) + " " if source is not None else ""
            lines.append(f"{prefix}{_where(loc)}: {_message(err)}")
        return None, lines


def load_yaml(raw: bytes) -> dict:
    """Read an uploaded YAML definition; ExamError (422) naming the problem and its line."""
    if len(raw) > MAX_YAML_BYTES:
        raise ExamError(_("考试定义文件过大（上限 256 KB）"), 422)
    text, problem = decode(raw)
    if text is None:
        raise ExamError(_("无法读取考试定义文件"), 422, [_("第 %(n)s 行：%(m)s", n=problem[0], m=translate_message(problem[1]))])
    parsed = parse_text(text)
    if parsed.data is None:
        raise ExamError(_("无法读取考试定义文件"), 422, [_("第 %(n)s 行：%(m)s", n=line, m=translate_message(msg))
                                                  for line, msg in parsed.problems])
    repeated = [_("第 %(n)s 行：字段 %(k)s 重复（第 %(f)s 行已有）", n=line, k=key, f=first)
                for key, line, first in iter_duplicates(parsed.data)]
    if repeated:
        raise ExamError(_("考试定义文件有重复的字段"), 422, repeated)
    definition, errors = validate_definition(parsed.data, parsed.data)
    if definition is None:
        raise ExamError(_("考试定义无效"), 422, errors)
    return _plain(parsed.data)


def _plain(value):
    """LineMapping/LineList back to plain dicts and lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- rule checks ------------------------------------------------------------------------------

def rule_report(data: dict) -> dict:
    """Per-rule availability for the editor: ``check_rules`` over the bank, as JSON-ready data.

    ``data`` needs only ``course``, ``rules`` and ``fixed``; a rule that is itself invalid is
    reported with its error, and the others are still counted.
    """
    course = data.get("course") or "crm"
    pool = question_pool(course)
    fixed, cases, errors = [], [], []
    for item in data.get("fixed") or []:
        try:
            fixed.append(FixedItem.model_validate(item))
        except ValidationError as exc:
            errors.append(_("指定题目 %(q)s: %(m)s", q=item.get("id", ""), m=_message(exc.errors()[0])))
    for item in data.get("cases") or []:
        try:
            cases.append(CaseItem.model_validate(item))
        except ValidationError as exc:
            errors.append(_("案例 %(c)s: %(m)s", c=item.get("id", ""), m=_message(exc.errors()[0])))
    errors += [_("案例 %(c)s 不存在", c=c.id) for c in cases if get_case(c.id) is None]
    parsed: list[Rule | None] = []
    rule_errors: dict[int, str] = {}
    for i, raw in enumerate(data.get("rules") or []):
        try:
            parsed.append(Rule.model_validate(raw))
        except ValidationError as exc:
            parsed.append(None)
            err = exc.errors()[0]
            label = _rule_label(str(err["loc"][0])) if err["loc"] else ""
            rule_errors[i] = _("规则 %(n)d：%(f)s%(m)s", n=i + 1, f=label, m=_message(err))
            errors.append(rule_errors[i])
    valid = [r for r in parsed if r is not None]
    rows: list[dict] = []
    problems: list[str] = []
    if valid and len(valid) == len(parsed):
        definition = ExamDefinition.model_construct(rules=valid, fixed=fixed)
        checks, problems = check_rules(definition, pool)
        problems = [translate_stored(p) for p in problems]  # the domain's sentences, in the reader's language
        rows = [{"index": c.index, "description": c.description, "available": c.available, "needed": c.needed,
                 "ok": c.ok, "message": translate_stored(c.message)} for c in checks]
    else:
        fixed_ids = {f.id for f in fixed}
        for i, rule in enumerate(parsed):
            if rule is None:
                rows.append({"index": i, "description": "", "available": None, "needed": None, "ok": False,
                             "message": rule_errors[i]})
                continue
            available = sum(1 for p in pool if p.qid not in fixed_ids and matches(rule, p))
            ok = available >= rule.count
            rows.append({"index": i, "description": rule.describe(), "available": available, "needed": rule.count,
                         "ok": ok, "message": _("规则 %(n)d：符合条件 %(a)d 题，需要 %(c)d 题", n=i + 1, a=available,
                                                     c=rule.count)})
        known = {p.qid for p in pool}
        problems = [_("指定题目 %(q)s 不在题库中", q=f.id) for f in fixed if f.id not in known]
    total_count = sum(r.count for r in valid) + len(fixed) + len(cases)
    total_points = sum(r.count * r.points for r in valid) + sum(f.points for f in fixed) + sum(c.points for c in cases)
    return {"ok": not problems and not errors and bool(parsed or fixed or cases), "rules": rows,
            "problems": problems + errors, "questions": total_count, "points": round(total_points, 2)}


# --- saving -------------------------------------------------------------------------------

def save_exam(exam: Exam | None, data: dict, actor: User) -> Exam:
    """Create (``exam`` None) or update an exam from a definition; ExamError says why not."""
    definition, errors = validate_definition(data)
    if definition is None:
        raise ExamError(_("考试定义无效"), 422, errors)
    if exam is None:
        return create_exam(data, actor)
    stored = exam_definition_data(exam)
    new = definition.model_dump(mode="json")
    old = ExamDefinition.model_validate(stored).model_dump(mode="json")
    changed_paper = [f for f in PAPER_FIELDS if new[f] != old[f]]
    if changed_paper and attempt_count(exam):
        raise ExamError(_("已有学生作答，不能修改抽题规则、指定题目、案例、课程或打乱设置"), 409, [
            _("已经抽出的试卷不会随规则改变，修改会使同一场考试的试卷标准不一致；"
              "可以修改开放时间、时间限制、作答次数、答案公布方式和班级，或另建一场考试。")])
    if changed_paper:
        check_paper(definition)
    status = definition.status or exam.status  # left out (an uploaded file without it): unchanged
    if status == CLOSED and exam.status != CLOSED and running_count(exam):
        # Closing submits running attempts: only after the confirmation page of "立即结束考试".
        raise ExamError(_("有学生正在作答，不能在这里结束考试"), 409, [
            _("请使用“立即结束考试”：确认后进行中的答卷按已保存的答案提交。")])
    classes = resolve_classes(definition.classes)
    exam.title, exam.description, exam.course = definition.title, definition.description, definition.course
    exam.blueprint = definition.model_dump(mode="json", include={"rules", "fixed", "cases"})
    exam.time_limit_minutes = definition.time_limit_minutes
    exam.opens_at, exam.closes_at = as_utc(definition.opens_at), as_utc(definition.closes_at)
    exam.max_attempts, exam.grading_method = definition.max_attempts, definition.grading_method
    exam.review_policy, exam.grace_seconds = definition.review_policy, definition.grace_seconds
    exam.shuffle_questions, exam.shuffle_options = definition.shuffle_questions, definition.shuffle_options
    exam.paper_layout = definition.paper_layout  # not frozen: each attempt keeps its own (Attempt.sectioned)
    for name, value in room_settings(definition).items():
        setattr(exam, name, value)
    wanted = {g.id for g in classes}
    for link in list(exam.classes):
        if link.class_id not in wanted:
            exam.classes.remove(link)
    have = {link.class_id for link in exam.classes}
    exam.classes.extend(ExamClass(exam_id=exam.id, class_id=i) for i in sorted(wanted - have))
    changes = sorted(k for k in new if k not in ("classes", "status") and new[k] != old.get(k))
    audit(actor, "exam.update", f"exam:{exam.id}", changed=changes, classes=definition.classes)
    if status != exam.status:
        _change_status(exam, status, actor)  # its own audit entry, in the same commit
    db.session.commit()
    prepared_papers.request_prepare([exam.id])  # new classes, or a paper that draws differently now
    return exam


_STATUS_ACTIONS = {DRAFT: "exam.unpublish", PUBLISHED: "exam.publish", CLOSED: "exam.close"}


def _change_status(exam: Exam, status: str, actor: User) -> None:
    """Set and audit a new status (no commit). Closing also ends the window now, so every
    consumer of ``closes_at`` (deadlines, the student's 截止 line) agrees that the exam is over."""
    before = exam.status
    if status == CLOSED:
        now = utcnow()
        if exam.closes_at is None or exam.closes_at > now:
            exam.closes_at = now
    action = "exam.reopen" if before == CLOSED and status == PUBLISHED else _STATUS_ACTIONS[status]
    exam.status = status
    audit(actor, action, f"exam:{exam.id}", title=exam.title, before=before, after=status)


def set_status(exam: Exam, status: str, actor: User) -> None:
    """Publish (``published``) or unpublish (``draft``), audited; nothing is ever deleted.

    Closing goes through :func:`close_now` (it submits running attempts) and reopening a closed
    exam through :func:`reopen` (it needs a new closing time); ExamError 409 otherwise.
    """
    if status not in (DRAFT, PUBLISHED):
        raise ExamError(_("无效的考试状态"), 422)
    if exam.status == status:
        return
    if exam.status == CLOSED and status == PUBLISHED:
        raise ExamError(_("这场考试已经结束；请用“重新开放”并设定新的关闭时间。"), 409)
    _change_status(exam, status, actor)
    db.session.commit()
    if status == PUBLISHED:
        prepared_papers.request_prepare([exam.id])


def set_published(exam: Exam, published: bool, actor: User) -> None:
    """Publish or unpublish (kept for callers of the boolean; see :func:`set_status`)."""
    set_status(exam, PUBLISHED if published else DRAFT, actor)


def reopen(exam: Exam, closes_at: datetime | None, actor: User) -> None:
    """Open a closed exam again ("重新开放"): published, with a new closing time (naive UTC, in the
    future) or none. Attempts already submitted stay submitted; students may start new ones
    (within their attempt limits), and a review ``after_close`` is hidden again until it closes."""
    if exam.status != CLOSED and not is_closed(exam):
        raise ExamError(_("这场考试没有结束，不需要重新开放。"), 409)
    if closes_at is not None and closes_at <= utcnow():
        raise ExamError(_("新的关闭时间必须晚于现在。"), 422)
    if closes_at is not None and exam.opens_at is not None and closes_at <= exam.opens_at:
        raise ExamError(_("关闭时间必须晚于开放时间。"), 422)
    exam.closes_at = closes_at
    if exam.status == CLOSED:
        _change_status(exam, PUBLISHED, actor)
    else:  # published, only its closing time had passed
        audit(actor, "exam.reopen", f"exam:{exam.id}", title=exam.title, before=exam.status, after=exam.status)
    db.session.commit()
    prepared_papers.request_prepare([exam.id])  # open again: papers for students with attempts left


def close_now(exam: Exam, actor: User) -> int:
    """End the exam now ("立即结束考试"): its status becomes ``closed``, ``closes_at`` becomes now
    and attempts in progress are submitted.

    Closing releases what the exam withheld from practice (app.services.withholding) and its
    ``after_close`` review, so no attempt may stay open past it. Students still see the exam,
    with their results as the review policy allows. A draft is not closed (publish it first).
    Audited; returns how many attempts were submitted.
    """
    if is_closed(exam):
        raise ExamError(_("这场考试已经结束。"), 409)
    if exam.status == DRAFT:
        raise ExamError(_("草稿还没有发布，不能结束。"), 409)
    _change_status(exam, CLOSED, actor)
    db.session.commit()
    running = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id,
                                                       Attempt.status == AttemptStatus.IN_PROGRESS)).all()
    for attempt in running:
        submit(attempt, auto=True)
    return len(running)


# --- accommodations -----------------------------------------------------------------------

def search_students(query: str, page: int, per_page: int):
    """Students matching ``query`` in username, full name or student number; paginated."""
    stmt = select(User).where(User.role == Role.STUDENT).order_by(User.student_number, User.username)
    query = (query or "").strip()[:100]  # SQLite refuses LIKE patterns over 50,000 bytes (a 500)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(User.username.ilike(like), User.full_name.ilike(like), User.student_number.ilike(like)))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def set_accommodations(student: User, extra_minutes: int, time_multiplier: float, extra_attempts: int,
                       actor: User) -> bool:
    """Store a student's accommodations (audited); False when nothing changed.

    They apply to attempts started afterwards; an attempt already running keeps its deadline.
    """
    if student.role != Role.STUDENT:
        raise ExamError(_("只能为学生设置考试特殊安排"), 422)
    multiplier = parse_plain_number(time_multiplier).value  # None for NaN, inf, text
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (extra_minutes, extra_attempts))
    if not (whole and multiplier is not None and 0 <= extra_minutes <= 600 and 1 <= multiplier <= 3
            and 0 <= extra_attempts <= 10):
        raise ExamError(_("额外时间 0–600 分钟，时间倍数 1.0–3.0，额外作答次数 0–10"), 422)
    time_multiplier = float(multiplier)
    before = {"extra_minutes": student.extra_minutes, "time_multiplier": student.time_multiplier,
              "extra_attempts": student.extra_attempts}
    after = {"extra_minutes": extra_minutes, "time_multiplier": round(time_multiplier, 2),
             "extra_attempts": extra_attempts}
    if before == after:
        return False
    student.extra_minutes = after["extra_minutes"]
    student.time_multiplier = after["time_multiplier"]
    student.extra_attempts = after["extra_attempts"]
    audit(actor, "user.accommodations", f"user:{student.id}", username=student.username, before=before, after=after)
    db.session.commit()
    return True
