"""SQLAlchemy models, one module per area; import them all here so Alembic sees every table."""

from .user import ClassGroup, ClassMembership, Role, User  # noqa: F401
from .audit import AuditLog  # noqa: F401
from .content import LessonProgress  # noqa: F401
