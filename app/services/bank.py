"""The question bank in the database: sync from YAML, versions, and lookups."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..domain.bank import Problem, content_hash, load_paths
from ..domain.questions import validate_question
from ..extensions import db
from ..models import Question, QuestionVersion, User
from ..models.base import utcnow
from .courseware import get_course

METADATA_KEYS = ("tags", "difficulty", "section", "use")


@dataclass
class SyncReport:
    """What a sync did."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (f"新增 {len(self.created)} 题，产生新版本 {len(self.new_versions)} 题，未变 {self.unchanged} 题，"
                f"停用 {len(self.retired)} 题，问题 {len(self.problems)} 处")


def bank_root() -> Path:
    return Path(current_app.config["QUESTION_BANK_DIR"])


def chapter_sections(course: str = "crm") -> dict[str, set[str]] | None:
    """Chapter slug → section anchors, from the courseware (None when the course is missing)."""
    found = get_course(course)
    return found.section_map() if found else None


def find_question(qid: str) -> Question | None:
    return db.session.scalar(select(Question).where(Question.qid == qid))


def save_version(question: Question, data: dict, actor: User | None = None, note: str = "",
                 chapter: str | None = None) -> QuestionVersion | None:
    """Give ``question`` ``data`` as its content: a new version if what it asks changed, else metadata only.

    Returns the new version, or None when only metadata (tags, difficulty, section) changed.
    """
    data = {k: v for k, v in data.items() if k != "chapter"}
    new_hash = content_hash(data)
    current = question.current_version
    question.chapter = chapter or question.chapter
    question.type = data["type"]
    question.difficulty = int(data.get("difficulty", 3))
    question.use = data.get("use") or "any"
    if current is not None and current.content_hash == new_hash:
        if any(current.data.get(k) != data.get(k) for k in METADATA_KEYS):
            current.data = dict(data)  # metadata is not part of what was answered
        return None
    number = (current.number + 1) if current is not None else 1
    if question.versions:
        number = max(v.number for v in question.versions) + 1
    version = QuestionVersion(question=question, number=number, content_hash=new_hash, data=dict(data),
                              created_by_id=actor.id if actor else None, note=note)
    db.session.add(version)
    db.session.flush()
    question.current_version = version
    question.updated_at = utcnow()
    return version


def upsert_question(data: dict, chapter: str, course: str, source: str, actor: User | None = None,
                    note: str = "") -> tuple[Question, str]:
    """Create or update one question from validated data; returns it and "created" | "versioned" | "unchanged"."""
    question = find_question(data["id"])
    if question is None:
        question = Question(qid=data["id"], course=course, chapter=chapter, type=data["type"],
                            difficulty=int(data.get("difficulty", 3)), source=source)
        db.session.add(question)
        db.session.flush()
        save_version(question, data, actor, note, chapter)
        return question, "created"
    question.active = True
    version = save_version(question, data, actor, note, chapter)
    return question, ("versioned" if version else "unchanged")


def sync_bank(course: str = "crm", root: Path | None = None) -> SyncReport:
    """Load ``question_bank/<course>/`` and bring the database in line, keeping every old version."""
    report = SyncReport()
    folder = (root or bank_root()) / course
    result = load_paths([folder], chapter_sections(course))
    report.problems = list(result.problems)
    seen = set()
    for loaded in result.questions:
        data = loaded.to_data()
        seen.add(loaded.id)
        # ``use`` joins the hash only when set, so files written before it existed keep their hash.
        metadata = [data.get(k) for k in METADATA_KEYS if k != "use" or data.get(k) is not None]
        yaml_hash = _short(json.dumps([content_hash(data), loaded.chapter, metadata],
                                      ensure_ascii=False, sort_keys=True))
        existing = find_question(loaded.id)
        if existing is not None and existing.synced_hash == yaml_hash and existing.active:
            report.unchanged += 1  # YAML unchanged since last sync: keep any browser edit
            continue
        question, outcome = upsert_question(data, loaded.chapter, course, "yaml", note="sync")
        question.synced_hash = yaml_hash
        if outcome == "created":
            report.created.append(loaded.id)
        elif outcome == "versioned":
            report.new_versions.append(loaded.id)
        else:
            report.unchanged += 1
    if folder.is_dir():
        for question in db.session.scalars(select(Question).where(Question.course == course,
                                                                  Question.source == "yaml",
                                                                  Question.active.is_(True))):
            if question.qid not in seen and not _file_has_problem(question, result.problems):
                question.active = False
                report.retired.append(question.qid)
    db.session.commit()
    return report


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_has_problem(question: Question, problems: list[Problem]) -> bool:
    """A question missing because its file is broken is not retired: fix the file instead."""
    return any(question.qid in p.message or p.line == 1 for p in problems)


def question_data(qid: str) -> dict | None:
    question = find_question(qid)
    return dict(question.data) if question and question.current_version else None


def validate(data: dict) -> list[str]:
    """Readable problems with ``data`` as a question (empty when valid)."""
    validation = validate_question({k: v for k, v in data.items() if k != "chapter"})
    if validation.spec is not None:
        return []
    return [(".".join(str(p) for p in issue.loc) + ": " if issue.loc else "") + issue.message
            for issue in validation.issues]
