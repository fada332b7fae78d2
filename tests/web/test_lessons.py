"""Lesson pages: rendering, links, figures, search, progress, sanitising and front-matter errors."""

import re
from pathlib import Path

import pytest

from app.content.courseware import CoursewareError, load_chapter, load_course

SLUGS = [p.stem for p in sorted((Path(__file__).resolve().parents[2] / "courseware" / "crm").glob("ch*.md"))]


@pytest.mark.parametrize("slug", SLUGS)
def test_chapter_page_renders_with_toc_and_figures(client, slug):
    page = client.get(f"/lessons/crm/{slug}").get_data(as_text=True)
    assert re.search(r"<h2 id=\"[a-z0-9-]+\">", page)
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert toc.count("<li>") >= 4
    for anchor in re.findall(r'href="#([^"]+)"', toc):
        assert f'id="{anchor}"' in page, f"TOC entry #{anchor} has no target"


def test_every_internal_link_and_image_resolves(client):
    ids_by_path = {}
    checked = set()
    for slug in SLUGS:
        path = f"/lessons/crm/{slug}"
        page = client.get(path).get_data(as_text=True)
        ids_by_path[path] = set(re.findall(r'id="([^"]+)"', page))
    for slug in SLUGS:
        page = client.get(f"/lessons/crm/{slug}").get_data(as_text=True)
        body = re.search(r'<div class="lesson-body"[^>]*>(.*?)</div>\s*<hr>', page, re.S).group(1)
        for url in re.findall(r'(?:href|src)="([^"]+)"', body):
            if url.startswith(("http://", "https://", "mailto:")):
                continue
            if url.startswith("#"):
                assert url[1:] in ids_by_path[f"/lessons/crm/{slug}"], f"{slug}: {url}"
                continue
            target, _, anchor = url.partition("#")
            if target not in checked:
                response = client.get(target)
                response.close()
                assert response.status_code in (200, 302), f"{slug}: {url} → {response.status_code}"
                checked.add(target)
            if anchor and target in ids_by_path:
                assert anchor in ids_by_path[target], f"{slug}: {url} anchor missing"
    assert any("/figures/" in u for u in checked)


def test_course_home_lists_chapters_and_progress(client, auth, users):
    auth.login("student")
    page = client.get("/lessons/crm/").get_data(as_text=True)
    assert page.count("list-group-item") >= len(SLUGS)
    assert "0 / 10" in page
    client.post(f"/lessons/crm/{SLUGS[0]}/read", data={"read": "1"})
    assert "1 / 10" in client.get("/lessons/crm/").get_data(as_text=True)
    assert "已读" in client.get(f"/lessons/crm/{SLUGS[0]}").get_data(as_text=True)
    # Progress is per student.
    auth.logout()
    auth.login("student2")
    assert "0 / 10" in client.get("/lessons/crm/").get_data(as_text=True)
    # Unmark.
    auth.logout()
    auth.login("student")
    client.post(f"/lessons/crm/{SLUGS[0]}/read", data={"read": "0"})
    assert "0 / 10" in client.get("/lessons/crm/").get_data(as_text=True)


def test_mark_read_needs_login(client):
    response = client.post(f"/lessons/crm/{SLUGS[0]}/read")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_search_page_links_to_section(client):
    page = client.get("/search?q=卡诺").get_data(as_text=True)
    assert re.search(r'href="/lessons/crm/ch07-satisfaction-loyalty#[a-z0-9-]+"', page)
    assert "<mark>卡诺</mark>" in page


def test_search_escapes_the_query(client):
    page = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_unknown_chapter_and_figure_404(client):
    assert client.get("/lessons/crm/no-such-chapter").status_code == 404
    assert client.get("/lessons/crm/figures/../course.yaml").status_code == 404
    assert client.get("/lessons/nocourse/").status_code == 404


def _write_course(tmp_path, body, front=None):
    root = tmp_path / "cw" / "crm"
    root.mkdir(parents=True)
    front = front or "title: 测试\nslug: ch01-test\norder: 1\nobjectives: [了解]\nreading_minutes: 5\n"
    (root / "ch01-test.md").write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return root


def test_script_in_markdown_is_removed(tmp_path, app_config):
    from app import create_app

    root = _write_course(tmp_path, "## 标题 {#t}\n\n正文<script>alert('x')</script>\n\n"
                                   "<img src=x onerror=alert(1)>\n\n[链接](javascript:alert(1))\n")
    app = create_app(dict(app_config, COURSEWARE_DIR=str(root.parent)))
    page = app.test_client().get("/lessons/crm/ch01-test").get_data(as_text=True)
    body = re.search(r'<div class="lesson-body"[^>]*>(.*?)</div>\s*<hr>', page, re.S).group(1)
    assert "<script" not in body and "alert('x')" not in body
    assert "onerror" not in body and "javascript:" not in body
    assert "正文" in body


@pytest.mark.parametrize("front,field", [
    ("title: 测试\nslug: ch01-test\norder: one\nobjectives: [a]\nreading_minutes: 5\n", "order"),
    ("title: 测试\nslug: ch01-test\norder: 1\nobjectives: []\nreading_minutes: 5\n", "objectives"),
    ("slug: ch01-test\norder: 1\nobjectives: [a]\nreading_minutes: 5\n", "title"),
    ("title: 测试\nslug: other\norder: 1\nobjectives: [a]\nreading_minutes: 5\n", "slug"),
    ("title: 测试\nslug: ch01-test\norder: 1\nobjectives: [a]\nreading_minutes: -3\n", "reading_minutes"),
])
def test_malformed_front_matter_names_file_and_field(tmp_path, front, field):
    root = _write_course(tmp_path, "## 标题 {#t}\n", front)
    with pytest.raises(CoursewareError) as info:
        load_chapter("crm", root / "ch01-test.md")
    assert "ch01-test.md" in str(info.value) and f"'{field}'" in str(info.value)
    course = load_course(root, "crm")
    assert course.chapters == [] and "ch01-test.md" in str(course.errors[0])


def test_broken_yaml_front_matter_names_file(tmp_path):
    root = _write_course(tmp_path, "x", "title: [unclosed\n")
    with pytest.raises(CoursewareError, match=r"ch01-test.md: front matter is not valid YAML"):
        load_chapter("crm", root / "ch01-test.md")


def test_rendered_html_is_cached_until_the_file_changes(tmp_path):
    import os
    import time

    from app.content.courseware import cached_course

    root = _write_course(tmp_path, "## 第一版 {#v}\n")
    first = cached_course(root.parent, "crm")
    assert cached_course(root.parent, "crm") is first
    path = root / "ch01-test.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第一版", "第二版更新"), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    second = cached_course(root.parent, "crm")
    assert second is not first and "第二版更新" in second.chapters[0].rendered().html


def test_search_needs_every_word_in_any_order(client):
    for query in ("卡诺模型 分类", "分类　卡诺模型"):  # a half-width or a full-width space
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert 'href="/lessons/crm/ch07-satisfaction-loyalty#kano-model"' in page
        assert "<mark>卡诺模型</mark>" in page
    # Both words must be there: a word the course never uses finds nothing.
    page = client.get("/search", query_string={"q": "卡诺模型 火星"}).get_data(as_text=True)
    assert "找到 0 处" in page


def _hit_links(page: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="([^"]+)"', page)


def test_search_is_paged(client):
    first = client.get("/search", query_string={"q": "客户价值"}).get_data(as_text=True)
    second = client.get("/search", query_string={"q": "客户价值", "page": 2}).get_data(as_text=True)
    total = int(re.search(r"找到 (\d+) 处", first).group(1))
    assert total > 20
    assert len(_hit_links(first)) == 10 and len(_hit_links(second)) == 10
    assert not set(_hit_links(first)) & set(_hit_links(second))
    assert "第 2 页" in second and "page=3" in second and "page=1" in second


def test_search_snippets_show_the_text_not_markdown_or_tex(client):
    page = client.get("/search", query_string={"q": "留存率"}).get_data(as_text=True)
    snippets = re.findall(r'<div class="small" lang="zh">(.*?)</div>', page, re.S)
    assert snippets and any("× 100%" in s for s in snippets)
    for snippet in snippets:
        assert "$" not in snippet and "\\" not in snippet and not snippet.startswith("- ")
        assert not re.search(r"\\(times|frac|text)\b", snippet)
