"""Demo data for development: accounts, a class and (once the bank is loaded) an exam."""

from __future__ import annotations

from ..extensions import db
from ..models import Role
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
    return lines or ["演示数据已存在,未做改动。"]


def _demo_exam(teacher) -> list[str]:
    """Hook filled in by the exams service once it exists."""
    try:
        from .exams import ensure_demo_exam
    except ImportError:
        return []
    return ensure_demo_exam(teacher, DEMO_CLASS)
