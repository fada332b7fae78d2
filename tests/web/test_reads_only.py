"""Work outside a request that only reads begins deferred (app.database.reads_only), so it never
takes SQLite's write lock: the hall's saves do not wait for a worker's warm-up or an instructor's
export, and that work does not wait for the hall's saves."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

import pytest

from app.database import begin_statement, reads_only
from app.extensions import db
from app.services import rendering
from app.warmup import warm


def test_reads_only_begins_deferred_inside_and_immediate_again_after():
    seen = []

    @reads_only
    def work(fail: bool):
        seen.append(begin_statement())
        if fail:
            raise RuntimeError("boom")
        return "done"

    assert begin_statement() == "BEGIN IMMEDIATE"  # outside a request, by default
    assert work(False) == "done" and seen == ["BEGIN"]
    assert begin_statement() == "BEGIN IMMEDIATE"
    with pytest.raises(RuntimeError):
        work(True)
    assert seen == ["BEGIN", "BEGIN"] and begin_statement() == "BEGIN IMMEDIATE"


@contextmanager
def another_writer(app):
    """Another connection holding SQLite's write lock (as a save being committed does)."""
    with app.app_context():
        path = db.engine.url.database
    connection = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE question SET active = active")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _exported_gift(folder):
    return (folder / "bank.gift").read_text(encoding="utf-8").count("::") >= 2


def _exported_yaml(folder):
    return bool(list((folder / "yaml" / "crm").glob("*.yaml")))


@pytest.mark.sqlite_only
@pytest.mark.parametrize("args, check", [
    (["exam", "list", "--json"], lambda folder, output: len(json.loads(output)) == 1),
    (["bank", "export", "--format", "gift", "-o", "{folder}/bank.gift"], lambda folder, _: _exported_gift(folder)),
    (["bank", "export-yaml", "-o", "{folder}/yaml"], lambda folder, _: _exported_yaml(folder)),
], ids=["exam list", "bank export", "bank export-yaml"])
def test_a_read_only_command_runs_while_another_connection_writes(app, exam_factory, tmp_path, args, check):
    exam_factory()
    runner = app.test_cli_runner()
    with another_writer(app):
        result = runner.invoke(args=[arg.format(folder=tmp_path) for arg in args])
    assert result.exit_code == 0, result.output
    assert check(tmp_path, result.output)


@pytest.mark.sqlite_only
def test_warming_runs_while_another_connection_writes(app, mini_bank):
    """A worker that boots mid-exam warms while the hall saves. Warming began IMMEDIATE outside a
    request and held the write lock while it rendered the whole bank, so every save of the hall
    queued behind a booting worker (past a client's 10 s on a loaded machine)."""
    rendering.html.cache_clear()
    with another_writer(app):
        assert warm(app) == sum(len(qids) for qids in mini_bank.values())
