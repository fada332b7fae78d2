"""The registry of question types, keyed by the YAML ``type`` string (like CTFd's FLAG_CLASSES)."""

from __future__ import annotations

from app.domain.questions.base import QuestionType
from app.domain.questions.choice import MultipleType, SingleType, TrueFalseType
from app.domain.questions.essay import EssayType
from app.domain.questions.fill_blank import FillBlankType
from app.domain.questions.matching import MatchingType
from app.domain.questions.numeric import NumericType
from app.domain.questions.ordering import OrderingType

QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (
        SingleType(),
        MultipleType(),
        TrueFalseType(),
        OrderingType(),
        NumericType(),
        FillBlankType(),
        MatchingType(),
        EssayType(),
    )
}


def get_question_type(name: object) -> QuestionType | None:
    """The registered type called ``name``, or ``None`` when there is none."""
    return QUESTION_TYPES.get(name) if isinstance(name, str) else None
