"""The English interface: a complete catalogue, kept placeholders, and main pages without untranslated strings."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# %(name)s-style and {name}-style placeholders, and the literal %% of strings that are always formatted.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%|\{\w*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh)


def _messages(catalog):
    return [m for m in catalog if m.id]


def _strings(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _untranslated(catalog) -> list:
    """Entries a reader would see in Chinese: an empty msgstr (any plural form) or a fuzzy one."""
    return [m.id for m in _messages(catalog) if not all(_strings(m.string)) or m.fuzzy]


def test_catalogue_has_no_empty_or_fuzzy_translation():
    assert _untranslated(_catalog()) == []


def test_the_untranslated_check_catches_empty_and_fuzzy_entries():
    po = io.BytesIO('''msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgid "已翻译"
msgstr "Translated"

msgid "未翻译"
msgstr ""

#, fuzzy
msgid "模糊"
msgstr "Fuzzy"
'''.encode())
    assert _untranslated(read_po(po)) == ["未翻译", "模糊"]


def test_catalogue_compiles_and_keeps_every_placeholder():
    catalog = _catalog()
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert len(buffer.getvalue()) > 1000
    for message in _messages(catalog):
        wanted = sorted(t for msgid in _strings(message.id) for t in PLACEHOLDER.findall(msgid))
        for translation in _strings(message.string):
            assert sorted(PLACEHOLDER.findall(translation)) == wanted, (message.id, translation)
            assert not CJK.search(translation) or _keeps_example(message.id, translation), (message.id, translation)


def _keeps_example(msgid: str, translation: str) -> bool:
    """Chinese in an English string is only allowed where the msgid shows it as an input example."""
    return all(chunk in msgid for chunk in re.findall(r"[\u4e00-\u9fff]+", translation))


def test_every_source_string_is_in_the_catalogue():
    """Strings added to templates or code since the last ``scripts/update_translations.sh`` fail here."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = dict(flask_babel_keywords())
    extracted = {(context, msgid if isinstance(msgid, str) else msgid[0])
                 for _file, _line, msgid, _comments, context in
                 extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)}
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _messages(_catalog())}
    assert sorted(extracted - known, key=str) == []


def test_domain_labels_shown_in_the_interface_are_in_the_catalogue():
    """Question type labels come from the Flask-free domain, so extraction cannot see them there."""
    from app.domain.questions import QUESTION_TYPES

    translated = {m.id: m.string for m in _messages(_catalog())}
    assert {t.label: bool(translated.get(t.label)) for t in QUESTION_TYPES.values()} == \
        {t.label: True for t in QUESTION_TYPES.values()}


def flask_babel_keywords():
    """Babel's default keywords plus the lazy ones the project uses (as in update_translations.sh)."""
    from babel.messages.extract import DEFAULT_KEYWORDS

    yield from DEFAULT_KEYWORDS.items()
    yield "_l", None
    yield "lazy_gettext", None


# --- pages in English -----------------------------------------------------------------------

def _english(client):
    response = client.post("/language", data={"locale": "en"})
    assert response.status_code == 302


def _chapter_slug() -> str:
    return sorted(p.stem for p in (ROOT / "courseware" / "crm").glob("ch*.md"))[0]


PAGES = [
    # (who, path, English strings the page must show)
    (None, "/", ["Log in to start learning", "Practice", "Exams", "Cases", "Lessons"]),
    (None, "/auth/login", ["Log in", "Username", "Password", "Interface language"]),
    ("student", "/lessons/crm/", ["Progress", "Chapter 1", "Log out"]),
    ("student", "/lessons/crm/{chapter}", ["In this chapter", "Learning objectives", "Mark as read",
                                            "Chapter navigation"]),
    ("student", "/practice/", ["Whole-course practice", "Mistake notebook", "Practice by chapter",
                               "Start practice"]),
    ("student", "/exams/", ["My exams", "No exams are assigned to you at the moment."]),
    ("student", "/cases/", ["My case assignments", "Free practice", "Practice with random data"]),
    ("teacher", "/instructor/bank", ["Question bank", "Single choice", "Essay", "Filter questions"]),
    ("teacher", "/instructor/", ["Instructor", "Manage classes and rosters", "Manage the question bank",
                                 "Manage exams"]),
    ("admin", "/admin/", ["Admin", "Accounts", "New account", "Search accounts"]),
]


@pytest.mark.parametrize("who,path,expected", PAGES, ids=[p[1] for p in PAGES])
def test_main_pages_in_english(client, auth, users, lookups, who, path, expected):
    _english(client)
    if who:
        assert auth.login(who).status_code == 302
    lookups.clear()
    response = client.get(path.format(chapter=_chapter_slug()))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en"' in page
    for text in expected:
        assert text in page, text
    assert lookups, "the page looked up no interface string"
    untranslated = sorted(msgid for msgid, found in lookups.items() if not found)
    assert untranslated == []


def test_login_page_in_english_has_no_chinese_but_the_language_name(client):
    _english(client)
    page = client.get("/auth/login").get_data(as_text=True)
    assert CJK.findall(page.replace("简体中文", "")) == []


def test_chinese_stays_the_default(client, lookups):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="zh-CN"' in page and "登录" in page and "Log in" not in page


def test_service_messages_reach_an_english_user_in_english(client, auth, users):
    """Messages composed in the service layer (exam definition checks) are translated, field names kept."""
    _english(client)
    auth.login("teacher")
    upload = io.BytesIO("titel: 期中测验\n".encode())
    response = client.post("/instructor/exams/upload", data={"definition": (upload, "exam.yaml")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Invalid exam definition" in page
    assert "Line 1 titel: unknown field (did you mean title?)" in page
    assert "考试定义无效" not in page and "不认识的字段" not in page


def test_api_errors_follow_the_chosen_language(client):
    _english(client)
    response = client.post("/api/v1/session", data="", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "The request body is empty: a JSON object is required."}


# --- full-width punctuation in Chinese ------------------------------------------------------

# A half-width , : ; ? ! ( ) touching a Chinese character (or Chinese punctuation and quotes).
_CHINESE = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u201c\u201d"
HALF_WIDTH_BY_CHINESE = re.compile(rf"[{_CHINESE}][,:;?!()]|[,:;?!()][{_CHINESE}]")
# Input syntax shown inside a Chinese sentence keeps the ASCII characters the user must type;
# formulas (the case graders' hints) keep their ASCII parentheses.
SYNTAX_EXAMPLES = ("“题号:分值”", "“案例编号:分值”", "字段: 值", "{行编号: 值}", "{列名: 值}", "“: ”", "“:”",
                   "{A: 文本, B: 文本}", "{左项: 右项, …}", "[运营型, 操作型]", "[客户价值, 计算]", "[干扰项一, 干扰项二]",
                   "(1+d)^(t−1)", "r^(t−1)")


def _half_width_spots(text: str) -> list[str]:
    for example in SYNTAX_EXAMPLES:
        text = text.replace(example, "")
    return [text[max(0, m.start() - 12):m.end() + 12] for m in HALF_WIDTH_BY_CHINESE.finditer(text)]


def test_chinese_msgids_use_full_width_punctuation():
    bad = {msgid: spots for message in _messages(_catalog()) for msgid in _strings(message.id)
           if (spots := _half_width_spots(msgid))}
    assert bad == {}


def test_templates_use_full_width_punctuation_in_chinese():
    bad = {f"{path.relative_to(ROOT)}:{number}": spots
           for folder in ("templates", "question_types")  # each type's own templates live with the type
           for path in sorted((ROOT / "app" / folder).rglob("*.html"))
           for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
           if (spots := _half_width_spots(line))}
    assert bad == {}


def test_the_punctuation_check_catches_half_width_punctuation():
    assert _half_width_spots("欢迎,张晓明!") and _half_width_spots("(可选)") and _half_width_spots("“题目”,")
    assert not _half_width_spots("欢迎，张晓明！") and not _half_width_spots("Welcome, %(name)s!")
    assert not _half_width_spots("每行一个“题号:分值”")


# The modules whose messages a teacher reads in the editor, the import report and ``bank lint``
# (question validation, response formats, bank loading and lint): their Chinese source text takes
# full-width punctuation too, also where it is not (yet) a catalogue entry. Regular expressions are
# code, not text.
MESSAGE_MODULES = ("app/domain/questions", "app/domain/bank")
_REGEX = re.compile(r"\\[sdwS]|\(\?[:P<!=]")


def _half_width_in_source(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [f"{path.relative_to(root)}:{node.lineno}: {spot}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and not _REGEX.search(node.value) for spot in _half_width_spots(node.value)]


def test_bank_and_question_messages_use_full_width_punctuation_in_chinese():
    paths = [path for folder in MESSAGE_MODULES for path in sorted((ROOT / folder).glob("*.py"))]
    assert len(paths) > 10
    assert [spot for path in paths for spot in _half_width_in_source(path)] == []


def test_the_source_check_catches_a_half_width_message(tmp_path):
    module = tmp_path / "messages.py"
    module.write_text('"""说明(文档字符串不算)。"""\nimport re\nPATTERN = re.compile(r"(?:选项|答案)\\s*:")\n'
                      'def check(value):\n    return f"应为文本,实际是{value}"\n', encoding="utf-8")
    assert [spot.split(": ", 1)[0] for spot in _half_width_in_source(module, tmp_path)] == ["messages.py:5"]
