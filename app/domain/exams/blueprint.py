"""The exam definition: the same fields in YAML files, the browser editor and ``POST /api/v1/exams``."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.domain.questions.registry import QUESTION_TYPES as REGISTERED_TYPES

# Exam times outside these years are typing slips; beyond them, converting a time between
# zones overflowed (year 1 or 9999) and every exam list showing the exam was a 500.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2200
# The registered question types (app/domain/questions/registry.py), in registry order.
QUESTION_TYPES = tuple(REGISTERED_TYPES)


class Rule(BaseModel):
    """Draw ``count`` questions matching every given filter, each worth ``points``."""

    model_config = ConfigDict(extra="forbid")

    chapters: list[str] = Field(default_factory=list)
    types: list[Literal[QUESTION_TYPES]] = Field(default_factory=list)  # type: ignore[valid-type]
    tags: list[str] = Field(default_factory=list, description="any of these tags")
    difficulty_min: int = Field(1, ge=1, le=5)
    difficulty_max: int = Field(5, ge=1, le=5)
    count: int = Field(ge=1, le=200)
    points: float = Field(1.0, gt=0, le=100, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data):
        # Accept the singular forms an author naturally writes in YAML.
        if isinstance(data, dict):
            data = dict(data)
            for single, plural in (("chapter", "chapters"), ("type", "types"), ("tag", "tags")):
                if single in data and plural not in data:
                    value = data.pop(single)
                    data[plural] = value if isinstance(value, list) else [value]
            if "difficulty" in data:
                value = data.pop("difficulty")
                if isinstance(value, list) and len(value) == 2:
                    data["difficulty_min"], data["difficulty_max"] = value
                else:
                    data["difficulty_min"] = data["difficulty_max"] = value
        return data

    @model_validator(mode="after")
    def _range(self):
        if self.difficulty_min > self.difficulty_max:
            raise ValueError("difficulty_min 不能大于 difficulty_max")
        return self

    def describe(self) -> str:
        """A short Chinese description for the editor and error messages."""
        parts = []
        if self.chapters:
            parts.append("章节 " + "、".join(self.chapters))
        if self.types:
            parts.append("题型 " + "、".join(REGISTERED_TYPES[t].short_label for t in self.types))
        if self.tags:
            parts.append("标签 " + "、".join(self.tags))
        if (self.difficulty_min, self.difficulty_max) != (1, 5):
            parts.append(f"难度 {self.difficulty_min}–{self.difficulty_max}")
        return ";".join(parts) or "全部题目"


class FixedItem(BaseModel):
    """A question fixed by id."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    points: float = Field(1.0, gt=0, le=100, allow_inf_nan=False)


class CaseItem(BaseModel):
    """A case exercise as an exam item; each student gets their own variant."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    points: float = Field(10.0, gt=0, le=100, allow_inf_nan=False)


class ExamDefinition(BaseModel):
    """Everything that defines an exam."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    # draft: only instructors see it; published: assigned students see and start it; closed: ended.
    # None (left out): a new exam is published (as before drafts existed), an existing one keeps its status.
    status: Literal["draft", "published", "closed"] | None = None
    course: str = "crm"
    time_limit_minutes: int | None = Field(None, ge=1, le=24 * 60)
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    max_attempts: int = Field(1, ge=0, le=100, description="0 = unlimited")
    grading_method: Literal["highest", "last", "first"] = "highest"
    review_policy: Literal["immediately", "after_close", "never"] = "immediately"
    shuffle_questions: bool = True
    shuffle_options: bool = True
    # "sections": one section per question type (一、单选题 …), numbered through; "mixed": draw order.
    paper_layout: Literal["sections", "mixed"] = "sections"
    grace_seconds: int = Field(60, ge=0, le=3600)
    classes: list[str] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    fixed: list[FixedItem] = Field(default_factory=list)
    cases: list[CaseItem] = Field(default_factory=list)
    # Exam-room rules (docs/exam-definition.md).
    access_code: str = Field("", max_length=64, description="students type it to start; empty = none")
    allowed_networks: list[str] = Field(default_factory=list, description="CIDR ranges; empty = anywhere")
    single_device: bool = False
    closed_book: bool = False
    require_fullscreen: bool = False
    focus_warning_after: int = Field(0, ge=0, le=1000, description="warn after N focus losses; 0 = off")

    @field_validator("access_code")
    @classmethod
    def _strip_code(cls, value: str) -> str:
        return value.strip()

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        from .room import bad_networks

        value = [v.strip() for v in value if v.strip()]
        bad = bad_networks(value)
        if bad:
            raise ValueError("不是有效的网段（CIDR，如 192.168.1.0/24）：" + "、".join(bad))
        return value

    @field_validator("title")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("标题不能为空")
        return value

    @field_validator("opens_at", "closes_at")
    @classmethod
    def _year_in_range(cls, value: datetime | None) -> datetime | None:
        if value is not None and not time_in_range(value):
            raise ValueError(f"时间必须在 {EARLIEST_YEAR} 年至 {LATEST_YEAR} 年之间")
        return value

    @model_validator(mode="after")
    def _check(self):
        if not self.rules and not self.fixed and not self.cases:
            raise ValueError("至少需要一条抽题规则、一道指定题目或一个案例")
        if self.opens_at and self.closes_at and (self.opens_at.tzinfo is None) != (self.closes_at.tzinfo is None):
            # Comparing them raised TypeError (a 500); which zone a bare time means is the service's call.
            raise ValueError("开放时间与关闭时间要么都带时区（如 +08:00），要么都不带")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("关闭时间必须晚于开放时间")
        ids = [f.id for f in self.fixed]
        if len(ids) != len(set(ids)):
            raise ValueError("指定题目中有重复的题号")
        case_ids = [c.id for c in self.cases]
        if len(case_ids) != len(set(case_ids)):
            raise ValueError("案例不能重复")
        return self


def time_in_range(value: datetime) -> bool:
    """True when an exam time lies in the years EARLIEST_YEAR…LATEST_YEAR (the one rule for every path)."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def parse_definition(data: object) -> tuple[ExamDefinition | None, list[str]]:
    """Validate raw data; return the definition or readable error lines (field: message)."""
    if not isinstance(data, dict):
        return None, ["考试定义必须是一个对象(映射)"]
    try:
        return ExamDefinition.model_validate(data), []
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(整体)"
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {message}")
        return None, lines
