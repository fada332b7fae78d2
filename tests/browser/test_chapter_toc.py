"""The chapter's table of contents shows where the reader is (app/static/js/toc.js)."""

from __future__ import annotations

from .conftest import wait_for_js

CHAPTER = "/lessons/crm/ch07-satisfaction-loyalty"
CURRENT = "document.querySelector('aside nav.toc a[aria-current=\"location\"]')"


def _current(page):
    return page.evaluate(f"{CURRENT} && {CURRENT}.getAttribute('href')")


def test_the_section_being_read_is_marked_in_the_table_of_contents(live_server, page):
    page.goto(live_server + CHAPTER)
    wait_for_js(page, f"!!{CURRENT}")
    wait_for_js(page, "document.readyState === 'complete'")  # figures loaded: headings no longer move
    first = _current(page)
    # Scroll the Kano section's heading to the top: it becomes the current one, and only it.
    page.evaluate("document.getElementById('kano-model').scrollIntoView()")
    wait_for_js(page, f"{CURRENT} && {CURRENT}.getAttribute('href') === '#kano-model'")
    assert first != "#kano-model"
    assert page.evaluate("document.querySelectorAll('aside nav.toc a.active').length") == 1
    # Further down, a subsection of it takes over.
    page.evaluate("document.getElementById('kano-categories').scrollIntoView()")
    wait_for_js(page, f"{CURRENT} && {CURRENT}.getAttribute('href') === '#kano-categories'")
    assert page.evaluate("document.querySelector('aside nav.toc a[href=\"#kano-model\"]').classList.contains('active')") is False
