"""Processes the benchmark and the recovery tests run: gunicorn on loopback, a throwaway PostgreSQL and Redis.

Everything binds to 127.0.0.1 and every wait is bounded in time.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers (any HTTP status), or raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError as exc:
            last = exc
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s: {last}")


@dataclass
class Gunicorn:
    """One gunicorn master serving ``app_spec`` on a loopback port."""

    app_spec: str
    env: dict
    workers: int = 2
    threads: int = 8
    port: int = field(default_factory=free_port)
    log_path: Path | None = None
    pythonpath: str | None = None
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 60.0) -> "Gunicorn":
        """Start and wait until ``ready_path`` answers."""
        args = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--threads", str(self.threads), "--worker-class", "gthread", "--keep-alive", "30",
                "--backlog", "4096", "--timeout", "120", "--graceful-timeout", "10"]
        if self.pythonpath:
            args += ["--pythonpath", self.pythonpath]
        args.append(self.app_spec)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                         start_new_session=True)
        finally:
            if log is not subprocess.DEVNULL:
                log.close()  # the child keeps its own descriptor
        try:
            wait_http(self.url + ready_path, timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    def pids(self) -> list[int]:
        """The master and its workers."""
        if self.proc is None:
            return []
        found = [self.proc.pid]
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                parts = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(parts[1]) == self.proc.pid:
                found.append(int(stat.split("/")[2]))
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and its live workers."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in self.pids():
            try:
                parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(parts[11]) + int(parts[12])) / tick
        return total

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash would."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        """Graceful stop (SIGTERM), SIGKILL after 15 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


class PostgresCluster:
    """A private PostgreSQL cluster in a temporary directory, on a loopback port (as .ci/run does)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.bin = self._find_bin()
        self.data = Path(tempfile.mkdtemp(prefix="crm-bench-pg."))
        self.started = False

    @staticmethod
    def _find_bin() -> Path:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in
                                                                                 Path(p).parent.name.split(".")])
        if not candidates:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql), or set DATABASE_URL")
        return Path(candidates[-1])

    def _run(self, command: str) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres")
            subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", command], check=True, timeout=120,
                           stdout=subprocess.DEVNULL)
        else:
            subprocess.run(["/bin/sh", "-c", command], check=True, timeout=120, stdout=subprocess.DEVNULL)

    def start(self, max_connections: int = 200) -> str:
        """initdb, start, create database ``crm``; returns its SQLAlchemy URL."""
        self._run(f"{self.bin}/initdb -D {self.data} -A trust -U postgres")
        # fsync stays on: the benchmark measures durable saves, as in production.
        self._run(f"{self.bin}/pg_ctl -D {self.data} -o '-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 "
                  f"-c max_connections={max_connections} -c shared_buffers=256MB' -l {self.data}/log -w start")
        self.started = True
        self._run(f"{self.bin}/createdb -h 127.0.0.1 -p {self.port} -U postgres crm")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/crm"

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        if self.started:
            try:
                self._run(f"{self.bin}/pg_ctl -D {self.data} -m fast stop")
            except subprocess.SubprocessError:
                pass
            self.started = False
        shutil.rmtree(self.data, ignore_errors=True)


REDIS_SERVER = os.environ.get("REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server")


class RedisServer:
    """A throwaway ``redis-server`` on a loopback port: no persistence, its own temporary directory.

    The benchmark and the tests keep Flask-Limiter's counters in it (``RATELIMIT_STORAGE_URI``), as
    a deployment with several app processes does (docs/deployment.md §4).
    """

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="crm-redis."))
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        """Whether the redis-server binary is installed."""
        return os.access(REDIS_SERVER, os.X_OK)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.dir / "redis.log"

    def start(self, timeout: float = 15.0) -> str:
        """Start and wait until it answers PING; returns its URL."""
        if not self.available():
            raise RuntimeError(f"{REDIS_SERVER} not found (apt-get install redis-server)")
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.dir), "--logfile", str(self.log_path), "--daemonize", "no"]
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}: {self.log_tail()}")
            if self.ping():
                return self.url
            time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"redis-server on port {self.port} did not answer within {timeout:.0f} s")

    def ping(self) -> bool:
        """True when the server answers PING (plain RESP over a socket: no client library needed)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def commands_processed(self) -> int | None:
        """Redis's ``total_commands_processed`` (the benchmark reports it: the limiter really used Redis)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
                sock.sendall(b"INFO stats\r\n")
                data = b""
                while b"total_commands_processed:" not in data or not data.endswith(b"\r\n"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except OSError:
            return None
        for line in data.decode(errors="replace").splitlines():
            if line.startswith("total_commands_processed:"):
                return int(line.split(":", 1)[1])
        return None

    def log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing is answered (a hung server)."""
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server (SIGTERM, SIGKILL after 10 s); the directory stays until :meth:`cleanup`."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGCONT)  # a paused server cannot act on SIGTERM
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        """Stop and remove the temporary directory."""
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
