"""The render guard: what no rule changed must show as it did, checked before writing.

Like mdformat, which refuses output whose HTML differs from its input's,
wxmigrate renders a repaired post's source and its output with a CommonMark
parser (markdown-it-py, GFM tables and strikethrough on) and compares their
top-level blocks.  Blocks may differ only where a rule changed, removed or
added something (:func:`claimed_lines`); any other block that renders
differently means the emitter or a rule touched what it did not claim, and
the post is refused with a :class:`~wxmigrate.errors.RepairError` naming the
rules that ran.

Only what is compared is rendered: a claimed block of the source never is,
and a block that stands alike in the source and the output (same tokens,
same link references) is rendered once.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .errors import RepairError
from .model import Lines, Post

if TYPE_CHECKING:  # imported when the guard first runs: most posts never need it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


#: What a block's HTML is made of: its tokens as the block parser left them, lines left out.
_Key = tuple[tuple[object, ...], ...]


def _key(group: Sequence[Token]) -> _Key:
    """What a top-level block renders from, besides the document's references: each token's
    every field but its lines (``map``), which no renderer reads."""
    return tuple(
        (t.type, t.tag, t.nesting, tuple(t.attrs.items()), t.level, t.content, t.markup, t.info,
         repr(t.meta) if t.meta else "", t.block, t.hidden)
        for t in group
    )


class _Document:
    """A Markdown text's top-level blocks as markdown-it's block parser finds them, each
    rendered only when asked for, and the same block (same tokens, same references) once
    per guard, whichever text it stands in (:class:`_Renderings`)."""

    def __init__(self, markdown: str) -> None:
        from markdown_it.rules_core import StateCore

        parser = _parser()
        rules = parser.core.ruler.getRules("")
        split = parser.core.ruler.get_active_rules().index("block") + 1
        #: The core rules run on each block once its HTML is wanted (inline parsing…).
        self._later = rules[split:]
        self._env: dict[str, Any] = {}
        state = StateCore(markdown, parser, self._env)
        for rule in rules[:split]:
            rule(state)
        #: Each top-level block: 1-based first and last line, and its tokens.
        self.blocks: list[tuple[Lines, list[Token]]] = []
        start = 0
        depth = 0
        for index, token in enumerate(state.tokens):
            depth += token.nesting
            if depth == 0:
                group = state.tokens[start : index + 1]
                first = group[0].map or [0, 0]
                self.blocks.append(((first[0] + 1, max(first[1], first[0] + 1)), group))
                start = index + 1

    def render(self, group: list[Token], cache: dict[_Key, str]) -> str:
        """One block's HTML, as the whole document's rendering shows it."""
        from markdown_it.rules_core import StateCore

        key = _key(group)
        html = cache.get(key)
        if html is None:
            parser = _parser()
            state = StateCore("", parser, self._env, group)
            for rule in self._later:
                rule(state)
            html = cache[key] = parser.renderer.render(group, parser.options, self._env)
        return html

    def shares_renderings(self, other: _Document) -> bool:
        """Whether a block renders alike in both documents (their references are the same)."""
        return self._env == other._env


def rendered_blocks(markdown: str) -> list[tuple[Lines, str]]:
    """Each top-level block of ``markdown`` as CommonMark renders it, with its 1-based lines
    (reference definitions count for the links that use them, wherever they stand)."""
    document = _Document(markdown)
    cache: dict[_Key, str] = {}
    return [(lines, document.render(group, cache)) for lines, group in document.blocks]


#: Blocks a reader cannot see: a line of only no-break spaces is an empty paragraph.
_SHOWS_NOTHING = frozenset({"<p></p>\n"})


_OUTERMOST = re.compile(r"<([a-z][a-z0-9]*)\b[^>]*>\n?(.*)</\1>\n?", re.DOTALL)


def _inner(html: str) -> str:
    """A rendered block without its outermost element's tags (``<ol>``, ``<p>``)."""
    match = _OUTERMOST.fullmatch(html)
    return match.group(2) if match else html


def _with_neighbours(claimed: Sequence[Lines], lines: Sequence[str], first_line: int) -> list[Lines]:
    """Claimed line ranges widened over the blank lines around them to the next line."""

    def blank(number: int) -> bool:
        index = number - first_line
        return 0 <= index < len(lines) and not lines[index].strip()

    widened = []
    for first, last in claimed:
        while blank(first - 1):
            first -= 1
        while blank(last + 1):
            last += 1
        widened.append((first - 1, last + 1))
    return widened


class _Spans:
    """Line ranges merged into disjoint spans in order, so that whether a range touches
    any of them is found in logarithmic time (a post with a change in each of its
    thousands of blocks is checked in linear time, not quadratic)."""

    def __init__(self, ranges: Iterable[Lines]) -> None:
        merged: list[list[int]] = []
        for first, last in sorted(ranges):
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        self._firsts = [first for first, _ in merged]
        self._lasts = [last for _, last in merged]

    def touch(self, lines: Lines) -> bool:
        """Whether ``lines`` (first and last line, both included) overlaps a span."""
        index = bisect_left(self._lasts, lines[0])  # the first span not ending before the range
        return index < len(self._lasts) and self._firsts[index] <= lines[1]


def unclaimed_differences(
    source: str, output: str, claimed: Sequence[Lines], *, first_line: int = 1
) -> list[int]:
    """File lines of the source's blocks that no claimed line range (file lines) touches
    and that ``output`` does not show as the source did.  ``first_line``: the file line of
    the source text's first line.

    Each such block's rendering must be among the output's, as often as it occurs
    unclaimed: blocks may move (a card placed elsewhere), never change.  A block right
    next to a claimed one (blank lines between) may be joined by what a rule split off
    that neighbour (a list item joins its list): its content must still be shown whole.
    """
    written = _Document(output)
    read = _Document(source)
    cache: dict[_Key, str] = {}
    rendered = [written.render(group, cache) for _, group in written.blocks]
    if not read.shares_renderings(written):
        cache = {}
    shown = Counter(rendered)
    whole = "".join(rendered)
    neighbours = _Spans(_with_neighbours(claimed, source.split("\n"), first_line))
    changed = _Spans(claimed)
    lines: list[int] = []
    for (first, last), group in read.blocks:
        span = (first + first_line - 1, last + first_line - 1)
        if changed.touch(span):
            continue  # a claimed block is never rendered
        html = read.render(group, cache)
        if html in _SHOWS_NOTHING:
            continue
        if shown[html] > 0:
            shown[html] -= 1
        elif not (neighbours.touch(span) and _inner(html) in whole):
            lines.append(span[0])
    return lines


def check_render(post: Post, output_body: str, claimed: Sequence[Lines], rules: Sequence[str]) -> None:
    """Refuse ``output_body`` when a block no rule claimed would render otherwise."""
    origin = post.origin
    if origin is None or output_body == origin.body:
        return
    unclaimed = unclaimed_differences(origin.body, output_body, claimed, first_line=origin.body_line)
    if unclaimed:
        ran = ", ".join(dict.fromkeys(rules)) or "none"
        raise RepairError(
            post.path,
            unclaimed[0],
            f"the repaired post would show this block otherwise, though no rule changed it "
            f"(rules that changed the post: {ran}); not written",
        )


__all__ = ["check_render", "rendered_blocks", "unclaimed_differences"]
