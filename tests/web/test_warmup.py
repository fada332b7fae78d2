"""Cache warm-up at worker boot (app/warmup.py, gunicorn.conf.py)."""

import runpy
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from app.services import rendering
from app.warmup import start_warming, warm
from tests.web.test_exams_api import login, start


def test_warming_renders_every_question_so_a_start_renders_nothing(app, client, exam_factory, mini_bank):
    exam_id = exam_factory()
    rendering.html.cache_clear()
    warmed = warm(app)
    assert warmed == sum(len(qids) for qids in mini_bank.values())
    misses = rendering.html.cache_info().misses
    assert misses > warmed  # stems and options
    body = start(client, login(client), exam_id)
    assert len(body["questions"]) == 9 and all(q["stem_html"] for q in body["questions"])
    assert rendering.html.cache_info().misses == misses  # the start found every text rendered


def test_warming_in_the_background_finishes_and_ignores_other_apps(app, mini_bank):
    rendering.html.cache_clear()
    thread = start_warming(app)
    thread.join(30)
    assert not thread.is_alive() and rendering.html.cache_info().currsize > 0
    assert start_warming(Flask("bare")) is None
    assert start_warming(object()) is None


def test_gunicorn_hook_warms_the_worker_app(app, mini_bank):
    hooks = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    rendering.html.cache_clear()
    hooks["post_worker_init"](SimpleNamespace(wsgi=app))
    for _ in range(300):
        if rendering.html.cache_info().currsize:
            break
        import time

        time.sleep(0.1)
    assert rendering.html.cache_info().currsize > 0


def test_warming_an_empty_database_is_harmless(app):
    assert warm(app) == 0
