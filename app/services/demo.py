"""Demo data for development: accounts, a class and (once the bank is loaded) exams with some activity."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ..extensions import db
from ..models import Exam, Role
from ..models.base import utcnow
from .accounts import create_user, find_user
from .classes import add_member, get_or_create_class

DEMO_PASSWORD = "crm-demo-2026"
DEMO_CLASS = "demo"
DEMO_STUDENTS = [("student1", "张晓明", "2026001"), ("student2", "李华", "2026002"), ("student3", "王芳", "2026003")]


def create_demo_data() -> list[str]:
    """Create what is missing; never touch what exists (a second run keeps everything)."""
    lines = []
    teacher = find_user("teacher")
    if teacher is None:
        teacher = create_user("teacher", DEMO_PASSWORD, Role.INSTRUCTOR, "陈老师")
        lines.append("已创建教师账号 teacher")
    if find_user("admin") is None:
        create_user("admin", DEMO_PASSWORD, Role.ADMIN, "系统管理员")
        lines.append("已创建管理员账号 admin")
    group = get_or_create_class(DEMO_CLASS, teacher)
    for username, name, number in DEMO_STUDENTS:
        student = find_user(username)
        if student is None:
            student = create_user(username, DEMO_PASSWORD, Role.STUDENT, name, number)
            lines.append(f"已创建学生账号 {username}")
        add_member(group, student)
    db.session.commit()
    lines.extend(_demo_exam(teacher))
    lines.extend(_demo_activity(teacher))
    return lines or ["演示数据已存在，未做改动。"]


def _demo_exam(teacher) -> list[str]:
    """Hook filled in by the exams service once it exists."""
    try:
        from .exams import ensure_demo_exam
    except ImportError:
        return []
    return ensure_demo_exam(teacher, DEMO_CLASS)


# A second, short exam that the dashboards have something to say about: it closes a day and a half
# after the demo is created, student1 has a reviewed result, student2's essay waits for grading and
# student3 is writing; plus a case assignment due in a week.
ACTIVITY_EXAM_TITLE = "客户价值单元测验（演示）"
ACTIVITY_EXAM = {
    "title": ACTIVITY_EXAM_TITLE,
    "description": "第 5 章客户价值的单元测验：30 分钟，可作答两次，提交后立即查看解析。",
    "time_limit_minutes": 30, "max_attempts": 2, "review_policy": "immediately", "paper_layout": "sections",
    "rules": [{"types": ["single"], "count": 5, "points": 2, "chapters": ["ch05-customer-value"]},
              {"types": ["true_false"], "count": 3, "points": 1, "chapters": ["ch05-customer-value"]},
              {"types": ["essay"], "count": 1, "points": 7}],
}
ACTIVITY_CASE_TITLE = "客户价值计算（演示作业）"


def _demo_activity(teacher) -> list[str]:
    """Create the short exam with its attempts and the case assignment once (needs the bank loaded)."""
    from .attempts import save_response, start_or_resume, submit
    from .cases import create_assignment
    from .classes import find_class
    from .exam_errors import ExamError
    from .exams import create_exam

    if db.session.scalar(select(Exam).where(Exam.title == ACTIVITY_EXAM_TITLE)) is not None:
        return []
    try:
        exam = create_exam(dict(ACTIVITY_EXAM, classes=[DEMO_CLASS]), teacher)
    except ExamError as exc:
        return [f"未创建演示单元测验：{exc}（{'；'.join(exc.details)}）"]
    exam.closes_at = utcnow() + timedelta(hours=36)
    db.session.commit()
    first, second, third = (find_user(name) for name, _n, _s in DEMO_STUDENTS)
    attempt = start_or_resume(exam, first)
    for item in attempt.items:  # right answers to the choice questions, the essay left blank
        data = item.version.data
        if data.get("type") in ("single", "true_false"):
            save_response(attempt, item.qid, data.get("answer"), None)
    submit(attempt)
    attempt = start_or_resume(exam, second)
    essay = next((i for i in attempt.items if i.version.data.get("type") == "essay"), None)
    if essay is not None:
        save_response(attempt, essay.qid, "客户价值既包括企业为客户创造的价值，也包括客户为企业带来的价值；"
                                          "企业应识别高价值客户，把资源向他们倾斜。", None)
    submit(attempt)
    start_or_resume(exam, third)
    group = find_class(DEMO_CLASS)
    due = (datetime.now(timezone.utc) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    create_assignment("customer-value", ACTIVITY_CASE_TITLE, "按步骤完成计算，截止前可多次提交。", due, [group.id], teacher)
    return [f"已创建演示单元测验“{ACTIVITY_EXAM_TITLE}”（学生已有作答）和演示案例作业“{ACTIVITY_CASE_TITLE}”"]
