"""``bank lint``: every problem of the bank files under some paths, as ``path:line: message``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from app.domain.bank.loader import Chapters, PathArg, load_paths
from app.domain.bank.model import Question
from app.domain.bank.problem import Problem
from app.domain.bank.yamlio import LineList, LineMapping, read_yaml


def lint_paths(paths: PathArg | Iterable[PathArg], chapters: Chapters | None = None) -> list[Problem]:
    """All problems in the bank files under ``paths``, in file and line order.

    ``chapters`` maps chapter slug → section anchors (from the courseware); ``None`` skips
    the chapter and section checks. An empty list means the files are clean.
    """
    return list(load_paths(paths, chapters).problems)


def format_problems(problems: Iterable[Problem]) -> str:
    """One ``path:line: message`` per line (empty text when there are none)."""
    return "".join(f"{problem}\n" for problem in problems)


# A bare option letter named in an explanation: "所以选 D", "选项C", "答案为 ABCD", "选 A、B". With
# shuffled options the student saw other letters, so the explanation must name the option's text.
_LETTERED = frozenset({"single", "multiple"})  # the types whose options carry letters on the exam page
_LETTER_MENTION = re.compile(
    r"(?:选项|选择|选|答案[是为]?)\s*[:：]?\s*([A-J](?:\s*[、,，/和与及]?\s*[A-J])*)(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9])([A-J](?:\s*[、,，和与及]\s*[A-J])+|[A-J]\s*项)(?![A-Za-z0-9])")  # "A、C、D 描述…", "C 项"


def letter_warnings(questions: Iterable[Question]) -> list[Problem]:
    """Explanations of lettered questions that name a bare option letter, as warnings.

    A warning, not a problem: the shipped bank still has such explanations, and ``bank lint``
    prints warnings without changing its exit code. Points at the ``explanation`` line.
    """
    warnings = []
    lines: dict[str, dict[str, int]] = {}
    for question in questions:
        spec = question.spec
        if spec.type not in _LETTERED or not spec.explanation:
            continue
        named = [m.group(0) for m in _LETTER_MENTION.finditer(spec.explanation)
                 if (m.group(1) or m.group(2))[0] in spec.options]
        if not named:
            continue
        if question.source_path not in lines:
            lines[question.source_path] = _explanation_lines(question.source_path)
        line = lines[question.source_path].get(question.id, question.source_line)
        warnings.append(Problem(question.source_path, line,
                                f"{question.id}: 警告：解析提到选项字母“{'”“'.join(named)}”；考试打乱选项后学生看到的字母不同，"
                                "请改为写出选项内容"))
    return warnings


def _explanation_lines(path: str) -> dict[str, int]:
    """Question id → line of its ``explanation`` key in ``path``."""
    data = read_yaml(Path(path)).data
    questions = data.get("questions") if isinstance(data, LineMapping) else None
    found = {}
    for item in questions if isinstance(questions, LineList) else []:
        if isinstance(item, LineMapping) and isinstance(item.get("id"), str):
            found[item["id"]] = item.key_lines.get("explanation", item.line)
    return found
