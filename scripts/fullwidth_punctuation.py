"""Convert half-width punctuation in Chinese text of courseware and question bank to full width.

Usage (from the repository root)::

    .venv/bin/python scripts/fullwidth_punctuation.py [--check] FILE…

Markdown chapters are converted as a whole; in question-bank YAML only the text values are
touched (never keys, ``tags`` or ``answer`` lines, YAML quotes or flow syntax). The rule is
``app.domain.punctuation`` (the one ``bank lint`` and ``courseware lint`` enforce): maths, code,
URLs, Markdown link syntax and English phrases stay as they are. After converting a YAML file the
script reads it back and checks that every question equals the old one with each text converted,
so a conversion that would change YAML structure is refused. Prints one count per file.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml  # noqa: E402

from app.domain.punctuation import findings, to_fullwidth  # noqa: E402

# The key part of a YAML line ("    stem: ", "      A: ", "    - "); the rest is the value.
_YAML_PREFIX = re.compile(r"^(\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:\s*)?)")
_SKIP_KEYS = re.compile(r"^\s*(?:-\s+)?(?:id|type|tags|answer|section|use|scoring|chapter|unit):")


def _convert_values(value, skip=("id", "type", "tags", "section", "use", "scoring", "chapter", "unit")):
    if isinstance(value, str):
        return to_fullwidth(value)
    if isinstance(value, list):
        return [_convert_values(v) for v in value]
    if isinstance(value, dict):
        return {_convert_values(k): (v if k in skip else _convert_values(v)) for k, v in value.items()}
    return value


def convert_yaml(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        if _SKIP_KEYS.match(line) or line.lstrip().startswith("#"):
            out.append(line)
            continue
        prefix = _YAML_PREFIX.match(line).group(1)
        out.append(prefix + to_fullwidth(line[len(prefix):]))
    new = "".join(out)
    expected = _convert_values(yaml.safe_load(text))
    got = yaml.safe_load(new)
    if got != expected:
        raise SystemExit("conversion changed more than the text values; fix by hand")
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only count, write nothing")
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    total = 0
    for path in args.files:
        text = path.read_text(encoding="utf-8")
        new = convert_yaml(text) if path.suffix in (".yaml", ".yml") else to_fullwidth(text)
        count = _count_yaml(text) if path.suffix in (".yaml", ".yml") else len(findings(text))
        total += count
        print(f"{path}: {count}")
        if not args.check and new != text:
            path.write_text(new, encoding="utf-8")
    print(f"total: {total}")
    return 0


def _count_yaml(text: str) -> int:
    count = 0
    for line in text.splitlines():
        if _SKIP_KEYS.match(line) or line.lstrip().startswith("#"):
            continue
        prefix = _YAML_PREFIX.match(line).group(1)
        count += len(findings(line[len(prefix):]))
    return count


if __name__ == "__main__":
    sys.exit(main())
