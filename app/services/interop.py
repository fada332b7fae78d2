"""Importing question files into the database bank, and exporting the bank.

An import is planned first (:func:`plan_import`): the file is parsed by the format's importer
(``app.domain.interop``), every source category is given a chapter (the category names one, the
teacher mapped it, or the import's default chapter), questions without an id of their own get the
bank's next id of their chapter, and each question goes through the bank's checks (the question
rules and the one-question rules of ``bank lint``). Nothing is written until :func:`apply_import`,
which refuses a plan with problems unless the teacher chose to import the valid part: a file is
imported all or nothing by default (docs/interop.md, "Importing").
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.bank import content_hash, load_paths
from ..domain.bank.importing import (GENERATED_BY_PARSER, CategoryMatch, IdSequence, resolve_category,
                                     source_tag)
from ..domain.bank.lint import fullwidth_question, letter_messages
from ..domain.interop import IMPORTERS, Skip, export_questions, import_questions
from ..domain.questions import validate_question
from ..domain.questions.spec import ID_PATTERN
from ..extensions import db
from ..models import AuditLog, Question, QuestionVersion, User
from .accounts import audit
from .bank import bank_root, chapter_sections, upsert_question
from .courseware import get_course

DEFAULT_DIFFICULTY = 3
# File extensions → formats, for ``bank import`` without --format and the browser's "自动识别".
EXTENSIONS = {".gift": "gift", ".txt": "aiken", ".xml": "moodle-xml", ".docx": "docx", ".xlsx": "xlsx"}
FORMAT_LABELS = {"docx": "Word (.docx)", "xlsx": "Excel (.xlsx)", "aiken": "Aiken (.txt)",
                 "gift": "Moodle GIFT (.gift, .txt)", "moodle-xml": "Moodle XML (.xml)"}
IMPORT_FORMATS = ("docx", "xlsx", "aiken", "gift", "moodle-xml")
_FIELD_NAMES = {"stem": "题干", "options": "选项", "answer": "答案", "explanation": "解析", "rubric": "评分要点",
                "tags": "标签", "pairs": "配对", "items": "排序项"}


def format_for(filename: str, data: bytes | None = None) -> str | None:
    """The import format a file name suggests by its extension, or None.

    ``.txt`` is Aiken, unless ``data`` reads as GIFT (Moodle also exports GIFT as ``.txt``): answers
    in braces and no Aiken ``ANSWER:`` line.
    """
    name = (filename or "").lower()
    fmt = next((fmt for ext, fmt in EXTENSIONS.items() if name.endswith(ext)), None)
    if fmt == "aiken" and data is not None:
        text = data[:200_000].decode("utf-8", "ignore")
        if not re.search(r"^\s*ANSWER\s*[:：]", text, re.M) and re.search(r"\{[^{}]*\}", text):
            return "gift"
    return fmt


def available_formats() -> tuple[str, ...]:
    """The formats whose importer is installed, in the order the page and the CLI offer them."""
    return tuple(fmt for fmt in IMPORT_FORMATS if fmt in IMPORTERS) + tuple(
        fmt for fmt in IMPORTERS if fmt not in IMPORT_FORMATS)


@dataclass
class PlannedQuestion:
    """One question of the file, in file order, with where it goes and what stands in its way."""

    number: int  # 1-based position among the file's questions
    data: dict  # the question in the bank's shape (validated, defaults filled in, when valid)
    category: str | None  # the source category path or chapter as found in the file
    match: CategoryMatch
    problems: list[str] = field(default_factory=list)  # block this question
    warnings: list[str] = field(default_factory=list)  # imported with a note
    outcome: str | None = None  # "created" | "versioned" | "unchanged" (planned, then done)
    source_id: str | None = None  # the id the file gave, when the import changed it
    place: str | None = None  # where the file has it ("第 12 行", "第 3 段"), when the importer says

    @property
    def line(self) -> int | None:
        """The line, paragraph or row number of :attr:`place`."""
        found = re.search(r"第\s*(\d+)\s*[行段]", self.place or "")
        return int(found.group(1)) if found else None

    @property
    def chapter(self) -> str | None:
        return self.match.chapter

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def where(self) -> str:
        """How messages name this question: ``第 3 题（ch05-q042，第 12 行）``."""
        qid = self.data.get("id")
        inside = "，".join(part for part in (qid, self.place) if part)
        return f"第 {self.number} 题" + (f"（{inside}）" if inside else "")

    def bank_shape(self) -> dict:
        """The question as ``bank import --json`` prints it: the bank's YAML keys plus ``chapter``."""
        return {"id": None} | dict(self.data, chapter=self.chapter)


@dataclass
class CategoryRow:
    """A source category of the file: how many questions it holds and where they go."""

    source: str | None
    count: int
    match: CategoryMatch

    @property
    def key(self) -> str:
        """The mapping key of this category (``""`` for questions without one)."""
        return self.source or ""


@dataclass
class ImportPlan:
    """What importing a file would do, question by question; :func:`apply_import` carries it out."""

    fmt: str
    course: str
    items: list[PlannedQuestion] = field(default_factory=list)
    file_problems: list[Skip] = field(default_factory=list)  # unreadable input, unsupported questions
    file_warnings: list[Skip] = field(default_factory=list)
    categories: list[CategoryRow] = field(default_factory=list)
    default_chapter: str | None = None
    applied: bool = False
    partial: bool = False

    @property
    def valid(self) -> list[PlannedQuestion]:
        return [item for item in self.items if item.ok]

    @property
    def problems(self) -> list[Skip]:
        """Every problem: the file's, then each question's, in file order."""
        return list(self.file_problems) + [Skip(item.where, message, item.line) for item in self.items
                                           for message in item.problems]

    @property
    def warnings(self) -> list[Skip]:
        return list(self.file_warnings) + [Skip(item.where, message, item.line) for item in self.items
                                           for message in item.warnings]

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.valid if item.outcome == outcome)

    @property
    def blocked(self) -> bool:
        """True when the file has problems: importing it needs the teacher's choice of the valid part."""
        return bool(self.problems)

    def counts(self) -> dict[str, int]:
        """``{"questions", "valid", "created", "versioned", "unchanged", "skipped", "problems", "warnings"}``."""
        return {"questions": len(self.items), "valid": len(self.valid), "created": self.count("created"),
                "versioned": self.count("versioned"), "unchanged": self.count("unchanged"),
                "skipped": len(self.file_problems) + len(self.items) - len(self.valid),
                "problems": len(self.problems), "warnings": len(self.warnings)}

    def mapping(self) -> dict[str, str]:
        """The chapters chosen for categories that do not name a chapter (what is remembered)."""
        return {row.key: row.match.chapter for row in self.categories
                if row.match.chapter and row.match.how in ("mapped", "default")}


class ImportRefused(Exception):
    """The plan has problems and the teacher did not choose to import only the valid part."""


def chapter_pairs(course: str) -> list[tuple[str, str]]:
    """``(slug, title)`` of the course's chapters, in course order."""
    found = get_course(course)
    return [(c.slug, c.title) for c in found.chapters] if found else []


def plan_import(data: bytes | str, fmt: str, course: str = "crm", *, default_chapter: str | None = None,
                mapping: dict[str, str] | None = None) -> ImportPlan:
    """Parse ``data`` as ``fmt`` and plan its import into ``course``; writes nothing.

    ``default_chapter`` takes the questions whose source category is not a chapter (and those with
    none); ``mapping`` (source category → chapter slug, ``""`` for no category) overrides it per
    category. Questions keep a non-chapter category path as the tag ``来源：<path>``.
    """
    plan = ImportPlan(fmt=fmt, course=course, default_chapter=default_chapter)
    chapters = chapter_pairs(course)
    sections = chapter_sections(course) or {}
    if default_chapter and default_chapter not in sections:
        plan.file_problems.append(Skip("--chapter", f"章节“{default_chapter}”不在课程 {course} 中，可用的章节："
                                       + "、".join(slug for slug, _t in chapters)))
        default_chapter = None
    result = import_questions(data, fmt)
    plan.file_problems.extend(result.errors)
    plan.file_problems.extend(result.skipped)
    plan.file_warnings.extend(result.warnings)
    existing = _existing_questions(course)
    ids = IdSequence(existing["qids"])
    seen_ids: set[str] = set()
    rows: dict[str, CategoryRow] = {}
    no_difficulty: list[str] = []
    for index, raw in enumerate(result.questions):
        question = dict(raw)
        found_chapter = question.pop("chapter", None)
        category = result.categories[index] if index < len(result.categories) else None
        category = category or found_chapter
        match = resolve_category(category, chapters, mapping, default_chapter)
        row = rows.setdefault(category or "", CategoryRow(category, 0, match))
        row.count += 1
        item = PlannedQuestion(index + 1, question, category, match,
                               place=result.places[index] if index < len(result.places) else None)
        plan.items.append(item)
        if match.chapter is None:
            item.problems.append(_no_chapter_message(category))
        elif category and not match.names_chapter:
            tags = list(question.get("tags") or [])
            if source_tag(category) not in tags:
                question["tags"] = tags + [source_tag(category)]
        qid = question.get("id")
        if qid is not None and not (isinstance(qid, str) and ID_PATTERN.match(qid)):
            question.pop("id")
            item.warnings.append(f"编号“{qid}”不符合题库的编号规则，已改用新编号")
        if "difficulty" not in question:
            question["difficulty"] = DEFAULT_DIFFICULTY
            no_difficulty.append(str(index + 1))
        _check(item, sections)
        _choose_id(item, existing, ids, seen_ids, course)
    plan.categories = list(rows.values())
    if no_difficulty:
        plan.file_warnings.append(Skip("难度", f"{len(no_difficulty)} 道题没有难度，已设为 {DEFAULT_DIFFICULTY}"
                                       f"（第 {'、'.join(no_difficulty[:10])}{' 等' if len(no_difficulty) > 10 else ''} 题）"))
    return plan


def _no_chapter_message(category: str | None) -> str:
    """Why a question has no chapter yet; the CLI and the page each add how to give it one."""
    if category:
        return f"分类“{category}”不是课程中的章节（既不是章节代号，也不是章节标题），还没有指定归入哪一章"
    return "文件没有给出这道题的章节，还没有指定归入哪一章"


def _check(item: PlannedQuestion, sections: dict[str, set[str]]) -> None:
    """The bank's checks for one question: the question rules, then the one-question lint rules."""
    question = item.data
    qid = question.get("id")
    checked = dict(question, id=qid if isinstance(qid, str) and qid else "import-check")
    validation = validate_question(checked)
    if validation.spec is None:
        item.problems.append("题目无效：" + validation.message)
        return
    clean = validation.spec.model_dump(mode="json", exclude_none=True)
    clean, fixed = fullwidth_question(clean)
    if fixed:
        item.warnings.append("中文中的半角标点已改为全角（" + "、".join(_FIELD_NAMES.get(k, k) for k in fixed) + "）")
        validation = validate_question(clean)
        if validation.spec is None:  # pragma: no cover - changing punctuation keeps a question valid
            item.problems.append("题目无效：" + validation.message)
            return
    item.problems.extend(letter_messages(validation.spec))
    section = clean.get("section")
    if section and (item.chapter is None or section not in sections.get(item.chapter, set())):
        clean.pop("section")
        item.warnings.append(f"小节锚点“{section}”不在章节 {item.chapter} 中，已忽略")
    clean.pop("id", None)
    item.data = ({"id": qid} if isinstance(qid, str) and qid else {}) | clean


def _existing_questions(course: str) -> dict:
    """The bank's ids (retired ones too: ids are never reused) and current questions by type and stem."""
    rows = db.session.execute(
        select(Question.qid, Question.course, Question.type, Question.chapter, QuestionVersion.content_hash,
               QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id, isouter=True)).all()
    by_id, by_stem = {}, {}
    for qid, qcourse, qtype, chapter, digest, data in rows:
        by_id[qid] = (qcourse, qtype, chapter, digest)
        if qcourse == course and data:
            by_stem.setdefault((qtype, str(data.get("stem", "")).strip()), []).append((qid, digest))
    return {"qids": set(by_id), "by_id": by_id, "by_stem": by_stem}


def _choose_id(item: PlannedQuestion, existing: dict, ids: IdSequence, seen: set[str], course: str) -> None:
    """Keep the file's id, reuse the id of the same question already in the bank, or make a new one.

    A file's id is kept when it is new to the bank or names the same kind of question (same course
    and type: the import is its new version). Without an id (or with one the Moodle importer made
    up), a question identical to one in the bank takes that id, so importing a file twice creates
    nothing twice; otherwise it gets the next id of its chapter (``ch05-q043``).
    """
    data = item.data
    given = data.get("id") if isinstance(data.get("id"), str) and data.get("id") else None
    own = given if given and not GENERATED_BY_PARSER.match(given) else None
    qtype = data.get("type")
    reason = None
    if own and own in seen:
        reason = f"编号 {own} 在文件中重复"
    elif own:
        known = existing["by_id"].get(own)
        if known is None or (known[0] == course and known[1] == qtype):
            _set_id(item, own, existing, seen)
            return
        reason = f"编号 {own} 已被题库中另一道题使用"
    stem = str(data.get("stem", "")).strip()
    for qid, digest in existing["by_stem"].get((qtype, stem), []):
        if qid not in seen and item.ok and digest == content_hash(dict(data, id=qid)):
            _set_id(item, qid, existing, seen, own)
            return
    if item.chapter is None:
        item.data.pop("id", None) if not own else None
        return  # no chapter, no id: the question is not imported anyway
    new_id = ids.next(item.chapter)
    _set_id(item, new_id, existing, seen, own)
    if reason:
        item.warnings.append(f"{reason}，已改为新编号 {new_id}")


def _set_id(item: PlannedQuestion, qid: str, existing: dict, seen: set[str], source_id: str | None = None) -> None:
    item.data = {"id": qid} | {k: v for k, v in item.data.items() if k != "id"}
    item.source_id = source_id
    seen.add(qid)
    known = existing["by_id"].get(qid)
    if known is None:
        item.outcome = "created"
    elif known[3] == content_hash(item.data):
        item.outcome = "unchanged"
    else:
        item.outcome = "versioned"


def apply_import(plan: ImportPlan, actor: User | None = None, *, partial: bool = False,
                 note: str = "") -> ImportPlan:
    """Write the plan's valid questions as new questions or new versions, in one transaction.

    Refuses (:class:`ImportRefused`) a plan with problems unless ``partial``: then only the valid
    questions are imported. Audited as ``bank.import`` with the counts and the category mapping,
    which :func:`remembered_mapping` reads back for the teacher's next import.
    """
    if plan.blocked and not partial:
        raise ImportRefused("文件中有问题，未导入任何题目")
    plan.partial = partial
    try:
        for item in plan.valid:
            _question, outcome = upsert_question(item.data, item.chapter, plan.course, "import", actor,
                                                 note=note or f"import {plan.fmt}")
            item.outcome = outcome
        counts = plan.counts()
        if actor is not None:
            audit(actor, "bank.import", f"course:{plan.course}", format=plan.fmt, mapping=plan.mapping(),
                  partial=partial, **{k: counts[k] for k in ("created", "versioned", "unchanged", "skipped")})
        db.session.commit()
    except IntegrityError:  # another import took one of the new ids in the meantime
        db.session.rollback()
        raise ImportRefused("另一次导入同时写入了题库，本次未导入任何题目；请重新预览后再导入") from None
    plan.applied = True
    return plan


def remembered_mapping(actor: User, limit: int = 20) -> dict[str, str]:
    """The chapters ``actor`` chose for source categories in recent imports (newest choice wins).

    Kept in the ``bank.import`` audit entries: no settings table is needed, and every app
    process sees the same.
    """
    rows = db.session.scalars(select(AuditLog).where(AuditLog.actor_id == actor.id, AuditLog.action == "bank.import")
                              .order_by(AuditLog.id.desc()).limit(limit)).all()
    mapping: dict[str, str] = {}
    for row in reversed(rows):
        chosen = (row.details or {}).get("mapping")
        if isinstance(chosen, dict):
            mapping.update({str(k): str(v) for k, v in chosen.items() if isinstance(v, str)})
    return mapping


@dataclass
class ImportReport:
    """What ``bank import`` did (or would do): the plan and whether it was written."""

    plan: ImportPlan
    written: bool
    refused: str = ""

    def summary(self, dry_run: bool) -> str:
        counts = self.plan.counts()
        if self.refused and not counts["valid"]:
            return f"未导入：文件中有 {counts['problems']} 个问题，没有可以导入的题目（共 {counts['questions']} 题）"
        if self.refused:
            return (f"未导入：文件中有 {counts['problems']} 个问题（有效 {counts['valid']} 题，"
                    f"共 {counts['questions']} 题）；改正后重新导入，或加 --partial 只导入有效的 {counts['valid']} 题")
        verb = "可导入" if dry_run else "已导入"
        imported = counts["created"] + counts["versioned"] + counts["unchanged"]
        return (f"{verb} {imported} 题（新增 {counts['created']}，新版本 {counts['versioned']}，"
                f"内容未变 {counts['unchanged']}），跳过 {counts['skipped']} 题")


def import_file(data: bytes | str, fmt: str, course: str = "crm", default_chapter: str | None = None,
                dry_run: bool = False, actor: User | None = None, partial: bool = False) -> ImportReport:
    """Plan and (unless ``dry_run``) apply an import: all or nothing unless ``partial``."""
    plan = plan_import(data, fmt, course, default_chapter=default_chapter)
    if plan.blocked and not (partial and plan.valid):
        return ImportReport(plan, False, "problems")
    if dry_run:
        return ImportReport(plan, False)
    try:
        apply_import(plan, actor, partial=partial)
    except ImportRefused as exc:
        return ImportReport(plan, False, str(exc))
    return ImportReport(plan, True)


# --- the browser's upload between preview and confirm -------------------------------------------
# The preview page carries the uploaded file back in a hidden field, signed with the app's secret
# key and the teacher's id and valid for UPLOAD_MAX_AGE seconds: any app process can check it, no
# table or shared disk is needed, and the questions are parsed again from the very file previewed
# (the client never supplies parsed questions).
UPLOAD_MAX_AGE = 3600
UPLOAD_MAX_BYTES = 2 * 1024 * 1024  # the sealed file must fit the request limit (MAX_CONTENT_LENGTH)


@dataclass(frozen=True)
class Upload:
    """A file uploaded for import: its bytes, name and chosen format."""

    data: bytes
    filename: str
    fmt: str


def _signer():
    from flask import current_app
    from itsdangerous import TimestampSigner

    return TimestampSigner(current_app.config["SECRET_KEY"], salt="bank-import-upload")


def seal_upload(upload: Upload, user_id: int) -> str:
    """The upload as a signed, compressed text token for the preview form."""
    header = base64.urlsafe_b64encode(json.dumps({"u": user_id, "f": upload.fmt, "n": upload.filename},
                                                 ensure_ascii=False).encode()).decode()
    body = base64.urlsafe_b64encode(zlib.compress(upload.data, 6)).decode()
    return _signer().sign(f"{header}~{body}").decode()


def open_upload(token: str, user_id: int) -> Upload | None:
    """The upload sealed in ``token`` by this user less than an hour ago, else None."""
    from itsdangerous import BadSignature

    try:
        raw = _signer().unsign(token.encode(), max_age=UPLOAD_MAX_AGE).decode()
        header, body = raw.split("~", 1)
        meta = json.loads(base64.urlsafe_b64decode(header))
        data = zlib.decompress(base64.urlsafe_b64decode(body), bufsize=UPLOAD_MAX_BYTES + 1)
    except (BadSignature, ValueError, zlib.error, UnicodeDecodeError):
        return None
    if meta.get("u") != user_id or len(data) > UPLOAD_MAX_BYTES:
        return None
    return Upload(data, str(meta.get("n", "")), str(meta.get("f", "")))


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
