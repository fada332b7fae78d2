"""Exams from definitions: the bank as a draw pool, creating an exam from a definition (API,
command line, editor and the demo exam) and a stored exam read back as a definition.

The other jobs around an exam live beside this module: who may take and see what
(:mod:`.exam_access`), the attempt lifecycle (:mod:`.attempts`), payloads for clients
(:mod:`.exam_payloads`) and scores (:mod:`.scoring`); all of them raise :class:`.exam_errors.ExamError`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.cases import get_case
from ..domain.exams import ExamDefinition, PoolItem, check_rules, parse_definition
from ..extensions import db
from ..i18n import translate_stored
from ..models import ClassGroup, Exam, ExamClass, Question, QuestionVersion, User
from .accounts import audit
from .exam_errors import ExamError


# --- the bank as a pool -------------------------------------------------------------------

def question_pool(course: str = "crm") -> list[PoolItem]:
    """Every active question of ``course`` in its current version."""
    rows = db.session.execute(
        select(Question.qid, Question.chapter, Question.type, Question.difficulty, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.active.is_(True), Question.course == course)
    )
    return [PoolItem(qid, chapter, qtype, difficulty, tuple(data.get("tags") or ()))
            for qid, chapter, qtype, difficulty, data in rows]


# --- creating exams -----------------------------------------------------------------------

def as_utc(value: datetime | None) -> datetime | None:
    """Store naive UTC; a time written without an offset is in the site's time zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def check_paper(definition: ExamDefinition) -> None:
    """ExamError (422) unless the bank can fill the definition's rules and each of its cases exists."""
    _checks, problems = check_rules(definition, question_pool(definition.course))
    if problems:
        # The domain's rule sentences, in the reader's language.
        raise ExamError(_("抽题规则无法满足"), 422, [translate_stored(p) for p in problems])
    unknown = [c.id for c in definition.cases if get_case(c.id) is None]
    if unknown:
        raise ExamError(_("案例不存在"), 422, [_("cases: 没有编号为“%(c)s”的案例", c=cid) for cid in unknown])


def resolve_classes(names: list[str]) -> list[ClassGroup]:
    """The classes named in a definition; ExamError (422) naming the first that does not exist."""
    groups = []
    for name in names:
        group = db.session.scalar(select(ClassGroup).where(ClassGroup.name == name))
        if group is None:
            raise ExamError(_("班级“%(c)s”不存在", c=name), 422, [_("classes: 班级“%(c)s”不存在", c=name)])
        groups.append(group)
    return groups


def create_exam(data: dict, actor: User | None) -> Exam:
    """Validate ``data`` (an exam definition) against the bank and create the exam."""
    definition, errors = parse_definition(data)
    if definition is None:
        raise ExamError(_("考试定义无效"), 422, errors)
    check_paper(definition)
    classes = resolve_classes(definition.classes)
    exam = Exam(
        title=definition.title, description=definition.description, course=definition.course,
        blueprint=definition.model_dump(mode="json", include={"rules", "fixed", "cases"}),
        time_limit_minutes=definition.time_limit_minutes,
        opens_at=as_utc(definition.opens_at), closes_at=as_utc(definition.closes_at),
        max_attempts=definition.max_attempts, grading_method=definition.grading_method,
        review_policy=definition.review_policy, shuffle_questions=definition.shuffle_questions,
        shuffle_options=definition.shuffle_options, paper_layout=definition.paper_layout,
        grace_seconds=definition.grace_seconds, created_by_id=actor.id if actor else None, **room_settings(definition),
        status=definition.status or "published",  # left out: published, as before drafts existed
    )
    db.session.add(exam)
    db.session.flush()
    for group in classes:
        db.session.add(ExamClass(exam_id=exam.id, class_id=group.id))
    audit(actor, "exam.create", f"exam:{exam.id}", title=exam.title, status=exam.status)
    db.session.commit()
    from .prepared_papers import request_prepare  # (prepared_papers imports this module's users)

    request_prepare([exam.id])  # created published: its students' papers, ready before it opens
    return exam


ROOM_FIELDS = ("access_code", "allowed_networks", "single_device", "closed_book", "require_fullscreen",
               "focus_warning_after")


def room_settings(definition: ExamDefinition) -> dict:
    """The exam-room fields of a definition, as ``Exam`` column values."""
    return {name: getattr(definition, name) for name in ROOM_FIELDS}


def exam_definition(exam: Exam) -> ExamDefinition:
    """The stored exam as a definition (for assembly and the editor)."""
    data = dict(exam.blueprint or {})
    data.update(title=exam.title, course=exam.course, shuffle_questions=exam.shuffle_questions,
                shuffle_options=exam.shuffle_options, paper_layout=exam.paper_layout)
    return ExamDefinition.model_validate(data)


# --- demo ---------------------------------------------------------------------------------

DEMO_EXAM_TITLE = "CRM 综合测验（演示）"
DEMO_EXAM = {
    "title": DEMO_EXAM_TITLE,
    "description": "覆盖全部章节的综合测验：单选、多选、判断、排序、计算、填空、匹配与简答。时间 60 分钟，可多次作答，提交后立即查看解析。",
    "time_limit_minutes": 60,
    "max_attempts": 0,
    "grading_method": "highest",
    "review_policy": "immediately",
    "paper_layout": "sections",
    "rules": [
        {"types": ["single"], "count": 8, "points": 1},
        {"types": ["multiple"], "count": 4, "points": 2},
        {"types": ["true_false"], "count": 4, "points": 1},
        {"types": ["ordering"], "count": 1, "points": 2},
        {"types": ["numeric"], "count": 2, "points": 3},
        {"types": ["fill_blank"], "count": 2, "points": 2},
        {"types": ["matching"], "count": 1, "points": 2},
        {"types": ["essay"], "count": 1, "points": 5},
    ],
}


def ensure_demo_exam(teacher: User, class_name: str) -> list[str]:
    """Create the demo exam for ``class_name`` once (needs the bank loaded)."""
    if db.session.scalar(select(Exam).where(Exam.title == DEMO_EXAM_TITLE)) is not None:
        return []
    try:
        create_exam(dict(DEMO_EXAM, classes=[class_name]), teacher)
    except ExamError as exc:
        return [f"未创建演示考试：{exc}（{'；'.join(exc.details)}）"]
    return [f"已创建演示考试“{DEMO_EXAM_TITLE}”"]
