"""Files that are not YAML question banks are reported cleanly at a line, never raised."""

import os

import pytest

from app.domain.bank import lint_paths, load_paths
from app.domain.bank.yamlio import MAX_FILE_BYTES
from bank_helpers import lint

GOOD = "chapter: ch05-customer-value\nquestions:\n  - {id: q1, type: true_false, difficulty: 1, stem: 判断, answer: true}\n"


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"", 1, "文件为空"),
        (b"  \n\n", 1, "文件为空"),
        (b"# only a comment\n", 1, "文件为空"),
        (b"chapter: x\n\x00\x01\x02binary", 1, "二进制"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "二进制"),
        ("chapter: 客户价值\nstem: 终生价值\n".encode("gb18030"), 1, "不是 UTF-8"),
        (b"chapter: x\nquestions:\n  - stem: \xff\xfe\n", 3, "不是 UTF-8"),
        (b"- id: q1\n- id: q2\n", 1, "文件顶层应为映射（包含 chapter 和 questions），实际是列表"),
        (b"just a sentence\n", 1, "文件顶层应为映射"),
        (b"chapter: x\nquestions:\n\t- id: q1\n", 3, "制表符"),
        (b"chapter: a\n---\nchapter: b\n", 2, "只能有一个 YAML 文档"),
        (b"[" * 5000, 1, "YAML"),
    ],
)
def test_unusable_files(tmp_path, content, line, fragment):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    problem = only(lint(path))
    assert problem.startswith(f"{path}:{line}: ")
    assert fragment in problem


def test_five_megabytes_of_text(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("chapter: ch05-customer-value\n" + "# 注释\n" * 700_000, encoding="utf-8")
    assert path.stat().st_size > 4_000_000
    problem = only(lint(path))
    assert problem.startswith(f"{path}:1: 文件过大")
    assert "上限 1 MB" in problem


def test_a_file_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    padding = "#" * 99 + "\n"
    path.write_text(GOOD + padding * ((MAX_FILE_BYTES - len(GOOD) - 1) // len(padding)), encoding="utf-8")
    assert path.stat().st_size <= MAX_FILE_BYTES
    assert lint(path) == []


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert lint(path) == []


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert lint(missing) == [f"{missing}:1: 路径不存在"]


def test_directory_walk_takes_yaml_files_and_skips_hidden_ones(tmp_path):
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "ch05.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "crm" / "ch06.yml").write_text(GOOD.replace("q1", "q2"), encoding="utf-8")
    (tmp_path / "crm" / "notes.md").write_text("not yaml: [", encoding="utf-8")
    (tmp_path / "crm" / ".draft.yaml").write_text("broken: [", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("broken: [", encoding="utf-8")
    result = load_paths(tmp_path)
    assert result.problems == ()
    assert [q.id for q in result.questions] == ["q1", "q2"]


def test_a_file_given_twice_is_read_once(tmp_path):
    path = tmp_path / "ch05.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert lint_paths([path, tmp_path], None) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_special_file_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # reading it would block for ever
    assert lint(fifo) == [f"{fifo}:1: 不是普通文件"]
