"""The autosave door: a plain save answered before Flask's request cycle, with the same checks.

An exam hall's commonest request is ``PUT /api/v1/attempts/<id>/answers/<qid>``. Through Flask
it paid the request and application contexts, routing, every ``before_request`` and
``after_request`` hook and the response machinery, together about as much CPU as the save itself.
This WSGI middleware sits in front of the app and answers the plain success of such a save itself:

* the session cookie and the CSRF token count only when this process verified exactly those
  strings before (:mod:`app.auth.verified`, the same cache and age limits the app uses);
* the JSON body is parsed by the app's strict parser and its fields checked by the view's own
  :func:`app.api.exams.save_fields`;
* the save is :func:`app.services.autosave.save_fast`, the fast path the view itself takes first,
  with the request's address and device (:func:`app.services.exam_room.room_request`);
* the reply is the view's (:func:`app.api.exams.saved_response`, encoded as ``jsonify`` does) with
  the security headers of every response (:data:`app.security_headers.HEADERS`).

Everything else goes on to the app unchanged: another request, a cookie or token not yet verified,
a session that must change its password or asked to be remembered, a query string, anything the
fast path declines (which the full path then refuses or answers exactly), and every error. The door
answers only successes, so every refusal keeps its one home in the app.

The door knows the app's request hooks by name. When the app gains a hook it does not know, the
door stands aside (and logs why once) rather than skip a check it has never heard of.
"""

from __future__ import annotations

import io
import logging
import re

from werkzeug.wrappers import Request

from ..auth.session import MUST_CHANGE_KEY, parse_identity
from ..jsoninput import MAX_JSON_BYTES, strict_loads
from ..security_headers import HEADERS as SECURITY_HEADERS

log = logging.getLogger(__name__)

_PATH = re.compile(r"/api/v1/attempts/([1-9][0-9]{0,17})/answers/([^/]+)")

# The app's hooks the door accounts for, and how:
#   _refuse_nul_in_fields  query and form fields only: the door takes no query string and no form;
#   csrf_protect           the same token rule (VerifiedCSRFProtect.known_valid, referrer_problem);
#   _check_request_limit   the door stands aside while any request-wide limit exists;
#   must_change_guard      the door stands aside for a session with the must-change mark;
#   _mark_transaction_mode the fast path chooses its transactions itself (app.dbapi);
#   closed_book_guard      closes lessons, practice and cases, never the API;
#   _update_remember_cookie acts only on a session with "_remember", for which the door stands aside;
#   __inject_headers       rate-limit headers, only after a limit was checked (none is, here);
#   add_security_headers   the door sends the same HEADERS (it has no header of its own to keep).
KNOWN_BEFORE = frozenset({"_refuse_nul_in_fields", "csrf_protect", "_check_request_limit", "must_change_guard",
                          "_mark_transaction_mode", "closed_book_guard"})
KNOWN_AFTER = frozenset({"_update_remember_cookie", "__inject_headers", "add_security_headers"})


def _hook_names(funcs: dict, scopes: tuple) -> set[str]:
    """The names of the hook functions registered for ``scopes`` (None: the whole app)."""
    names = set()
    for scope in scopes:
        for func in funcs.get(scope, ()):
            inner = getattr(func, "func", func)  # functools.partial (Flask-Limiter's header hook)
            names.add(getattr(inner, "__name__", repr(inner)))
    return names


class AutosaveDoor:
    """WSGI middleware answering plain autosaves of ``app`` before its request cycle."""

    def __init__(self, app, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._open: bool | None = None  # decided at the first request, when every hook is registered
        self.served = 0  # saves answered here (tests and benchmarks read it)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "PUT" and self.is_open():
            match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
            if match is not None and not environ.get("QUERY_STRING"):
                answered = self._try(environ, int(match.group(1)))
                if answered is not None:
                    return answered(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def is_open(self) -> bool:
        """Whether the door serves: only while the app's hooks are the ones it accounts for."""
        if self._open is None:
            unknown = (_hook_names(self.app.before_request_funcs, (None, "api")) - KNOWN_BEFORE) | \
                      (_hook_names(self.app.after_request_funcs, (None, "api")) - KNOWN_AFTER)
            if self.app.url_value_preprocessors.get(None) or self.app.url_value_preprocessors.get("api"):
                unknown.add("url_value_preprocessor")
            if unknown:
                log.warning("autosave door closed: the app has request hooks it does not know: %s",
                            ", ".join(sorted(unknown)))
            self._open = not unknown and bool(self.app.config["AUTOSAVE_DOOR"])
        return self._open

    def _try(self, environ, attempt_id: int):
        """The response to a plain save, or ``None`` (the body, if read, is put back for the app)."""
        app = self.app
        request = Request(environ)
        match = _PATH.fullmatch(request.path)  # decoded as the app's router decodes it
        length = request.content_length
        if match is None or int(match.group(1)) != attempt_id or not request.is_json or not length \
                or length > min(MAX_JSON_BYTES, app.config.get("MAX_CONTENT_LENGTH") or MAX_JSON_BYTES):
            return None
        qid = match.group(2)
        try:
            body = request.get_data(cache=True)
        except Exception:  # noqa: BLE001 - a client gone mid-body: the app meets it too, and answers 400
            return None
        environ["wsgi.input"] = io.BytesIO(body)  # the app reads the same bytes if it gets the request
        interface = app.session_interface
        cookie = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        known = getattr(interface, "known", None)
        session_data = known(app, cookie) if cookie and known else None
        if not session_data or MUST_CHANGE_KEY in session_data or "_remember" in session_data:
            return None
        identity = parse_identity(session_data.get("_user_id"))
        if identity is None:
            return None
        from ..extensions import csrf, limiter

        config = app.config
        if config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"] and "PUT" in config["WTF_CSRF_METHODS"]:
            if not csrf.known_valid(csrf.header_token(request.headers, config), session_data, config):
                return None
            if csrf.referrer_problem(request.is_secure, request.referrer, request.host, config):
                return None
        if limiter._has_request_wide_limits():
            return None
        try:
            data = strict_loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        from ..services import autosave, exam_room
        from .exams import BadSaveBody, save_fields, saved_response

        try:
            response, seq, flagged = save_fields(data)
        except BadSaveBody:
            return None
        with app.app_context():
            try:
                result = autosave.save_fast(attempt_id, qid, identity[0], response, seq, flagged,
                                            exam_room.room_request(request.remote_addr, session_data),
                                            session_version=identity[1])
            except Exception:  # noqa: BLE001 - the app's own path answers (and reports) it
                log.exception("autosave door: the save failed; the app takes the request")
                return None
            if result is None:
                return None
            body = _jsonify_bytes(app, saved_response(result))
        self.served += 1
        headers = [("Content-Type", app.json.mimetype), ("Content-Length", str(len(body))),
                   ("Vary", "Cookie"),  # what Flask adds to a response that read the session
                   *SECURITY_HEADERS.items()]
        return _Reply(headers, body)


def _jsonify_bytes(app, obj) -> bytes:
    """The body ``jsonify(obj)`` sends (Flask's provider: compact unless debugging, then a newline)."""
    provider = app.json
    pretty = (provider.compact is None and app.debug) or provider.compact is False
    text = provider.dumps(obj, indent=2) if pretty else provider.dumps(obj, separators=(",", ":"))
    return f"{text}\n".encode()


class _Reply:
    """A ready 200 response."""

    __slots__ = ("headers", "body")

    def __init__(self, headers: list, body: bytes) -> None:
        self.headers, self.body = headers, body

    def __call__(self, environ, start_response):
        start_response("200 OK", self.headers)
        return [self.body]
