"""Whole-post fixture cases: ``fixtures/posts/<case>/input.md`` + ``expected.json``.

Each ``expected.json`` holds the subset of ``wxmigrate inspect --json`` that its
case is about, plus two short forms: ``block_types`` (the types of the
top-level blocks, in order) and ``finding_codes`` (``[code, line]`` of every
finding, in order).  A new case is a new folder; no Python needed.  A case
folder holding ``xfail.txt`` is a known gap: a strict xfail whose reason is
that file (it names the module at fault).
"""

from __future__ import annotations

import io
import json
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.emit import to_markdown
from wxmigrate.model import Block
from wxmigrate.summary import block_type, to_data, to_summary

from .helpers import FIXTURES
from .test_parse_post import _assert_conserved

CASES = sorted(path.parent for path in (FIXTURES / "posts").glob("*/input.md"))


def _with_known_gaps(cases: list[Path]) -> list[object]:
    """Cases whose folder holds ``xfail.txt`` (the reason) are strict xfails: known gaps."""
    return [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=gap.read_text(encoding="utf-8").strip()))
        if (gap := case / "xfail.txt").is_file()
        else case
        for case in cases
    ]


#: Keys an ``expected.json`` may hold beyond those of ``inspect --json``.
DERIVED: dict[str, Callable[[dict[str, Any]], Any]] = {
    "block_types": lambda data: [block["type"] for block in data["blocks"]],
    "finding_codes": lambda data: [[finding["code"], finding["line"]] for finding in data["findings"]],
}


def _expected(case: Path) -> dict[str, Any]:
    expected: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return expected


def _actual(data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The inspect data cut down to ``keys``; an unknown key fails rather than passing silently."""
    unknown = [key for key in keys if key not in data and key not in DERIVED]
    assert not unknown, f"expected.json names keys inspect does not print: {unknown}"
    return {key: DERIVED[key](data) if key in DERIVED else data[key] for key in keys}


def test_there_are_fixture_cases() -> None:
    """The discovery finds the case folders, each with its expected.json."""
    assert len(CASES) >= 30
    assert all((case / "expected.json").is_file() for case in CASES)


@pytest.mark.parametrize("case", _with_known_gaps(CASES), ids=lambda case: case.name)
def test_inspect_reads_the_case_as_expected(case: Path) -> None:
    """``inspect --json`` gives the case's expected values."""
    expected = _expected(case)
    data = to_data(wxmigrate.load(case / "input.md"))
    assert _actual(data, list(expected)) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_parsing_keeps_every_character_of_the_case(case: Path) -> None:
    """Every non-markup character of the body is somewhere in the model."""
    _assert_conserved(case / "input.md")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_emitting_the_case_parses_back_to_the_same_parts(case: Path) -> None:
    """The faithful Markdown of a case reads back as the same structured parts."""
    post = wxmigrate.load(case / "input.md")
    again = to_data(wxmigrate.parse(to_markdown(post)))
    keys = ["title", "account", "repost", "original", "credits", "provenance", "block_types"]
    assert _actual(again, keys) == _actual(to_data(post), keys)


@pytest.mark.parametrize(
    "name", ["original-card-without-author", "damaged-markup", "repost-note-ascii-colons", "no-front-matter"]
)
def test_readable_summary_of_a_case(name: str) -> None:
    """Without ``--json``, inspect names the title, the parts it found and each finding as path:line."""
    path = FIXTURES / "posts" / name / "input.md"
    post = wxmigrate.load(path)
    data = to_data(post)
    summary = to_summary(post).splitlines()
    assert summary[0] == str(path)
    assert summary[1] == f"  title:      {data['title']}"
    assert "None" not in "\n".join(summary)
    located = [line.strip() for line in summary if line.strip().startswith(f"{path}:")]
    assert located == [
        f"{path}:{finding['line']}: {finding['code']}: {finding['message']}" for finding in data["findings"]
    ]


def test_every_block_type_has_its_own_inspect_name() -> None:
    """Each block class of the model gets a distinct name in ``inspect --json``, new ones included."""
    names = set()
    for cls in typing.get_args(Block):
        values: dict[str, Any] = {field.name: () for field in attrs.fields(cls)}
        names.add(block_type(cls(**values)))
    assert len(names) == len(typing.get_args(Block))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", name) for name in names)


# --------------------------------------------------------------------------
# Known gaps in modules this suite does not own (strict xfails: they start
# passing, and so failing here, once the gap is fixed).


def test_inspect_a_missing_file_fails(tmp_path: Path) -> None:
    """A post path that does not exist is a one-line path error and exit code 2."""
    missing = tmp_path / "missing.md"
    out, err = io.StringIO(), io.StringIO()
    assert run(["inspect", str(missing)], out=out, err=err) == 2
    assert err.getvalue().startswith(f"{missing}:")

