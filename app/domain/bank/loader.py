"""Loading question-bank YAML files into :class:`Question` objects, with every problem found.

A bank file is ``{chapter: <slug>, questions: [<question>, …]}``
(docs/question-format.md). Loading never stops at the first problem and never raises:
invalid questions are left out of the result and reported as :class:`Problem` objects, whose
messages are :class:`~app.domain.marks.Message` objects (Chinese for ``bank lint``, translated by
the web layer with ``app.i18n.translate_message``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.bank.model import Question
from app.domain.marks import N_, Message
from app.domain.bank.problem import Problem
from app.domain.bank.yamlio import LineList, LineMapping, iter_duplicates, locate, read_yaml
from app.domain.questions import ALLOWED_KEYS, validate_question
from app.domain.questions.spec import ID_PATTERN, describe
from app.domain.questions.validate import did_you_mean

BANK_SUFFIXES = (".yaml", ".yml")
TOP_KEYS = ("chapter", "questions")
Chapters = Mapping[str, Iterable[str]]
PathArg = str | os.PathLike[str]


@dataclass(frozen=True)
class LoadResult:
    """Valid questions (unique ids) and every problem found, in file and line order."""

    questions: tuple[Question, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


@dataclass
class _Entry:
    question: Question | None
    qid: str | None
    line: int
    id_line: int
    section: str | None
    section_line: int


@dataclass
class _FileResult:
    path: str
    chapter: str | None = None
    chapter_line: int = 1
    entries: list[_Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))


#: A question's problem after its id (or 第 3 题): ``ch05-q001：缺少字段 stem（题干）``.
OF_QUESTION = N_("%(question)s：%(message)s")


def _duplicate_key_message(key: object, first: int) -> str:
    return Message(N_("键 %(key)s 重复（第 %(first)s 行已出现；YAML 只会保留后一个）"), key=key, first=first)


def _load_question(result: _FileResult, item: object, index: int, line: int) -> None:
    if not isinstance(item, LineMapping):
        result.add(line, Message(N_("第 %(n)s 题应为映射（以 id: 开头的一组键值），实际是%(actual)s"), n=index + 1,
                                 actual=describe(item)))
        return
    raw_id = item.get("id")
    qid = raw_id if isinstance(raw_id, str) and ID_PATTERN.match(raw_id) else None
    question_name = qid if qid else Message(N_("第 %(n)s 题"), n=index + 1)
    validation = validate_question(item)
    for issue in validation.issues:
        result.add(locate(item, issue.loc, item.line), Message(OF_QUESTION, question=question_name, message=issue.message))
    duplicates = list(iter_duplicates(item))
    for key, dup_line, first in duplicates:
        result.add(dup_line, Message(OF_QUESTION, question=question_name, message=_duplicate_key_message(key, first)))
    question = None
    if validation.spec is not None and not duplicates and result.chapter is not None:
        question = Question(validation.spec, result.chapter, result.path, item.line)
    section = item.get("section")
    result.entries.append(
        _Entry(
            question=question,
            qid=qid,
            line=item.line,
            id_line=item.key_lines.get("id", item.line),
            section=section if isinstance(section, str) else None,
            section_line=item.key_lines.get("section", item.line),
        )
    )


def _load_file(path: Path) -> _FileResult:
    result = _FileResult(str(path))
    parsed = read_yaml(path)
    for line, message in parsed.problems:
        result.add(line, message)
    data = parsed.data
    if data is None:
        return result
    if not isinstance(data, LineMapping):
        result.add(getattr(data, "line", 1), Message(N_("文件顶层应为映射（包含 chapter 和 questions），实际是%(actual)s"),
                                                     actual=describe(data)))
        return result
    for key, line, first in data.duplicates:
        result.add(line, _duplicate_key_message(key, first))
    for key, line in data.key_lines.items():
        if key not in TOP_KEYS:
            if key in ALLOWED_KEYS:
                result.add(line, Message(N_("未知的顶层字段 %(key)s（题目的字段应写在 questions 列表的每一项里）"), key=key))
            else:
                result.add(line, Message(N_("未知的顶层字段 %(key)s%(hint)s"), key=key, hint=did_you_mean(key, TOP_KEYS)))
    chapter = data.get("chapter")
    if "chapter" not in data:
        result.add(data.line, Message(N_("缺少字段 chapter（本文件题目所属章节的标识，如 ch05-customer-value）")))
    elif not isinstance(chapter, str) or not chapter.strip():
        result.add(data.key_lines["chapter"], Message(N_("chapter 应为章节标识（如 ch05-customer-value），实际是%(actual)s"),
                                                      actual=describe(chapter)))
    else:
        result.chapter, result.chapter_line = chapter, data.key_lines["chapter"]
    questions = data.get("questions")
    if "questions" not in data:
        result.add(data.line, Message(N_("缺少字段 questions（题目列表）")))
    elif not isinstance(questions, LineList):
        result.add(data.key_lines["questions"], Message(N_("questions 应为列表（每题以 - id: 开头），实际是%(actual)s"),
                                                        actual=describe(questions)))
    elif not questions:
        result.add(data.key_lines["questions"], Message(N_("questions 是空列表")))
    else:
        for index, item in enumerate(questions):
            _load_question(result, item, index, questions.item_lines[index])
    return result


def _as_paths(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(path) for path in paths]


def find_bank_files(paths: PathArg | Iterable[PathArg]) -> tuple[list[Path], list[Problem]]:
    """Files to load: each file given, and every ``*.yaml``/``*.yml`` under each directory.

    Hidden files and directories are skipped; symlinked directories are not followed.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in _as_paths(paths):
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [
                    Path(root) / name
                    for name in sorted(names)
                    if name.endswith(BANK_SUFFIXES) and not name.startswith(".")
                ]
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, Message(N_("路径不存在"))))
    return list(dict.fromkeys(files)), problems


def _chapter_check(result: _FileResult, chapters: Chapters | None) -> tuple[Problem | None, Any]:
    """A problem when the file's chapter is unknown, else the chapter's anchors (None: unchecked)."""
    if chapters is None or result.chapter is None:
        return None, None
    if result.chapter in chapters:
        return None, chapters[result.chapter]
    hint = did_you_mean(result.chapter, chapters)
    return Problem(result.path, result.chapter_line, Message(N_("chapter %(chapter)s 不是课程中的章节%(hint)s"),
                                                             chapter=repr(result.chapter), hint=hint)), None


def _duplicate_check(result: _FileResult, entry: _Entry, seen: dict[str, str]) -> Problem | None:
    """A problem when the entry's id was used before; records the id otherwise."""
    if entry.qid is None:
        return None
    if entry.qid in seen:
        return Problem(result.path, entry.id_line, Message(N_("id %(id)s 重复：已在 %(where)s 使用"), id=entry.qid,
                                                           where=seen[entry.qid]))
    seen[entry.qid] = f"{result.path}:{entry.id_line}"
    return None


def _section_check(result: _FileResult, entry: _Entry, anchors: Any) -> Problem | None:
    """A problem when the entry names a section its chapter does not have."""
    if anchors is None or entry.section is None or entry.section in anchors:
        return None
    hint = did_you_mean(entry.section, anchors)
    message = Message(OF_QUESTION, question=entry.qid or Message(N_("题目")),
                      message=Message(N_("section %(section)s 不是章节 %(chapter)s 的小节锚点%(hint)s"),
                                      section=repr(entry.section), chapter=result.chapter, hint=hint))
    return Problem(result.path, entry.section_line, message)


def _check_bank(results: list[_FileResult], chapters: Chapters | None) -> tuple[list[Question], list[Problem]]:
    """Cross-file checks: unique ids, known chapters and sections."""
    seen: dict[str, str] = {}
    questions: list[Question] = []
    problems: list[Problem] = []
    for result in results:
        chapter_problem, anchors = _chapter_check(result, chapters)
        if chapter_problem is not None:
            problems.append(chapter_problem)
        for entry in result.entries:
            found = [
                problem
                for problem in (_duplicate_check(result, entry, seen), _section_check(result, entry, anchors))
                if problem is not None
            ]
            problems += found
            if entry.question is not None and chapter_problem is None and not found:
                questions.append(entry.question)
    return questions, problems


def load_paths(paths: PathArg | Iterable[PathArg], chapters: Chapters | None = None) -> LoadResult:
    """Load every bank file under ``paths`` (files or directories).

    ``chapters`` maps each known chapter slug to its section anchors; when given, unknown
    chapters and sections are problems. Questions with any problem are left out.
    """
    files, problems = find_bank_files(paths)
    results = [_load_file(path) for path in files]
    questions, bank_problems = _check_bank(results, chapters)
    order = {result.path: index for index, result in enumerate(results)}
    problems += [problem for result in results for problem in result.problems] + bank_problems
    problems.sort(key=lambda problem: (order.get(problem.path, -1), problem.line))
    return LoadResult(tuple(questions), tuple(problems))


def load_file(path: PathArg, chapters: Chapters | None = None) -> LoadResult:
    """Load one bank file (same checks as :func:`load_paths`)."""
    return load_paths([path], chapters)
