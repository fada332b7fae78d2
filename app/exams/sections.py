"""Section headings on the exam page and the answer sheet (答题卡) grouped by section.

The questions' HTML comes from the fragment cache (app/exams/page.py) unchanged: a sectioned
paper only gains a heading before the first question of each section and groups the answer
sheet's numbers under the section titles. A heading depends on the locale and on the section's
number, type, count and points, so its HTML is kept per those with the page's caches and a page
costs no template render and no query (the types come from the version cache).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

from ..domain.exams.sections import PaperItem, Section, is_contiguous, paper_sections
from ..services.paper_sections import heading, item_type
from .memo import remember

MAX_ENTRIES = 4096


def _html(section: Section, locale: str, store: dict) -> tuple[str, str]:
    """(the heading before the section's first question, the answer sheet group's opening)."""
    key = (locale, section.number, section.type, section.count, section.each, section.points)
    found = store.get(key)
    if found is None:
        shown = heading(section)
        label, summary, kind = escape(shown.label), escape(shown.summary), escape(section.type)
        found = (f'<h2 class="h5 mt-3 mb-3 exam-section-title" id="section-{section.number}" data-section="{kind}">'
                 f'{label}<span class="fw-normal text-muted small">{summary}</span></h2>',
                 f'<div class="nav-section" role="group" aria-labelledby="nav-section-{section.number}" '
                 f'data-section="{kind}"><div class="nav-section-title small text-muted" '
                 f'id="nav-section-{section.number}">{label}</div>')
        remember(store, key, found, MAX_ENTRIES)
    return found


def sectioned(items: Sequence, parts: list[str], nav: list[str], locale: str,
              store: dict) -> tuple[list[str], list[str]]:
    """``parts`` (one per question) and ``nav`` (one link per question) of a paper in sections,
    with each section's heading before its first question and its links grouped under its title;
    ``store`` keeps the headings' HTML (the page cache's, so clearing it clears them too).

    A paper whose sections do not stand together (it was not drawn in sections) is left as it is.
    """
    types = store.get("types")  # version id → question type: one dict lookup per item, not the version cache's
    if types is None:
        types = store["types"] = {}
    kinds = []
    for item in items:
        kind = types.get(item.version_id)
        if kind is None:
            kind = types[item.version_id] = item_type(item)
        kinds.append(kind)
    # The headings follow from the types and points in paper order alone, which many students share.
    shape = ("starts", locale, tuple(kinds), tuple([item.points for item in items]))
    starts = store.get(shape)
    if starts is None:
        sections = paper_sections([PaperItem(kind, points) for kind, points in zip(kinds, shape[3])])
        starts = ({section.start: _html(section, locale, store) for section in sections}
                  if is_contiguous(sections) else {})
        remember(store, shape, starts, MAX_ENTRIES)
    if not starts:  # not drawn in sections: left as it is
        return parts, nav
    out_parts: list[str] = []
    out_nav: list[str] = []
    for index, (part, link) in enumerate(zip(parts, nav, strict=True)):
        found = starts.get(index)
        if found is not None:
            out_parts.append(found[0])
            if index:
                out_nav.append("</div>")
            out_nav.append(found[1])
        out_parts.append(part)
        out_nav.append(link)
    if starts:
        out_nav.append("</div>")
    return out_parts, out_nav
