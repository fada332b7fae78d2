"""Moodle GIFT / XML import into the database bank, and export of the bank."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..domain.bank import content_hash, load_paths
from ..domain.interop import Skip, export_questions, import_questions
from ..domain.questions import validate_question
from ..extensions import db
from ..models import Question, User
from .bank import bank_root, chapter_sections, find_question, upsert_question


@dataclass
class ImportReport:
    """Per-question outcomes of an import."""

    created: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    errors: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.versioned) + len(self.unchanged)

    def summary(self, dry_run: bool) -> str:
        verb = "可导入" if dry_run else "已导入"
        return (f"{verb} {self.imported} 题(新增 {len(self.created)},新版本 {len(self.versioned)},"
                f"内容未变 {len(self.unchanged)}),跳过 {len(self.skipped)} 题")


def import_file(data: bytes | str, fmt: str, course: str = "crm", default_chapter: str | None = None,
                dry_run: bool = False, actor: User | None = None) -> ImportReport:
    """Import a GIFT or Moodle XML file; every question is imported or skipped with its reason."""
    report = ImportReport()
    result = import_questions(data, fmt, default_chapter=default_chapter)
    report.errors = list(result.errors)
    report.skipped = list(result.skipped)
    report.warnings = list(result.warnings)
    sections = chapter_sections(course) or {}
    seen: set[str] = set()
    for raw in result.questions:
        question = dict(raw)
        chapter = question.pop("chapter", None) or default_chapter
        label = str(question.get("id") or question.get("stem", "")[:20])
        if chapter not in sections:
            report.skipped.append(Skip(label, f"章节“{chapter}”不在课程中(可用 --chapter 指定默认章节)"))
            continue
        validation = validate_question(question)
        if validation.spec is None:
            report.skipped.append(Skip(label, "题目无效:" + validation.message))
            continue
        section = question.get("section")
        if section and section not in sections[chapter]:
            question.pop("section")
            report.warnings.append(Skip(label, f"小节锚点“{section}”不在章节 {chapter} 中,已忽略"))
        data = validation.spec.model_dump(mode="json", exclude_none=True)
        if data.get("section") is None:
            data.pop("section", None)
        if data["id"] in seen:
            report.skipped.append(Skip(label, "同一文件中题号重复"))
            continue
        seen.add(data["id"])
        if dry_run:
            existing = find_question(data["id"])
            if existing is None:
                report.created.append(data["id"])
            elif existing.current_version and existing.current_version.content_hash == content_hash(data):
                report.unchanged.append(data["id"])
            else:
                report.versioned.append(data["id"])
            continue
        _, outcome = upsert_question(data, chapter, course, "import", actor, note=f"import {fmt}")
        {"created": report.created, "versioned": report.versioned, "unchanged": report.unchanged}[outcome].append(data["id"])
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def bank_for_export(course: str = "crm") -> tuple[dict[str, list[dict]], str]:
    """``{chapter: [question data]}`` from the database, or from the YAML files when it is empty."""
    rows = db.session.scalars(select(Question).where(Question.course == course, Question.active.is_(True))
                              .order_by(Question.chapter, Question.qid)).all()
    groups: dict[str, list[dict]] = {}
    if rows:
        for question in rows:
            groups.setdefault(question.chapter, []).append(dict(question.data))
        return groups, "database"
    result = load_paths([bank_root() / course], chapter_sections(course))
    for loaded in result.questions:
        groups.setdefault(loaded.chapter, []).append(loaded.to_data())
    return groups, "yaml"


def export_bank(fmt: str, course: str = "crm"):
    """Export the bank; returns the domain's ExportResult and where the questions came from."""
    groups, source = bank_for_export(course)
    return export_questions(groups, fmt, course=course), source
