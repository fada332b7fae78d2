"""Reading one YAML file safely, keeping the line of every mapping key and list item.

Files are read as bytes and checked (size, binary content, UTF-8) before parsing; the parser
is PyYAML's SafeLoader with mappings and lists built as :class:`LineMapping` and
:class:`LineList`, which remember source lines and repeated keys. Nothing here raises: every
failure becomes a ``(line, message)`` pair; messages are :class:`~app.domain.marks.Message`
objects (Chinese, translated where the web layer shows them).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.reader import ReaderError

from app.domain.marks import N_, Message

MAX_FILE_BYTES = 1_000_000

_YAML_HINTS = {
    "mapping values are not allowed here": N_("此处不能出现“: ”（文本里有冒号加空格时，请给整段文本加引号）"),
    "found character '\\t' that cannot start any token": N_("含有制表符 Tab，YAML 只能用空格缩进"),
    "found unexpected end of stream": N_("文件意外结束（引号或括号没有闭合？）"),
    "but got '<stream end>'": N_("文件意外结束（引号或括号没有闭合？）"),
    "expected ',' or '}'": N_("花括号 {…} 里缺少逗号，或括号没有闭合"),
    "expected ',' or ']'": N_("方括号 […] 里缺少逗号，或括号没有闭合"),
    "could not find expected ':'": N_("缺少冒号“:”"),
    "expected <block end>, but found": N_("缩进不一致"),
    "found undefined alias": N_("使用了未定义的别名"),
    "but found another document": N_("一个文件只能有一个 YAML 文档（不要用 --- 分隔多个文档）"),
}


class LineMapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows its own line, its keys' lines and any repeated keys."""

    line: int
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int, int]]  # (key, line, line of the earlier occurrence)


class LineList(list):  # type: ignore[type-arg]
    """A YAML list that knows its own line and its items' lines."""

    line: int
    item_lines: list[int]


_SCALAR_KINDS = {"tag:yaml.org,2002:int": N_("整数"), "tag:yaml.org,2002:float": N_("数字"),
                 "tag:yaml.org,2002:timestamp": N_("日期时间"), "tag:yaml.org,2002:bool": "true/false",
                 "tag:yaml.org,2002:binary": N_("base64 数据")}


class _ValueError(ConstructorError):
    """A well-formed YAML value that cannot be built (reported as a value error, not syntax)."""


def _value_message(node: yaml.Node, exc: Exception) -> str:
    """Why a scalar could not be built: an impossible date, a bad ``!!int``, 4,400 digits…"""
    value = str(getattr(node, "value", ""))
    shown = value if len(value) <= 40 else value[:20] + "…"
    if "digits" in str(exc) or "Exceeds the limit" in str(exc):
        return Message(N_("数值过大（整数最多 4300 位）：%(value)s"), value=shown)
    kind = _SCALAR_KINDS.get(node.tag)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return Message(N_("不是有效的日期时间（日期不存在或超出范围）：%(value)s"), value=shown)
    if kind:
        return Message(N_("不是有效的%(kind)s：%(value)s"), kind=Message(kind), value=shown)
    return Message(N_("无法读取的值（%(tag)s）：%(value)s"), tag=node.tag, value=shown)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader building LineMapping/LineList and refusing aliases (no alias bombs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ComposerError(None, None, Message(N_("不支持 YAML 别名（*名称），请直接写出内容")), event.start_mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML builds scalars with int()/datetime(): an impossible date (2026-02-30), a bad
        # tag (!!int abc, !!timestamp nope) or a 4,400-digit integer raised ValueError or
        # AttributeError, not a YAMLError, so it surfaced as a traceback. Here it becomes a
        # ConstructorError at the value's own line.
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except (ValueError, TypeError, AttributeError, OverflowError, ArithmeticError) as exc:
            raise _ValueError(None, None, _value_message(node, exc), node.start_mark) from None


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineMapping]:
    data = LineMapping()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicates = []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, Message(N_("映射的键不能是列表或映射")), key_node.start_mark) from None
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicates.append((key, line, data.key_lines[key]))
        data.key_lines[key] = line
        data[key] = loader.construct_object(value_node, deep=False)


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


@dataclass
class ParsedFile:
    """The data of one YAML file (``None`` when unusable) and the problems met reading it."""

    data: Any = None
    problems: list[tuple[int, str]] = field(default_factory=list)


CANNOT_READ = N_("无法读取文件：%(reason)s")


def _yaml_message(exc: yaml.YAMLError) -> tuple[int, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    parts = [part for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part]
    problem = " ".join(parts) or str(exc)
    hint = next((text for key, text in _YAML_HINTS.items() if key in problem), None)
    detail: str
    if len(parts) == 1 and isinstance(parts[0], Message):  # raised by our loader: already a message
        detail = parts[0]
    elif problem.isascii():  # PyYAML's English, shown after our hint
        detail = Message(N_("%(hint)s（%(problem)s）"), hint=Message(hint), problem=problem) if hint else problem
    else:
        detail = problem
    context = getattr(exc, "context_mark", None)
    if context is not None and mark is not None and context.line != mark.line:
        detail = Message(N_("%(detail)s（起始于第 %(line)s 行）"), detail=detail, line=context.line + 1)
    if isinstance(exc, _ValueError):
        return line, Message(N_("值错误：%(detail)s"), detail=detail)
    return line, Message(N_("YAML 语法错误：%(detail)s"), detail=detail)


def _reader_message(text: str, exc: ReaderError) -> tuple[int, str]:
    line = text.count("\n", 0, max(exc.position, 0)) + 1
    return line, Message(N_("含有 YAML 不允许的控制字符 #x%(code)s"), code=f"{exc.character:04X}")


def read_bytes(path: Path) -> tuple[bytes | None, tuple[int, str] | None]:
    """The file's bytes, or a problem: missing, not a regular file, unreadable, too large."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, (1, Message(N_("文件不存在")))
    except OSError as exc:
        return None, (1, Message(CANNOT_READ, reason=exc.strerror or str(exc)))
    if not stat.S_ISREG(info.st_mode):
        return None, (1, Message(N_("不是普通文件")))
    if info.st_size > MAX_FILE_BYTES:
        size = info.st_size / 1_000_000
        return None, (1, Message(N_("文件过大（%(size)s MB），单个题库文件上限 1 MB，请拆分成多个文件"), size=f"{size:.1f}"))
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, (1, Message(CANNOT_READ, reason=exc.strerror or str(exc)))
    if len(raw) > MAX_FILE_BYTES:
        return None, (1, Message(N_("文件过大，单个题库文件上限 1 MB，请拆分成多个文件")))
    return raw, None


def decode(raw: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """UTF-8 text (a BOM is allowed), or a problem: empty, binary, another encoding."""
    if not raw.strip():
        return None, (1, Message(N_("文件为空")))
    if b"\x00" in raw:
        return None, (1, Message(N_("文件含有二进制内容（NUL 字节），不是文本文件")))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, (line, Message(N_("文件不是 UTF-8 编码（此行有无法解码的字节），请另存为 UTF-8")))
    return text.removeprefix("\ufeff"), None


def parse_text(text: str) -> ParsedFile:
    """Parse YAML text into LineMapping/LineList data, or report why it cannot be parsed."""
    try:
        loader = _LineLoader(text)  # the reader checks the characters already here
    except ReaderError as exc:
        return ParsedFile(None, [_reader_message(text, exc)])
    try:
        data = loader.get_single_data()
    except ReaderError as exc:
        return ParsedFile(None, [_reader_message(text, exc)])
    except yaml.YAMLError as exc:
        return ParsedFile(None, [_yaml_message(exc)])
    except RecursionError:
        return ParsedFile(None, [(1, Message(N_("YAML 嵌套层级过深")))])
    finally:
        loader.dispose()
    if data is None:
        return ParsedFile(None, [(1, Message(N_("文件为空（只有注释或空白）")))])
    return ParsedFile(data)


def read_yaml(path: Path) -> ParsedFile:
    """Read, check and parse one YAML file."""
    raw, problem = read_bytes(path)
    if raw is None:
        return ParsedFile(None, [problem] if problem else [])
    text, problem = decode(raw)
    if text is None:
        return ParsedFile(None, [problem] if problem else [])
    return parse_text(text)


def locate(data: object, loc: tuple[object, ...], default: int) -> int:
    """The line of the deepest part of ``loc`` found in ``data`` (``default`` if none)."""
    line = getattr(data, "line", default)
    node: object = data
    for part in loc:
        if isinstance(node, LineMapping) and part in node.key_lines:
            line, node = node.key_lines[part], node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line, node = node.item_lines[part], node[part]
        else:
            break
    return line


def iter_duplicates(data: object) -> Iterator[tuple[Any, int, int]]:
    """Every repeated key anywhere inside ``data``: (key, line, earlier line)."""
    if isinstance(data, LineMapping):
        yield from data.duplicates
        for value in data.values():
            yield from iter_duplicates(value)
    elif isinstance(data, LineList):
        for item in data:
            yield from iter_duplicates(item)
