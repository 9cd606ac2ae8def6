"""First, do no harm: the GFM extension examples (tables, task lists, strikethrough, autolinks) render as they went in.

The 23 examples of the GFM spec's extension sections (see ``tests/data/README.md``)
are repaired as a plain site in one run, like the CommonMark examples.  Their
rendering is read with markdown-it-py's CommonMark preset plus its ``table``,
``strikethrough`` and ``linkify`` rules (linkify needs linkify-it-py) and the
task-list plugin of mdit-py-plugins: what a GFM engine's reader shows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from wxmigrate.rules import ORDER

from .spec_examples import (
    GFM_SPEC,
    ExampleRun,
    check_renders_unchanged,
    check_unchanged_written_as_is,
    check_written_as_given,
    load_examples,
    run_examples,
    write_examples,
)

EXAMPLES = load_examples(GFM_SPEC)
NUMBERS = [int(example["example"]) for example in EXAMPLES]

#: Examples whose rendering a rule changes on purpose: number -> (rule, reason).
DELIBERATE: dict[int, tuple[str, str]] = {}

GFM = (
    MarkdownIt("commonmark", {"linkify": True})
    .enable(["table", "strikethrough", "linkify"])
    .use(tasklists_plugin)
)


def render(text: str) -> str:
    return str(GFM.render(text))


@pytest.fixture(scope="module")
def spec_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain folder holding every GFM extension example as its own post."""
    folder = tmp_path_factory.mktemp("gfm") / "site"
    write_examples(folder, EXAMPLES)
    return folder


@pytest.fixture(scope="module")
def with_rules(spec_site: Path) -> ExampleRun:
    """One repair run over every example, every rule on."""
    return run_examples(spec_site, spec_site.parent / "repaired", NUMBERS)


@pytest.fixture(scope="module")
def second_pass(with_rules: ExampleRun) -> ExampleRun:
    """The repaired output repaired once more."""
    return run_examples(with_rules.out, with_rules.out.parent / "repaired-twice", NUMBERS)


@pytest.fixture(scope="module")
def without_rules(spec_site: Path) -> ExampleRun:
    """One repair run over every example with every rule disabled."""
    return run_examples(spec_site, spec_site.parent / "no-rules", NUMBERS, disabled=set(ORDER))


def test_examples_cover_the_four_extensions() -> None:
    """The vendored examples are the spec's 8 table, 2 task-list, 2 strikethrough and 11 autolink ones."""
    kinds = Counter(example["extension"] for example in EXAMPLES)
    assert kinds == {"table": 8, "tasklist": 2, "strikethrough": 2, "autolink": 11}
    assert NUMBERS == [*range(198, 206), 279, 280, 491, 492, *range(621, 632)]


def test_renderer_reads_the_extensions() -> None:
    """The reference renderer really reads tables, task lists, strikethrough and bare links."""
    html = render("| a |\n| - |\n| b |\n\n- [x] done\n\n~~gone~~ www.example.com\n")
    for shown in ("<table>", 'type="checkbox"', "<s>gone</s>", 'href="http://www.example.com"'):
        assert shown in html


def test_deliberate_exceptions_are_documented() -> None:
    """Every deliberate exception names an example, a known rule and a reason."""
    for number, (rule, reason) in DELIBERATE.items():
        assert number in NUMBERS, number
        assert rule in ORDER, (number, rule)
        assert reason.strip(), number


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"example-{n}")
def test_renders_unchanged(with_rules: ExampleRun, number: int) -> None:
    """The repaired example renders, with the GFM extensions, as the spec example does."""
    check_renders_unchanged(with_rules, number, render, DELIBERATE)


def test_unchanged_posts_written_byte_for_byte(with_rules: ExampleRun) -> None:
    """Every example no rule reported a change to is written back byte for byte."""
    check_unchanged_written_as_is(with_rules, NUMBERS, render)


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"example-{n}")
def test_second_pass_changes_nothing(second_pass: ExampleRun, number: int) -> None:
    """Repairing the repaired example again reports no change and writes the same bytes."""
    check_written_as_given(second_pass, number, render)


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"example-{n}")
def test_without_rules_byte_identical(without_rules: ExampleRun, number: int) -> None:
    """With every rule disabled the example is written back byte for byte."""
    check_written_as_given(without_rules, number, render)
