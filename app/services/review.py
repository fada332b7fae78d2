"""Review rows: a student's response beside the key, points and the explanation with its lesson link."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext

from ..domain.questions import answer_view, resolve
from ..domain.questions.numeric import format_number
from ..domain.questions.presented import ordering_texts, presented_options, presented_summary
from ..models import Attempt, AttemptItem, User
from .rendering import html, inline_html
from .withholding import withheld_qids


def _joined(parts) -> str:
    """Pieces joined with the reader's list separator (Chinese "；", English "; ")."""
    return pgettext("list separator", "；").join(parts)


def describe_response(data: dict, response) -> str:
    """A student's response as readable text (option texts, not only letters), labels in the reader's language.

    Apart from the true/false words and the blank labels it is the student's or the bank's text:
    templates mark the element showing it as user content (``lang="zh"``, docs/translations.md).
    """
    if response is None or response == "" or response == [] or response == {}:
        return _("（未作答）")
    qtype = data.get("type")
    options = data.get("options") or {}
    if qtype == "true_false":
        judgement = {True: pgettext("true_false", "正确"), False: pgettext("true_false", "错误")}
        return judgement.get(response, str(response))
    if qtype in ("single", "multiple", "ordering"):
        ids = response if isinstance(response, list) else [response]
        sep = " → " if qtype == "ordering" else ";"
        return sep.join(f"{i}. {options.get(i, '?')}" if isinstance(i, str) else str(i) for i in ids)
    if qtype == "fill_blank" and isinstance(response, list):
        return _joined(_("第 %(n)d 空：%(v)s", n=n, v=v) for n, v in enumerate(response, 1))
    if qtype == "matching" and isinstance(response, dict):
        return ";".join(f"{k} → {v}" for k, v in response.items())
    return str(response)


def _answer_text(data: dict) -> str:
    """The key as text, with the labels the domain writes in Chinese (blanks, rubric, tolerance) translated."""
    view = answer_view(data)
    qtype = data.get("type")
    if qtype == "fill_blank" and "accepted" in view:
        return _joined(_("第 %(n)d 空：%(v)s", n=n, v=" / ".join(forms)) for n, forms in enumerate(view["accepted"], 1))
    if qtype == "essay" and "rubric" in view:
        return _("评分要点：%(p)s", p="；".join(view["rubric"]))
    resolved = resolve(data)
    if qtype == "numeric" and not isinstance(resolved, str):
        spec = resolved[1]
        text = format_number(spec.answer) + (f" {spec.unit}" if spec.unit else "")
        if spec.tolerance_pct:
            text += _("（允许误差 ±%(t)s%%）", t=format_number(spec.tolerance_pct))
        elif spec.tolerance:
            text += _("（允许误差 ±%(t)s）", t=format_number(spec.tolerance))
        return text
    return view.get("display", "")


def as_presented(data: dict, presentation: dict | None, response, bank_letters: bool = False) -> dict:
    """The response, the key and (choice types) every option as the student saw the question.

    ``response`` and ``answer`` are texts in the presented letters (the exam page's A, B, C… by
    place, app/domain/questions/presented.py), not bank ids; ``options`` lists every option of a
    single, multiple or true/false question in presented order with ``letter``, ``html``,
    ``chosen`` and ``right``, or is empty for other types (their texts come from elsewhere).
    ``bank_letters``: for practice, whose page keeps bank order and shows the bank ids as letters.
    """
    options = presented_options(data, presentation, response, bank_letters)
    if options is not None:
        for option in options:
            option["html"] = inline_html(option["text"]) if option["letter"] else option["text"]
            if not option["letter"]:  # true/false: the judgement words in the reader's language
                option["text"] = option["html"] = _judgement(option["id"] == "true")
        chosen = presented_summary(options, "chosen")
        return {"response": chosen or _("（未作答）"), "answer": presented_summary(options, "right"),
                "options": options}
    texts = ordering_texts(data, response)
    if texts is not None:
        given, key = texts
        return {"response": " → ".join(given) or _("（未作答）"), "answer": " → ".join(key), "options": []}
    return {"response": describe_response(data, response), "answer": _answer_text(data), "options": []}


def _judgement(value: bool) -> str:
    return pgettext("true_false", "正确") if value else pgettext("true_false", "错误")


def lesson_link(chapter: str, section: str | None, course: str = "crm") -> str:
    return f"/lessons/{course}/{chapter}" + (f"#{section}" if section else "")


def review_rows(attempt: Attempt, viewer: User | None = None) -> list[dict]:
    """One row per item, in paper order.

    A question that an open hidden-review exam can still ask ``viewer`` keeps its stem and the
    student's own response, but no key, explanation or per-question result: the review of one
    exam must not hand out the key of another (app/services/withholding.py).
    """
    withheld = withheld_qids(viewer.id) if viewer is not None and not viewer.is_instructor else frozenset()
    rows = []
    for item in attempt.items:
        row = review_row(item, attempt.exam.course)
        if item.qid in withheld:
            row = withheld_row(row)
        rows.append(row)
    return rows


def withheld_row(row: dict) -> dict:
    """``row`` without anything that tells the key: answer, explanation, score, feedback, correctness."""
    return dict(row, answer="", explanation_html="", score=None, feedback="", comment="", correct=None,
                needs_manual=False, steps=[], withheld=True, options=[], graded=False)


def review_row(item: AttemptItem, course: str = "crm") -> dict:
    data = item.version.data
    if data.get("type") == "case":
        return _case_row(item, course)
    seen = as_presented(data, item.presentation, item.response)
    question = item.version.question
    graded = item.teacher_graded
    return {
        "position": item.position, "qid": item.qid, "type": data.get("type"),
        "stem_html": html(data.get("stem", "")),
        "response": seen["response"], "answer": seen["answer"], "options": seen["options"],
        "explanation_html": html(data.get("explanation", "")),
        "score": item.score, "points": item.points, "feedback": "" if graded else item.feedback,
        "needs_manual": item.needs_manual and item.score is None, "comment": item.manual_comment,
        "graded": graded,
        "lesson_url": lesson_link(question.chapter, data.get("section"), course),
        "correct": item.score is not None and item.score >= item.points - 1e-9,
    }


def _case_row(item: AttemptItem, course: str) -> dict:
    """A case item: per-step score and feedback beside the model answer."""
    from .case_items import case_review, variant_for

    review = case_review(item)
    variant = variant_for(item)
    answers = item.response if isinstance(item.response, dict) else {}
    steps = []
    for step, result in zip(variant.steps, review["steps"]):
        steps.append({"prompt": step.prompt, "response": _plain(answers.get(step.id)),
                      "answer": _plain(review["solution"].get(step.id)), "score": result["score"],
                      "max": result["max"], "feedback": result["feedback"]})
    question = item.version.question
    return {
        "position": item.position, "qid": item.qid, "type": "case", "stem_html": html(variant.text_md),
        "response": "", "answer": "", "explanation_html": "", "steps": steps,
        "score": item.score, "points": item.points, "feedback": "", "needs_manual": False,
        "comment": item.manual_comment, "options": [], "graded": False, "lesson_url": lesson_link(question.chapter, None, course),
        "correct": item.score is not None and item.score >= item.points - 1e-9,
    }


def _plain(value) -> str:
    if value is None or value == "" or value == {} or value == []:
        return _("（未作答）")
    if isinstance(value, dict):
        return ";".join(f"{k}: {_plain(v) if isinstance(v, dict) else v}" for k, v in value.items())
    if isinstance(value, list):
        return " > ".join(str(v) for v in value)
    return str(value)
