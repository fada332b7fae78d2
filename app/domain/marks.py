"""The extraction marker for text kept in Chinese as data and translated where it is shown,
and :class:`Message`, Chinese text that remembers its template for the web layer to translate."""

from __future__ import annotations

from collections.abc import Iterable


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalogue (Babel's ``N_`` keyword); it is returned as is.

    The domain stays free of Flask: it stores the Chinese text, and the web layer translates it
    where it is shown (``app.i18n.translate_stored``, the ``case_feedback`` filter, ``_()`` on labels).
    """
    return text


class Message(str):
    """A Chinese message made at request time (a validation issue, a response-format error).

    It *is* the Chinese text, so the CLI, logs and string checks use it as they would any
    string; it also keeps the ``N_``-marked ``template`` and the ``params`` it was filled in with,
    so that the web layer (``app.i18n.translate_message``) shows the catalogue's translation with
    the same parameters. A parameter may itself be a Message (a nested phrase, translated in turn).
    Templates with parameters use ``%%`` for a literal percent sign; templates without are text.
    """

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, /, **params: object) -> Message:
        self = super().__new__(cls, template % params if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self):
        return _rebuild, (self.template, self.params)


def _rebuild(template: str, params: dict[str, object]) -> Message:
    return Message(template, **params)


#: How :func:`joined` runs messages together: ``第一条；第二条``.
JOINED = N_("%(first)s；%(rest)s")


def joined(messages: Iterable[str]) -> str:
    """Messages run together with ``；`` as one Message (empty text when there are none)."""
    items = list(messages)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return Message(JOINED, first=items[0], rest=joined(items[1:]))
