"""``bank lint``: every problem of the bank files under some paths, as ``path:line: message``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.domain.bank.loader import OF_QUESTION, Chapters, PathArg, find_bank_files, load_paths
from app.domain.bank.model import Question
from app.domain.bank.problem import Problem
from app.domain.bank.yamlio import LineList, LineMapping, read_yaml
from app.domain.punctuation import describe as describe_punctuation
from app.domain.marks import N_, Message
from app.domain.punctuation import findings as punctuation_findings
from app.domain.punctuation import to_fullwidth
from app.domain.questions.validate import AT_KEY
from app.domain.questions.option_refs import option_refs, strip_option_refs, unknown_option_refs


def lint_paths(paths: PathArg | Iterable[PathArg], chapters: Chapters | None = None) -> list[Problem]:
    """All problems in the bank files under ``paths``, in file and line order.

    ``chapters`` maps chapter slug → section anchors (from the courseware); ``None`` skips
    the chapter and section checks. Besides what loading finds, explanations are checked for
    option letters (:func:`letter_problems`) and every text for half-width punctuation in
    Chinese (:func:`punctuation_problems`). An empty list means the files are clean.
    """
    targets = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    result = load_paths(targets, chapters)
    files = find_bank_files(targets)[0]
    order = {str(path): index for index, path in enumerate(files)}
    problems = list(result.problems) + letter_problems(result.questions) + punctuation_problems(files)
    return sorted(problems, key=lambda problem: (order.get(problem.path, -1), problem.line))  # stable: load order on ties


def format_problems(problems: Iterable[Problem]) -> str:
    """One ``path:line: message`` per line (empty text when there are none)."""
    return "".join(f"{problem}\n" for problem in problems)


# Option letters in explanations. The exam page shuffles the options of single and multiple choice
# questions per student and letters them by place, and shows ordering items without letters, so an
# explanation that says "所以选 D" names a letter the student may never have seen: it must speak
# about the option's text, or use {{opt:D}}, which review renders as the presented letter.
_LETTERED = frozenset({"single", "multiple"})  # options carry a letter on the page
_UNLETTERED_SHUFFLED = frozenset({"ordering"})  # shuffled items shown without letters
_SEP = r"\s*[、,，/和与及或]\s*"
# "所以选 D", "选项C", "答案为 ABD", "正确答案是 A、C", "选 A/B": a keyword, then letters (with or without separators).
_AFTER_KEYWORD = re.compile(
    r"(?:选项|选择|应选|选|答案)\s*(?:[是为]\s*)?[:：]?\s*(?<![A-Za-z0-9])"
    rf"([A-Z](?:(?:{_SEP})?[A-Z])*)(?![A-Za-z0-9])")
# "A、C、D 描述…", "C 项", "（B）", "D 错误": letters standing alone, separated by 、，/和… .
_STANDALONE = re.compile(rf"(?<![A-Za-z0-9_.\-&])([A-Z](?:{_SEP}[A-Z])*)(?![A-Za-z0-9_\-&])")
# A letter in a formula is a variable ("(A + O) ÷ (A + O + M + I)"), not an option.
_OPERATOR_AFTER = re.compile(r"\s*[-+*/=×÷<>≥≤]")
_OPERATOR_BEFORE = re.compile(r"[-+*/=×÷<>≥≤]\s*$")
# Letters that name a thing, not an option: the customer classes of ABC analysis ("A 类客户",
# "B 级", "C 端"), named companies, customers, products ("A 公司", "客户 B").
_NAMING_AFTER = re.compile(r"\s*(?:[两三四五六七八九十几]\s*)?(?:类|级|等|型|端|档|股|公司|企业|品牌|店|厂|产品|方案|客户|地区|城市|区域|组|点|值|计划|测试)")
_NAMING_BEFORE = re.compile(r"(?:客户|顾客|会员|公司|企业|品牌|门店|商店|产品|商品|方案|地区|城市|员工|部门|维生素|等级|级别)\s*$")


def bare_letters(explanation: str, option_ids: Iterable[str]) -> list[str]:
    """The passages of ``explanation`` that name one of ``option_ids`` by its bare letter.

    ``{{opt:X}}`` references are not bare. A letter counts only where it reads as an option:
    "A 类客户", "ABC 分类法", "客户 A" or "E-CRM" do not.
    """
    letters = {i for i in option_ids if len(i) == 1 and i.isupper()}
    text = strip_option_refs(explanation, " ")
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def named(run: str) -> bool:
        return all(ch in letters for ch in re.findall(r"[A-Z]", run))

    for match in _AFTER_KEYWORD.finditer(text):
        run = match.group(1)
        if named(run) and not _NAMING_AFTER.match(text, match.end(1)):
            found.append((match.start(), match.group(0)))
            taken.append(match.span())
    for match in _STANDALONE.finditer(text):
        start, end = match.span(1)
        if any(a <= start < b for a, b in taken):
            continue
        context = (_NAMING_AFTER.match(text, end) or _OPERATOR_AFTER.match(text, end)
                   or _NAMING_BEFORE.search(text, 0, start) or _OPERATOR_BEFORE.search(text, 0, start))
        if named(match.group(1)) and not context:
            found.append((start, match.group(1)))
    return [passage for _start, passage in sorted(found)]


def letter_problems(questions: Iterable[Question]) -> list[Problem]:
    """Explanations that name options by bank letter, or reference options that cannot be shown.

    A bare option letter in the explanation of a single, multiple or ordering question is an
    error (the student saw other letters, or none); so is ``{{opt:X}}`` naming an option the
    question lacks, or used in a type whose options carry no letter. Points at the
    ``explanation`` line.
    """
    problems = []
    lines: dict[str, dict[str, int]] = {}
    for question in questions:
        messages = letter_messages(question.spec)
        if not messages:
            continue
        if question.source_path not in lines:
            lines[question.source_path] = _explanation_lines(question.source_path)
        line = lines[question.source_path].get(question.id, question.source_line)
        problems.extend(Problem(question.source_path, line, Message(OF_QUESTION, question=question.id, message=message))
                        for message in messages)
    return problems


def letter_messages(spec) -> list[Message]:
    """The option-letter problems of one question's explanation (see :func:`letter_problems`).

    The one home of the rule for a single question: ``bank lint`` and ``bank import`` use it.
    """
    explanation = spec.explanation or ""
    options = getattr(spec, "options", None) or {}
    messages = []
    if spec.type in _LETTERED or spec.type in _UNLETTERED_SHUFFLED:
        named = bare_letters(explanation, options)
        if named:
            letters = "、".join(dict.fromkeys(ch for passage in named for ch in re.findall(r"[A-Z]", passage)))
            where = "“" + "”“".join(named) + "”"
            if spec.type in _LETTERED:
                messages.append(Message(N_("解析用字母 %(letters)s 指称选项（%(where)s）；考试打乱选项后学生看到的字母不同，"
                                           "请写出选项内容，或用 {{opt:X}} 引用"), letters=letters, where=where))
            else:
                messages.append(Message(N_("解析用字母 %(letters)s 指称排序项（%(where)s）；考试中排序项不显示字母，请写出项目内容"),
                                        letters=letters, where=where))
    refs = option_refs(explanation)
    if refs and spec.type not in _LETTERED:
        messages.append(Message(N_("解析中的 {{opt:…}} 只能用于单选题和多选题（其他题型的选项在页面上没有字母）")))
    elif refs:
        messages.extend(Message(N_("解析引用了不存在的选项 {{opt:%(ref)s}}"), ref=ref)
                        for ref in unknown_option_refs(explanation, options))
    return messages


def _explanation_lines(path: str) -> dict[str, int]:
    """Question id → line of its ``explanation`` key in ``path``."""
    data = read_yaml(Path(path)).data
    questions = data.get("questions") if isinstance(data, LineMapping) else None
    found = {}
    for item in questions if isinstance(questions, LineList) else []:
        if isinstance(item, LineMapping) and isinstance(item.get("id"), str):
            found[item["id"]] = item.key_lines.get("explanation", item.line)
    return found


# Keys whose values are identifiers or syntax, not Chinese text.
_NOT_TEXT = frozenset({"id", "type", "section", "use", "scoring", "unit", "difficulty", "points",
                       "tolerance", "tolerance_pct"})


def punctuation_problems(files: Iterable[Path]) -> list[Problem]:
    """Half-width ``, : ; ? ! ( )`` in the Chinese text of the questions of ``files``.

    Every text of a question is checked (stem, options, answer texts, distractors, rubric,
    explanation, tags); maths, code and URLs are excepted (:mod:`app.domain.punctuation`).
    Each problem points at the line of the text's key and quotes the mark in context. Files
    that cannot be read are skipped: loading reports them.
    """
    problems = []
    for path in files:
        try:
            data = read_yaml(Path(path)).data
        except OSError:  # pragma: no cover - loading reports unreadable files
            continue
        questions = data.get("questions") if isinstance(data, LineMapping) else None
        for item in questions if isinstance(questions, LineList) else []:
            if not isinstance(item, LineMapping):
                continue
            qid = item.get("id") if isinstance(item.get("id"), str) else Message(N_("第 %(line)s 行的题目"), line=item.line)
            for key, value in item.items():
                if key in _NOT_TEXT:
                    continue
                for line, text in _texts(value, item.key_lines.get(key, item.line)):
                    problems.extend(Problem(str(path), line, Message(OF_QUESTION, question=qid, message=Message(
                                        AT_KEY, loc=key, message=describe_punctuation(text, hit))))
                                    for hit in punctuation_findings(text))
    return problems


def _texts(value: object, line: int):
    """(line, text) for every string in ``value`` (keys of mappings included)."""
    if isinstance(value, str):
        yield line, value
    elif isinstance(value, LineMapping):
        for key, item in value.items():
            key_line = value.key_lines.get(key, line)
            yield from _texts(key, key_line)
            yield from _texts(item, key_line)
    elif isinstance(value, LineList):
        for index, item in enumerate(value):
            yield from _texts(item, value.item_lines[index] if index < len(value.item_lines) else line)
    elif isinstance(value, (list, tuple, dict)):  # a dict's items are (key, value) tuples
        for item in (value.items() if isinstance(value, dict) else value):
            yield from _texts(item, line)


def question_warnings(spec, data: Mapping[str, object]) -> list[Message]:
    """What ``bank lint`` says about one valid question beyond loading it: option letters in its
    explanation (:func:`letter_messages`) and half-width punctuation in its Chinese texts (as
    :func:`punctuation_problems` finds in files), each naming the key. For the web editor, which
    shows them as warnings.
    """
    messages = list(letter_messages(spec))
    for key, value in data.items():
        if key in _NOT_TEXT:
            continue
        for _line, text in _texts(value, 0):
            messages.extend(Message(AT_KEY, loc=key, message=describe_punctuation(text, hit))
                            for hit in punctuation_findings(text))
    return messages


def fullwidth_question(data: dict) -> tuple[dict, list[str]]:
    """``data`` with the half-width punctuation of its Chinese texts made full-width, and the keys changed.

    The fix for what :func:`punctuation_problems` reports, applied to one question's texts (the same
    keys; mapping keys such as matching's left items too). Grading compares texts after NFKC, so a
    fixed answer accepts exactly what it accepted before.
    """
    changed: list[str] = []

    def fix(value: object) -> object:
        if isinstance(value, str):
            return to_fullwidth(value)
        if isinstance(value, dict):
            return {fix(k): fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(item) for item in value]
        return value

    fixed = {}
    for key, value in data.items():
        fixed[key] = value if key in _NOT_TEXT else fix(value)
        if fixed[key] != value:
            changed.append(key)
    return fixed, changed
