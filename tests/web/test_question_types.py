"""One home per question type (app/question_types/<type>/ beside its domain class): every registered
type has every piece, no page lists the types again, and every type renders in every mode, in
Chinese and in English, through the app.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict

from app.domain.interop import gift, gift_export, moodle_xml, moodle_xml_export
from app.domain.questions import QUESTION_TYPES, grade, key_response
from app.domain.questions.presented import review_parts
from app.extensions import db
from app.models import Attempt, AttemptItem, Question
from app.question_types import TEMPLATES, TYPES_DIR, WEB_TYPES, TypeWeb
from app.instructor.authoring_forms import form_fields

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = list(QUESTION_TYPES)
LOCALES = ("zh_Hans_CN", "en")

# Places that once each wrote the list of types out again; they now ask the registry or include the
# type's own template, so a type name in quotes here means the list has crept back.
NO_TYPE_NAMES = [
    "app/static/js/exam.js", "app/templates/exams/_question.html", "app/templates/exams/review.html",
    "app/templates/practice/_question.html", "app/templates/practice/set.html",
    "app/templates/instructor/question_form.html", "app/templates/instructor/bank.html",
    "app/instructor/exam_forms.py", "app/instructor/authoring_forms.py", "app/practice/forms.py",
    "app/services/review.py", "app/domain/exams/blueprint.py", "app/api/exams.py", "app/i18n.py",
    "app/domain/statistics/items.py", "app/services/item_statistics.py",
]


def _translations() -> dict[str, str]:
    with PO.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def _bank_question(name: str) -> dict:
    """The first question of type ``name`` in the shipped bank."""
    for path in sorted((ROOT / "question_bank" / "crm").glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            if question["type"] == name:
                return question
    raise AssertionError(f"no {name} question in the bank")


def _overrides(web: TypeWeb, method: str) -> bool:
    return getattr(type(web), method) is not getattr(TypeWeb, method)


# --- every piece ------------------------------------------------------------------------------

def test_the_folders_are_the_registry():
    folders = {p.name for p in TYPES_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    assert folders == set(QUESTION_TYPES) == set(WEB_TYPES)


def test_one_label_and_one_short_label_per_type_all_translated():
    labels = [t.label for t in QUESTION_TYPES.values()]
    shorts = [t.short_label for t in QUESTION_TYPES.values()]
    assert len(set(labels)) == len(labels) and len(set(shorts)) == len(shorts)
    translated = _translations()
    for question_type in QUESTION_TYPES.values():
        assert question_type.label.endswith("题") and question_type.label.startswith(question_type.short_label)
        assert translated.get(question_type.label) and translated.get(question_type.short_label), question_type.name


@pytest.mark.parametrize("name", NAMES)
def test_every_type_has_every_piece(app, name):
    question_type = QUESTION_TYPES[name]
    web = WEB_TYPES[name]
    folder = TYPES_DIR / name
    # The pure half: its model, label, API schema words, interop names.
    assert question_type.model.model_fields["type"].default == name
    assert question_type.label and question_type.short_label
    assert question_type.response_example.startswith(f"{name} ")
    assert question_type.moodle_qtypes and all(q in moodle_xml.READERS for q in question_type.moodle_qtypes)
    assert question_type.moodle_qtypes[0] in moodle_xml_export.WRITERS
    if question_type.gift_kind is not None:
        assert question_type.gift_kind in gift.READERS and question_type.gift_kind in gift_export.WRITERS
    # The web half: its own class, in its own folder, overriding what every type must say.
    assert type(web).__module__ == f"app.question_types.{name}" and isinstance(web, TypeWeb)
    for method in ("describe_response", "read_form", "form_fields"):
        assert _overrides(web, method), (name, method)
    if question_type.practised:
        assert _overrides(web, "practice_response") and _overrides(web, "practice_fields"), name
    for template in TEMPLATES:
        assert (folder / template).is_file(), (name, template)
        app.jinja_env.get_template(web.template(template.removesuffix(".html")))
    # Its front-end module: registers itself under its name with read and apply, served by the app.
    script = web.script_file.read_text(encoding="utf-8")
    assert re.search(rf"types(\.{name}|\[\"{name}\"\])\s*=\s*\{{", script), name
    assert re.search(r"\bread:\s*function", script) and re.search(r"\bapply:\s*function", script)
    with app.test_request_context():
        from app.question_types import script_urls

        url = next(u for u in script_urls() if u.endswith(f"/{name}.js"))
    with app.test_client().get(url) as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.get_data(as_text=True) == script


@pytest.mark.parametrize("name", NAMES)
def test_editor_fields_round_trip_and_practice_fields_earn_full_marks(name):
    from app.instructor.authoring_forms import parse_form

    question = _bank_question(name)
    fields = form_fields(question, "ch01")
    parsed = parse_form(fields, name, question["id"])
    assert parsed.ok, parsed.errors
    assert {k: v for k, v in parsed.data.items() if k in question} == \
        {k: v for k, v in question.items() if k in parsed.data}
    web = WEB_TYPES[name]
    if QUESTION_TYPES[name].practised:
        posted = MultiDict()
        for key, value in web.practice_fields(question, key_response(question)).items():
            for item in value if isinstance(value, list) else [value]:
                posted.add(key, item)
        result = grade(question, web.practice_response(question, posted))
        assert result.correct and result.score == result.max_score
    assert isinstance(web.describe_response(question, key_response(question)), str)


@pytest.mark.parametrize("name", ["fill_blank", "matching", "ordering"])
def test_review_parts_mark_each_part_as_scored(name):
    question = _bank_question(name)
    key = key_response(question)
    assert all(p["ok"] for p in review_parts(question, key))
    unanswered = review_parts(question, None)
    assert unanswered and not any(p["ok"] or p["given"] for p in unanswered)
    wrong = {"fill_blank": ["完全不对"] * len(key), "ordering": list(reversed(key)),
             "matching": {left: "不存在的右项" for left in key}}[name]
    if name == "matching":  # an unknown choice is unreadable: shown as unanswered, all wrong
        wrong = {left: list(key.values())[(i + 1) % len(key)] for i, left in enumerate(key)}
    parts = review_parts(question, wrong)
    assert not all(p["ok"] for p in parts)
    result = grade(question, wrong)
    assert (result.score == result.max_score) == all(p["ok"] for p in parts)


def test_pages_and_modules_no_longer_list_the_types():
    found = {}
    for relative in NO_TYPE_NAMES:
        text = (ROOT / relative).read_text(encoding="utf-8")
        named = [n for n in NAMES if re.search(rf"[\"']{n}[\"']", text)]
        if named:
            found[relative] = named
    assert found == {}


def test_a_template_for_an_unknown_type_is_no_500(app):
    from app.question_types import web_type

    assert web_type("ninth") is None and web_type(None) is None
    assert app.test_client().get("/static/qtypes/ninth.js").status_code == 404
    assert app.test_client().get("/static/qtypes/forms.js").status_code == 404


# --- every type in every mode, in both languages ------------------------------------------------

def _type_msgids() -> set[str]:
    """Every msgid written in the type folders (templates and Python) and every label."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map = [("**.html", "jinja2"), ("**.py", "python")]
    found = {m if isinstance(m, str) else m[0]
             for _f, _l, m, _c, _ctx in extract_from_dir(str(TYPES_DIR), method_map, keywords=DEFAULT_KEYWORDS)}
    return found | {t.label for t in QUESTION_TYPES.values()} | {t.short_label for t in QUESTION_TYPES.values()}


def _section(page: str, name: str) -> str:
    found = re.search(rf'<section class="card mb-3 exam-question"[^>]*data-type="{name}".*?</section>', page, re.S)
    assert found, name
    return found.group(0)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_type_renders_in_every_mode(app, client, auth, users, mini_bank, exam_factory, lookups, locale):
    english = locale == "en"
    exam_id = exam_factory(shuffle_options=True)
    pages: dict[str, str] = {}

    def get(url: str, expect: int = 200) -> str:
        response = client.get(url)
        assert response.status_code == expect, (url, response.status_code)
        return response.get_data(as_text=True)

    def set_locale():
        with client.session_transaction() as session:
            session["locale"] = locale

    # Exam input: the paper holds every type; each section has its type's inputs.
    auth.login("student")
    set_locale()
    started = client.post(f"/exams/{exam_id}/start")
    attempt_url = started.headers["Location"]
    pages["exam"] = exam_page = get(attempt_url)
    for name in NAMES:
        section = _section(exam_page, name)
        assert "answer-input" in section or "ordering-list" in section, name
    scripts = re.findall(r'<script src="([^"]+)"', exam_page)
    assert [s for s in scripts if "/qtypes/" in s] == [f"/static/qtypes/{n}.js" for n in NAMES]
    assert scripts.index("/static/js/exam.js") > max(scripts.index(f"/static/qtypes/{n}.js") for n in NAMES)

    # Review (student, then the teacher's view of the attempt): every type's row.
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        parts = 0
        for item in db.session.scalars(db.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)):
            client.put(f"/api/v1/attempts/{attempt.id}/answers/{item.qid}",
                       json={"response": key_response(item.version.data)})
            parts += len(review_parts(item.version.data, None) or [])
        attempt_id = attempt.id
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    pages["review"] = review = get(f"/exams/attempts/{attempt_id}/review")
    auth.logout()
    auth.login("teacher")
    set_locale()
    pages["teacher-review"] = teacher_review = get(f"/exams/attempts/{attempt_id}/review")
    for page in (review, teacher_review):
        # Every item answered with its key: right everywhere, the essay waiting for its grade.
        assert page.count("student-response") == 9
        assert page.count('class="card mb-3 border-success"') == 8 and page.count("border-info") == 1
        choice_items = sum(1 for n in NAMES if QUESTION_TYPES[n].choices) + 1  # two single items
        assert page.count('class="list-unstyled mb-3 review-options"') == choice_items
        # Blanks, pairs and places each beside the key, all right.
        assert parts and page.count('class="review-part" data-ok="true"') == parts
        assert 'data-ok="false"' not in page
    auth.logout()

    # Practice input and feedback for every practised type, one set each.
    auth.login("student")
    set_locale()
    from app.domain.practice import PracticeSet

    with app.app_context():
        questions = {q.type: q for q in db.session.scalars(db.select(Question).order_by(Question.qid))}
        student_id = users["student"]  # make_user gives the id
        data = {name: dict(q.data) for name, q in questions.items()}
        qids = {name: q.qid for name, q in questions.items()}
    for name in NAMES:
        if not QUESTION_TYPES[name].practised:
            continue
        practice_set = PracticeSet(user_id=student_id, mode="new", qids=(qids[name],))
        with client.session_transaction() as session:
            session["practice_sets"] = [["crm", practice_set.to_dict()]]
        pages[f"practice-{name}"] = page = get("/practice/crm/")
        fields = WEB_TYPES[name].practice_fields(data[name], key_response(data[name]))
        assert f'data-type="{name}"' in page and all(f'name="{field}"' in page for field in fields), name
        assert (QUESTION_TYPES[name].label in page) is not english, name  # the header names the type
        posted = client.post("/practice/answer", data={"scope": "crm", "qid": qids[name], **fields})
        assert posted.status_code == 302, (name, posted.get_data(as_text=True)[:2000])
        pages[f"feedback-{name}"] = feedback = get("/practice/crm/")
        assert 'id="feedback"' in feedback and "bi-check-circle-fill" in feedback, name
        if review_parts(data[name], None):
            assert feedback.count('class="review-part" data-ok="true"') == len(review_parts(data[name], None))
    auth.logout()

    # The editor: a new question's fields, a stored question's fields, and the live preview.
    auth.login("teacher")
    set_locale()
    for name in NAMES:
        pages[f"new-{name}"] = get(f"/instructor/bank/new?type={name}")
        pages[f"edit-{name}"] = edit = get(f"/instructor/bank/{qids[name]}/edit")
        assert 'id="answer-fields"' in edit
        fields = MultiDict([(key, value) for key, values in form_fields(data[name], questions[name].chapter).items()
                            for value in values])
        fields["type"] = name
        response = client.post("/instructor/bank/preview", data=fields)
        assert response.status_code == 200, name
        pages[f"preview-{name}"] = preview = response.get_data(as_text=True)
        assert f'data-type="{name}"' in preview, name

    # The type's own words come out in the page's language: looked up, translated in English, and
    # its label shown as the label (the Chinese one never leaks into the English pages).
    used = _type_msgids() & set(lookups)
    assert used, "no type template was rendered"
    if english:
        assert {m for m in used if not lookups[m]} == set()
        for name in NAMES:
            label = QUESTION_TYPES[name].label
            assert label not in pages[f"new-{name}"] and label not in pages[f"edit-{name}"], name
    else:
        for name in NAMES:
            assert QUESTION_TYPES[name].label in pages[f"edit-{name}"], name
