"""One home per question type: everything about a type that is not its pure domain model.

Modelled on CTFd's challenge-type plugins (a class naming its templates and scripts) and
PrairieLearn's element folders (``pl-multiple-choice/`` with its ``.py``, ``.mustache`` and
``.js``). The pure part of a type — schema, grader, label, student view, interop names — is its
class in ``app/domain/questions/`` (registered in ``registry.py``, Flask-free). Everything the web
needs lives in this package's folder of the same name::

    app/question_types/<type>/
        __init__.py    class Web(TypeWeb): practice form → response, describe_response,
                       editor form ↔ question data
        exam.html      the exam page's inputs (included by exams/_question.html; also the
                       editor's preview, which is the exam block)
        practice.html  the practice page's inputs (a plain form that works without script)
        review.html    what review and practice feedback show of the response beside the key
        form.html      the editor's answer fields
        <type>.js      the exam page's behaviour: read and apply a response (exam.js calls it)

Folders are found by the registry's names, so a ninth type is one domain class, one registry
line and one folder here. ``tests/web/test_question_types.py`` fails when any piece is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path

from flask import Blueprint, Flask, abort, has_request_context, request, send_from_directory, url_for
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup

from ..domain.questions import QUESTION_TYPES, QuestionType, get_question_type
from .forms import AnswerFormError, Fields, FormData, ParsedForm

TYPES_DIR = Path(__file__).resolve().parent
TEMPLATE_PREFIX = "qtypes"  # templates are named qtypes/<type>/<file>
MODES = ("exam", "practice", "review", "form")  # each a template <mode>.html in the type's folder
TEMPLATES = tuple(f"{mode}.html" for mode in MODES)


class TypeWeb:
    """The web side of one question type; each folder's ``Web`` subclasses it."""

    name: str = ""
    # Responses and keys are bank or student text (user content, ``lang="zh"`` in English pages);
    # a type whose response reads as interface words (true/false: 正确/错误) sets it to False.
    answer_is_content: bool = True
    # What the editor adds to the stem's help (an N_-marked msgid), e.g. how to write a blank.
    stem_hint: str = ""

    @property
    def domain(self) -> QuestionType:
        """The type's pure half (schema, grader, label)."""
        return QUESTION_TYPES[self.name]

    def template(self, mode: str) -> str:
        """The Jinja name of this type's template for ``mode`` (one of MODES)."""
        return f"{TEMPLATE_PREFIX}/{self.name}/{mode}.html"

    @property
    def script_file(self) -> Path:
        """The exam page's module for this type."""
        return TYPES_DIR / self.name / f"{self.name}.js"

    # -- answering -----------------------------------------------------------------------

    def practice_response(self, data: Mapping, form: FormData) -> object:
        """The response given in the practice ``form`` to question ``data``; AnswerFormError if none."""
        raise AnswerFormError(_("该题型不在练习中作答。"))

    def practice_fields(self, data: Mapping, response: object) -> dict[str, object]:
        """The practice form's fields that give ``response`` (the inverse of practice_response)."""
        return {}

    def practice_extras(self, data: Mapping, view: Mapping) -> dict:
        """What the practice page's payload adds for this type, from the question and its student view."""
        return {}

    def describe_response(self, data: Mapping, response: object) -> str:
        """A response (already known not to be empty) as readable text for review and grading."""
        return str(response)

    def answer_text(self, data: Mapping, view: Mapping) -> str:
        """The key as review shows it, from the domain's ``answer_view``; labels in the reader's language."""
        return str(view.get("display", ""))

    # -- the editor ----------------------------------------------------------------------

    def read_form(self, form: FormData, parsed: ParsedForm) -> None:
        """Read this type's editor fields into ``parsed.data``, recording problems on ``parsed``."""

    def form_fields(self, data: Mapping, fields: Fields) -> None:
        """Put this type's editor fields for stored question ``data`` into ``fields``."""


def _load(name: str) -> TypeWeb:
    module = importlib.import_module(f"{__name__}.{name}")
    web = module.Web()
    web.name = name
    return web


WEB_TYPES: dict[str, TypeWeb] = {name: _load(name) for name in QUESTION_TYPES}


def web_type(name: object) -> TypeWeb | None:
    """The web half of the registered type called ``name``, or None."""
    return WEB_TYPES.get(name) if isinstance(name, str) else None


def type_label(name: object, short: bool = False) -> str:
    """The type's one label (or short label) in the current language; the name itself if unknown."""
    question_type = get_question_type(name)
    if question_type is None:
        return str(name or "")
    return _(question_type.short_label if short else question_type.label)


def answer_lang(name: object) -> Markup:
    """`` lang="zh"`` for the element showing a response or key of type ``name`` when that text is
    user content (docs/translations.md), else nothing."""
    web = web_type(name)
    return Markup(' lang="zh"') if web is None or web.answer_is_content else Markup("")


def script_urls() -> list[str]:
    """The exam page's per-type modules, to load before static/js/exam.js."""
    return [url_for("question_types.script", name=name) for name in WEB_TYPES]


_SCRIPT_TAGS: dict[str, Markup] = {}  # by the request's script root: the same on every exam page


def script_tags() -> Markup:
    """``<script>`` elements for :func:`script_urls`, built once (the exam page is a hot path)."""
    root = request.script_root if has_request_context() else ""
    tags = _SCRIPT_TAGS.get(root)
    if tags is None:
        tags = _SCRIPT_TAGS[root] = Markup("").join(
            Markup('<script src="{}"></script>\n').format(url) for url in script_urls())
    return tags


bp = Blueprint("question_types", __name__)


@bp.route("/static/qtypes/<name>.js")
def script(name: str):
    """A type's front-end module (only the registered ``<type>/<type>.js``, nothing else here)."""
    web = web_type(name)
    if web is None:
        abort(404)
    return send_from_directory(web.script_file.parent, web.script_file.name, mimetype="text/javascript")


def init_app(app: Flask) -> None:
    """Find the types' templates under ``qtypes/``, serve their scripts, give templates the labels."""
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader,
                                         PrefixLoader({TEMPLATE_PREFIX: FileSystemLoader(str(TYPES_DIR))})])
    app.register_blueprint(bp)
    app.add_template_global(type_label, "type_label")
    app.add_template_global(answer_lang, "answer_lang")
    app.add_template_global(script_tags, "question_type_scripts")
    app.add_template_global(web_type, "web_type")
