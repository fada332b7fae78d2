"""Moodle's Aiken format: single-choice questions as plain text.

```
客户终生价值衡量的是什么？
A. 过去一年的消费额
B. 整个关系期内利润的现值
ANSWER: B
```

The question text comes first (it may run over several lines), then options ``A.`` or ``A)``
followed by a space, then ``ANSWER: X``. Every question is a single choice with one key.
"""

from __future__ import annotations

import re

from .common import decode_input
from .results import ImportResult, Skip
from .teacher import Draft, Problem, assemble, choice_keys, difficulty_warning

__all__ = ["parse_aiken"]

_OPTION = re.compile(r"^([A-Za-z])\s*[.)．）、]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def parse_aiken(data: str | bytes, *, default_chapter: str | None = None) -> ImportResult:
    """Read an Aiken file into single-choice bank questions. Never raises.

    A block that is not a question (no options, no ``ANSWER:`` line, a key that is not one of
    its options, several keys) is skipped with the line where it starts.
    """
    text, warnings, errors = decode_input(data)
    if text is None:
        return ImportResult(errors=errors, warnings=warnings)
    questions: list[dict] = []
    places: list[str | None] = []
    skipped: list[Skip] = []
    defaults = 0
    block: _Block | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        if block is None:
            block = _Block(number)
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            block.answer = answer.group(1).strip()
            outcome = block.finish(default_chapter)
            if isinstance(outcome, Skip):
                skipped.append(outcome)
            else:
                question, notes = outcome
                defaults += 1  # Aiken has no difficulty
                questions.append(question)
                places.append(f"第 {block.line} 行")
                warnings.extend(Skip(f"第 {block.line} 行", note, block.line) for note in notes)
            block = None
        elif option and (block.options or block.stem):
            letter = option.group(1).upper()
            if letter != _next_letter(block) and block.problem is None:
                block.problem = f"第 {number} 行的选项 {letter} 不按 A、B、C… 的顺序"
            block.options[letter] = option.group(2).strip()
        elif block.options:
            # text after the options without an ANSWER line: the block never ended
            skipped.append(Skip(f"第 {block.line} 行", "选项之后缺少“ANSWER: 字母”一行", block.line))
            block = _Block(number)
            block.stem.append(line)
        else:
            block.stem.append(line)
    if block is not None:
        skipped.append(Skip(f"第 {block.line} 行", "文件末尾的题目缺少“ANSWER: 字母”一行", block.line))
    warnings.extend(difficulty_warning(defaults))
    return ImportResult(questions=questions, skipped=skipped, errors=errors, warnings=warnings, places=places)


class _Block:
    def __init__(self, line: int) -> None:
        self.line = line
        self.stem: list[str] = []
        self.options: dict[str, str] = {}
        self.answer = ""
        self.problem: str | None = None

    def finish(self, chapter: str | None) -> tuple[dict, list[str]] | Skip:
        where = f"第 {self.line} 行"
        keys = choice_keys(self.answer)
        if self.problem:
            return Skip(where, self.problem, self.line)
        if not self.options:
            return Skip(where, "题目没有选项（A. … B. …）", self.line)
        if keys is not None and len(keys) > 1:
            return Skip(where, f"Aiken 题只能有一个答案，实际是“{self.answer}”", self.line)
        draft = Draft("single", "\n".join(self.stem), dict(self.options), self.answer, chapter=chapter)
        try:
            return assemble(draft)
        except Problem as exc:
            return Skip(where, str(exc), self.line)


def _next_letter(block: _Block) -> str:
    return chr(ord("A") + len(block.options))
