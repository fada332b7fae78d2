"""Helpers for tests against real gunicorn processes: a blocking student client over loopback HTTP."""

from __future__ import annotations

import http.client
import json
import os
import sys
from urllib.parse import urlsplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from fixture import BENCH_PASSWORD, prepare, server_env  # noqa: E402,F401
from servers import Gunicorn  # noqa: E402,F401
from verify import check_database  # noqa: E402,F401


class LiveStudent:
    """One student's session over plain HTTP; ``acked`` holds every save the server confirmed."""

    def __init__(self, index: int, username: str):
        self.index = index
        self.username = username
        self.cookie = ""
        self.csrf = ""
        self.attempt_id: int | None = None
        self.deadline: str | None = None
        self.questions: list[dict] = []
        self.acked: dict[str, tuple[int, object]] = {}
        self.submitted = False
        self.last_error = ""  # why the last call got no answer (a failing assert shows it)

    def call(self, base: str, method: str, path: str, body=None, timeout: float = 10.0):
        """(status, JSON body) or (0, None) when the connection failed (a killed server)."""
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        headers = {"Accept": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            for key, value in response.getheaders():
                if key.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            payload = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
                "application/json") else raw
            return response.status, payload
        except (OSError, http.client.HTTPException) as exc:
            self.last_error = f"{method} {path}: {exc!r}"
            return 0, None
        finally:
            conn.close()

    def login(self, base: str) -> None:
        status, body = self.call(base, "POST", "/api/v1/session",
                                 {"username": self.username, "password": BENCH_PASSWORD})
        assert status == 200, (status, body)
        self.csrf = body["csrf_token"]

    def start(self, base: str, exam_id: int) -> None:
        status, body = self.call(base, "POST", f"/api/v1/exams/{exam_id}/attempts")
        assert status == 200, (status, body)
        self.attempt_id, self.deadline, self.questions = body["attempt_id"], body["deadline"], body["questions"]

    def save(self, base: str, question: dict, seq: int, response) -> int:
        status, body = self.call(base, "PUT", f"/api/v1/attempts/{self.attempt_id}/answers/{question['id']}",
                                 {"response": response, "seq": seq})
        if status == 200 and not body.get("stale"):
            previous = self.acked.get(question["id"])
            if previous is None or previous[0] < seq:
                self.acked[question["id"]] = (seq, response)
        return status

    def submit(self, base: str) -> int:
        status, body = self.call(base, "POST", f"/api/v1/attempts/{self.attempt_id}/submit")
        self.submitted = status == 200 and bool(body.get("submitted"))
        return status


def simple_response(question: dict, seq: int):
    """A valid response that differs with ``seq`` (so a lost newer save would show)."""
    qtype = question["type"]
    options = [o["id"] for o in question.get("options") or []]
    if qtype == "single":
        return options[seq % len(options)]
    if qtype == "multiple":
        return options[: 1 + seq % len(options)]
    if qtype == "true_false":
        return seq % 2 == 0
    if qtype == "ordering":
        items = [o["id"] for o in question.get("items") or question["options"]]
        return items[seq % len(items):] + items[: seq % len(items)]
    if qtype == "numeric":
        return 1000 + seq
    if qtype == "fill_blank":
        return [f"答{seq}"] * question.get("blanks", 1)
    if qtype == "matching":
        return {left: question["choices"][seq % len(question["choices"])] for left in question["left"]}
    return f"第 {seq} 稿的回答"
