"""Front matter flat enough to be within the limits by its look (``within_limits``) is loaded
without the limits' own pass over its events; these tests check that the look never lets
through what that pass would refuse."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from wxmigrate.errors import WxMigrateError
from wxmigrate.front_yaml import MAX_DEPTH, MAX_VALUES, check_limits, load_yaml, within_limits

from .test_hostile_read import alias_bomb, nested_block, nested_flow

#: Characters YAML gives a meaning, and some that it does not, for lines of every shape.
_ALPHABET = " \t-?:[]{}*&!|>'\",#%@`.ab1中\n"


def _front(text: str) -> str:
    """The front matter of a post written with fences (what ``load_yaml`` is given)."""
    return text.split("\n---\n", 1)[0].removeprefix("---\n")


#: Lines that open with a letter, then hold anything but a line end (so they mostly look flat).
_LINES = st.lists(st.builds(str.__add__, st.sampled_from("ak中'\"!|>&%#"), st.text(_ALPHABET.replace("\n", ""))))


@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=80), _LINES.map("\n".join)))
def test_what_looks_flat_passes_the_limits_check(raw: str) -> None:
    """Whenever ``within_limits`` holds, the check finds nothing to refuse (it may still find
    text that is not YAML, which loading it says as well)."""
    if within_limits(raw):
        try:
            check_limits(raw, "p.md")
        except yaml.YAMLError:
            pass


@given(st.lists(st.sampled_from(["a: b", "key: 值", "a:", "t: 'x'", 'u: "y"', "# note", "a: b # c"]), max_size=30))
def test_flat_mappings_look_flat(lines: list[str]) -> None:
    """Lines of ``key: value`` are within the limits by their look: loaded in one pass."""
    assert within_limits("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "text",
    [alias_bomb(), nested_flow(MAX_DEPTH), nested_block(MAX_DEPTH), "---\na: &x [*x]\n---\n"],
    ids=["alias-bomb", "flow", "block", "alias-in-itself"],
)
def test_hostile_front_matter_never_looks_flat(text: str) -> None:
    """What the limits check refuses is never taken for flat by its look."""
    raw = _front(text)
    assert not within_limits(raw)
    with pytest.raises(WxMigrateError):
        load_yaml(raw, "p.md")


def test_the_most_lines_that_look_flat_hold_no_more_values_than_the_limit() -> None:
    """At most two values a line: the longest front matter that looks flat, every line a key
    with no value, is within the values limit; one line more no longer looks flat."""
    lines = MAX_VALUES // 2 - 1
    raw = "a:\n" * (lines - 1) + "a:"
    assert within_limits(raw)
    check_limits(raw, "p.md")
    assert not within_limits(raw + "\na:")
