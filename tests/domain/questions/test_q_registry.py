"""The registry of question types and the purity of the domain package."""

import json
import subprocess
import sys
from pathlib import Path

from app.domain.questions import QUESTION_TYPES, get_question_type, grade, validate_question
from app.domain.questions.registry import QUESTION_TYPES as REGISTRY
from q_samples import SINGLE

ROOT = Path(__file__).resolve().parents[3]


def test_registry_holds_every_documented_type():
    assert list(QUESTION_TYPES) == [
        "single", "multiple", "true_false", "ordering", "numeric", "fill_blank", "matching", "essay",
    ]  # fmt: skip
    for name, question_type in QUESTION_TYPES.items():
        assert question_type.name == name
        assert question_type.model.model_fields["type"].default == name
        assert question_type.label


def test_get_question_type():
    assert get_question_type("single") is QUESTION_TYPES["single"]
    assert get_question_type("singel") is None
    assert get_question_type(None) is None
    assert get_question_type(["single"]) is None


def test_a_removed_type_degrades_cleanly():
    saved = dict(REGISTRY)
    del REGISTRY["single"]
    try:
        result = grade(SINGLE, "B")
        assert result.score == 0
        assert "未知题型 'single'" in result.error
        assert not validate_question(SINGLE).ok
    finally:  # restore in place, keeping the registry's order
        REGISTRY.clear()
        REGISTRY.update(saved)


PURITY_CHECK = """
import importlib, json, pkgutil, sys, types
# Stand-in for the top-level package, so that app/__init__.py (which builds the Flask app)
# is not run: only what app.domain itself imports is measured.
app = types.ModuleType("app")
app.__path__ = [sys.argv[1] + "/app"]
sys.modules["app"] = app
import app.domain
for module in pkgutil.walk_packages(app.domain.__path__, "app.domain."):
    importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_domain_imports_no_web_or_database_library():
    output = subprocess.run(
        [sys.executable, "-c", PURITY_CHECK, str(ROOT)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    modules = json.loads(output)
    assert "app.domain.questions.registry" in modules
    assert "app.domain.bank.loader" in modules
    forbidden = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "flask_login", "flask_wtf"}
    assert not [name for name in modules if name.split(".")[0] in forbidden]
