"""Extension objects, created here and bound in ``create_app`` to avoid circular imports."""

from flask_babel import Babel
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .auth.verified import VerifiedCSRFProtect
from .ratelimit import AppLimiter


class Base(DeclarativeBase):
    """Declarative base for every model."""


class _SQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose ``paginate`` never fails on the query string."""

    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True):
        """Like Flask-SQLAlchemy's, but ``?page=`` garbage is page 1, beyond the end is the last page,
        and the page size is the view's (never ``?per_page=``); see ``app/services/pagination.py``."""
        from .services.pagination import MAX_PER_PAGE, page_arg, page_number

        page = page_arg() if page is None else page_number(page)
        per_page = min(per_page or 20, max_per_page or MAX_PER_PAGE)
        result = super().paginate(select, page=page, per_page=per_page, error_out=False, count=count)
        if count and result.total and page > result.pages:
            result = super().paginate(select, page=result.pages, per_page=per_page, error_out=False, count=count)
        return result


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = VerifiedCSRFProtect()  # each distinct token's signature checked once per process
babel = Babel()
limiter = AppLimiter(key_func=get_remote_address, default_limits=[])
