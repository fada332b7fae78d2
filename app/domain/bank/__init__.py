"""The question bank: loading YAML files with line numbers, linting, statistics, versions.

Public API::

    from app.domain.bank import (
        Question, Problem, LoadResult, load_paths, load_file, lint_paths,
        bank_stats, content_hash,
    )
"""

from app.domain.bank.lint import format_problems, lint_paths
from app.domain.bank.loader import LoadResult, find_bank_files, load_file, load_paths
from app.domain.bank.model import Question, content_hash
from app.domain.bank.problem import Problem
from app.domain.bank.stats import bank_stats

__all__ = [
    "LoadResult",
    "Problem",
    "Question",
    "bank_stats",
    "content_hash",
    "find_bank_files",
    "format_problems",
    "lint_paths",
    "load_file",
    "load_paths",
]
