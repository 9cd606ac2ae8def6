"""Every repair rule against its fixtures: input/expected pairs, no-op cases, idempotence.

``fixtures/rules/<rule>/<case>.in.md`` repaired by that rule alone must give
``<case>.out.md``; ``noop/<case>.md`` must come back unchanged.  These cases are
read as exported posts (a case no dialect claims is read as ``wechat``).  Cases
under ``<rule>/generic/`` are read as posts no exporter wrote: there a rule
registered ``generic=True`` must act only on what cannot be valid Markdown, and
every other rule is not run by :func:`~wxmigrate.rules.repair` at all.  A new
case needs no Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import wxmigrate
from wxmigrate.emit import to_markdown
from wxmigrate.rules import ORDER, RULES, make_options

from .helpers import FIXTURES

RULES_DIR = FIXTURES / "rules"

#: Options a rule's fixtures need (everything else runs with the defaults).
RULE_OPTIONS: dict[str, dict[str, Any]] = {
    "relink_local_images": {"assets": {"one.png": "postimg/one.png", "two.jpeg": "postimg/two.jpeg"}},
    "strip_boilerplate": {"strip_boilerplate": True},
}

PAIRS = sorted([*RULES_DIR.glob("*/*.in.md"), *RULES_DIR.glob("*/generic/*.in.md")])
NOOPS = sorted([*RULES_DIR.glob("*/noop/*.md"), *RULES_DIR.glob("*/generic/noop/*.md")])


def _case_id(path: Path) -> str:
    return str(path.relative_to(RULES_DIR))


def _rule_of(path: Path) -> str:
    return path.relative_to(RULES_DIR).parts[0]


def _generic(path: Path) -> bool:
    return path.relative_to(RULES_DIR).parts[1] == "generic"


def _load(path: Path) -> wxmigrate.Post:
    """The case as a post: exported, or (under ``generic/``) hand-written."""
    post = wxmigrate.load(path)
    if _generic(path):
        assert post.generic, f"{path} is read as dialect {post.dialect}, not generic"
        return post
    if post.generic:
        return wxmigrate.parse(path.read_text(encoding="utf-8"), path=str(path), dialect="wechat")
    return post


def _apply(rule: str, post: wxmigrate.Post) -> tuple[wxmigrate.Post, list[Any]]:
    return RULES[rule](post, make_options(**RULE_OPTIONS.get(rule, {})))


@pytest.mark.parametrize("source", PAIRS, ids=_case_id)
def test_rule_gives_the_expected_output(source: Path) -> None:
    """The rule alone turns the input into the expected Markdown, reporting its changes."""
    rule = _rule_of(source)
    expected = source.with_name(source.name.replace(".in.md", ".out.md")).read_text(encoding="utf-8")
    post = _load(source)
    repaired, changes = _apply(rule, post)
    assert to_markdown(repaired) == expected
    assert changes, "a rule that changes the post must report it"
    assert all(change.rule == rule and change.path == str(source) and change.line > 0 for change in changes)


@pytest.mark.parametrize("source", PAIRS, ids=_case_id)
def test_rule_is_idempotent(source: Path) -> None:
    """Running the rule on its own output changes nothing more (model and re-parsed text)."""
    rule = _rule_of(source)
    once, _ = _apply(rule, _load(source))
    twice, changes = _apply(rule, once)
    assert changes == []
    assert twice == once
    _, from_text = _apply(rule, wxmigrate.parse(to_markdown(once), dialect=once.dialect))
    assert from_text == []


@pytest.mark.parametrize("source", NOOPS, ids=_case_id)
def test_rule_leaves_noop_cases_alone(source: Path) -> None:
    """Text the rule has no business with comes back unchanged."""
    post = _load(source)
    repaired, changes = _apply(_rule_of(source), post)
    assert changes == []
    assert repaired == post


@pytest.mark.parametrize("name", ORDER)
def test_only_rules_safe_for_generic_posts_have_generic_cases(name: str) -> None:
    """A rule with ``generic/`` cases runs on generic posts; one without is not run there."""
    has_cases = (RULES_DIR / name / "generic").is_dir()
    assert has_cases == RULES[name].generic, (
        f"{name}: generic={RULES[name].generic} needs generic/ cases (a pair and a noop) exactly then"
    )


@pytest.mark.parametrize("name", ORDER)
def test_every_rule_is_documented_and_has_fixtures(name: str) -> None:
    """Each rule has a summary line, an example, a fixture pair and a no-op case."""
    rule = RULES[name]
    doc = rule.function.__doc__ or ""
    assert rule.summary and "->" in doc, "docstring needs a summary and a before -> after example"
    assert list((RULES_DIR / name).glob("*.in.md")), f"no fixture pair for {name}"
    assert list((RULES_DIR / name / "noop").glob("*.md")), f"no no-op fixture for {name}"


def test_fixture_folders_name_real_rules() -> None:
    """A fixture folder for a rule that does not exist is a mistake."""
    assert {path.name for path in RULES_DIR.iterdir() if path.is_dir()} <= set(ORDER)


def test_docs_hold_every_rule_as_the_code_says() -> None:
    """docs/repair.md ends with exactly what ``wxmigrate rules --markdown`` prints."""
    from wxmigrate.commands.rules import rules_markdown

    docs = (FIXTURES.parent / "docs" / "repair.md").read_text(encoding="utf-8")
    assert docs.endswith("## The rules\n\n" + rules_markdown()), (
        "regenerate: python -m wxmigrate rules --markdown, pasted under '## The rules'"
    )
