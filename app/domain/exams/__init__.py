"""Exam definitions (blueprints), paper assembly and attempt rules: pure functions over plain data."""

from .blueprint import (EARLIEST_YEAR, LATEST_YEAR, CaseItem, ExamDefinition, FixedItem, Rule,  # noqa: F401
                        parse_definition, time_in_range)
from .assembly import DrawnItem, PoolItem, RuleCheck, assemble, check_rules  # noqa: F401
from .attempt_rules import (AttemptStatus, SaveVerdict, attempts_left, check_save, next_seq,  # noqa: F401
                            past_deadline, writing_now)
from .sections import (LAYOUTS, SECTION_ORDER, PaperItem, Section, chinese_numeral, in_sections,  # noqa: F401
                       paper_sections, roman_numeral)
