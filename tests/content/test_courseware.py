"""The shipped CRM course: every chapter complete, rendered, linked, and searchable."""

import re
from pathlib import Path

import pytest

from app.content.courseware import load_course

COURSE_DIR = Path(__file__).resolve().parents[2] / "courseware" / "crm"
EXPECTED = [
    "ch01-crm-overview", "ch02-crm-systems", "ch03-customer-lifecycle", "ch04-customer-information",
    "ch05-customer-value", "ch06-segmentation", "ch07-satisfaction-loyalty", "ch08-service-complaints",
    "ch09-communication-selling", "ch10-implementation",
]


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE_DIR, "crm")


def test_course_loads_without_errors(course):
    assert [str(e) for e in course.errors] == []
    assert [c.slug for c in course.chapters] == EXPECTED


@pytest.mark.parametrize("slug", EXPECTED)
def test_chapter_is_complete(course, slug):
    chapter = course.chapter(slug)
    assert chapter.title and chapter.objectives and chapter.reading_minutes > 0
    assert chapter.han_characters >= 2500, f"{slug}: {chapter.han_characters} Chinese characters"
    assert {"key-terms", "summary"} <= chapter.anchors
    assert re.search(r"^!!! example", chapter.body, re.M), "needs a worked example or case box"
    assert f"(/practice/crm/{slug})" in chapter.body
    rendered = chapter.rendered()
    assert len(rendered.toc) >= 4
    key_terms = rendered.html.split('id="key-terms"', 1)[1]
    assert "<table>" in key_terms.split("<h2", 1)[0]


def test_every_heading_has_an_explicit_unique_anchor(course):
    for chapter in course.chapters:
        headings = re.findall(r"^#{2,3} .*$", chapter.body, re.M)
        for heading in headings:
            assert re.search(r"\{#[a-z0-9-]+\}\s*$", heading), f"{chapter.slug}: {heading}"
        anchors = [s.anchor for s in chapter.sections]
        assert len(anchors) == len(set(anchors)), chapter.slug


def test_course_has_at_least_six_figures_with_alt_text(course):
    figures = set()
    for chapter in course.chapters:
        for alt, src in re.findall(r"!\[([^\]]*)\]\((figures/[^)]+)\)", chapter.body):
            assert alt.strip(), f"{chapter.slug}: {src} has no alt text"
            assert (COURSE_DIR / src).is_file(), f"{chapter.slug}: missing {src}"
            figures.add(src)
    assert len(figures) >= 6


def test_figures_are_plain_svg(course):
    for svg in (COURSE_DIR / "figures").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<svg" in text and "viewBox" in text, svg.name
        assert "<script" not in text.lower() and "http://" not in text.replace("http://www.w3.org", ""), svg.name


def test_maths_renders_as_arithmatex(course):
    html = course.chapter("ch05-customer-value").rendered().html
    assert 'class="arithmatex"' in html


def test_search_finds_kano_in_satisfaction_chapter(course):
    hits = course.search("卡诺")
    assert hits
    assert any(h.chapter.slug == "ch07-satisfaction-loyalty" and h.section is not None for h in hits)
    assert "<mark>卡诺</mark>" in hits[0].snippet_html


def test_chinese_text_uses_full_width_punctuation(course):
    from app.content.lint import lint_text

    for chapter in course.chapters:
        text = chapter.path.read_text(encoding="utf-8")
        assert [str(p) for p in lint_text(str(chapter.path), text)] == [], chapter.slug
