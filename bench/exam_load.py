"""Exam load benchmark: K students take a 40-question exam over real HTTP against gunicorn.

    .venv/bin/python bench/exam_load.py --students 2000 --duration 120            # SQLite
    .venv/bin/python bench/exam_load.py --students 2000 --database postgres       # 2 app processes, Redis

Phases: logins (a paced wave of ``--login-wave`` over ``--login-window`` s, the rest in bulk),
attempt starts released over ``--start-window`` s, a steady state of autosaves at random intervals
with exam-page loads, closed-loop saturation of autosave and of the exam page, submissions, and
the same saturation against a bare Flask endpoint under the same gunicorn settings. Then every
acknowledged answer is looked up in the database. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

# The bench helpers, then this checkout's app (the one gunicorn serves from here), before any
# installed copy: the fixture must prepare the data with the same code as the server.
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from client import Http, Recorder, Student  # noqa: E402
from fixture import BENCH_PASSWORD, prepare, server_env  # noqa: E402
from servers import Gunicorn, PostgresCluster, RedisServer  # noqa: E402
from verify import check_database  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", "-k", type=int, default=100, help="concurrent students (default 100)")
    p.add_argument("--duration", type=float, default=60, help="steady-state seconds (default 60)")
    p.add_argument("--think", type=float, default=10, help="mean seconds between one student's saves (default 10)")
    p.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--database-url", default=None,
                   help="use this (empty!) PostgreSQL database instead of a throwaway cluster")
    p.add_argument("--servers", type=int, default=None, help="app processes (gunicorn masters); "
                   "default 1 for SQLite, 2 for PostgreSQL")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers per server "
                   "(default 2 for one server, 1 each for two)")
    p.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker (default 8)")
    p.add_argument("--pool", type=int, default=256, help="client connection pool (default 256)")
    p.add_argument("--login-wave", type=int, default=300, help="logins paced over --login-window (default 300)")
    p.add_argument("--login-window", type=float, default=60)
    p.add_argument("--login-concurrency", type=int, default=8, help="in-flight logins for the rest (default 8)")
    p.add_argument("--start-window", type=float, default=10, help="seconds over which starts are released")
    p.add_argument("--submit-window", type=float, default=10)
    p.add_argument("--sat-clients", type=int, default=64, help="closed-loop clients in saturation phases")
    p.add_argument("--sat-seconds", type=float, default=15)
    p.add_argument("--no-prepare", action="store_true",
                   help="do not prepare papers at publishing: every start draws and inserts its paper (the old path)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--json-out", default=None, help="write the full report as JSON here")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    return p.parse_args(argv)


class Phases:
    """Wall time and CPU (load generator vs servers) per phase."""

    def __init__(self, servers: list[Gunicorn]):
        self.servers = servers
        self.rows: list[dict] = []
        self.load_before_start: tuple | None = None

    def mark(self, name: str):
        phases = self

        class _Phase:
            def __enter__(self):
                self.t0, self.c0 = time.monotonic(), time.process_time()
                self.s0 = sum(s.cpu_seconds() for s in phases.servers)
                print(f"-- {name} ...", flush=True)
                return self

            def __exit__(self, *exc):
                wall = time.monotonic() - self.t0
                server = sum(s.cpu_seconds() for s in phases.servers) - self.s0
                phases.rows.append({"phase": name, "wall_s": round(wall, 1),
                                    "client_cpu_pct": round(100 * (time.process_time() - self.c0) / wall, 0),
                                    "server_cpu_pct": round(100 * server / wall, 0)})
                print(f"   {name}: {wall:.1f} s", flush=True)

        return _Phase()


async def paced(items, window: float, action, limit_s: float):
    """Run ``action(item)`` for each item, released uniformly over ``window`` seconds."""
    t0 = time.monotonic()
    n = max(len(items), 1)

    async def one(i, item):
        await asyncio.sleep(max(0.0, t0 + window * i / n - time.monotonic()))
        return await action(item)

    return await asyncio.wait_for(asyncio.gather(*(one(i, it) for i, it in enumerate(items))), limit_s)


async def bounded(items, concurrency: int, action, limit_s: float):
    """Run ``action(item)`` for each item with at most ``concurrency`` in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def one(item):
        async with gate:
            return await action(item)

    return await asyncio.wait_for(asyncio.gather(*(one(it) for it in items)), limit_s)


async def steady(students: list[Student], http: Http, args, rng: random.Random) -> None:
    """Each student loads the exam page, then saves answers at random intervals; some change answers."""
    end = time.monotonic() + args.duration

    async def life(student: Student, srng: random.Random):
        await asyncio.sleep(srng.uniform(0, args.think))
        await student.exam_page(http)
        for _ in range(100000):
            pause = srng.uniform(0.5 * args.think, 1.5 * args.think)
            if time.monotonic() + pause >= end:
                return
            await asyncio.sleep(pause)
            roll = srng.random()
            if roll < 0.05:
                await student.exam_page(http)
            else:
                await student.save(http, srng, change=roll < 0.30)

    await asyncio.wait_for(asyncio.gather(*(life(s, random.Random(rng.random())) for s in students)),
                           args.duration + 300)


async def saturate(label: str, clients: int, seconds: float, request) -> None:
    """``clients`` closed loops each calling ``request(client_index)`` back to back for ``seconds``."""
    end = time.monotonic() + seconds

    async def loop(c: int):
        for n in range(10**7):
            if time.monotonic() >= end:
                return
            await request(c, n)

    await asyncio.wait_for(asyncio.gather(*(loop(c) for c in range(clients))), seconds + 120)


async def run_load(args, bases: list[str], students: list[Student], exam_id: int, phases: Phases,
                   recorder: Recorder) -> None:
    rng = random.Random(args.seed)
    http = Http(bases, recorder, args.pool)
    try:
        wave, rest = students[:args.login_wave], students[args.login_wave:]
        if rest:
            with phases.mark(f"login: {len(rest)} in bulk, {args.login_concurrency} at a time"):
                await bounded(rest, args.login_concurrency, lambda s: s.login(http, BENCH_PASSWORD, "login_bulk"),
                              3600)
        with phases.mark(f"login: wave of {len(wave)} over {args.login_window:.0f} s"):
            await paced(wave, args.login_window, lambda s: s.login(http, BENCH_PASSWORD), args.login_window + 300)
        ready = [s for s in students if s.csrf]
        phases.load_before_start = os.getloadavg()
        print(f"   load average before the start burst: {phases.load_before_start}", flush=True)
        with phases.mark(f"start: {len(ready)} attempts released over {args.start_window:.0f} s"):
            await paced(ready, args.start_window, lambda s: s.start(http, exam_id), args.start_window + 600)
        taking = [s for s in ready if s.attempt_id]
        with phases.mark(f"steady state: {len(taking)} students, {args.duration:.0f} s"):
            await steady(taking, http, args, rng)
        if taking:
            clients = min(args.sat_clients, len(taking))
            with phases.mark(f"autosave saturation: {clients} closed loops, {args.sat_seconds:.0f} s"):
                await saturate("autosave_max", clients, args.sat_seconds,
                               lambda c, n: taking[(c + n * clients) % len(taking)].save(
                                   http, rng, "autosave_max", change=True))
            with phases.mark(f"exam page saturation: {clients} closed loops, {args.sat_seconds:.0f} s"):
                await saturate("exam_page_max", clients, args.sat_seconds,
                               lambda c, n: taking[(c + n * clients) % len(taking)].exam_page(http, "exam_page_max"))
            with phases.mark(f"exam page reloads (If-None-Match): {clients} closed loops, {args.sat_seconds:.0f} s"):
                await saturate("exam_page_reload", clients, args.sat_seconds,
                               lambda c, n: taking[(c + n * clients) % len(taking)].exam_page_reload(http))
        with phases.mark(f"submit: {len(taking)} released over {args.submit_window:.0f} s"):
            await paced(taking, args.submit_window, lambda s: s.submit(http), args.submit_window + 600)
    finally:
        await http.close()


async def run_bare(args, base: str, recorder: Recorder, clients: int) -> None:
    http = Http([base], recorder, args.pool)
    body = {"response": ["A", "C"], "seq": 1}
    try:
        await saturate("bare_put_max", clients, args.sat_seconds,
                       lambda c, n: http.call("bare_put_max", "PUT", "/ping", body=body))
        await saturate("bare_get_max", clients, args.sat_seconds,
                       lambda c, n: http.call("bare_get_max", "GET", "/ping"))
    finally:
        await http.close()


def scan_logs(paths: list[Path]) -> dict:
    counts = {"database is locked": 0, "Traceback": 0, "WORKER TIMEOUT": 0, "rate limit storage unavailable": 0}
    for path in paths:
        if path.exists():
            text = path.read_text("utf-8", "replace")
            for key in counts:
                counts[key] += text.count(key)
    return counts


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "python": sys.version.split()[0],
            "load_avg_at_start": os.getloadavg()}


def print_report(report: dict) -> None:
    print("\n== exam load benchmark ==")
    print(json.dumps(report["setup"], ensure_ascii=False))
    print(f"{'endpoint':<16}{'n':>7}{'err':>6}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, s in report["endpoints"].items():
        if s.get("n"):
            print(f"{label:<16}{s['n']:>7}{s['errors']:>6}{s['rps']:>9}{s['p50_ms']:>9}{s['p95_ms']:>9}"
                  f"{s['p99_ms']:>9}{s['max_ms']:>9}")
    print("phases:")
    for row in report["phases"]:
        print(f"  {row['phase']:<58} {row['wall_s']:>7} s  client CPU {row['client_cpu_pct']:>4}%  "
              f"server CPU {row['server_cpu_pct']:>4}%")
    print("efficiency:", json.dumps(report["efficiency"]))
    print("integrity:", json.dumps(report["integrity"], ensure_ascii=False))
    print("targets:")
    for name, (ok, detail) in report["targets"].items():
        print(f"  [{'PASS' if ok else 'MISS'}] {name}: {detail}")


def targets(ep: dict, eff: dict, integrity: dict, args) -> dict:
    def get(label, key, default=float("inf")):
        return ep.get(label, {}).get(key, default)

    start_span = ep.get("start", {}).get("span_s", float("inf"))
    errors = sum(s.get("errors", 0) for s in ep.values())
    return {
        "autosave p95 < 100 ms": (get("autosave", "p95_ms") < 100, f"{get('autosave', 'p95_ms')} ms"),
        "exam page p95 < 250 ms": (get("exam_page", "p95_ms") < 250, f"{get('exam_page', 'p95_ms')} ms"),
        "starts done within window + 1 s": (start_span <= args.start_window + 1, f"{start_span} s"),
        "start p95 < 1 s": (get("start", "p95_ms") < 1000, f"{get('start', 'p95_ms')} ms"),
        "submits done within window + 1 s": (get("submit", "span_s") <= args.submit_window + 1,
                                             f"{get('submit', 'span_s')} s"),
        "submit p95 < 1 s": (get("submit", "p95_ms") < 1000, f"{get('submit', 'p95_ms')} ms"),
        "login wave within window": (get("login", "span_s") <= args.login_window + 1.5, f"{get('login', 'span_s')} s"),
        "login p95 < 1.5 s": (get("login", "p95_ms") < 1500, f"{get('login', 'p95_ms')} ms"),
        "0 errors": (errors == 0, str(errors)),
        "0 database is locked": (integrity["log"]["database is locked"] == 0,
                                 str(integrity["log"]["database is locked"])),
        "one attempt per student, no paper left prepared": (not integrity["unclaimed_attempts"],
                                                            str(integrity["unclaimed_attempts"])),
        "0 lost answers": (integrity["lost"] == 0 and integrity["acked"] > 0,
                           f"{integrity['lost']} of {integrity['acked']} acknowledged"),
        # Issue 17's targets (the first round asked 0.5x / 0.35x; see docs/performance.md, Targets).
        "autosave >= 0.35x bare": (eff.get("autosave_ratio", 0) >= 0.35, str(eff.get("autosave_ratio"))),
        "exam page >= 0.15x bare": (eff.get("exam_page_ratio", 0) >= 0.15, str(eff.get("exam_page_ratio"))),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    n_servers = args.servers or (2 if args.database == "postgres" else 1)
    workers = args.workers or (2 if n_servers == 1 else 1)
    tmp = Path(tempfile.mkdtemp(prefix="crm-bench."))
    cluster = None
    redis = None
    servers: list[Gunicorn] = []
    try:
        if args.database == "postgres":
            url = args.database_url or os.environ.get("BENCH_DATABASE_URL")
            if not url:
                cluster = PostgresCluster()
                url = cluster.start(max_connections=max(100, n_servers * workers * args.threads * 2 + 20))
        else:
            url = f"sqlite:///{tmp / 'bench.db'}"
        print(f"preparing {args.students} students and a 40-question exam on {args.database} ...", flush=True)
        load_at_start = os.getloadavg()
        prepared = prepare(url, args.students, prepare_papers=not args.no_prepare)
        print(f"published: {prepared.papers} papers prepared in {prepared.prepare_s} s", flush=True)
        base_env = dict(os.environ)
        if (args.database == "postgres" or n_servers > 1) and not base_env.get("RATELIMIT_STORAGE_URI"):
            # Several app processes share the login limits through Redis, as deployed (docs/deployment.md §4).
            redis = RedisServer()
            base_env["RATELIMIT_STORAGE_URI"] = redis.start()
        env = server_env(prepared, base_env)
        servers = [Gunicorn("app:create_app()", env, workers, args.threads, log_path=tmp / f"server{i}.log")
                   for i in range(n_servers)]
        for server in servers:
            server.start("/api/v1/openapi.json")
        students = [Student(i, name) for i, name in enumerate(prepared.usernames)]
        recorder = Recorder()
        phases = Phases(servers)
        asyncio.run(run_load(args, [s.url for s in servers], students, prepared.exam_id, phases, recorder))
        for server in servers:
            server.stop()
        bare = Gunicorn("bare_app:app", dict(os.environ), workers * n_servers, args.threads,
                        log_path=tmp / "bare.log", pythonpath=str(BENCH_DIR))
        bare_phases = Phases([bare])
        bare.start("/ping")
        try:
            with bare_phases.mark("bare Flask endpoint saturation"):
                asyncio.run(run_bare(args, bare.url, recorder, min(args.sat_clients, max(1, args.students))))
        finally:
            bare.stop()
        check = check_database(url, students)
        log = scan_logs([tmp / f"server{i}.log" for i in range(n_servers)])
        if redis is not None:
            log["redis_commands"] = redis.commands_processed()
        ep = {label: recorder.summary(label) for label in
              ["login", "login_bulk", "start", "exam_page", "autosave", "submit", "autosave_max", "exam_page_max",
               "bare_put_max", "bare_get_max"]}
        ep["exam_page_reload"] = recorder.summary("exam_page_reload", (200, 304))  # a 304 is the answer hoped for
        ep["exam_page_reload"]["not_modified"] = sum(x.status == 304 for x in recorder.samples.get("exam_page_reload", []))
        eff = {}
        if ep["bare_put_max"].get("n") and ep["autosave_max"].get("n"):
            eff["autosave_ratio"] = round(ep["autosave_max"]["rps"] / ep["bare_put_max"]["rps"], 2)
        if ep["bare_get_max"].get("n") and ep["exam_page_max"].get("n"):
            eff["exam_page_ratio"] = round(ep["exam_page_max"]["rps"] / ep["bare_get_max"]["rps"], 2)
        if ep["bare_get_max"].get("n") and ep["exam_page_reload"].get("n"):  # reported apart: the target is the full page
            eff["exam_page_reload_ratio"] = round(ep["exam_page_reload"]["rps"] / ep["bare_get_max"]["rps"], 2)
        integrity = {"acked": check.acked, "lost": len(check.lost), "lost_examples": check.lost[:5],
                     "attempts": check.attempts, "submitted_ok": sum(s.submitted for s in students),
                     "not_submitted_in_db": len(check.not_submitted), "unclaimed_attempts": check.unclaimed,
                     "deadline_problems":
                     len(check.missing_deadline) + len(check.changed_deadline), "log": log}
        report = {"setup": {"database": args.database, "students": args.students, "servers": n_servers,
                            "workers_per_server": workers, "threads": args.threads, "duration_s": args.duration,
                            "think_s": args.think, "pool": args.pool,
                            "limiter_storage": env["RATELIMIT_STORAGE_URI"].split(":", 1)[0], "machine": machine(),
                            "load_avg_before_setup": load_at_start, "load_avg_before_start_phase":
                            phases.load_before_start, "papers_prepared": prepared.papers,
                            "prepare_s": prepared.prepare_s},
                  "endpoints": ep, "phases": phases.rows + bare_phases.rows, "efficiency": eff,
                  "integrity": integrity}
        report["targets"] = targets(ep, eff, integrity, args)
        print_report(report)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(report, ensure_ascii=False, indent=2))
        if args.keep:
            print(f"kept {tmp}")
        return 0 if check.ok and sum(s.get("errors", 0) for s in ep.values()) == 0 else 1
    finally:
        for server in servers:
            server.stop()
        if cluster is not None:
            cluster.stop()
        if redis is not None:
            redis.cleanup()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
