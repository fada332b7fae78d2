"""Practice with instant feedback, the wrong-answer notebook (错题本) and mastery per chapter."""

from __future__ import annotations

import random
from datetime import date

from flask import (Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from ..auth.session import login_required
from ..domain.practice import DAYS_TO_CLEAR, MODE_DUE, MODE_NEW, MODE_REDO, PracticeSet
from ..domain.questions.spec import ID_PATTERN
from ..errors import error_response
from ..services import practice as svc
from ..services.courseware import get_course
from ..services.withholding import withheld_qids
from ..services.pagination import page_arg
from ..i18n import user_content
from . import state
from .forms import DEFAULT_COUNT, AnswerFormError, StartForm, response_from_form
from .state import ALL, Scope

bp = Blueprint("practice", __name__)
COURSE = "crm"


@bp.before_request
@login_required
def _guard():
    """Practice belongs to a logged-in student: every answer and notebook is someone's own."""


@bp.app_template_filter("review_day")
def review_day(day: date) -> str:
    """A notebook review day in plain words: ``12 月 9 日`` / ``9 Dec`` (with the year when it is not this one)."""
    same_year = day.year == svc.local_today().year
    if str(get_locale() or "zh").startswith("zh"):
        return (f"{day.month} 月 {day.day} 日" if same_year else f"{day.year} 年 {day.month} 月 {day.day} 日")
    return format_date(day, "d MMM" if same_year else "d MMM y")


def _withheld_note() -> bool:
    """Whether to say that some questions are closed for now (never which, nor why in detail)."""
    return bool(withheld_qids(current_user.id))


def _exists(scope: Scope) -> bool:
    if scope.notebook:
        return True
    course = get_course(scope.course)
    return course is not None and (scope.chapter is None or course.chapter(scope.chapter) is not None)


def _title(scope: Scope) -> Markup:
    """The set's heading, course and chapter titles marked as course content (``<span lang="zh">``)."""
    if scope.due:
        return Markup(escape(_("复习到期错题")))
    if scope.notebook:
        return Markup(escape(_("重做错题")))
    course = get_course(scope.course)
    if scope.chapter is None:
        return Markup(escape(_("%(course)s · 全部章节"))) % {"course": user_content(course.title)}
    number = next(i for i, c in enumerate(course.chapters, start=1) if c.slug == scope.chapter)
    return Markup(escape(_("第 %(n)d 章 %(title)s"))) % {"n": number,
                                                        "title": user_content(course.chapter(scope.chapter).title)}


def _mode(scope: Scope, chosen: str = MODE_NEW) -> str:
    """The mode a set of ``scope`` is drawn in: the notebook's scopes have their own."""
    if scope.due:
        return MODE_DUE
    if scope.notebook:
        return MODE_REDO
    return chosen if chosen not in (MODE_DUE, MODE_REDO) else MODE_NEW


def _new_set(scope: Scope, mode: str, count: int) -> PracticeSet | None:
    only = scope.redo if scope.notebook and scope.redo != ALL else None
    qids = svc.draw(current_user.id, scope.course, scope.chapter, mode, count, random.Random(), only=only)
    if not qids:
        return None
    practice_set = PracticeSet(user_id=current_user.id, mode=mode, qids=tuple(qids))
    state.save(scope, practice_set)
    return practice_set


@bp.route("/")
def index():
    """Mastery per chapter, start forms, and the notebook's counts."""
    chapters, overall = svc.course_mastery(current_user.id, COURSE)
    return render_template("practice/index.html", course=get_course(COURSE), chapters=chapters, overall=overall,
                           summary=svc.notebook_summary(current_user.id), withheld_note=_withheld_note())


@bp.route("/start", methods=["POST"])
def start():
    """Draw a new set for a scope in the chosen mode, then show its first question."""
    form = StartForm()
    scope = Scope.parse(form.scope.data)
    if scope is None or not _exists(scope):
        flash(_("练习范围无效，请从练习首页选择。"), "error")
        return redirect(url_for("practice.index"))
    if not form.validate():
        name, errors = next(iter(form.errors.items()))
        flash(_("%(field)s：%(error)s", field=form[name].label.text, error=errors[0]), "error")
        return redirect(url_for("practice.index"))
    mode = _mode(scope, form.mode.data)
    if _new_set(scope, mode, form.count.data or DEFAULT_COUNT) is None:
        if scope.due:
            flash(_("今天没有到期的错题。可以在错题本中选一道题现在重做。"), "info")
        elif scope.notebook:
            flash(_("错题本中没有这道题（可能已经移出），请从错题本中选择。") if scope.redo != ALL
                  else _("错题本是空的，没有可重做的题。"), "info")
        else:
            flash(_("这里还没有可练习的题目。"), "info")
        return redirect(url_for("practice.notebook" if scope.notebook else "practice.index"))
    return redirect(scope.url)


@bp.route("/<course>/")
def course_practice(course: str):
    """Practice across every chapter of the course."""
    return _practice(Scope(course))


@bp.route("/<course>/<slug>")
def chapter(course: str, slug: str):
    """Practice one chapter (the lessons link here)."""
    return _practice(Scope(course, slug))


@bp.route("/notebook/review")
def review_due():
    """Practice the notebook questions due today."""
    return _practice(Scope())


@bp.route("/notebook/redo")
def redo_notebook():
    """Redo notebook questions now, due or not (a redo that is not due moves nothing)."""
    return _practice(Scope(redo=ALL))


@bp.route("/notebook/redo/<qid>")
def redo_question(qid: str):
    """Redo one notebook question now."""
    if not ID_PATTERN.match(qid):
        abort(404)
    return _practice(Scope(redo=qid))


def _practice(scope: Scope):
    if not _exists(scope):
        abort(404)
    practice_set = state.load(scope, current_user.id)
    if practice_set is None:
        practice_set = _new_set(scope, _mode(scope), DEFAULT_COUNT)
        if practice_set is None and scope.redo not in (None, ALL):
            abort(404)  # not in this student's notebook: the same answer as a question that does not exist
    return _render(scope, practice_set)


def _render(scope: Scope, practice_set: PracticeSet | None, error: str | None = None, status: int = 200):
    """The set's page: the current question, the feedback on it, or the set's results."""
    question = feedback = results = None
    while practice_set is not None and not practice_set.finished:
        answer_id = practice_set.answer_id(practice_set.current)
        feedback = svc.feedback(current_user.id, answer_id) if answer_id is not None else None
        question = None if feedback else svc.question_payload(practice_set.current, current_user.id)
        if feedback or question:
            break
        # A question retired (or withheld) since the set was drawn is passed over.
        practice_set = practice_set.advanced()
        state.save(scope, practice_set)
    if practice_set is not None and practice_set.finished:
        results = svc.set_results(current_user.id, [a for _, a in practice_set.answers])
    answer_ids = [a for _, a in practice_set.answers] if practice_set else []
    # After an answer in the notebook: where the question now stands (round and review day).
    standing = svc.notebook_entry(current_user.id, feedback["qid"]) if feedback and scope.notebook else None
    return render_template("practice/set.html", scope=scope, title=_title(scope), practice_set=practice_set,
                           question=question, feedback=feedback, results=results, error=error, standing=standing,
                           notebook_size=svc.notebook_summary(current_user.id).active if practice_set is None else 0,
                           score=svc.set_score(current_user.id, answer_ids), given=request.form,
                           withheld_note=_withheld_note()), status


def _posted_scope() -> tuple[Scope, PracticeSet | None]:
    scope = Scope.parse(request.form.get("scope"))
    if scope is None or not _exists(scope):
        abort(make_response(error_response(400, _("练习范围无效：请从练习页面提交答案。"))))
    return scope, state.load(scope, current_user.id)


@bp.route("/answer", methods=["POST"])
def answer():
    """Grade the answer to the current question at once and show the feedback."""
    scope, practice_set = _posted_scope()
    if practice_set is None or practice_set.finished:
        flash(_("这组练习已经结束或已过期，请重新开始。"), "warning")
        return redirect(scope.url)
    qid = (request.form.get("qid") or "").strip()
    if practice_set.answer_id(qid) is not None:
        return redirect(scope.url)  # the same answer sent twice
    if qid != practice_set.current:
        message = (_("提交中缺少题目编号，请重新作答。") if not qid else
                   _("提交的题目（%(qid)s）不是本组练习的当前题目，可能是在其他窗口重新开始了练习。请回答下面的题目。", qid=qid))
        return _render(scope, practice_set, message, 400)
    question = svc.find_practicable(qid, current_user.id)
    try:
        if question is None:
            raise svc.PracticeError(_("这道题目前不能练习，请跳过。"))
        stored = svc.record_answer(current_user.id, qid, response_from_form(question.data, request.form))
    except (AnswerFormError, svc.PracticeError) as exc:
        return _render(scope, practice_set, str(exc), 400)
    state.save(scope, practice_set.answered(stored.id))
    return redirect(scope.url + "#feedback")


@bp.route("/next", methods=["POST"])
def next_question():
    """Move on from the current question (after its feedback, or skipping it unanswered)."""
    scope, practice_set = _posted_scope()
    if practice_set is not None and practice_set.current == request.form.get("qid"):
        state.save(scope, practice_set.advanced())
    return redirect(scope.url)


@bp.route("/notebook")
def notebook():
    """The student's own wrong-answer notebook, soonest due first, with mastery per chapter."""
    page = svc.notebook_page(current_user.id, page_arg(),
                             current_app.config["ITEMS_PER_PAGE"])
    chapters, overall = svc.course_mastery(current_user.id, COURSE)
    titles = {c.slug: c.title for c in chapters}
    summary = svc.notebook_summary(current_user.id)
    return render_template("practice/notebook.html", page=page, chapters=chapters, overall=overall,
                           titles=titles, summary=summary, redo_count=min(summary.active, DEFAULT_COUNT),
                           today=svc.local_today(), days_to_clear=DAYS_TO_CLEAR, withheld_note=_withheld_note())
