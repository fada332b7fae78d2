"""Configuration classes, chosen by ``APP_CONFIG`` (development, testing, production)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-secret-change-me"


def _sqlite_url(instance_path: Path, name: str) -> str:
    return f"sqlite:///{instance_path / name}"


class Config:
    """Settings shared by every configuration; values come from the environment."""

    NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")  # None: SQLite in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # PostgreSQL: ping a pooled connection only after it sat idle this long (0: on every checkout,
    # SQLAlchemy's pool_pre_ping). See app.database.ping_when_idle.
    DB_PING_IDLE_SECONDS = float(os.environ.get("DB_PING_IDLE_SECONDS", "5"))
    SQLITE_BUSY_TIMEOUT_MS = 15000
    # Plain autosaves answered before Flask's request cycle, with the same checks (app/api/save_door.py).
    AUTOSAVE_DOOR = os.environ.get("AUTOSAVE_DOOR", "1") != "0"
    COURSEWARE_DIR = os.environ.get("COURSEWARE_DIR", str(PROJECT_ROOT / "courseware"))
    QUESTION_BANK_DIR = os.environ.get("QUESTION_BANK_DIR", str(PROJECT_ROOT / "question_bank"))
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # exams run for hours; the token lives as long as the session
    # memory:// counts per process; several app processes must share redis://host:6379/0
    # (docs/deployment.md §4). Seconds to connect to / hear from Redis before failing (app/ratelimit.py).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STORAGE_TIMEOUT = float(os.environ.get("RATELIMIT_STORAGE_TIMEOUT", "0.5") or 0.5)
    # After a failure Redis is left alone this long (every limited request goes through at once).
    RATELIMIT_STORAGE_RETRY_SECONDS = float(os.environ.get("RATELIMIT_STORAGE_RETRY_SECONDS", "5") or 5)
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins. Per username: a password guesser gets 10 tries a minute at one account.
    # Per address: much higher, because a school's students share one NAT (or one nginx) address;
    # 300 a minute lets a hall of 100 students all mistype three times in the minute the exam
    # opens, while one machine spraying many usernames is still stopped within the minute.
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "10 per minute")
    LOGIN_ADDRESS_FAILURE_LIMIT = os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "300 per minute")
    # Wrong current passwords on /auth/password, per user: a borrowed logged-in session must not
    # become a password-guessing oracle.
    PASSWORD_CHANGE_FAILURE_LIMIT = os.environ.get("PASSWORD_CHANGE_FAILURE_LIMIT", "5 per 10 minutes")
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # OWASP password storage cheat sheet: argon2id, m=19 MiB, t=2, p=1.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1
    DEMO_DATA_ALLOWED = True
    SAVE_GRACE_SECONDS = 60
    ITEMS_PER_PAGE = 25
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For/-Proto are believed
    # for that many hops only, so a client cannot forge its address past them.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0") or 0)
    # Printed at the top of Word exam papers (docs/paper-exams.md); empty: a line to write it on.
    SCHOOL_NAME = os.environ.get("SCHOOL_NAME", "")
    # Papers drawn before an exam opens (docs/performance.md): "background" after a publish or a
    # class/roster change made in a request (at once from a command), "sync" always at once, "off" never.
    PREPARE_PAPERS = os.environ.get("PREPARE_PAPERS", "background")


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, demo data allowed."""

    NAME = "development"
    DEBUG = False


class TestingConfig(Config):
    """The test suite: a throwaway database, cheap hashing so tests stay fast."""

    NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    PREPARE_PAPERS = "off"  # tests that want prepared papers turn it on (tests/web/test_prepared_attempts.py)


class ProductionConfig(Config):
    """Production: a real secret is mandatory and demo data is never created."""

    NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEMO_DATA_ALLOWED = False
    # If the shared limiter store (Redis) is down, students must still be able to log in to an exam.
    RATELIMIT_SWALLOW_ERRORS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


class ConfigError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete."""


def select_config(name: str | None = None) -> type[Config]:
    """Return the configuration class for ``name`` or ``$APP_CONFIG`` (default development)."""
    name = name or os.environ.get("APP_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"Unknown APP_CONFIG {name!r}; use one of {', '.join(CONFIGS)}") from None


def check_production_secret(secret: str | None) -> None:
    """Refuse a missing, default or short secret key in production."""
    if not secret or secret == DEFAULT_SECRET or len(secret) < 24:
        raise ConfigError(
            "Production needs SECRET_KEY set in the environment to a random value of at least "
            "24 characters (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
