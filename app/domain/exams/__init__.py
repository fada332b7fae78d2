"""Exam definitions (blueprints) and paper assembly: pure functions over plain data."""

from .blueprint import CaseItem, ExamDefinition, FixedItem, Rule, parse_definition  # noqa: F401
from .assembly import DrawnItem, PoolItem, RuleCheck, assemble, check_rules  # noqa: F401
