"""First, do no harm: every CommonMark 0.31.2 spec example comes out of a repair rendering as it went in.

Each of the 652 examples is a post in a plain folder (see :mod:`.spec_examples`),
repaired in one site run the way ``wxmigrate repair SRC --out DST`` does it.
Its CommonMark rendering (markdown-it-py) must be unchanged, except for the
few examples in :data:`DELIBERATE`; a post no rule changed must be written
byte for byte; a second run over the output must change nothing; and with
every rule disabled, every output must be byte-identical to its input.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wxmigrate.rules import ORDER

from .spec_examples import (
    COMMONMARK,
    COMMONMARK_SPEC,
    ExampleRun,
    check_renders_unchanged,
    check_unchanged_written_as_is,
    check_written_as_given,
    load_examples,
    run_examples,
    write_examples,
)

EXAMPLES = load_examples(COMMONMARK_SPEC)
NUMBERS = [int(example["example"]) for example in EXAMPLES]

#: Examples whose rendering a rule changes on purpose, each documented:
#: number -> (rule, reason).  Keep it short; every entry must still happen.
#: The examples holding ``<script>``, ``<style>`` or ``<textarea>`` HTML blocks: Jekyll,
#: Hugo (``unsafe``), Hexo and Eleventy would pass them to the page, so the safe output wins
#: over an unchanged rendering (see docs/html.md, "Safe Markdown").
DELIBERATE: dict[int, tuple[str, str]] = {
    170: ("neutralize_script", "a <script> element goes with its code"),
    171: ("neutralize_script", "a <textarea> loses its tags; its text stays"),
    172: ("neutralize_script", "a <style> element goes with its rules"),
    173: ("neutralize_script", "an unclosed <style> loses its start tag; the text after it stays"),
    176: ("neutralize_script", "a <style> element goes with its rules"),
    178: ("neutralize_script", "a <script> element goes with its code"),
}


def render(text: str) -> str:
    return str(COMMONMARK.render(text))


@pytest.fixture(scope="module")
def spec_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain folder holding every example as its own post."""
    folder = tmp_path_factory.mktemp("commonmark") / "site"
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


def test_spec_has_all_652_examples() -> None:
    """The vendored spec holds examples 1 to 652, each with Markdown."""
    assert NUMBERS == list(range(1, 653))
    assert all(isinstance(example["markdown"], str) for example in EXAMPLES)


def test_deliberate_exceptions_are_documented() -> None:
    """Every deliberate exception names an example, a known rule and a reason."""
    for number, (rule, reason) in DELIBERATE.items():
        assert number in NUMBERS, number
        assert rule in ORDER, (number, rule)
        assert reason.strip(), number


def test_run_mirrors_a_plain_folder(with_rules: ExampleRun) -> None:
    """The examples are read as a plain folder and mirrored, not re-laid out for an engine."""
    assert (with_rules.engine, with_rules.relaid) == ("plain", False)
    written = {p.name for p in with_rules.out.iterdir() if p.name != ".wxmigrate"}  # the record of the run
    assert written <= {p.name for p in with_rules.source.iterdir()}


@pytest.mark.parametrize("number", NUMBERS, ids=lambda n: f"example-{n}")
def test_renders_unchanged(with_rules: ExampleRun, number: int) -> None:
    """The repaired example renders as the spec example does (or as its deliberate exception says)."""
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
