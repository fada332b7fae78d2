"""Practice through the test client: feedback, the notebook, modes, mastery, access, bad posts."""

import html as html_lib
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import func, select, update

from app import create_app
from app.domain.practice import PracticeSet
from app.domain.questions import key_response
from app.extensions import db
from app.models import NotebookEntry, PracticeAnswer, Question
from app.services import practice as svc
from app.services.bank import sync_bank
from app.services.rendering import html

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p.stem for p in (ROOT / "courseware" / "crm").glob("ch*.md"))
CH5 = "ch05-customer-value"
PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def bank_db(tmp_path_factory):
    """A SQLite file holding the synced bank, copied for each test (a sync takes seconds)."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("bank") / "bank.db"
    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with application.app_context():
        db.create_all()
        sync_bank("crm")
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def app_config(app_config, bank_db, tmp_path):
    if bank_db is not None:
        shutil.copy(bank_db, tmp_path / "with-bank.db")
        app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'with-bank.db'}"
    return app_config


@pytest.fixture
def bank(app):
    """The real question bank (already there on SQLite; synced now on PostgreSQL)."""
    if PG_URL:
        with app.app_context():
            sync_bank("crm")


def qdata(app, qid):
    with app.app_context():
        return dict(db.session.scalar(select(Question).where(Question.qid == qid)).data)


def qids_of(app, chapter=CH5, qtype=None):
    with app.app_context():
        stmt = select(Question.qid).where(Question.chapter == chapter, Question.type != "essay")
        if qtype:
            stmt = stmt.where(Question.type == qtype)
        return list(db.session.scalars(stmt.order_by(Question.qid)))


def user_id(app, username="student"):
    from app.models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def put_set(client, app, qids, scope=f"crm/{CH5}", username="student", mode="new"):
    """Give the logged-in student a set of known questions (as the start form would)."""
    practice_set = PracticeSet(user_id=user_id(app, username), mode=mode, qids=tuple(qids))
    with client.session_transaction() as session:
        session["practice_sets"] = [[scope, practice_set.to_dict()]]


def current_qid(page: str) -> str | None:
    found = re.search(r'name="qid" value="([^"]+)"', page)
    return found.group(1) if found else None


def form_fields(data, response):
    """The answer form's fields that give ``response`` to the question ``data``."""
    qtype = data["type"]
    if qtype == "true_false":
        return {"answer": "true" if response else "false"}
    if qtype in ("single", "multiple", "numeric"):
        return {"answer": response if qtype == "multiple" else str(response)}
    if qtype == "ordering":
        return {f"order-{key}": str(n) for n, key in enumerate(response, start=1)}
    if qtype == "fill_blank":
        return {f"blank-{i}": text for i, text in enumerate(response)}
    lefts = list(data["answer"]["pairs"])
    return {f"match-{lefts.index(left)}": right for left, right in response.items()}


def wrong_response(data):
    """A response that scores nothing."""
    key = key_response(data)
    qtype = data["type"]
    if qtype == "true_false":
        return not key
    if qtype == "single":
        return next(k for k in data["options"] if k != key)
    if qtype == "multiple":
        return [next(k for k in data["options"] if k not in key)]
    if qtype == "ordering":
        return list(reversed(key))
    if qtype == "numeric":
        return str(key * 3 + 977)
    if qtype == "fill_blank":
        return ["完全不对的答案"] * len(key)
    rights = list(key.values())
    return {left: rights[(i + 1) % len(rights)] for i, left in enumerate(key)}


def post_answer(client, qid, fields, scope=f"crm/{CH5}"):
    return client.post("/practice/answer", data={"scope": scope, "qid": qid, **fields})


def answer_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PracticeAnswer))


# --- access -------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("get", "/practice/"), ("get", "/practice/notebook"), ("get", f"/practice/crm/{CH5}"),
    ("get", "/practice/crm/"), ("get", "/practice/notebook/review"), ("post", "/practice/answer"),
    ("post", "/practice/start"), ("post", "/practice/next"),
])
def test_anonymous_is_sent_to_login(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("slug", CHAPTERS)
def test_every_chapter_practice_page_shows_a_question(client, auth, users, bank, slug):
    auth.login()
    response = client.get(f"/practice/crm/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert current_qid(page).startswith(slug[:4])
    assert "第 1 / 10 题" in page


def test_chapter_practice_without_questions_still_answers(app, client, auth, users, bank):
    with app.app_context():
        db.session.execute(update(Question).values(active=False))
        db.session.commit()
    auth.login()
    response = client.get(f"/practice/crm/{CH5}")
    assert response.status_code == 200
    assert "这里还没有可练习的题目" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/practice/crm/ch99-nothing", "/practice/nocourse/ch01-crm-overview",
                                  "/practice/nocourse/"])
def test_unknown_chapter_or_course_is_404(client, auth, users, bank, path):
    auth.login()
    assert client.get(path).status_code == 404


def test_practice_home_lists_chapters_and_notebook(client, auth, users, bank):
    auth.login()
    page = client.get("/practice/").get_data(as_text=True)
    for slug in CHAPTERS:
        assert f'data-chapter="{slug}"' in page
    assert "共 0 题，今天到期 0 题" in page
    assert "新题优先" in page and "薄弱优先" in page


# --- answering ----------------------------------------------------------------------------

@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank",
                                   "matching"])
def test_right_answer_gets_feedback_and_explanation(app, client, auth, users, bank, qtype):
    qid = qids_of(app, qtype=qtype)[0]
    data = qdata(app, qid)
    auth.login()
    put_set(client, app, [qid])
    page = client.get(f"/practice/crm/{CH5}").get_data(as_text=True)
    assert current_qid(page) == qid
    response = post_answer(client, qid, form_fields(data, key_response(data)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "回答正确" in page
    assert f"得分 {data.get('points', 1):g} / {data.get('points', 1):g}" in page
    assert html(data["explanation"]) in page
    assert f'href="/lessons/crm/{CH5}#{data["section"]}"' in page
    assert "下一题" not in page and "查看本组结果" in page
    with app.app_context():
        stored = db.session.scalar(select(PracticeAnswer))
        assert stored.correct and stored.chapter == CH5
        assert db.session.scalar(select(func.count()).select_from(NotebookEntry)) == 0


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank",
                                   "matching"])
def test_wrong_answer_shows_the_key_and_enters_the_notebook(app, client, auth, users, bank, qtype):
    qid = qids_of(app, qtype=qtype)[0]
    data = qdata(app, qid)
    auth.login()
    put_set(client, app, [qid, qids_of(app)[-1]])
    response = post_answer(client, qid, form_fields(data, wrong_response(data)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "回答错误" in page and "已记入错题本" in page
    from app.domain.questions import answer_view

    if qtype == "ordering":  # items carry no letters on the page: the key is their texts in order
        shown = " → ".join(data["options"][k] for k in data["answer"])
        assert f'id="right-answer">{escape(shown)}<' in page
    elif qtype == "fill_blank":  # the labels (第 1 空：) are the page's; the accepted forms the bank's
        assert all(escape(" / ".join(forms)) in page for forms in data["answer"])
    elif qtype == "numeric":
        from app.domain.questions.numeric import format_number

        assert f'id="right-answer">{format_number(data["answer"])}' in page
    else:
        assert html(answer_view(data)["display"]).removeprefix("<p>").removesuffix("</p>")[:10] in page
    assert html(data["explanation"]) in page
    assert "下一题" in page
    with app.app_context():
        entry = db.session.scalar(select(NotebookEntry))
        assert entry.box == 1 and entry.misses == 1 and entry.cleared_at is None
        assert entry.due_on == svc.local_today() + timedelta(days=1)
    notebook = client.get("/practice/notebook").get_data(as_text=True)
    assert f'data-qid="{qid}"' in notebook
    assert "共 1 题，今天到期 0 题" in notebook


def test_key_is_never_shown_before_the_answer(app, client, auth, users, bank):
    auth.login()
    page = client.get(f"/practice/crm/{CH5}").get_data(as_text=True)
    for _ in range(10):
        qid = current_qid(page)
        data = qdata(app, qid)
        assert html(data["explanation"]) not in page
        assert "正确答案" not in page and "解析" not in page
        response = client.post("/practice/next", data={"scope": f"crm/{CH5}", "qid": qid})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "本组练习完成" in page and "跳过 10 题" in page
    assert answer_count(app) == 0


def test_a_whole_set_ends_with_its_results(app, client, auth, users, bank):
    first, second = qids_of(app, qtype="single")[:2]
    auth.login()
    put_set(client, app, [first, second])
    data = qdata(app, first)
    post_answer(client, first, form_fields(data, key_response(data)))
    client.post("/practice/next", data={"scope": f"crm/{CH5}", "qid": first})
    data = qdata(app, second)
    post_answer(client, second, form_fields(data, wrong_response(data)))
    client.post("/practice/next", data={"scope": f"crm/{CH5}", "qid": second})
    page = client.get(f"/practice/crm/{CH5}").get_data(as_text=True)
    assert "本组练习完成" in page
    assert "答对 1 / 2 题，得分 1 / 2" in page


def test_answering_twice_stores_one_answer(app, client, auth, users, bank):
    qid = qids_of(app, qtype="single")[0]
    data = qdata(app, qid)
    auth.login()
    put_set(client, app, [qid])
    post_answer(client, qid, form_fields(data, key_response(data)))
    again = post_answer(client, qid, form_fields(data, wrong_response(data)))
    assert again.status_code == 302
    assert answer_count(app) == 1


# --- malformed posts ----------------------------------------------------------------------

BAD_POSTS = [
    ("single", lambda q, d: {"qid": q}, "请选择一个选项"),
    ("single", lambda q, d: {"qid": q, "answer": "Z"}, "未知选项 'Z'"),
    ("single", lambda q, d: {"answer": "A"}, "缺少题目编号"),
    ("single", lambda q, d: {"qid": "ch01-q001", "answer": "A"}, "不是本组练习的当前题目"),
    ("multiple", lambda q, d: {"qid": q, "answer": ["A", "Q"]}, "未知选项 'Q'"),
    ("true_false", lambda q, d: {"qid": q, "answer": "maybe"}, "应为 true 或 false"),
    ("ordering", lambda q, d: {"qid": q, **{f"order-{k}": "1" for k in d["options"]}}, "用了不止一次"),
    ("ordering", lambda q, d: {"qid": q}, "请为每一项填写顺序号"),
    ("ordering", lambda q, d: {"qid": q, **{f"order-{k}": "x" for k in d["options"]}}, "应为 1 到"),
    ("numeric", lambda q, d: {"qid": q, "answer": "很多"}, "答案格式不正确"),
    ("numeric", lambda q, d: {"qid": q}, "请输入数值"),
    ("fill_blank", lambda q, d: {"qid": q}, "请至少填写一个空"),
    ("matching", lambda q, d: {"qid": q, "match-0": "不存在的右项"}, "不是可选的右项"),
    ("matching", lambda q, d: {"qid": q}, "请为左侧各项选择对应的右项"),
]


@pytest.mark.parametrize("qtype,make,message", BAD_POSTS)
def test_malformed_answers_get_a_clear_message(app, client, auth, users, bank, qtype, make, message):
    qid = qids_of(app, qtype=qtype)[0]
    auth.login()
    put_set(client, app, [qid])
    response = client.post("/practice/answer", data={"scope": f"crm/{CH5}", **make(qid, qdata(app, qid))})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in html_lib.unescape(page)
    assert current_qid(page) == qid  # the question is shown again, unanswered
    assert answer_count(app) == 0


@pytest.mark.parametrize("scope", [None, "", "crm/ch99-none", "../etc", "nocourse"])
def test_bad_scope_is_refused(app, client, auth, users, bank, scope):
    auth.login()
    data = {"qid": "ch05-q001", "answer": "A"} | ({"scope": scope} if scope is not None else {})
    response = client.post("/practice/answer", data=data)
    assert response.status_code == 400
    assert "练习范围无效" in response.get_data(as_text=True)
    assert answer_count(app) == 0


def test_bad_start_forms_are_refused(client, auth, users, bank):
    auth.login()
    for data, message in [({"scope": "crm", "mode": "fast"}, "出题方式无效"),
                          ({"scope": "crm", "mode": "new", "count": "500"}, "题数应在 1 到 30 之间"),
                          ({"scope": "crm", "mode": "new", "count": "十"}, "题数：不是有效的整数"),
                          ({"scope": "crm/ch99", "mode": "new"}, "练习范围无效"),
                          ({"mode": "new"}, "练习范围无效")]:
        response = client.post("/practice/start", data=data)
        assert response.status_code == 302 and response.headers["Location"] == "/practice/"
        assert message in client.get("/practice/").get_data(as_text=True)
    assert client.get("/practice/crm/").status_code == 200  # nothing was started: a default set


# --- modes --------------------------------------------------------------------------------

def start(client, scope, mode, count):
    response = client.post("/practice/start", data={"scope": scope, "mode": mode, "count": str(count)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def walk(client, url, n):
    """The question ids of the set at ``url``, skipping through it."""
    seen = []
    scope = url.split("/practice/", 1)[1].rstrip("/")
    for _ in range(n):
        qid = current_qid(client.get(url).get_data(as_text=True))
        seen.append(qid)
        client.post("/practice/next", data={"scope": scope, "qid": qid})
    return seen


def test_weak_points_first_puts_missed_questions_first(app, client, auth, users, bank):
    uid = user_id(app)
    singles = qids_of(app, qtype="single")
    once, twice, right = singles[:3]
    with app.app_context():
        for qid, responses in [(once, ["wrong"]), (twice, ["wrong", "wrong"]), (right, ["key"])]:
            data = qdata(app, qid)
            for kind in responses:
                svc.record_answer(uid, qid, key_response(data) if kind == "key" else wrong_response(data))
    auth.login()
    weak = walk(client, start(client, f"crm/{CH5}", "weak", 5), 5)
    assert weak[:2] == [twice, once]
    assert right not in weak  # always answered right: after every unanswered question
    new = walk(client, start(client, f"crm/{CH5}", "new", 5), 5)
    assert not {once, twice, right} & set(new)


def test_whole_course_practice_draws_from_every_chapter(app, client, auth, users, bank):
    auth.login()
    url = start(client, "crm", "new", 30)
    assert url.endswith("/practice/crm/")
    chapters = {qid[:4] for qid in walk(client, url, 30)}
    assert len(chapters) > 3


def test_due_review_draws_the_due_notebook_questions(app, client, auth, users, bank):
    uid = user_id(app)
    missed = qids_of(app, qtype="single")[:2]
    auth.login()
    response = client.post("/practice/start", data={"scope": "due", "mode": "due"}, follow_redirects=True)
    assert "今天没有到期的错题" in response.get_data(as_text=True)
    with app.app_context():
        yesterday = svc.local_today() - timedelta(days=1)
        svc.record_answer(uid, missed[0], wrong_response(qdata(app, missed[0])), today=yesterday)
        svc.record_answer(uid, missed[1], wrong_response(qdata(app, missed[1])))  # due tomorrow
    assert "今天到期 1 题" in client.get("/practice/").get_data(as_text=True)
    url = start(client, "due", "due", 10)
    assert url.endswith("/practice/notebook/review")
    page = client.get(url).get_data(as_text=True)
    assert current_qid(page) == missed[0] and "第 1 / 1 题" in page
    data = qdata(app, missed[0])
    post_answer(client, missed[0], form_fields(data, key_response(data)), scope="due")
    with app.app_context():
        entry = db.session.scalar(select(NotebookEntry).join(Question).where(Question.qid == missed[0]))
        assert (entry.box, entry.correct_days) == (2, 1)
        assert entry.due_on == svc.local_today() + timedelta(days=3)


# --- the notebook -------------------------------------------------------------------------

def test_notebook_entry_leaves_after_three_separate_days(app, client, auth, users, bank):
    uid = user_id(app)
    qid = qids_of(app, qtype="true_false")[0]
    data = qdata(app, qid)
    with app.app_context():
        today = svc.local_today()
        svc.record_answer(uid, qid, wrong_response(data), today=today - timedelta(days=12))
        for offset in (11, 11, 8):  # each on its review day: box 2 due in 3 days, box 3 in 7 (yesterday)
            svc.record_answer(uid, qid, key_response(data), today=today - timedelta(days=offset))
        entry = db.session.scalar(select(NotebookEntry))
        assert entry.correct_days == 2 and entry.cleared_at is None
    auth.login()
    assert f'data-qid="{qid}"' in client.get("/practice/notebook").get_data(as_text=True)
    put_set(client, app, [qid])
    post_answer(client, qid, form_fields(data, key_response(data)))
    page = client.get("/practice/notebook").get_data(as_text=True)
    assert f'data-qid="{qid}"' not in page
    assert "共 0 题，今天到期 0 题 · 已移出 1 题" in page


def test_notebook_is_paginated(app, client, auth, users, bank):
    uid = user_id(app)
    with app.app_context():
        for qid in qids_of(app)[:30]:
            svc.record_answer(uid, qid, wrong_response(qdata(app, qid)))
    auth.login()
    first = client.get("/practice/notebook").get_data(as_text=True)
    second = client.get("/practice/notebook?page=2").get_data(as_text=True)
    assert first.count("data-qid=") == 25 and second.count("data-qid=") == 5
    assert "1 / 2" in first
    assert client.get("/practice/notebook?page=99").get_data(as_text=True).count("data-qid=") == 5
    assert client.get("/practice/notebook?page=abc").get_data(as_text=True).count("data-qid=") == 25


def test_students_see_only_their_own_notebook_and_answers(app, client, auth, users, bank):
    qid = qids_of(app, qtype="single")[0]
    auth.login("student")
    put_set(client, app, [qid])
    post_answer(client, qid, form_fields(qdata(app, qid), wrong_response(qdata(app, qid))))
    assert f'data-qid="{qid}"' in client.get("/practice/notebook").get_data(as_text=True)
    auth.logout()
    auth.login("student2")
    notebook = client.get("/practice/notebook").get_data(as_text=True)
    assert f'data-qid="{qid}"' not in notebook and "错题本是空的" in notebook
    assert "共 0 题" in client.get("/practice/").get_data(as_text=True)
    # A set left in this browser by the other student is not reused: a fresh one is drawn.
    put_set(client, app, [qid], username="student")
    page = client.get(f"/practice/crm/{CH5}").get_data(as_text=True)
    assert "回答错误" not in page and "第 1 / 10 题" in page


# --- mastery ------------------------------------------------------------------------------

def test_mastery_per_chapter(app, client, auth, users, bank):
    uid = user_id(app)
    a, b, c = qids_of(app, qtype="single")[:3]
    total = len(qids_of(app))
    with app.app_context():
        for qid, kinds in [(a, ["key"]), (b, ["wrong", "key"]), (c, ["key", "wrong"])]:
            data = qdata(app, qid)
            for kind in kinds:
                svc.record_answer(uid, qid, key_response(data) if kind == "key" else wrong_response(data))
    auth.login()
    percent = round(200 / total)
    for path in ("/practice/", "/practice/notebook"):
        page = client.get(path).get_data(as_text=True)
        row = re.search(rf'<tr data-chapter="{CH5}">.*?</tr>', page, re.S).group(0)
        assert re.search(r'class="text-end answered">3<', row)
        assert f"2 / {total}" in row and f"{percent}%" in row
        other = re.search(r'<tr data-chapter="ch01-crm-overview">.*?</tr>', page, re.S).group(0)
        assert re.search(r'class="text-end answered">0<', other) and "0%" in other
    assert "已练 3 题" in client.get("/practice/").get_data(as_text=True)
    auth.logout()
    auth.login("student2")
    row = re.search(rf'<tr data-chapter="{CH5}">.*?</tr>',
                    client.get("/practice/").get_data(as_text=True), re.S).group(0)
    assert f"0 / {total}" in row


def _options_shown(page: str) -> list[tuple[str, str, bool, bool]]:
    """The feedback's option rows: (id, letter, chosen, right), in the order shown."""
    return [(i, letter, chosen == "true", right == "true") for i, letter, chosen, right in re.findall(
        r'class="review-option[^"]*" data-id="([^"]*)" data-letter="([^"]*)" data-chosen="(\w+)" data-right="(\w+)"',
        page)]


def test_true_false_feedback_is_in_words_with_both_judgements_marked(app, client, auth, users, bank):
    qid = qids_of(app, qtype="true_false")[0]
    data = qdata(app, qid)
    auth.login()
    put_set(client, app, [qid])
    response = post_answer(client, qid, form_fields(data, wrong_response(data)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    given, key = ("错误", "正确") if data["answer"] else ("正确", "错误")
    assert f'id="your-answer">{given}<' in page and f'id="right-answer">{key}<' in page
    assert 'id="your-answer">true<' not in page and 'id="your-answer">false<' not in page
    assert _options_shown(page) == [("true", "", not data["answer"], data["answer"]),
                                    ("false", "", data["answer"], not data["answer"])]
    assert "你的选择（错误）" in page and "✗" in page


def test_multiple_feedback_lists_every_option_with_marks(app, client, auth, users, bank):
    qid = qids_of(app, qtype="multiple")[0]
    data = qdata(app, qid)
    auth.login()
    put_set(client, app, [qid])
    key = list(data["answer"])
    picked = [key[0], next(k for k in data["options"] if k not in key)]  # one right, one wrong
    response = post_answer(client, qid, form_fields(data, picked))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # Practice keeps bank order and labels options by bank id, so those are the letters seen.
    assert _options_shown(page) == [(k, k, k in picked, k in key) for k in data["options"]]
    assert "你的选择（正确）" in page and "你的选择（错误）" in page
    if len(key) > 1:
        assert 'class="badge text-bg-secondary ms-1">正确答案<' in page  # a right option not picked
    your = re.search(r'id="your-answer">([^<]*)<', page).group(1)
    assert your == escape(";".join(f"{k}. {data['options'][k]}" for k in data["options"] if k in picked))


@pytest.mark.parametrize("qtype", ["single", "multiple", "true_false", "ordering", "numeric", "fill_blank",
                                   "matching"])
def test_feedback_in_english_has_no_stray_chinese(app, client, auth, users, bank, qtype):
    """The verdict, labels and grader feedback are English; only the bank's own text stays Chinese."""
    from tests.web.test_english_walk import stray_chinese

    qid = qids_of(app, qtype=qtype)[0]
    data = qdata(app, qid)
    client.post("/language", data={"locale": "en"})
    auth.login()
    put_set(client, app, [qid, qids_of(app)[-1]])
    response = post_answer(client, qid, form_fields(data, wrong_response(data)))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Wrong" in page or "Partly correct" in page) and "Added to the mistake notebook" in page
    assert stray_chinese(page) == []


# --- redoing notebook questions now (issue 16, point 5) ------------------------------------

def _entry(app, qid, uid=None):
    with app.app_context():
        stmt = select(NotebookEntry).join(Question).where(Question.qid == qid)
        if uid is not None:
            stmt = stmt.where(NotebookEntry.user_id == uid)
        entry = db.session.scalar(stmt)
        return (entry.box, entry.due_on, entry.correct_days, entry.misses) if entry else None


def _box_two_not_due(app, uid, qid):
    """``qid`` missed two days ago and answered right on its review day: round 2, due in two days."""
    data = qdata(app, qid)
    with app.app_context():
        today = svc.local_today()
        svc.record_answer(uid, qid, wrong_response(data), today=today - timedelta(days=2))
        svc.record_answer(uid, qid, key_response(data), today=today - timedelta(days=1))
        return today


def test_a_not_due_notebook_question_can_be_redone_now_and_keeps_its_round(app, client, auth, users, bank):
    uid = user_id(app)
    qid = qids_of(app, qtype="single")[0]
    data = qdata(app, qid)
    today = _box_two_not_due(app, uid, qid)
    before = _entry(app, qid)
    assert before == (2, today + timedelta(days=2), 1, 1)
    auth.login()
    notebook = client.get("/practice/notebook").get_data(as_text=True)
    assert f'name="scope" value="notebook/{qid}"' in notebook and "今天到期 0 题" in notebook
    url = start(client, f"notebook/{qid}", "redo", 10)
    assert url.endswith(f"/practice/notebook/redo/{qid}")
    page = client.get(url).get_data(as_text=True)
    assert current_qid(page) == qid and "第 1 / 1 题" in page and "重做错题" in page
    answered = client.post("/practice/answer", data={"scope": f"notebook/{qid}", "qid": qid,
                                                     **form_fields(data, key_response(data))}, follow_redirects=True)
    text = answered.get_data(as_text=True)
    assert "回答正确" in text
    assert _entry(app, qid) == before  # an early right redo moves nothing
    due = today + timedelta(days=2)
    assert f'id="standing">第 2 轮复习 · 下次复习：{due.month} 月 {due.day} 日<' in text
    assert answer_count(app) == 3  # the redo is still a practice answer (history, mastery)


def test_a_wrong_redo_of_a_not_due_question_is_a_miss(app, client, auth, users, bank):
    uid = user_id(app)
    qid = qids_of(app, qtype="true_false")[0]
    data = qdata(app, qid)
    today = _box_two_not_due(app, uid, qid)
    auth.login()
    url = start(client, f"notebook/{qid}", "redo", 1)
    client.post("/practice/answer", data={"scope": f"notebook/{qid}", "qid": qid,
                                          **form_fields(data, wrong_response(data))})
    assert _entry(app, qid) == (1, today + timedelta(days=1), 0, 2)
    assert "第 1 轮复习" in client.get(url).get_data(as_text=True)


def test_the_whole_notebook_can_be_redone_when_nothing_is_due(app, client, auth, users, bank):
    uid = user_id(app)
    missed = qids_of(app, qtype="single")[:3]
    with app.app_context():
        for qid in missed:  # missed today: due tomorrow, nothing due now
            svc.record_answer(uid, qid, wrong_response(qdata(app, qid)))
    auth.login()
    response = client.post("/practice/start", data={"scope": "due", "mode": "due"}, follow_redirects=True)
    assert "今天没有到期的错题" in response.get_data(as_text=True)
    due_page = client.get("/practice/notebook/review").get_data(as_text=True)
    assert "今天没有到期的错题" in due_page and 'id="redo-all-form"' in due_page
    assert "现在重做错题本中的题（3 题）" in due_page
    url = start(client, "notebook", "redo", 10)
    assert url.endswith("/practice/notebook/redo")
    seen = []
    for _ in range(3):
        seen.append(current_qid(client.get(url).get_data(as_text=True)))
        client.post("/practice/next", data={"scope": "notebook", "qid": seen[-1]})
    assert sorted(seen) == sorted(missed)
    assert "本组练习完成" in client.get(url).get_data(as_text=True)


def test_redo_of_a_question_not_in_the_notebook_is_refused(app, client, auth, users, bank):
    qid = qids_of(app, qtype="single")[0]
    auth.login()
    response = client.post("/practice/start", data={"scope": f"notebook/{qid}", "mode": "redo"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/practice/notebook")
    assert "错题本中没有这道题" in client.get("/practice/notebook").get_data(as_text=True)
    assert client.get(f"/practice/notebook/redo/{qid}").status_code == 404
    assert client.get("/practice/notebook/redo/bad$id").status_code == 404
    assert client.post("/practice/start", data={"scope": "notebook/a/b"}).status_code == 302  # refused, no 500
    # Someone else's notebook question is not in mine.
    with app.app_context():
        svc.record_answer(user_id(app, "student2"), qid, wrong_response(qdata(app, qid)))
    assert client.get(f"/practice/notebook/redo/{qid}").status_code == 404


def test_notebook_shows_the_last_answer_and_the_explanation(app, client, auth, users, bank):
    uid = user_id(app)
    single = next(q for q in qids_of(app, qtype="single") if qdata(app, q).get("explanation"))
    blank = qids_of(app, qtype="fill_blank")[0]
    with app.app_context():
        yesterday = svc.local_today() - timedelta(days=1)
        wrong = wrong_response(qdata(app, single))
        svc.record_answer(uid, single, next(k for k in qdata(app, single)["options"] if k not in (wrong, key_response(qdata(app, single)))), today=yesterday)
        svc.record_answer(uid, single, wrong)  # the last answer is the one shown
        svc.record_answer(uid, blank, ["第一空的错答"] * len(key_response(qdata(app, blank))))
    auth.login()
    page = client.get("/practice/notebook").get_data(as_text=True)
    row = page.split(f'data-qid="{single}"', 1)[1].split("data-qid=", 1)[0]
    assert '<details class="last-answer' in row and "上次作答（错误）与解析" in row
    options = qdata(app, single)["options"]
    key = key_response(qdata(app, single))
    assert f'data-part="your-answer">{wrong}. {escape(options[wrong])}<' in row
    assert f'data-part="right-answer">{key}. {escape(options[key])}<' in row
    assert 'data-chosen="true" data-right="false"' in row  # the options marked as the feedback marks them
    explanation = str(html(qdata(app, single)["explanation"]))[:30]
    assert 'data-part="explanation"' in row and explanation[:15] in row
    assert 'id="your-answer"' not in page  # ids belong to the practice page, once
    row = page.split(f'data-qid="{blank}"', 1)[1].split("data-qid=", 1)[0]
    assert "第一空的错答" in row  # a fill-blank answer, part by part as the feedback shows it


def test_notebook_levels_are_in_plain_words(app, client, auth, users, bank):
    uid = user_id(app)
    qid = qids_of(app, qtype="single")[0]
    today = _box_two_not_due(app, uid, qid)
    due = today + timedelta(days=2)
    auth.login()
    page = client.get("/practice/notebook").get_data(as_text=True)
    assert "盒" not in page
    row = page.split(f'data-qid="{qid}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="text-nowrap round" data-label="复习轮次">第 2 轮复习<' in row
    assert f'<time datetime="{due.isoformat()}">{due.month} 月 {due.day} 日</time>' in row
    assert "下次复习" in page
    client.post("/language", data={"locale": "en"})
    english = client.get("/practice/notebook").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", english.split("<main", 1)[1])
    assert not re.search(r"\bbox(es)?\b", visible, re.I)
    assert "Review round 2" in english and "Next review" in english
    assert f'>{due.day} {due.strftime("%b")}</time>' in english
