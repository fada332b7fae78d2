"""Question authoring in the browser: create every type, edit, refuse bad edits, history, preview, export."""

import re

import pytest
import yaml

from app.domain.bank import content_hash, load_paths
from app.domain.questions import key_response, validate_question
from app.extensions import db
from app.instructor.authoring_forms import form_fields, parse_form
from app.models import AuditLog, Question, QuestionVersion, User

CHAPTER = "ch05-customer-value"
COMMON = {"chapter": CHAPTER, "difficulty": "2", "points": "2", "tags": "客户价值、网页", "explanation": "见本章。"}

FORMS = {
    "single": ({"stem": "客户让渡价值等于什么?", "option-A": "总价值减总成本", "option-B": "总价值加总成本",
                "option-C": "总成本", "answer": "A", "section": "customer-delivered-value"},
               {"answer": "A", "options": {"A": "总价值减总成本", "B": "总价值加总成本", "C": "总成本"},
                "section": "customer-delivered-value"}),
    "multiple": ({"stem": "顾客总价值包括哪些?", "option-A": "产品价值", "option-B": "服务价值", "option-C": "货币成本",
                  "option-D": "形象价值", "answer": ["A", "B", "D"], "scoring": "partial"},
                 {"answer": ["A", "B", "D"], "scoring": "partial"}),
    "true_false": ({"stem": "客户让渡价值越高,客户越满意。", "answer": "true"}, {"answer": True}),
    "ordering": ({"stem": "请排列客户价值分析的步骤:", "option-A": "收集数据", "option-B": "明确目标",
                  "option-C": "提出策略", "option-D": "计算价值", "rank-A": "2", "rank-B": "1", "rank-C": "4",
                  "rank-D": "3", "scoring": "all_or_nothing"},
                 {"answer": ["B", "A", "D", "C"]}),
    "numeric": ({"stem": "某客户年贡献 5200 元,保持 5 年,终生价值约为多少元?", "answer": "26000", "tolerance": "1",
                 "tolerance_kind": "pct", "unit": "元"},
                {"answer": 26000, "tolerance_pct": 1.0, "unit": "元"}),
    "fill_blank": ({"stem": "CRM 系统分为________型、分析型和________型。", "blanks": "运营 | 操作\r\n协作；协同"},
                   {"answer": [["运营", "操作"], ["协作", "协同"]]}),
    "matching": ({"stem": "请将价值与含义配对:", "left-0": "历史价值", "right-0": "过去的贡献", "left-1": "当前价值",
                  "right-1": "现在的贡献", "left-2": "潜在价值", "right-2": "未来的贡献", "distractors": "竞争对手的价值"},
                 {"answer": {"pairs": {"历史价值": "过去的贡献", "当前价值": "现在的贡献", "潜在价值": "未来的贡献"}},
                  "distractors": ["竞争对手的价值"]}),
    "essay": ({"stem": "论述提高客户让渡价值的途径。", "rubric": "- 提高总价值\r\n- 降低总成本"},
              {"rubric": ["提高总价值", "降低总成本"]}),
}


def _create(client, qtype, qid, **changes):
    form, _expected = FORMS[qtype]
    data = dict(COMMON, id=qid, action="save", **form)
    data.update(changes)
    return client.post(f"/instructor/bank/new?type={qtype}", data=data)


def _question(qid):
    return db.session.scalar(db.select(Question).filter_by(qid=qid))


def _fixed_exam(app, qids, title="网页题测验"):
    from app.services.classes import add_member, get_or_create_class
    from app.services.exams import create_exam

    with app.app_context():
        group = get_or_create_class("一班", None)
        add_member(group, db.session.scalar(db.select(User).filter_by(username="student")))
        teacher = db.session.scalar(db.select(User).filter_by(username="teacher"))
        exam = create_exam({"title": title, "classes": ["一班"], "max_attempts": 0,
                            "fixed": [{"id": qid, "points": 2} for qid in qids]}, teacher)
        return exam.id


@pytest.mark.parametrize("qtype", list(FORMS))
def test_instructor_creates_each_type_and_a_student_answers_it(app, client, auth, users, qtype):
    auth.login("teacher")
    qid = f"web-{qtype}-1"
    response = _create(client, qtype, qid)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/instructor/bank/{qid}/edit")
    with app.app_context():
        question = _question(qid)
        assert question.source == "web" and question.chapter == CHAPTER and question.type == qtype
        assert [v.number for v in question.versions] == [1]
        data = question.data
        for key, value in FORMS[qtype][1].items():
            assert data[key] == value, key
        assert data["tags"] == ["客户价值", "网页"] and data["difficulty"] == 2 and data["points"] == 2
        key = key_response(data)
        action = db.session.scalar(db.select(AuditLog).filter_by(action="question.create"))
        assert action.target == f"question:{qid}"
    exam_id = _fixed_exam(app, [qid])
    auth.logout()
    auth.login("student")
    page = client.get(client.post(f"/exams/{exam_id}/start").headers["Location"]).get_data(as_text=True)
    assert FORMS[qtype][0]["stem"][:8] in page
    assert "见本章。" not in page  # no explanation before review
    attempt_id = int(re.search(r'data-attempt-id="(\d+)"', page).group(1))
    assert client.put(f"/api/v1/attempts/{attempt_id}/answers/{qid}", json={"response": key}).status_code == 200
    result = client.post(f"/api/v1/attempts/{attempt_id}/submit").get_json()
    assert result["score"] == (0 if qtype == "essay" else 2)


def test_student_sees_exactly_what_the_preview_showed(app, client, auth, users):
    auth.login("teacher")
    form = dict(COMMON, id="web-prev-1", type="single", **FORMS["single"][0])
    preview = client.post("/instructor/bank/preview", data=form).get_data(as_text=True)
    assert 'class="card mb-3 exam-question"' in preview and "总价值减总成本" in preview
    assert 'value="A"' in preview and "见本章。" not in preview
    # The no-JS "预览" button re-renders the editor with the same block and saves nothing.
    page = client.post("/instructor/bank/new?type=single", data=dict(form, action="preview")).get_data(as_text=True)
    assert 'class="card mb-3 exam-question"' in page
    with app.app_context():
        assert _question("web-prev-1") is None


def test_preview_sanitises_script_in_stem(client, auth, users):
    auth.login("teacher")
    form = dict(COMMON, id="x1", type="true_false", answer="true",
                stem='<script>alert("x")</script>题干<img src=x onerror="alert(1)">')
    fragment = client.post("/instructor/bank/preview", data=form).get_data(as_text=True)
    assert "题干" in fragment
    assert "<script" not in fragment and "onerror" not in fragment
    page = client.post("/instructor/bank/new?type=true_false", data=dict(form, action="preview")).get_data(as_text=True)
    assert '<script>alert("x")' not in page and "onerror=\"alert" not in page
    assert "&lt;script&gt;" in page  # the textarea keeps the author's text, escaped


def test_preview_of_invalid_question_lists_problems(client, auth, users):
    auth.login("teacher")
    fragment = client.post("/instructor/bank/preview",
                           data=dict(COMMON, type="fill_blank", stem="没有空的题干", blanks="甲")).get_data(as_text=True)
    assert "暂不能预览" in fragment and "stem 中没有空" in fragment
    assert client.post("/instructor/bank/preview", data={"type": "nope"}).status_code == 400
    # Where a question sits does not change how it looks: no chapter or id needed to preview.
    fragment = client.post("/instructor/bank/preview", data=dict(
        FORMS["true_false"][0], type="true_false", difficulty="1", chapter="")).get_data(as_text=True)
    assert 'class="card mb-3 exam-question"' in fragment


def test_invalid_edit_is_refused_with_field_messages_and_nothing_saved(app, client, auth, users):
    auth.login("teacher")
    _create(client, "single", "web-q1")
    form = dict(COMMON, **FORMS["single"][0], action="save")
    form.update(stem="  ", section="no-such-section", points="abc")
    response = client.post("/instructor/bank/web-q1/edit", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="err-stem1">[^<]*不能为空', page)
    assert re.search(r'id="err-section1">[^<]*no-such-section[^<]*不在章节', page)
    assert re.search(r'id="err-points1">分值应为大于 0 的数字', page)
    assert 'name="stem"' in page and 'aria-invalid="true"' in page
    with app.app_context():
        question = _question("web-q1")
        assert len(question.versions) == 1
        assert question.data["stem"] == FORMS["single"][0]["stem"] and question.data["section"] == "customer-delivered-value"
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog).filter_by(action="question.edit")) == 0


@pytest.mark.parametrize("changes,field,message", [
    ({"id": "bad id!"}, "id", "无效"),
    ({"id": "", "chapter": ""}, "id", "请填写题目编号"),  # with a chapter, an empty id is generated
    ({"chapter": "ch99-nowhere"}, "chapter", "请选择课程中的一个章节"),
    ({"difficulty": "9"}, "difficulty", "1 到 5"),
    ({"answer": ""}, "answer", "请选择正确答案"),
    ({"answer": "E"}, "answer", "&#39;E&#39; 不在 options 中"),
    ({"option-B": "总价值减总成本"}, "options", "文本重复"),
])
def test_invalid_new_question_is_refused(app, client, auth, users, changes, field, message):
    auth.login("teacher")
    response = _create(client, "single", "web-new-1", **changes)
    assert response.status_code == 400
    assert re.search(rf'id="err-{field}1">[^<]*{message}', response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Question)) == 0


def test_duplicate_id_and_bad_type_values(app, client, auth, users):
    auth.login("teacher")
    assert _create(client, "numeric", "dup-1").status_code == 302
    page = _create(client, "single", "dup-1").get_data(as_text=True)
    assert "题目编号 dup-1 已被使用" in page
    page = _create(client, "numeric", "num-2", answer="2.6万", tolerance="-1").get_data(as_text=True)
    assert "标准答案应为数字" in page and "允许误差应为不小于 0 的数字" in page
    page = _create(client, "ordering", "ord-2", **{"rank-C": "2"}).get_data(as_text=True)
    assert "正确次序应恰好用到 1 到 4 各一次" in page
    page = _create(client, "matching", "mat-2", **{"right-1": ""}).get_data(as_text=True)
    assert "第 2 行的左项和右项都要填写" in page
    page = _create(client, "fill_blank", "fb-2", blanks="运营").get_data(as_text=True)
    assert "answer 有 1 组答案，但 stem 中有 2 个空（连续 4 个或更多下划线）" in page
    assert client.get("/instructor/bank/new?type=bogus").status_code == 400
    with app.app_context():
        assert [q.qid for q in db.session.scalars(db.select(Question))] == ["dup-1"]


def test_metadata_change_keeps_the_version_content_change_makes_one(app, client, auth, users):
    auth.login("teacher")
    _create(client, "single", "web-q2")
    form = dict(COMMON, **FORMS["single"][0], action="save")
    assert "没有改动" in client.post("/instructor/bank/web-q2/edit", data=form, follow_redirects=True).get_data(as_text=True)
    form.update(tags="改标签", difficulty="4", section="value-perspectives")
    page = client.post("/instructor/bank/web-q2/edit", data=form, follow_redirects=True).get_data(as_text=True)
    assert "仍为第 1 版" in page
    with app.app_context():
        question = _question("web-q2")
        assert len(question.versions) == 1 and question.difficulty == 4
        assert question.data["tags"] == ["改标签"] and question.data["section"] == "value-perspectives"
    form.update(answer="B", note="更正答案")
    page = client.post("/instructor/bank/web-q2/edit", data=form, follow_redirects=True).get_data(as_text=True)
    assert "已保存为第 2 版" in page
    with app.app_context():
        question = _question("web-q2")
        assert [v.number for v in question.versions] == [1, 2]
        assert question.versions[0].data["answer"] == "A" and question.data["answer"] == "B"
        assert question.current_version.note == "更正答案"
        teacher = db.session.scalar(db.select(User).filter_by(username="teacher"))
        assert question.current_version.created_by_id == teacher.id


def test_editing_a_yaml_question_unchanged_makes_no_version_and_an_edit_marks_it_web(app, client, auth, users,
                                                                                     mini_bank):
    assert "ch01-q024" in mini_bank["ordering"]
    with app.app_context():
        data = _question("ch01-q024").data
    auth.login("teacher")
    page = client.get("/instructor/bank/ch01-q024/edit").get_data(as_text=True)
    assert "排序题" in page and 'name="rank-B" id="rank-B" value="1"' in page
    fields = {k: v if len(v) > 1 else v[0] for k, v in form_fields(data, "ch01-crm-overview").items()}
    client.post("/instructor/bank/ch01-q024/edit", data=dict(fields, action="save"))
    with app.app_context():
        question = _question("ch01-q024")
        assert len(question.versions) == 1 and question.source == "yaml"
    fields["stem"] += "(修订)"
    client.post("/instructor/bank/ch01-q024/edit", data=dict(fields, action="save"))
    with app.app_context():
        question = _question("ch01-q024")
        assert len(question.versions) == 2 and question.source == "web"


def test_form_round_trip_keeps_every_bank_question():
    """Opening and saving any shipped question unchanged gives exactly its data back."""
    for question in load_paths(["question_bank/crm"]).questions:
        data = question.to_data()
        parsed = parse_form(form_fields(data, question.chapter), data["type"], data["id"])
        assert parsed.ok, (question.id, parsed.errors)
        assert validate_question(parsed.data).spec.model_dump(mode="json") == data, question.id


def test_history_diff_and_restore(app, client, auth, users):
    auth.login("teacher")
    _create(client, "single", "web-h1")
    form = dict(COMMON, **FORMS["single"][0], action="save")
    form.update(stem="新的题干 <b>粗体</b>", note="改题干")
    client.post("/instructor/bank/web-h1/edit", data=form)
    history = client.get("/instructor/bank/web-h1/history").get_data(as_text=True)
    assert "第 1 版" in history and "第 2 版" in history and "王老师" in history and "改题干" in history
    diff = re.search(r'id="version-diff".*?</pre>', history, re.S).group(0)
    assert "-stem: 客户让渡价值等于什么?" in diff
    assert "+stem: 新的题干 &lt;b&gt;粗体&lt;/b&gt;" in diff and "<b>" not in diff
    assert "请选择两个存在的版本" in client.get("/instructor/bank/web-h1/history?a=1&b=9").get_data(as_text=True)
    confirm = client.get("/instructor/bank/web-h1/restore/1")
    assert confirm.status_code == 200 and "确认恢复" in confirm.get_data(as_text=True)
    with app.app_context():
        assert len(_question("web-h1").versions) == 2  # the confirmation page changes nothing
    response = client.post("/instructor/bank/web-h1/restore/1", follow_redirects=True)
    assert "已将第 1 版恢复为第 3 版" in response.get_data(as_text=True)
    with app.app_context():
        question = _question("web-h1")
        versions = question.versions
        assert [v.number for v in versions] == [1, 2, 3] and question.current_version.number == 3
        assert versions[2].content_hash == versions[0].content_hash and versions[2].note == "恢复第 1 版"
        assert question.data["stem"] == FORMS["single"][0]["stem"]
        restore = db.session.scalar(db.select(AuditLog).filter_by(action="question.restore"))
        assert restore.details["restored"] == 1 and restore.details["version"] == 3
    again = client.post("/instructor/bank/web-h1/restore/3", follow_redirects=True).get_data(as_text=True)
    assert "未产生新版本" in again
    assert client.post("/instructor/bank/web-h1/restore/7").status_code == 404


def test_bank_browser_filters_paginates_and_counts(app, client, auth, users, mini_bank):
    app.config["ITEMS_PER_PAGE"] = 5
    with app.app_context():
        questions = list(db.session.scalars(db.select(Question).order_by(Question.qid)))
        numeric = next(q for q in questions if q.type == "numeric")
        expected = sorted(q.qid for q in questions if (q.chapter, q.type, q.difficulty) ==
                          (numeric.chapter, "numeric", numeric.difficulty))
        sample = questions[7]
        stem_part, tag = sample.data["stem"][3:12], sample.data["tags"][0]
        with_stem = {q.qid for q in questions if stem_part in q.data["stem"]}
        with_tag = {q.qid for q in questions if tag in q.data["tags"]}
    auth.login("teacher")
    page = client.get("/instructor/bank").get_data(as_text=True)
    total = len(questions)
    assert f"共 {total} 题" in page and f"符合条件的题目：{total} 题" in page
    assert page.count("<tr>") - 1 == 5 and 'aria-label="分页"' in page and f"1 / {-(-total // 5)}" in page
    stats = re.search(r'id="bank-stats".*?</section>', page, re.S).group(0)
    assert re.search(r'计算题</a> <span class="badge text-bg-light">3<', stats)
    row_ids = r'<td class="text-nowrap"><a href="/instructor/bank/([^/]+)/edit">'

    def shown(query):
        return re.findall(row_ids, client.get("/instructor/bank?" + query).get_data(as_text=True))

    assert shown(f"chapter={numeric.chapter}&type=numeric&difficulty={numeric.difficulty}") == expected
    assert set(shown(f"q={stem_part}")) == with_stem and sample.qid in with_stem
    assert set(shown(f"tag={tag}")) == with_tag
    assert shown("page=2") == [q.qid for q in sorted(questions, key=lambda q: (q.chapter, q.qid))][5:10]
    odd = client.get("/instructor/bank?type=bogus&difficulty=x&page=999")
    assert odd.status_code == 200 and "未知题型" in odd.get_data(as_text=True)


AUTHORING_ROUTES = [
    ("get", "/instructor/bank"), ("get", "/instructor/bank/new?type=single"), ("post", "/instructor/bank/new?type=single"),
    ("get", "/instructor/bank/web-a1/edit"), ("post", "/instructor/bank/web-a1/edit"),
    ("post", "/instructor/bank/preview"), ("get", "/instructor/bank/web-a1/history"),
    ("get", "/instructor/bank/web-a1/restore/1"), ("post", "/instructor/bank/web-a1/restore/1"),
    ("get", "/instructor/bank/web-a1/regrade"), ("post", "/instructor/bank/web-a1/regrade"),
]


@pytest.mark.parametrize("method,path", AUTHORING_ROUTES)
def test_students_get_403_on_every_authoring_route(app, client, auth, users, method, path):
    auth.login("teacher")
    _create(client, "single", "web-a1")
    auth.logout()
    auth.login("student")
    form = dict(COMMON, **dict(FORMS["single"][0], answer="B"), action="save", confirm="yes")
    response = getattr(client, method)(path, data=form if method == "post" else None)
    assert response.status_code == 403
    with app.app_context():
        assert len(_question("web-a1").versions) == 1


def test_export_yaml_round_trip(app, runner, client, auth, users, tmp_path):
    from app.services.bank import chapter_sections, sync_bank

    with app.app_context():
        sync_bank("crm")
    auth.login("teacher")
    _create(client, "matching", "web-x1", stem="配对：含有 \"引号\"、英文冒号 key: value 与 yes")
    _create(client, "essay", "web-x2", rubric="第一行\n第二行\n")
    out = tmp_path / "export"
    result = runner.invoke(args=["bank", "export-yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (out / "crm").iterdir())
    assert len(files) == 10 and f"{CHAPTER}.yaml" in files
    lint = runner.invoke(args=["bank", "lint", str(out)])
    assert lint.exit_code == 0, lint.output
    document = yaml.safe_load((out / "crm" / f"{CHAPTER}.yaml").read_text(encoding="utf-8"))
    exported = {q["id"]: q for q in document["questions"]}
    assert list(exported["web-x1"])[:4] == ["id", "type", "difficulty", "tags"]
    assert exported["web-x2"]["rubric"] == "第一行\n第二行\n"
    with app.app_context():
        versions = db.session.scalar(db.select(db.func.count()).select_from(QuestionVersion))
        hashes = {q.qid: q.current_version.content_hash for q in db.session.scalars(db.select(Question))}
        loaded = load_paths([out / "crm"], chapter_sections("crm"))
        assert not loaded.problems
        assert {q.id: content_hash(q) for q in loaded.questions} == hashes
        report = sync_bank("crm", root=out)
        assert (report.created, report.new_versions, report.retired, report.problems) == ([], [], [], [])
        assert db.session.scalar(db.select(db.func.count()).select_from(QuestionVersion)) == versions


def test_edit_opened_on_an_older_version_is_refused(app, client, auth, users):
    auth.login("teacher")
    _create(client, "single", "web-c1")
    page = client.get("/instructor/bank/web-c1/edit").get_data(as_text=True)
    base = re.search(r'name="base_version" value="(\d+)"', page).group(1)
    form = dict(COMMON, **FORMS["single"][0], action="save", base_version=base)
    client.post("/instructor/bank/web-c1/edit", data=dict(form, answer="B"))  # someone else saves first
    response = client.post("/instructor/bank/web-c1/edit", data=dict(form, stem="我的修改"))
    assert response.status_code == 400 and "已被保存为第 2 版" in response.get_data(as_text=True)
    with app.app_context():
        question = _question("web-c1")
        assert len(question.versions) == 2 and question.data["stem"] == FORMS["single"][0]["stem"]


def test_case_stand_ins_are_not_bank_questions(app, client, auth, users):
    with app.app_context():
        question = Question(qid="case:rfm", chapter=CHAPTER, type="case", source="case", active=False)
        db.session.add(question)
        db.session.flush()
        question.current_version = QuestionVersion(question=question, number=1, content_hash="case:rfm",
                                                   data={"id": "case:rfm", "type": "case", "stem": "RFM"})
        db.session.commit()
    auth.login("teacher")
    assert "case:rfm" not in client.get("/instructor/bank").get_data(as_text=True)
    for path in ("edit", "history", "regrade"):
        assert client.get(f"/instructor/bank/case:rfm/{path}").status_code == 404


# --- issue 16, point 4: generated ids, chapters by title, stale errors, lint warnings ---------

def _ids_json(page):
    import json

    return json.loads(re.search(r'<script type="application/json" id="chapter-ids">(.*?)</script>', page).group(1))


def _field(page, name):
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*\bvalue="([^"]*)"', page)
    return found.group(1) if found else None


def test_a_new_question_gets_its_chapters_next_id(app, client, auth, users):
    auth.login("teacher")
    assert _create(client, "single", "ch05-q007").status_code == 302
    assert _create(client, "true_false", "ch05-q002").status_code == 302
    page = client.get(f"/instructor/bank/new?type=single&chapter={CHAPTER}").get_data(as_text=True)
    assert _field(page, "id") == "ch05-q008" and _field(page, "suggested_id") == "ch05-q008"
    ids = _ids_json(page)
    assert ids[CHAPTER] == "ch05-q008" and ids["ch01-crm-overview"] == "ch01-q001" and len(ids) == 10
    # Without a chapter nothing is guessed; an unknown chapter is not kept.
    assert _field(client.get("/instructor/bank/new?type=single").get_data(as_text=True), "id") == ""
    assert _field(client.get("/instructor/bank/new?type=single&chapter=nope").get_data(as_text=True), "id") == ""

    # Left empty: the server fills it on save (no JavaScript needed).
    response = _create(client, "single", "")
    assert response.headers["Location"].endswith("/instructor/bank/ch05-q008/edit")
    # The untouched suggestion follows a chapter changed without JavaScript.
    response = _create(client, "single", "ch05-q009", suggested_id="ch05-q009", chapter="ch03-customer-lifecycle",
                       section="")
    assert response.headers["Location"].endswith("/instructor/bank/ch03-q001/edit")
    # An id the teacher typed is theirs.
    response = _create(client, "single", "my-own-1", suggested_id="ch05-q009")
    assert response.headers["Location"].endswith("/instructor/bank/my-own-1/edit")
    # A failed save shows the generated id, still editable.
    page = _create(client, "single", "", stem="").get_data(as_text=True)
    assert _field(page, "id") == "ch05-q009" and "readonly" not in page.split('id="id"', 1)[1].split(">", 1)[0]


def test_retired_ids_are_never_suggested_and_a_clash_names_the_next_free_id(app, client, auth, users):
    auth.login("teacher")
    assert _create(client, "single", "ch05-q011").status_code == 302
    with app.app_context():
        _question("ch05-q011").active = False
        db.session.commit()
    page = client.get(f"/instructor/bank/new?type=single&chapter={CHAPTER}").get_data(as_text=True)
    assert _field(page, "id") == "ch05-q012"
    response = _create(client, "single", "ch05-q011")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="err-id1">题目编号 ch05-q011 已被使用[^<]*本章下一个可用的编号是 ch05-q012。<', page)
    assert 'id="id" name="id" value="ch05-q011"' in page  # the teacher's value stays to be changed


def test_chapter_and_section_pickers_show_titles(app, client, auth, users, mini_bank):
    auth.login("teacher")
    editor = client.get(f"/instructor/bank/new?type=single&chapter={CHAPTER}").get_data(as_text=True)
    assert f'<option value="{CHAPTER}" lang="zh" selected>第 5 章 客户价值</option>' in editor
    assert '<option value="ch01-crm-overview" lang="zh" >第 1 章 客户关系管理概述</option>' in editor
    assert '<optgroup label="第 5 章 客户价值" data-chapter="ch05-customer-value" lang="zh">' in editor
    assert '<option value="customer-delivered-value" >客户让渡价值</option>' in editor
    assert '<option value="total-customer-value" >　顾客总成本的构成</option>' not in editor
    assert '<option value="total-customer-value" >　顾客总价值的构成</option>' in editor  # level 3, indented
    bank = client.get("/instructor/bank").get_data(as_text=True)
    assert '<option value="ch01-crm-overview" lang="zh" >第 1 章 客户关系管理概述</option>' in bank
    visible = re.sub(r"<[^>]+>", " ", bank.split("<main", 1)[1])
    assert "ch01-crm-overview" not in visible  # counts and rows by title too
    assert "第 1 章 客户关系管理概述" in bank.split('id="bank-stats"', 1)[1].split("</section>", 1)[0]
    # The bank's "新建题目" carries the filtered chapter to the editor.
    filtered = client.get(f"/instructor/bank?chapter={CHAPTER}").get_data(as_text=True)
    assert f'href="/instructor/bank/new?type=single&amp;chapter={CHAPTER}"' in filtered
    exam_editor = client.get("/instructor/exams/new").get_data(as_text=True)
    assert '第 1 章 客户关系管理概述</option>' in exam_editor and ">ch01 " not in exam_editor
    # A stored section the course no longer has is shown as it is, not dropped.
    assert _create(client, "single", "web-sec-1").status_code == 302
    with app.app_context():
        question = _question("web-sec-1")
        question.current_version.data = dict(question.current_version.data, section="gone-anchor")
        db.session.commit()
    page = client.get("/instructor/bank/web-sec-1/edit").get_data(as_text=True)
    assert '<option value="gone-anchor" selected>gone-anchor（不在课程中）</option>' in page


def test_errors_of_fields_fixed_since_the_failed_save_are_gone(app, client, auth, users):
    auth.login("teacher")
    first = _create(client, "single", "web-stale-1", stem="", points="abc", answer="").get_data(as_text=True)
    for field in ("stem", "points", "answer"):
        assert f'id="err-{field}1"' in first
    assert re.search(r'<textarea class="form-control is-invalid" id="stem"', first)
    second = _create(client, "single", "web-stale-1", points="abc", answer="").get_data(as_text=True)
    assert 'id="err-stem1"' not in second and not re.search(r'class="form-control is-invalid" id="stem"', second)
    assert 'id="err-points1"' in second and 'id="err-answer1"' in second
    third = _create(client, "single", "web-stale-1", answer="").get_data(as_text=True)
    assert 'id="err-points1"' not in third and 'id="err-answer1"' in third and "is-invalid\" id=\"points\"" not in third
    assert _create(client, "single", "web-stale-1").status_code == 302


def test_lint_findings_are_warnings_that_do_not_block_a_save(app, client, auth, users):
    auth.login("teacher")
    response = _create(client, "single", "web-lint-1", stem="客户让渡价值等于什么?", explanation="总价值减总成本，所以选 A。")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    warnings = page.split('id="lint-warnings"', 1)[1].split("</div>", 1)[0]
    assert "解析用字母 A 指称选项" in warnings and "“?” 应为全角 “？”" in warnings and "stem" in warnings
    clean = _create(client, "single", "web-lint-2", stem="客户让渡价值等于什么？")
    assert 'id="lint-warnings"' not in client.get(clean.headers["Location"]).get_data(as_text=True)
