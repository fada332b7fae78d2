"""CRM training and examination platform: the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import Config, check_production_secret, select_config


def create_app(config: type[Config] | str | dict | None = None) -> Flask:
    """Build the Flask application.

    ``config`` is a config class, a config name ("development", "testing", "production") or a
    mapping of overrides applied on top of the testing configuration; ``None`` reads
    ``APP_CONFIG`` from the environment.
    """
    app = Flask(__name__, instance_relative_config=True)
    overrides: dict = {}
    if isinstance(config, dict):
        overrides = config
        config_class = select_config(overrides.pop("CONFIG_NAME", "testing"))
    elif isinstance(config, str) or config is None:
        config_class = select_config(config)
    else:
        config_class = config
    app.config.from_object(config_class)
    app.config.update(overrides)
    if config_class.NAME == "production":
        check_production_secret(app.config.get("SECRET_KEY"))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        name = "testing.db" if app.config.get("TESTING") else "crm.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.path.join(app.instance_path, name)}"
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") or app.config["DB_PING_IDLE_SECONDS"] > 0:
        # A file cannot drop a connection: pinging it costs a query on every checkout. A server
        # database pings only connections that sat idle (app.database.ping_when_idle).
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    from .api.save_door import AutosaveDoor

    # Inside the proxy fix: the door sees the client's address as the app does.
    app.wsgi_app = app.extensions["autosave_door"] = AutosaveDoor(app, app.wsgi_app)
    apply_proxy_fix(app)
    from .jsoninput import init_json_input

    init_json_input(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    from . import security_headers

    security_headers.init_app(app)
    return app


def apply_proxy_fix(app: Flask) -> None:
    """Believe ``X-Forwarded-For``/``-Proto`` from exactly ``TRUSTED_PROXIES`` proxy hops.

    Login limits and exam network rules key on ``request.remote_addr``; behind nginx it would be
    nginx's own address for every student without this.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def register_extensions(app: Flask) -> None:
    """Bind extension objects and configure the database engine."""
    from . import models  # noqa: F401  (registers every table)
    from .database import configure_engine
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import compile_translations, select_locale

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", compile_translations(app))
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"], app.config["DB_PING_IDLE_SECONDS"])

    from .auth.session import init_login

    init_login(app)
    from .database_request import init_request_transactions

    init_request_transactions(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    from .converters import init_converters

    init_converters(app)
    from .admin.routes import bp as admin_bp
    from .api import bp as api_bp
    from .auth.routes import bp as auth_bp
    from .cases.routes import bp as cases_bp
    from .exams.routes import bp as exams_bp
    from .instructor.routes import bp as instructor_bp
    from .lessons.routes import bp as lessons_bp
    from .main.routes import bp as main_bp
    from .practice.routes import bp as practice_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(lessons_bp, url_prefix="/lessons")
    app.register_blueprint(practice_bp, url_prefix="/practice")
    app.register_blueprint(exams_bp, url_prefix="/exams")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(instructor_bp, url_prefix="/instructor")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    from .services.withholding import init_app as init_withholding

    init_withholding(app)  # closed-book exams close lessons, search, practice and cases


def register_errorhandlers(app: Flask) -> None:
    """HTML error pages for browsers, JSON ``{"error": ...}`` for the API."""
    from .errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    """CLI command groups (``flask --app app ...``)."""
    from .cli import init_cli

    init_cli(app)


def register_template_helpers(app: Flask) -> None:
    """Globals every template may use."""
    from .question_types import init_app as init_question_types
    from .templating import init_templating

    init_templating(app)
    init_question_types(app)  # each type's templates, scripts and labels (app/question_types/)
