"""Graders' feedback sentences: Chinese message ids, formatted here, translated where shown.

The domain stays free of Flask: a grader returns ``say(TEMPLATE, **params)``, the Chinese text
that is stored with the answer. The web layer (``app.i18n.translate_feedback``) recognises a
stored sentence by its template and shows the catalogue's translation with the same numbers,
so feedback saved before a language switch (or before this module) is translated too.
"""

from __future__ import annotations

from app.domain.marks import N_


UNANSWERED = N_("未作答。")
CORRECT = N_("回答正确。")
WRONG = N_("回答错误。")
AWAITING_GRADING = N_("已提交，等待教师评分。")
BAD_FORMAT = N_("答案格式不正确：%(e)s")
MULTIPLE_PARTIAL = N_("部分正确：选对 %(hits)d 项，错选 %(misses)d 项。")
MULTIPLE_WRONG = N_("回答错误：选对 %(hits)d 项，错选 %(misses)d 项。")
BLANKS_PARTIAL = N_("部分正确：答对 %(right)d 空（共 %(total)d 空）。")
PAIRS_PARTIAL = N_("部分正确：配对正确 %(right)d 对（共 %(total)d 对）。")
ORDER_PARTIAL = N_("部分正确：最长的顺序正确的子序列有 %(run)d 项（共 %(total)d 项）。")

# Stored after a regrade (app/services/regrade.py): the new feedback with a note of the version used.
REGRADED = N_("%(feedback)s（已按第 %(n)d 版更正后的答案重新评分）")

# Every sentence a grader can return, most specific first (the web layer matches in this order).
TEMPLATES = (UNANSWERED, CORRECT, WRONG, AWAITING_GRADING, MULTIPLE_PARTIAL, MULTIPLE_WRONG, BLANKS_PARTIAL,
             PAIRS_PARTIAL, ORDER_PARTIAL, BAD_FORMAT)


def say(template: str, **params: object) -> str:
    """The Chinese sentence ``template`` with ``params`` filled in (what is stored)."""
    return template % params if params else template
