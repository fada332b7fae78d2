"""The autosave fast path (app/services/autosave.py): one lookup, group commit, same answers as the full path."""

import threading
import time

import pytest

from app.extensions import db
from app.models import Attempt, AttemptItem, User
from app.models.base import utcnow
from app.services import autosave
from tests.conftest import recorded_statements
from tests.web.test_exams_api import login, start


def _stored(app, attempt_id):
    with app.app_context():
        return {i.qid: (i.seq, i.response) for i in
                db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id))}


def _essay(body):
    return next(q for q in body["questions"] if q["type"] == "essay")


def test_a_save_is_one_lookup_and_one_update(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{_essay(body)['id']}"
    with recorded_statements(app) as recorded:
        response = client.put(url, json={"response": "以客户为中心", "seq": 1}, headers=headers)
    statements = [s for s in recorded
                  if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"))]
    assert response.status_code == 200 and response.get_json()["stale"] is False
    assert len(statements) == 2, statements
    assert statements[0].lstrip().upper().startswith("SELECT") and statements[1].lstrip().upper().startswith("UPDATE")
    assert _stored(app, body["attempt_id"])[_essay(body)["id"]] == (1, "以客户为中心")


def test_a_deactivated_account_cannot_save_with_its_old_session(app, client, exam_factory, users):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = _essay(body)["id"]
    with app.app_context():
        db.session.get(User, users["student"]).active = False
        db.session.commit()
    response = client.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": "x", "seq": 1},
                          headers=headers)
    assert response.status_code == 401
    assert _stored(app, body["attempt_id"])[qid] == (0, None)


def test_without_a_session_a_save_is_401_before_the_body_is_read(client, exam_factory):
    exam_factory()
    response = client.put("/api/v1/attempts/1/answers/x", data="not json", content_type="application/json")
    assert response.status_code == 401 and "登录" in response.get_json()["error"]


def test_an_instructor_cannot_save_into_a_students_attempt(app, client, exam_factory):
    exam_id = exam_factory()
    body = start(client, login(client), exam_id)
    teacher = app.test_client()
    headers = login(teacher, "teacher")
    qid = _essay(body)["id"]
    response = teacher.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": "代答", "seq": 9},
                           headers=headers)
    assert response.status_code == 404
    assert _stored(app, body["attempt_id"])[qid] == (0, None)


def test_ownership_is_checked_before_the_exam_room(app, client, exam_factory):
    # check_save's order on the full path: another user's attempt is refused as such, before the
    # room rules (here: another device) are even consulted.
    exam_id = exam_factory(single_device=True)
    body = start(client, login(client), exam_id)
    teacher = app.test_client()
    headers = login(teacher, "teacher")
    qid = _essay(body)["id"]
    response = teacher.put(f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}", json={"response": "代答", "seq": 9},
                           headers=headers)
    assert response.status_code == 404 and response.get_json()["error"] == "只能修改自己的答卷"
    assert _stored(app, body["attempt_id"])[qid] == (0, None)


def test_seq_omitted_counts_up_from_the_stored_one(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    qid = _essay(body)["id"]
    url = f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"
    assert client.put(url, json={"response": "一", "seq": 4}, headers=headers).get_json()["seq"] == 4
    assert client.put(url, json={"response": "二", "flagged": True}, headers=headers).get_json()["seq"] == 5
    with app.app_context():
        item = db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"], qid=qid))
        assert (item.seq, item.response, item.flagged) == (5, "二", True)
        assert item.saved_at is not None and abs((utcnow() - item.saved_at).total_seconds()) < 60


def queue_behind_held_turn(app, committer, writes):
    """Start one thread per write (a save or a submit) while a commit is in progress, wait until all
    are queued, then end that commit as a leader does: the lead passes to the oldest queued."""
    results, errors = {}, {}

    def run(index, write):
        with app.app_context():
            try:
                results[index] = committer.save(write)
            except Exception as exc:  # noqa: BLE001 - reported to the test
                errors[index] = exc

    # A commit in progress: the saves below queue behind it, then the lead passes to the oldest.
    held = autosave.PendingSave(0, 0, {})
    with committer._lock:
        committer._busy = True
        committer._queue.append(held)
    threads = [threading.Thread(target=run, args=(n, w)) for n, w in enumerate(writes)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(committer._queue) < len(writes) + 1 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(committer._queue) == len(writes) + 1
    with committer._lock:  # the held "commit" ends: hand the lead on as a leader does
        committer._queue.remove(held)
        committer._queue[0].wake.set()
    for thread in threads:
        thread.join(10)
    assert not committer._busy and committer._queue == []
    return results, errors


def _writes_for(app, attempt_id, responses):
    with app.app_context():
        items = db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=attempt_id)
                                   .order_by(AttemptItem.position)).all()
        now = utcnow()
        return [autosave.PendingSave(attempt_id, item.id, {"response": response, "seq": 1, "saved_at": now})
                for item, response in zip(items, responses)]


def test_saves_queued_during_a_commit_share_the_next_one(app, client, exam_factory):
    exam_id = exam_factory()
    body = start(client, login(client), exam_id)
    committer = autosave.SaveCommitter()
    writes = _writes_for(app, body["attempt_id"], [f"答案{n}" for n in range(6)])
    results, errors = queue_behind_held_turn(app, committer, writes)
    assert errors == {} and all(results[n] for n in range(6))
    assert (committer.commits, committer.writes) == (1, 6)  # six saves, one durable commit
    stored = _stored(app, body["attempt_id"])
    with app.app_context():
        ids = {i.id: i.qid for i in db.session.scalars(db.select(AttemptItem).filter_by(attempt_id=body["attempt_id"]))}
    for n, write in enumerate(writes):
        assert stored[ids[write.item_id]] == (1, f"答案{n}")


def test_one_bad_save_in_a_batch_fails_alone(app, client, exam_factory):
    exam_id = exam_factory()
    body = start(client, login(client), exam_id)
    committer = autosave.SaveCommitter()
    writes = _writes_for(app, body["attempt_id"], ["甲", {"not": {1, 2}}, "丙"])  # a set is not JSON
    results, errors = queue_behind_held_turn(app, committer, writes)
    assert set(errors) == {1} and results == {0: True, 2: True}
    stored = _stored(app, body["attempt_id"])
    assert sorted(r for _s, r in stored.values() if r is not None) == ["丙", "甲"]


def test_a_batch_never_writes_into_a_submitted_attempt(app, client, exam_factory):
    exam_id = exam_factory()
    headers = login(client)
    body = start(client, headers, exam_id)
    writes = _writes_for(app, body["attempt_id"], ["迟到的答案"])
    client.post(f"/api/v1/attempts/{body['attempt_id']}/submit", headers=headers)
    committer = autosave.SaveCommitter()
    results, errors = queue_behind_held_turn(app, committer, writes)
    assert errors == {} and results == {0: False}
    assert all(r is None for _s, r in _stored(app, body["attempt_id"]).values())


@pytest.mark.slow
def test_concurrent_students_lose_no_acknowledged_save(app, exam_factory):
    """Many threads saving at once through the app: every acknowledged answer is stored."""
    from tests.conftest import make_user

    exam_id = exam_factory()
    clients = []
    for n in range(6):
        name = f"load{n}"
        make_user(app, name)
        with app.app_context():
            from app.services.classes import add_member, get_or_create_class

            add_member(get_or_create_class("一班", None), db.session.scalar(db.select(User).filter_by(username=name)))
            db.session.commit()
        c = app.test_client()
        headers = login(c, name)
        clients.append((c, headers, start(c, headers, exam_id)))
    acked, failures = {}, []

    def student(c, headers, body):
        qid = _essay(body)["id"]
        url = f"/api/v1/attempts/{body['attempt_id']}/answers/{qid}"
        for seq in range(1, 16):
            response = c.put(url, json={"response": f"第{seq}稿", "seq": seq}, headers=headers)
            if response.status_code == 200 and not response.get_json()["stale"]:
                acked[body["attempt_id"]] = (qid, seq)
            elif response.status_code != 200:
                failures.append(response.status_code)

    threads = [threading.Thread(target=student, args=entry) for entry in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == [] and len(acked) == 6
    for attempt_id, (qid, seq) in acked.items():
        assert _stored(app, attempt_id)[qid] == (seq, f"第{seq}稿")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 6


def test_the_dbapi_lookup_reads_the_same_typed_row_as_core(app, client, exam_factory):
    # The fast path runs its statements on the DBAPI cursor (app.dbapi) unless the engine is traced;
    # both must give the same values with the same types (datetimes, booleans, JSON).
    from app import dbapi

    exam_id = exam_factory(allowed_networks=["10.0.0.0/8"])
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    headers = login(client)
    client.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    body = start(client, headers, exam_id)
    params = {"attempt_id": body["attempt_id"], "qid": _essay(body)["id"]}
    with app.app_context():
        assert not dbapi.traced(db.engine)
        with dbapi.connection(db.engine, write=False) as target:
            assert isinstance(target, tuple)  # (cursor, dialect): no Core connection
            raw = autosave._LOOKUP.first(target, params)
        with db.engine.connect() as connection:
            core = connection.execute(autosave._LOOKUP.clause, params).first()
    assert tuple(raw) == tuple(core) and raw._fields == tuple(core._fields)
    assert [type(v) for v in raw] == [type(v) for v in core]
    assert raw.allowed_networks == ["10.0.0.0/8"] and raw.active is True and raw.deadline is not None


def test_a_traced_engine_sees_the_fast_paths_statements_through_core(app):
    from app import dbapi

    with app.app_context():
        assert not dbapi.traced(db.engine)
    with recorded_statements(app):
        with app.app_context():
            assert dbapi.traced(db.engine)
            with dbapi.connection(db.engine, write=False) as target:
                assert not isinstance(target, tuple)
    with app.app_context():
        assert not dbapi.traced(db.engine)


def test_a_failed_batch_write_leaves_nothing_behind_and_the_connection_usable(app, client, exam_factory):
    exam_id = exam_factory()
    body = start(client, login(client), exam_id)
    committer = autosave.SaveCommitter()
    writes = _writes_for(app, body["attempt_id"], ["一", {"bad": {1}}])  # the second cannot be JSON
    with app.app_context():
        with pytest.raises(TypeError):
            committer._run(writes)  # one transaction: the first save is rolled back with it
    assert all(r is None for _s, r in _stored(app, body["attempt_id"]).values())
    with app.app_context():
        committer._run(writes[:1])
    assert "一" in [r for _s, r in _stored(app, body["attempt_id"]).values()]
