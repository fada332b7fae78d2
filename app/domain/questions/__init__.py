"""Question types and graders, keyed by the YAML ``type`` string.

Public API::

    from app.domain.questions import (
        QUESTION_TYPES, get_question_type, validate_question,
        grade, student_view, answer_view, shuffle, key_response, GradeResult,
    )
"""

from app.domain.questions.api import (
    answer_view,
    grade,
    key_response,
    resolve,
    shuffle,
    student_view,
    validate_question,
)
from app.domain.questions.base import QuestionType, ResponseError
from app.domain.questions.choice import MultipleQuestion, SingleQuestion, TrueFalseQuestion
from app.domain.questions.essay import EssayQuestion
from app.domain.questions.fill_blank import FillBlankQuestion, count_blanks
from app.domain.questions.matching import MatchingQuestion
from app.domain.questions.numbers import NumberResult, parse_number
from app.domain.questions.numeric import NumericQuestion
from app.domain.questions.ordering import OrderingQuestion
from app.domain.questions.registry import QUESTION_TYPES, get_question_type
from app.domain.questions.result import GradeResult, Issue, Validation
from app.domain.questions.spec import ALLOWED_KEYS, QuestionSpec
from app.domain.questions.text import normalise

__all__ = [
    "ALLOWED_KEYS",
    "QUESTION_TYPES",
    "EssayQuestion",
    "FillBlankQuestion",
    "GradeResult",
    "Issue",
    "MatchingQuestion",
    "MultipleQuestion",
    "NumberResult",
    "NumericQuestion",
    "OrderingQuestion",
    "QuestionSpec",
    "QuestionType",
    "ResponseError",
    "SingleQuestion",
    "TrueFalseQuestion",
    "Validation",
    "answer_view",
    "count_blanks",
    "get_question_type",
    "grade",
    "key_response",
    "normalise",
    "parse_number",
    "resolve",
    "shuffle",
    "student_view",
    "validate_question",
]
