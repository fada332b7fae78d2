"""The load generator's HTTP side: one asyncio client, simulated students, latency records.

One ``aiohttp.ClientSession`` with a bounded connection pool carries every student; each student
keeps its own session cookie and CSRF token (the shared cookie jar is disabled), so the server
sees K independent logged-in users, as behind a reverse proxy that pools upstream connections.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, field

import aiohttp


@dataclass
class Sample:
    """One request: when it started (monotonic), how long it took, its status (0 = no response)."""

    started: float
    seconds: float
    status: int
    error: str = ""


class Recorder:
    """Latency samples per endpoint label."""

    def __init__(self) -> None:
        self.samples: dict[str, list[Sample]] = {}

    def add(self, label: str, sample: Sample) -> None:
        self.samples.setdefault(label, []).append(sample)

    def summary(self, label: str, ok_statuses: tuple[int, ...] = (200, 201)) -> dict:
        """Count, errors, requests per second over the label's span, p50/p95/p99/max in ms."""
        rows = self.samples.get(label, [])
        if not rows:
            return {"n": 0}
        times = sorted(s.seconds for s in rows)
        first = min(s.started for s in rows)
        last = max(s.started + s.seconds for s in rows)
        errors = [s for s in rows if s.status not in ok_statuses]

        def pct(p: float) -> float:
            return round(1000 * times[min(len(times) - 1, int(p * len(times)))], 1)

        return {"n": len(rows), "errors": len(errors), "span_s": round(last - first, 2),
                "rps": round(len(rows) / max(last - first, 1e-9), 1),
                "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99), "max_ms": round(1000 * times[-1], 1),
                "error_kinds": sorted({s.error or str(s.status) for s in errors})[:5]}


class Http:
    """Requests across one or more servers (a student's calls alternate between them)."""

    def __init__(self, bases: list[str], recorder: Recorder, pool: int, timeout: float = 60.0) -> None:
        self.bases = bases
        self.recorder = recorder
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=pool, limit_per_host=pool, force_close=False),
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=timeout))

    async def close(self) -> None:
        await self.session.close()

    async def call(self, label: str, method: str, path: str, *, server: int = 0, cookie: str = "",
                   csrf: str = "", body=None, record: bool = True, headers: dict | None = None,
                   response_headers: dict | None = None) -> tuple[int, object, dict]:
        """One request; returns (status, parsed JSON or text, new cookies). Never raises for HTTP problems.
        ``headers``: extra request headers; ``response_headers``: filled with the response's (lower-case names)."""
        headers = dict({"Accept": "application/json"} if path.startswith("/api/") else {"Accept": "text/html"},
                       **(headers or {}))
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRFToken"] = csrf
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        url = self.bases[server % len(self.bases)] + path
        started = time.monotonic()
        status, payload, cookies, error = 0, None, {}, ""
        try:
            async with self.session.request(method, url, data=data, headers=headers, allow_redirects=False) as resp:
                status = resp.status
                raw = await resp.read()
                if response_headers is not None:  # names in lower case (gunicorn writes "Etag")
                    response_headers.update((name.lower(), value) for name, value in resp.headers.items())
                cookies = {k: v.value for k, v in resp.cookies.items()}
                if resp.content_type == "application/json":
                    payload = json.loads(raw)
                else:
                    payload = raw.decode("utf-8", "replace")
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error = type(exc).__name__
        if record:
            self.recorder.add(label, Sample(started, time.monotonic() - started, status, error))
        return status, payload, cookies


def random_response(question: dict, rng: random.Random):
    """A well-formed response for a question as the student sees it."""
    qtype = question["type"]
    options = [o["id"] for o in question.get("options") or []]
    if qtype == "single":
        return rng.choice(options)
    if qtype == "multiple":
        return sorted(rng.sample(options, rng.randint(1, len(options))))
    if qtype == "true_false":
        return rng.random() < 0.5
    if qtype == "ordering":
        items = [o["id"] for o in question.get("items") or question["options"]]
        rng.shuffle(items)
        return items
    if qtype == "numeric":
        return rng.randint(0, 100000)
    if qtype == "fill_blank":
        return [f"答案{rng.randint(1, 99)}" for _ in range(question.get("blanks", 1))]
    if qtype == "matching":
        return {left: rng.choice(question["choices"]) for left in question["left"]}
    return "客户关系管理的核心是以客户为中心。" * rng.randint(1, 6) + str(rng.random())


@dataclass
class Student:
    """One simulated student and what the server acknowledged to it."""

    index: int
    username: str
    cookie: str = ""
    csrf: str = ""
    attempt_id: int | None = None
    deadline: str | None = None
    questions: list[dict] = field(default_factory=list)
    seqs: dict[str, int] = field(default_factory=dict)
    acked: dict[str, tuple[int, object]] = field(default_factory=dict)
    submitted: bool = False
    calls: int = 0
    page_etag: str | None = None  # the exam page's ETag, for a reload like a browser's

    def server(self) -> int:
        """Alternate servers call by call: an attempt started on one is saved through the other."""
        self.calls += 1
        return self.index + self.calls

    def take_cookies(self, cookies: dict) -> None:
        if "session" in cookies:
            self.cookie = f"session={cookies['session']}"

    async def login(self, http: Http, password: str, label: str = "login") -> bool:
        status, body, cookies = await http.call(label, "POST", "/api/v1/session", server=self.server(),
                                                body={"username": self.username, "password": password})
        if status != 200:
            return False
        self.take_cookies(cookies)
        self.csrf = body["csrf_token"]
        return True

    async def start(self, http: Http, exam_id: int) -> bool:
        status, body, cookies = await http.call("start", "POST", f"/api/v1/exams/{exam_id}/attempts",
                                                server=self.server(), cookie=self.cookie, csrf=self.csrf)
        if status != 200:
            return False
        self.take_cookies(cookies)
        self.attempt_id = body["attempt_id"]
        self.deadline = body["deadline"]
        self.questions = body["questions"]
        return True

    async def exam_page(self, http: Http, label: str = "exam_page") -> bool:
        got: dict = {}
        status, body, cookies = await http.call(label, "GET", f"/exams/attempts/{self.attempt_id}",
                                                server=self.server(), cookie=self.cookie, response_headers=got)
        self.take_cookies(cookies)
        self.page_etag = got.get("etag") or self.page_etag
        return status == 200 and isinstance(body, str) and "exam-app" in body

    async def exam_page_reload(self, http: Http, label: str = "exam_page_reload") -> bool:
        """A browser's reload: If-None-Match with the page's last ETag; 304 when nothing changed."""
        extra = {"If-None-Match": self.page_etag} if self.page_etag else {}
        status, body, cookies = await http.call(label, "GET", f"/exams/attempts/{self.attempt_id}",
                                                server=self.server(), cookie=self.cookie, headers=extra)
        self.take_cookies(cookies)
        return status == 304 or (status == 200 and isinstance(body, str) and "exam-app" in body)

    async def save(self, http: Http, rng: random.Random, label: str = "autosave", change: bool = False) -> bool:
        """Answer an unanswered question, or (``change``) change an answered one."""
        answered = [q for q in self.questions if q["id"] in self.acked]
        pending = [q for q in self.questions if q["id"] not in self.acked]
        pool = answered if (change and answered) or not pending else pending
        question = rng.choice(pool)
        qid = question["id"]
        seq = self.seqs.get(qid, 0) + 1
        self.seqs[qid] = seq
        response = random_response(question, rng)
        status, body, cookies = await http.call(
            label, "PUT", f"/api/v1/attempts/{self.attempt_id}/answers/{qid}", server=self.server(),
            cookie=self.cookie, csrf=self.csrf, body={"response": response, "seq": seq})
        self.take_cookies(cookies)
        if status == 200 and not body.get("stale"):
            previous = self.acked.get(qid)
            if previous is None or previous[0] < seq:
                self.acked[qid] = (seq, response)
        return status == 200

    async def submit(self, http: Http) -> bool:
        status, body, cookies = await http.call("submit", "POST", f"/api/v1/attempts/{self.attempt_id}/submit",
                                                server=self.server(), cookie=self.cookie, csrf=self.csrf)
        self.submitted = status == 200 and bool(body.get("submitted"))
        return self.submitted
