"""Question authoring in the browser: the bank checks, saving versions, restoring, diffs, YAML.

Every save goes through :func:`check_question` (the checks of ``bank lint``: the question's
own rules plus chapter, section and id), stores the validated data with defaults filled in
(as ``sync`` does), and is audited. Saving changes nothing when the form is unchanged, and a
change of tags, difficulty, section or chapter alone keeps the current version.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.bank import bank_stats, content_hash
from ..domain.bank.importing import IdSequence
from ..domain.bank.lint import question_warnings
from ..domain.questions import ALLOWED_KEYS, QUESTION_TYPES, student_view, validate_question
from ..domain.questions.validate import did_you_mean
from ..extensions import db
from ..i18n import translate_message
from ..models import Question, QuestionVersion, User
from .accounts import audit
from .bank import METADATA_KEYS, chapter_sections, find_question, save_version, upsert_question
from .courseware import chapter_labels, get_course
from .pagination import paginate_list

COURSE = "crm"
_MISSING = re.compile(r"^缺少字段 (\w+)")


class AuthoringError(Exception):
    """A refused authoring action; ``errors`` maps form fields to Chinese messages."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})


# --- checks -------------------------------------------------------------------------------

def chapter_choices(course: str = COURSE) -> list[tuple[str, str]]:
    """``(slug, label)`` of the course's chapters in course order, labelled ``第 1 章 客户关系管理概述``."""
    return list(chapter_labels(course).items())


@dataclass(frozen=True)
class SectionChoice:
    """A section a question can point at: its anchor (stored), title and heading level (2 or 3)."""

    anchor: str
    title: str
    level: int


def section_choices(course: str = COURSE) -> dict[str, list[SectionChoice]]:
    """Chapter slug → its sections in reading order (the editor's section picker)."""
    found = get_course(course)
    return {c.slug: [SectionChoice(s.anchor, s.title, s.level) for s in c.sections]
            for c in found.chapters} if found else {}


# --- question ids -------------------------------------------------------------------------

def _id_sequence() -> IdSequence:
    # Every id ever used, retired ones included: an id is never reused (docs/question-format.md).
    return IdSequence(db.session.scalars(select(Question.qid)))


def next_question_id(chapter: str) -> str:
    """The id a new question of ``chapter`` gets: its prefix and the next free number (``ch05-q043``).

    The same rule as ``bank import`` (:class:`app.domain.bank.importing.IdSequence`).
    """
    return _id_sequence().next(chapter)


def suggested_ids(course: str = COURSE) -> dict[str, str]:
    """Chapter slug → :func:`next_question_id` for it (the editor's id follows the chosen chapter)."""
    ids = _id_sequence()
    return {slug: ids.next(slug) for slug, _label in chapter_choices(course)}


def is_chapter(chapter: str, course: str = COURSE) -> bool:
    """True when ``chapter`` is a chapter slug of ``course``."""
    return chapter in (chapter_sections(course) or {})


def lint_warnings(data: Mapping[str, Any]) -> list[str]:
    """What ``bank lint`` would also say about ``data`` (option letters in the explanation, half-width
    punctuation in Chinese text), in the reader's language: shown in the editor, never blocking a save."""
    validation = validate_question(dict(data))
    if validation.spec is None:
        return []
    return [translate_message(m) for m in question_warnings(validation.spec, data)]


def issue_key(loc: tuple, message: str) -> str:
    """The question key a validation issue is about (``"_form"`` when it is about none)."""
    if loc:
        return str(loc[0])
    missing = _MISSING.match(message)
    return missing.group(1) if missing else "_form"


def check_question(data: Mapping[str, Any], chapter: str, *, new: bool,
                   course: str = COURSE) -> dict[str, list[str]]:
    """Problems with ``data`` as a question of ``chapter``, by question key (empty when it may be saved).

    Problems not tied to one key are under ``"_form"``.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for issue in validate_question(dict(data)).issues:  # the bank's own messages, in the reader's language
        add(issue_key(issue.loc, issue.message), translate_message(issue.message))
    sections = chapter_sections(course) or {}
    if chapter not in sections:
        add("chapter", _("请选择课程中的一个章节。"))
    else:
        section = data.get("section")
        if isinstance(section, str) and section and section not in sections[chapter]:
            add("section", _("小节锚点 %(s)r 不在章节 %(c)s 中", s=section, c=chapter)
                + translate_message(did_you_mean(section, sections[chapter])))
    qid = data.get("id")
    if new and isinstance(qid, str) and qid and find_question(qid) is not None:
        message = _("题目编号 %(q)s 已被使用（编号不能重复，停用的题目也不能复用）。", q=qid)
        if chapter in sections:
            message += _("本章下一个可用的编号是 %(n)s。", n=next_question_id(chapter))
        add("id", message)
    return errors


def normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validated data with defaults filled in, exactly as ``sync`` stores it."""
    validation = validate_question(dict(data))
    if validation.spec is None:
        raise AuthoringError(_("题目数据无效：") + translate_message(validation.message))
    return validation.spec.model_dump(mode="json")


# --- saving -------------------------------------------------------------------------------

def create_question(data: Mapping[str, Any], chapter: str, actor: User, note: str = "",
                    course: str = COURSE) -> Question:
    """Create a question from the editor (its first version); refuses with the field messages."""
    errors = check_question(data, chapter, new=True, course=course)
    if errors:
        raise AuthoringError(_("题目未保存：请修改标出的问题。"), errors)
    try:
        question, _outcome = upsert_question(normalised(data), chapter, course, "web", actor, note or "网页创建")
    except IntegrityError:  # the same id saved twice at once
        db.session.rollback()
        raise AuthoringError(_("题目未保存。"), {"id": [_("题目编号 %(q)s 已被使用。", q=data.get("id"))]}) from None
    audit(actor, "question.create", f"question:{question.qid}", type=question.type, chapter=chapter,
          version=question.current_version.number)
    db.session.commit()
    return question


def edit_question(question: Question, data: Mapping[str, Any], chapter: str, actor: User,
                  note: str = "", base_version: int | None = None) -> str:
    """Save an edit: ``"versioned"`` (a new version), ``"metadata"`` (same version) or ``"unchanged"``.

    ``base_version`` is the version the form was opened on: when another save came in between,
    the edit is refused rather than silently undoing it.
    """
    current_number = question.current_version.number if question.current_version else None
    if base_version is not None and base_version != current_number:
        raise AuthoringError(_("未保存。"), {"_form": [_(
            "打开此页后，题目已被保存为第 %(n)s 版（可能是其他教师）。请先查看版本历史，再重新编辑。", n=current_number)]})
    errors = check_question(data, chapter, new=False, course=question.course)
    if errors:
        raise AuthoringError(_("修改未保存：请修改标出的问题。"), errors)
    clean = normalised(data)
    current = question.current_version
    same_metadata = current is not None and all(current.data.get(k) == clean.get(k) for k in METADATA_KEYS)
    if current is not None and current.content_hash == content_hash(clean) and same_metadata \
            and chapter == question.chapter:
        return "unchanged"
    try:
        version = save_version(question, clean, actor, note or "网页编辑", chapter)
    except IntegrityError:  # another save took the same version number
        db.session.rollback()
        raise AuthoringError(_("未保存。"), {"_form": [_("题目刚被其他人修改，请刷新页面后重试。")]}) from None
    question.source = "web"
    outcome = "versioned" if version is not None else "metadata"
    audit(actor, "question.edit", f"question:{question.qid}", outcome=outcome, chapter=chapter,
          version=question.current_version.number, note=note)
    db.session.commit()
    return outcome


def get_version(question: Question, number: int) -> QuestionVersion | None:
    """Version ``number`` of ``question``."""
    return next((v for v in question.versions if v.number == number), None)


def version_authors(question: Question) -> dict[int, User]:
    """The accounts that created ``question``'s versions, by id."""
    ids = {v.created_by_id for v in question.versions if v.created_by_id}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def restore_version(question: Question, number: int, actor: User) -> QuestionVersion | None:
    """Make version ``number``'s content current again as a NEW version (None: it already is)."""
    old = get_version(question, number)
    if old is None:
        raise AuthoringError(_("没有第 %(n)d 版。", n=number))
    errors = check_question(old.data, question.chapter, new=False, course=question.course)
    if errors:
        messages = [m for ms in errors.values() for m in ms]
        raise AuthoringError(_("第 %(n)d 版不能恢复：", n=number) + ";".join(messages), errors)
    try:
        version = save_version(question, dict(old.data), actor, f"恢复第 {number} 版")
    except IntegrityError:
        db.session.rollback()
        raise AuthoringError(_("题目刚被其他人修改，请刷新页面后重试。")) from None
    question.source = "web"
    audit(actor, "question.restore", f"question:{question.qid}", restored=number,
          version=question.current_version.number, new_version=version is not None)
    db.session.commit()
    return version


# --- preview ------------------------------------------------------------------------------

def preview_payload(data: Mapping[str, Any]) -> dict:
    """What the exam page's ``question_block`` gets for ``data`` (valid question data), unshuffled.

    The same shape as :func:`app.services.exam_payloads.question_payload` builds for an attempt item.
    """
    from .exam_payloads import payload_from_view

    view = student_view(dict(data))
    return payload_from_view(view, str(data.get("id") or "preview"), 1, float(data.get("points", 1)))


# --- YAML and diffs -----------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Bank-file YAML: no aliases (the loader refuses them), block text for multi-line strings."""

    def ignore_aliases(self, data: object) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)  # "  - id: …" as in the hand-written files


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


def _is_short_flat(value: list) -> bool:
    flat = all(isinstance(i, (str, int, float, bool)) or
               (isinstance(i, list) and all(isinstance(j, (str, int, float)) for j in i)) for i in value)
    return flat and len(repr(value)) <= 120 and not any("\n" in str(i) for i in value)


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=_is_short_flat(value))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)

_FLOAT_KEYS = ("points", "tolerance", "tolerance_pct")


def file_shape(data: Mapping[str, Any]) -> dict[str, Any]:
    """Stored question data in the docs/question-format.md shape: key order, no empty defaults."""
    out: dict[str, Any] = {}
    for key in ALLOWED_KEYS:
        value = data.get(key)
        if (value is None or (key in ("tags", "distractors") and not value) or (key == "explanation" and value == "")
                or (key == "use" and value == "any")):
            continue
        if key in _FLOAT_KEYS and isinstance(value, float) and value.is_integer():
            value = int(value)  # read back as the same float: the hash does not change
        out[key] = value
    return out


def dump_yaml(document: object) -> str:
    """YAML text in the bank's style."""
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)


def question_yaml(data: Mapping[str, Any]) -> str:
    """One question as YAML (used for diffs)."""
    return dump_yaml(file_shape(data))


def version_diff(question: Question, a: int, b: int) -> list[tuple[str, str]]:
    """A unified diff of versions ``a`` → ``b`` over their YAML: ``(kind, line)`` with kind
    ``head``, ``hunk``, ``add``, ``del`` or ``same``."""
    old, new = get_version(question, a), get_version(question, b)
    if old is None or new is None:
        raise AuthoringError(_("请选择两个存在的版本进行比较。"))
    lines = difflib.unified_diff(question_yaml(old.data).splitlines(), question_yaml(new.data).splitlines(),
                                 fromfile=_("第 %(n)d 版", n=a), tofile=_("第 %(n)d 版", n=b), lineterm="", n=3)
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            kind = "head"
        elif line.startswith("@@"):
            kind = "hunk"
        else:
            kind = {"+": "add", "-": "del"}.get(line[:1], "same")
        out.append((kind, line))
    return out


# --- the bank browser ---------------------------------------------------------------------

@dataclass(frozen=True)
class BankRow:
    """One question of the bank browser, in its current version."""

    qid: str
    type: str
    chapter: str
    difficulty: int
    version: int
    source: str
    active: bool
    tags: tuple[str, ...]
    stem: str


@dataclass(frozen=True)
class BankFilter:
    """The browser's filters; empty values filter nothing."""

    chapter: str = ""
    type: str = ""
    difficulty: int | None = None
    tag: str = ""
    text: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple[BankFilter, list[str]]:
        """Filters from query arguments, and a Chinese note for each value that was ignored."""
        notes = []
        qtype = (args.get("type") or "").strip()
        if qtype and qtype not in QUESTION_TYPES:
            notes.append(_("未知题型 %(t)r，已忽略。", t=qtype))
            qtype = ""
        level = (args.get("difficulty") or "").strip()
        difficulty = int(level) if level in ("1", "2", "3", "4", "5") else None
        if level and difficulty is None:
            notes.append(_("难度应为 1 到 5，已忽略。"))
        return cls((args.get("chapter") or "").strip()[:100], qtype, difficulty,
                   (args.get("tag") or "").strip()[:100], (args.get("q") or "").strip()[:200]), notes

    def keeps(self, row: BankRow) -> bool:
        """True when ``row`` passes every filter."""
        return ((not self.chapter or row.chapter == self.chapter)
                and (not self.type or row.type == self.type)
                and (self.difficulty is None or row.difficulty == self.difficulty)
                and (not self.tag or self.tag.casefold() in (t.casefold() for t in row.tags))
                and (not self.text or self.text.casefold() in row.stem.casefold()))


def bank_rows(course: str = COURSE) -> list[BankRow]:
    """Every question of ``course`` in its current version, ordered by chapter and id."""
    rows = db.session.execute(
        select(Question, QuestionVersion.number, QuestionVersion.data)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.course == course, Question.type.in_(QUESTION_TYPES))  # not case stand-ins
        .order_by(Question.chapter, Question.qid))
    return [BankRow(q.qid, q.type, q.chapter, q.difficulty, number, q.source, q.active,
                    tuple(str(t) for t in data.get("tags") or ()), str(data.get("stem", "")))
            for q, number, data in rows]


def bank_counts(rows: list[BankRow]) -> dict[str, Any]:
    """``bank stats`` over the active questions of ``rows``."""
    active = [SimpleNamespace(type=r.type, chapter=r.chapter, difficulty=r.difficulty) for r in rows if r.active]
    return bank_stats(active)


paginate = paginate_list  # the bank browser pages its filtered list in memory
