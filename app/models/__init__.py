"""SQLAlchemy models, one module per area; import them all here so Alembic sees every table."""

from .user import ClassGroup, ClassMembership, Role, User  # noqa: F401
from .audit import AuditLog  # noqa: F401
from .content import LessonProgress  # noqa: F401
from .bank import Question, QuestionVersion  # noqa: F401
from .exam import Attempt, AttemptEvent, AttemptItem, Exam, ExamClass, ExamPaper  # noqa: F401
from .practice import NotebookEntry, PracticeAnswer  # noqa: F401
from .case import CaseAssignment, CaseAssignmentClass, CaseWork  # noqa: F401
