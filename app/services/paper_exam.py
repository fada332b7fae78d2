"""Paper exams: printed variants (A卷, B卷 …) and answers typed in from their answer sheets.

A variant is an :class:`~app.models.ExamPaper` row whose seed draws the paper through
:func:`app.services.attempts.draw_paper`, the draw of every online attempt: the same questions,
points and option orders as an online attempt with that seed. Printed papers are always laid
out in sections by type (一、单选题 …), as Chinese papers are; for an exam laid out in sections
that is exactly the online order. The Word files are written by :mod:`.paper_docx`.

Reprints: asking for N variants reuses the exam's first N recorded variants (same seeds, so the
same papers) and records new ones only for the labels missing; ``new=True`` records N new
variants under the next free labels (C卷, D卷 …), so every paper ever printed keeps its label
and its answers can still be typed in. Each new variant is audited with the questions it drew;
typing in answers checks that the seed still draws those questions (a question edited or
retired since printing changes the draw) and refuses, naming the reason, when it does not.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import immediate_transaction
from ..domain.cases import make_variant
from ..domain.cases.model import Variant
from ..domain.exams import AttemptStatus
from ..domain.exams.paper_entry import (MANUAL_TYPES, MAX_VARIANTS, EntryProblem, letters_text, next_labels,
                                        read_entry)
from ..domain.exams.sections import PaperItem, paper_sections
from ..domain.questions import answer_view, grade, student_view
from ..domain.questions.option_refs import render_option_refs
from ..domain.questions.presented import LETTERED_TYPES, option_letter
from ..extensions import db
from ..i18n import N_
from ..models import Attempt, AttemptItem, AuditLog, ClassMembership, Exam, ExamClass, ExamPaper, Role, User
from ..models.base import utcnow
from . import case_items, exam_cache, prepared_papers
from .accounts import audit
from .attempts import draw_paper
from .exam_access import allowed_attempts, user_attempts
from .exam_errors import ExamError
from .paper_sections import Heading, heading
from .scoring import grade_item, recompute_total

MAX_PER_EXPORT = 10
PAPER_MANUAL = N_("纸质答卷：请对照学生的答题卡评分")


@dataclass
class PrintedItem:
    """One question of a printed variant, numbered through the paper, in the variant's order."""

    number: int
    qid: str
    type: str
    points: float
    view: dict  # the student view in the variant's order (a case: {"type": "case"})
    letters: dict[str, str] | None  # bank option id → the letter printed for it
    key: dict = field(default_factory=dict)  # answer_view (bank ids)
    explanation: str = ""  # {{opt:X}} rendered with the variant's letters
    case: Variant | None = None
    row: dict = field(default_factory=dict)  # the attempt item row the seed draws


@dataclass
class PrintedPaper:
    """A variant's questions as printed."""

    exam: Exam
    paper: ExamPaper
    items: list[PrintedItem]

    @property
    def total(self) -> float:
        return round(sum(item.points for item in self.items), 4)

    def signature(self) -> list[list]:
        """What the variant drew: [qid, version id] per question, in paper order (audited at creation)."""
        return [[item.qid, item.row["version_id"]] for item in self.items]


def variants(exam: Exam) -> list[ExamPaper]:
    """The exam's recorded variants, oldest first."""
    return list(db.session.scalars(select(ExamPaper).where(ExamPaper.exam_id == exam.id).order_by(ExamPaper.id)))


def get_variant(exam: Exam, paper_id: int | None) -> ExamPaper | None:
    """The variant ``paper_id`` of ``exam``, or None (another exam's variant is None too)."""
    paper = db.session.get(ExamPaper, paper_id) if paper_id else None
    return paper if paper is not None and paper.exam_id == exam.id else None


def _printed_item(number: int, row: dict) -> PrintedItem:
    data = exam_cache.version_data(row["version_id"])
    qtype = data.get("type") or ""
    if case_items.is_case_data(data):
        variant, _error = make_variant(data.get("case_id"), (row["presentation"] or {}).get("case_seed", 1))
        return PrintedItem(number, row["qid"], "case", float(row["points"]), {"type": "case"}, None,
                           case=variant, row=row)
    spec = exam_cache.version_spec(row["version_id"])
    view = student_view(spec, row["presentation"] or None)
    letters = None
    if qtype in LETTERED_TYPES or qtype == "ordering":  # the paper letters ordering items too
        letters = {str(o["id"]): option_letter(i) for i, o in enumerate(view.get("options") or ())}
    key = answer_view(spec)
    explanation = render_option_refs(getattr(spec, "explanation", "") or "", letters)
    return PrintedItem(number, row["qid"], qtype, float(row["points"]), view, letters, key, explanation, row=row)


def printed_paper(exam: Exam, paper: ExamPaper) -> PrintedPaper:
    """The variant as its seed draws it: questions in sections, numbered through.

    Raises ExamError (422) when the bank can no longer fill the exam's rules.
    """
    try:
        drawn = draw_paper(exam, paper.seed, sectioned=True)
    except ValueError as exc:
        raise ExamError(_("抽题规则无法满足"), 422, [str(exc)]) from None
    rows = drawn.rows + drawn.case_rows()
    items = [_printed_item(number, row) for number, row in enumerate(rows, start=1)]
    return PrintedPaper(exam, paper, items)


def sections(printed: PrintedPaper) -> list[tuple[Heading, list[PrintedItem]]]:
    """(heading, its items) for each section of the variant, in paper order (the online paper's headings)."""
    items = printed.items
    found = paper_sections([PaperItem(item.type, item.points) for item in items])
    return [(heading(section), [items[i] for i in section.indexes]) for section in found]


def entry_hint(item: PrintedItem) -> str:
    """What to type for ``item`` when entering its answer sheet, in the variant's letters."""
    view = item.view
    if item.type == "single":
        return _("一个字母（%(letters)s）", letters=letters_text(len(view.get("options") or ())))
    if item.type == "multiple":
        return _("所选字母，如 ACD（%(letters)s）", letters=letters_text(len(view.get("options") or ())))
    if item.type == "true_false":
        return _("T 或 F（对/错、√/× 也可）")
    if item.type == "ordering":
        return _("按顺序填全部 %(n)d 个字母", n=len(view.get("options") or ()))
    if item.type == "matching":
        return _("依次为 %(n)d 个左项各填一个字母（%(letters)s）", n=len(view.get("left") or ()),
                 letters=letters_text(len(view.get("choices") or ())))
    if item.type == "fill_blank":
        count = int(view.get("blanks") or 1)
        return _("共 %(n)d 空，各空之间用“；”分隔", n=count) if count > 1 else _("填写的答案")
    if item.type == "numeric":
        unit = str(view.get("unit") or "")
        if not unit:
            return _("一个数字")
        # The unit is the question's own (Chinese) text: marked so an English page shows it as content.
        return Markup(_("一个数字（单位：%(unit)s）", unit=Markup('<span lang="zh">%s</span>') % unit))
    if item.type == "essay":
        return _("可留空：对照答题卡人工评分；也可抄录学生答案")
    return _("案例分析题：对照答题卡人工评分")


def _order_signature(printed: PrintedPaper) -> tuple:
    return tuple((item.qid, tuple(item.letters or ()), tuple(item.view.get("left") or ())) for item in printed.items)


def prepare_variants(exam: Exam, count: int, actor: User | None, new: bool = False) -> list[PrintedPaper]:
    """``count`` variants to print: the recorded ones reused (unless ``new``), missing ones recorded.

    A new variant's seed is chosen so that its question and option order differs from the other
    variants' (when the exam shuffles at all). The caller commits.
    """
    if not 1 <= count <= MAX_PER_EXPORT:
        raise ExamError(_("套数应为 1 到 %(n)d。", n=MAX_PER_EXPORT), 422)
    recorded = variants(exam)
    reused = [] if new else recorded[:count]
    labels = next_labels([p.label for p in recorded], count - len(reused))
    if len(labels) < count - len(reused):
        raise ExamError(_("本场考试已有 %(n)d 套试卷，最多 %(max)d 套。", n=len(recorded), max=MAX_VARIANTS), 422)
    printed = [printed_paper(exam, paper) for paper in reused]
    for paper, found in zip(reused, printed, strict=True):
        if not matches_record(paper, found):
            # Reprinting would hand out another paper under the same label, whose sheets could not be typed in.
            raise ExamError(_("%(label)s印制后，题库或考试规则已改变，重印会得到不同的试卷；请勾选“另出新卷”（命令行加 --new）印制新的卷别。",
                              label=paper.label), 409)
    seen = {_order_signature(p) for p in printed}
    for label in labels:
        paper = ExamPaper(exam_id=exam.id, label=label, seed=0, created_by_id=actor.id if actor else None)
        candidate = None
        for _attempt in range(20):  # a tiny exam may repeat an order; try a few seeds, then accept
            paper.seed = secrets.randbelow(2**31)
            candidate = printed_paper(exam, paper)
            if _order_signature(candidate) not in seen:
                break
        seen.add(_order_signature(candidate))
        db.session.add(paper)
        db.session.flush()
        audit(actor, "exam.paper.create", f"exam_paper:{paper.id}", exam_id=exam.id, label=label, seed=paper.seed,
              questions=candidate.signature())
        printed.append(candidate)
    return printed


def recorded_signature(paper: ExamPaper) -> list | None:
    """The questions the variant drew when it was recorded (from its audit entry), or None."""
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "exam.paper.create",
                                                     AuditLog.target == f"exam_paper:{paper.id}")
                              .order_by(AuditLog.id).limit(1))
    return (entry.details or {}).get("questions") if entry is not None else None


def matches_record(paper: ExamPaper, printed: PrintedPaper) -> bool:
    """Whether the variant's seed still draws the questions recorded when it was first printed."""
    recorded = recorded_signature(paper)
    return recorded is None or recorded == printed.signature()


# --- typing in a paper answer sheet ----------------------------------------------------------

class EntryInvalid(ExamError):
    """Typed answers that cannot all be read: a message per question id (the values are kept)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(_("有 %(n)d 道题的答案无法识别，请更正后再保存。", n=len(problems)), 422,
                         list(problems.values()))
        self.problems = problems


def problem_text(problem: EntryProblem) -> str:
    """A domain entry problem in the reader's language."""
    return _(problem.template, **problem.params)


def exam_students(exam: Exam) -> list[User]:
    """The students of the exam's classes, by student number and name."""
    classes = select(ExamClass.class_id).where(ExamClass.exam_id == exam.id)
    members = select(ClassMembership.user_id).where(ClassMembership.class_id.in_(classes))
    rows = db.session.scalars(select(User).where(User.id.in_(members), User.role == Role.STUDENT))
    return sorted(rows, key=lambda u: (u.student_number or "~", u.username))


def entry_refusal(exam: Exam, student: User) -> str | None:
    """Why no paper answers may be typed in for ``student`` now, or None.

    A paper sitting is one attempt: it counts against the exam's attempt limit like an online
    attempt (an instructor may grant extra attempts under 学生考试特殊安排), and a student with an
    online attempt still in progress must finish or be closed first.
    """
    existing = user_attempts(exam, student)
    if any(a.status == AttemptStatus.IN_PROGRESS for a in existing):
        return _("%(name)s 有一份进行中的在线答卷：请先让其提交（或结束考试），再录入纸质答卷。", name=student.display_name)
    limit = allowed_attempts(exam, student)
    if limit is not None and len(existing) >= limit:
        return _("%(name)s 已用完本场考试的全部 %(n)d 次作答机会；如需再录入一份纸质答卷，请先在“学生考试特殊安排”中增加作答次数。",
                 name=student.display_name, n=limit)
    return None


def read_answers(printed: PrintedPaper, typed: Mapping[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    """qid → response for every question, and qid → message for each answer that cannot be read."""
    responses: dict[str, object] = {}
    problems: dict[str, str] = {}
    for item in printed.items:
        response, problem = read_entry(item.view, item.number, typed.get(item.qid))
        if problem is None and response is not None and item.type != "case":
            error = grade(exam_cache.version_spec(item.row["version_id"]), response).error
            if error:
                problem = None
                problems[item.qid] = _("第 %(n)d 题：%(e)s", n=item.number, e=error)
                continue
        if problem is not None:
            problems[item.qid] = problem_text(problem)
        else:
            responses[item.qid] = response
    return responses, problems


def enter_answers(exam: Exam, paper: ExamPaper, student: User, typed: Mapping[str, str], actor: User) -> Attempt:
    """Store a paper answer sheet as a submitted attempt of ``student`` and grade it.

    The items are the variant's draw (so they match the printed paper); letters are read in the
    variant's order and stored as bank ids; objective items are graded by the online grader,
    essays and cases wait in the manual grading queue. Raises :class:`EntryInvalid` (nothing
    stored) when an answer cannot be read, ExamError when the entry is refused.
    """
    if paper.exam_id != exam.id:
        raise ExamError(_("找不到该试卷"), 404)
    if student.id not in {s.id for s in exam_students(exam)}:
        raise ExamError(_("该学生不在本场考试的班级中。"), 422)
    refusal = entry_refusal(exam, student)
    if refusal:
        raise ExamError(refusal, 409)
    printed = printed_paper(exam, paper)
    if not matches_record(paper, printed):
        raise ExamError(_("%(label)s印制后，题库或考试规则已改变，该卷种子抽出的题目与印制的试卷不同，无法按它录入。", label=paper.label), 409)
    responses, problems = read_answers(printed, typed)
    if problems:
        raise EntryInvalid(problems)
    now = utcnow()
    number = len(user_attempts(exam, student)) + 1
    attempt = Attempt(exam_id=exam.id, user_id=student.id, number=number, seed=paper.seed,
                      status=AttemptStatus.SUBMITTED, started_at=now, submitted_at=now, sectioned=True,
                      paper_id=paper.id, max_score=printed.total)
    for item in printed.items:
        row = item.row
        attempt.items.append(AttemptItem(position=row["position"], qid=row["qid"], version_id=row["version_id"],
                                         points=row["points"], presentation=row["presentation"],
                                         response=responses.get(item.qid), saved_at=now, seq=1))
    try:
        with immediate_transaction():
            # A paper prepared for an online start would hold this attempt number: the sitting replaces it.
            prepared_papers.discard_prepared(Attempt.__table__.c.exam_id == exam.id,
                                             Attempt.__table__.c.user_id == student.id)
            db.session.add(attempt)
            db.session.flush()
            for stored, item in zip(attempt.items, printed.items, strict=True):
                if item.type in MANUAL_TYPES and stored.response is None:
                    # Scored from the paper by the teacher: into the manual grading queue.
                    stored.needs_manual, stored.score, stored.feedback = True, None, PAPER_MANUAL
                else:
                    grade_item(stored)
            recompute_total(attempt)
            audit(actor, "exam.paper.entry", f"attempt:{attempt.id}", exam_id=exam.id, paper=paper.label,
                  student=student.username, score=attempt.score)
    except IntegrityError:  # typed in twice at once: the other save won
        raise ExamError(_("这份答卷刚刚已被录入，请刷新后查看。"), 409) from None
    return attempt
