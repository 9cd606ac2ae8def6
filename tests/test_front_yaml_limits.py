"""Front matter flat enough to be within the limits by its look (``within_limits``) is loaded
without the limits' own pass over its events; these tests check that the look never lets
through what that pass would refuse."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from wxmigrate.errors import LimitError, WxMigrateError
from wxmigrate.front_yaml import MAX_DEPTH, MAX_VALUES, check_limits, load_yaml, within_limits

from .test_hostile_read import alias_bomb, nested_block, nested_flow

#: Characters YAML gives a meaning, and some that it does not, for lines of every shape.
_ALPHABET = " \t-?:[]{}*&!|>'\",#%@`.ab1中\n"


def _front(text: str) -> str:
    """The front matter of a post written with fences (what ``load_yaml`` is given)."""
    return text.split("\n---\n", 1)[0].removeprefix("---\n")


#: Lines indented or opening with block indicators, then a letter, then anything but a line end.
_LINES = st.lists(
    st.builds(
        "".join,
        st.tuples(
            st.text(" -?:", max_size=8),
            st.sampled_from("ak中'\"!|>&%#"),
            st.text(_ALPHABET.replace("\n", "").replace("[", "").replace("{", "").replace("*", "")),
        ),
    )
)


#: Lines whose value is quoted, with anything between the quotes (brackets, stars, quotes).
_QUOTED_LINES = st.lists(
    st.builds(
        "{}{}{q}{}{q}{}".format,
        st.sampled_from(["", "  - ", "- - ", "a: ", "k 'y: ", "k'y: ", "  b: "]),
        st.sampled_from(["", "x", "[[", "'", '"']),
        st.text(_ALPHABET.replace("\n", "")),
        st.sampled_from(["", " ", " #'", " [[1]]", "'"]),
        q=st.sampled_from(["'", '"']),
    )
)


@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=80), _LINES.map("\n".join), _QUOTED_LINES.map("\n".join)))
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
    """Lines of ``key: value`` are within the limits by their look: loaded in one pass; so is
    a list of tags under a key."""
    assert within_limits("\n".join(lines) + "\n")
    assert within_limits("\n".join([*lines, "tags:", "  - 社区", "  - 新闻"]))


@pytest.mark.parametrize(
    ("raw", "within"),
    [
        ('author:\n  - "[[关注大模型]]"\npublished: 2024-01-01', True),
        ("title: 'it''s [x]'\ntags:\n  - '*'", True),
        ('a: [ "x" ]', False),
        ("k 'y: " + "[" * 70 + "]" * 70 + " #'", False),
        ("k'y: [[1]] 'z", False),
        ('title: "abc\n  " ' + "[" * 70 + ' "', False),
    ],
    ids=["obsidian-links", "quoted-stars", "flow-around-quotes", "quote-in-key", "quote-mid-key", "over-lines"],
)
def test_only_a_value_quoted_whole_is_left_out(raw: str, within: bool) -> None:
    """Brackets and stars inside a line's value quoted whole are text; a quote elsewhere (in
    a plain key, a comment, a quoted scalar over lines) does not hide what follows it."""
    assert within_limits(raw) is within
    if within:
        check_limits(raw, "p.md")


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


def test_the_most_lines_within_the_limits_by_their_look_hold_no_more_values_than_the_limit() -> None:
    """Three values a line at most when no line is indented: the longest such front matter
    taken as within the limits, every line a key with no value, is within the values limit;
    one line more is left to the check."""
    lines = (MAX_VALUES - 1) // 3
    raw = "a:\n" * (lines - 1) + "a:"
    assert within_limits(raw)
    check_limits(raw, "p.md")
    assert not within_limits(raw + "\na:")


def _nesting_by_columns(columns: int) -> str:
    """Front matter that nests two levels a column, the most block form allows: a mapping, a
    sequence in it at its own column, a mapping one column further right in that, and so on."""
    lines = ["k:"]
    for column in range(columns + 1):
        lines.append(" " * column + "-")
        if column < columns:
            lines.append(" " * (column + 1) + "k:")
    return "\n".join(lines)


def test_front_matter_nesting_as_deep_as_its_columns_allow_is_judged_by_its_widest_line() -> None:
    """Front matter taken as within the limits by its look passes the check however it nests
    in its columns; nesting past the limit so is never taken."""
    for columns in range(MAX_DEPTH // 2 + 2):
        raw = _nesting_by_columns(columns)
        if within_limits(raw):
            check_limits(raw, "p.md")
    past = _nesting_by_columns(MAX_DEPTH // 2)
    assert not within_limits(past)
    with pytest.raises(LimitError, match="levels deep"):
        check_limits(past, "p.md")


def test_flat_front_matter_past_the_values_limit_is_refused_as_the_loader_refuses_it() -> None:
    """Plain ``key: value`` lines are read without the parser only while too few to pass the
    limit: 30,000 keys (60,001 values) are refused, not read."""
    raw = "\n".join(f"k{number}: v" for number in range(30_000))
    with pytest.raises(LimitError, match=f"more than {MAX_VALUES} values"):
        load_yaml(raw, "p.md")
    fewer = "\n".join(f"k{number}: v" for number in range((MAX_VALUES - 1) // 3))
    assert len(load_yaml(fewer, "p.md").data) == (MAX_VALUES - 1) // 3
