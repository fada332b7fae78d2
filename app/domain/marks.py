"""The extraction marker for text kept in Chinese as data and translated where it is shown."""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalogue (Babel's ``N_`` keyword); it is returned as is.

    The domain stays free of Flask: it stores the Chinese text, and the web layer translates it
    where it is shown (``app.i18n.translate_stored``, the ``case_feedback`` filter, ``_()`` on labels).
    """
    return text
