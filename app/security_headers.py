"""Security headers on every response: a Content-Security-Policy without inline script, and no framing.

The policy allows only the app's own scripts (``app/static/js/``, ``app/static/vendor/``), so a
script smuggled into a page through a stored answer, a question or a course text does not run
even if escaping were ever missed. Inline ``<script>`` code and ``on…=`` attributes are not
used anywhere (data travels in ``<script type="application/json">`` blocks, which are not run).
Inline styles stay allowed: Bootstrap, KaTeX and Chart.js set ``style`` attributes.
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` stop another site from framing a page
(clickjacking: a hidden exam or admin page under a decoy button).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    """Set the headers, keeping any a view chose itself (an SVG figure sends a stricter policy)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register :func:`add_security_headers` on every response of ``app``."""
    app.after_request(add_security_headers)
