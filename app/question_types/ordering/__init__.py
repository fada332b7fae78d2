"""``ordering``: put the items in order (exam: move buttons; practice: typed positions)."""

from __future__ import annotations

from flask_babel import gettext as _

from .. import TypeWeb
from ..forms import AnswerFormError, line_of, parse_number, position_number, read_options, read_scoring


class Web(TypeWeb):
    """The web side of ordering."""

    def practice_response(self, data, form):
        """Item ids sorted by the positions typed next to them, each position used once."""
        ids = list(data.get("options") or {})
        n = len(ids)
        positions: dict[str, int] = {}
        for key in ids:
            raw = line_of(form, f"order-{key}")
            if not raw:
                raise AnswerFormError(_("请为每一项填写顺序号（1–%(n)d）。", n=n))
            number = position_number(raw)
            if number is None or not 1 <= number <= n:
                raise AnswerFormError(_("顺序号应为 1 到 %(n)d 之间的整数，收到 %(raw)r。", n=n, raw=raw))
            if number in positions.values():
                raise AnswerFormError(_("顺序号 %(k)d 用了不止一次：每个顺序号只能用一次。", k=number))
            positions[key] = number
        return sorted(ids, key=positions.__getitem__)

    def practice_fields(self, data, response):
        """Each item's position in ``response``."""
        return {f"order-{key}": str(n) for n, key in enumerate(response, start=1)}

    def describe_response(self, data, response):
        """The item texts in the student's order (the page shows no letters for them)."""
        options = data.get("options") or {}
        items = response if isinstance(response, list) else [response]
        return " → ".join(options.get(key, "?") if isinstance(key, str) else str(key) for key in items)

    def read_form(self, form, parsed):
        """Items, each item's right position and the scoring rule."""
        options = read_options(form, parsed)
        ranks: dict[str, int] = {}
        for key in options:
            rank = parse_number(line_of(form, f"rank-{key}"))
            if not isinstance(rank, int):
                parsed.add("answer", _("请为第 %(k)s 项填写正确次序（1 到 %(n)d 的整数）。", k=key, n=len(options)))
            else:
                ranks[key] = rank
        if len(ranks) == len(options) and sorted(ranks.values()) != list(range(1, len(options) + 1)):
            parsed.add("answer", _("正确次序应恰好用到 1 到 %(n)d 各一次。", n=len(options)))
        parsed.data["answer"] = sorted(ranks, key=lambda key: ranks[key])
        read_scoring(form, parsed, "all_or_nothing")

    def form_fields(self, data, fields):
        """The items, their right positions and the scoring rule."""
        for letter, text in (data.get("options") or {}).items():
            fields.put(f"option-{letter}", text)
        for rank, key in enumerate(data.get("answer") or [], start=1):
            fields.put(f"rank-{key}", rank)
        if "scoring" in data:
            fields.put("scoring", data["scoring"])
