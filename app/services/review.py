"""Review rows: a student's response beside the key, points and the explanation with its lesson link."""

from __future__ import annotations

from flask_babel import gettext as _

from ..domain.questions import answer_view
from ..domain.questions.option_refs import letters_of, render_option_refs
from ..domain.questions.presented import ordering_texts, presented_options, presented_summary, review_parts
from ..models import Attempt, AttemptItem, User
from ..question_types import web_type
from ..question_types.true_false import judgement
from .paper_sections import headings
from .rendering import html, inline_html
from .withholding import withheld_qids


def describe_response(data: dict, response) -> str:
    """A student's response as readable text (option texts, not only letters), by its type's own rule.

    Apart from the true/false words and the blank labels it is the student's or the bank's text:
    templates mark the element showing it as user content (``lang="zh"``, docs/translations.md).
    """
    if response is None or response == "" or response == [] or response == {}:
        return _("（未作答）")
    web = web_type(data.get("type"))
    return web.describe_response(data, response) if web is not None else str(response)


def _answer_text(data: dict) -> str:
    """The key as text, by its type's own rule (labels the domain writes in Chinese translated)."""
    view = answer_view(data)
    web = web_type(data.get("type"))
    return web.answer_text(data, view) if web is not None else view.get("display", "")


def as_presented(data: dict, presentation: dict | None, response, bank_letters: bool = False) -> dict:
    """The response, the key and (choice types) every option as the student saw the question.

    ``response`` and ``answer`` are texts in the presented letters (the exam page's A, B, C… by
    place, app/domain/questions/presented.py), not bank ids; ``options`` lists every option of a
    single, multiple or true/false question in presented order with ``letter``, ``html``,
    ``chosen`` and ``right``, or is empty for other types (their texts come from elsewhere).
    ``bank_letters``: for practice, whose page keeps bank order and shows the bank ids as letters.
    ``parts`` lists a fill-blank, matching or ordering response part by part beside the key
    (the type's own review.html shows them), else it is empty.
    """
    seen = _as_presented(data, presentation, response, bank_letters)
    seen["parts"] = review_parts(data, response) or []
    return seen


def _as_presented(data: dict, presentation: dict | None, response, bank_letters: bool) -> dict:
    options = presented_options(data, presentation, response, bank_letters)
    if options is not None:
        for option in options:
            option["html"] = inline_html(option["text"]) if option["letter"] else option["text"]
            if not option["letter"]:  # true/false: the judgement words in the reader's language
                option["text"] = option["html"] = judgement(option["id"] == "true")
        chosen = presented_summary(options, "chosen")
        return {"response": chosen or _("（未作答）"), "answer": presented_summary(options, "right"),
                "options": options}
    texts = ordering_texts(data, response)
    if texts is not None:
        given, key = texts
        return {"response": " → ".join(given) or _("（未作答）"), "answer": " → ".join(key), "options": []}
    return {"response": describe_response(data, response), "answer": _answer_text(data), "options": []}


def explanation_html(data: dict, options: list[dict] | None) -> str:
    """The explanation as HTML, each ``{{opt:X}}`` as the letter ``options`` (presented) give bank option X."""
    return html(render_option_refs(data.get("explanation", ""), letters_of(options)))


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


def review_sections(attempt: Attempt, rows: list[dict]) -> list[dict]:
    """The sections of a sectioned attempt for its review and results (empty for a mixed paper).

    Each gives its heading (``label``, ``summary``), ``start`` (the index of its first row) and the
    subtotal ``score`` / ``points``; ``pending`` counts items still waiting for a teacher, and
    ``withheld`` hides the subtotal of a section holding a withheld question (its score would
    tell that question's result).
    """
    if not attempt.sectioned:
        return []
    sections = []
    for found in headings(attempt.items):
        section = found.section
        sections.append({"number": section.number, "type": section.type, "label": found.label,
                         "summary": found.summary, "start": section.start, "score": section.score,
                         "points": section.points, "pending": section.pending,
                         "withheld": any(rows[i].get("withheld") for i in section.indexes)})
    return sections


def withheld_row(row: dict) -> dict:
    """``row`` without anything that tells the key: answer, explanation, score, feedback, correctness."""
    return dict(row, answer="", explanation_html="", score=None, feedback="", comment="", correct=None,
                needs_manual=False, steps=[], criteria=[], withheld=True, options=[], parts=[], graded=False)


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
        "response": seen["response"], "answer": seen["answer"], "options": seen["options"], "parts": seen["parts"],
        "explanation_html": explanation_html(data, seen["options"]),
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
        steps.append({"prompt": step.prompt, "response": _plain(_labelled(step, answers.get(step.id))),
                      "answer": _plain(_labelled(step, review["solution"].get(step.id))), "score": result["score"],
                      "max": result["max"], "feedback": result["feedback"]})
    question = item.version.question
    return {
        "position": item.position, "qid": item.qid, "type": "case", "stem_html": html(variant.text_md),
        "response": "", "answer": "", "explanation_html": "", "steps": steps,
        "score": item.score, "points": item.points, "feedback": "",
        # A written task waits for a teacher's rubric scores like an essay.
        "needs_manual": item.needs_manual and item.score is None, "criteria": review["criteria"],
        "comment": item.manual_comment, "options": [], "parts": [], "graded": item.teacher_graded,
        "lesson_url": lesson_link(question.chapter, None, course),
        "correct": item.score is not None and item.score >= item.points - 1e-9,
    }


def _labelled(step, value):
    """A written table keyed by its Chinese row and column labels, as the page shows them (no internal ids)."""
    if step.kind != "text_table" or not isinstance(value, dict):
        return value
    rows, columns = dict(step.rows), dict(step.columns)
    labelled = {}
    for row, cells in value.items():
        if isinstance(cells, dict) and len(step.columns) > 1:
            labelled[rows.get(row, row)] = {columns.get(c, c): v for c, v in cells.items()}
        else:
            labelled[rows.get(row, row)] = next(iter(cells.values()), "") if isinstance(cells, dict) else cells
    return labelled


def _plain(value) -> str:
    if value is None or value == "" or value == {} or value == []:
        return _("（未作答）")
    if isinstance(value, dict):
        return ";".join(f"{k}: {_plain(v) if isinstance(v, dict) else v}" for k, v in value.items())
    if isinstance(value, list):
        return " > ".join(str(v) for v in value)
    return str(value)
