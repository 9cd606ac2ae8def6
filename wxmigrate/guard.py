"""The render guard: what no rule changed must show as it did, checked before writing.

Like mdformat, which refuses output whose HTML differs from its input's,
wxmigrate renders a repaired post's source and its output with a CommonMark
parser (markdown-it-py, GFM tables and strikethrough on) and compares their
top-level blocks.  Blocks may differ only where a rule changed, removed or
added something (:func:`claimed_lines`); any other block that renders
differently means the emitter or a rule touched what it did not claim, and
the post is refused with a :class:`~wxmigrate.errors.RepairError` naming the
rules that ran.

Most repaired posts are proved alike without rendering, or parsing, most of
either text (:func:`shown_unchanged`): the output is mostly the source's own
text, and a stretch of lines that stands alike in both, between two places
where markdown-it's block parser starts afresh, is read alike in both.  Only
when that proof fails is everything compared (:func:`rendered_differences`):
only what is compared is rendered then (a claimed block of the source never
is), and a block that stands alike in the source and the output (same tokens,
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

    The same lines as :func:`rendered_differences` finds, found without rendering when
    :func:`shown_unchanged` proves there are none.
    """
    if shown_unchanged(source, output, claimed, first_line=first_line):
        return []
    return rendered_differences(source, output, claimed, first_line=first_line)


def rendered_differences(
    source: str, output: str, claimed: Sequence[Lines], *, first_line: int = 1
) -> list[int]:
    """:func:`unclaimed_differences`, found by parsing both texts whole and rendering every
    block compared."""
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


# --------------------------------------------------------------------------
# The proof without rendering


#: What may open a block that runs on over blank lines: a fenced code block (its fence
#: may stand anywhere in a line, inside a quote or a list item) or an HTML block that only
#: its own end closes (``<script``, ``<pre``, ``<style``, ``<textarea``, a comment, ``<?``,
#: ``<!X``, ``<![CDATA[``).  Looked for anywhere, in any case: more than can open one.
LONG_BLOCK = re.compile(r"```|~~~|<(?:script|pre|style|textarea|!|\?)", re.IGNORECASE)
#: A line that may open blocks nested deep enough for markdown-it's nesting limit, past
#: which it skips the rest of the text (a block nested ``n`` deep needs ``n`` columns of
#: quote marks, list markers and indentation before it; a tab may be four): twelve
#: characters of them, or a tab among them.
_DEEP = re.compile(r"^[ >*+\-0-9.)]{12}|^[ >*+\-0-9.)]*\t", re.MULTILINE)
#: A blank line (spaces and tabs only) followed by a line that starts unindented and with
#: no list item's marker (``-``, ``+``, ``*`` before a space, a tab or the line's end;
#: digits before ``.`` or ``)``): the block parser starts afresh on that line.
_FRESH_START = re.compile(r"^[ \t]*\n(?![ \t]|[-+*](?:[ \t]|$)|[0-9]+[.)]|$)", re.MULTILINE)


def pieces(text: str) -> list[tuple[int, str]]:
    """``text`` cut where markdown-it's block parser starts afresh: each piece's first line
    (0-based) and its text.  Reading a piece alone gives the tokens the whole text gives
    for its lines (lines counted from the piece's first), whatever stands around it.

    A piece starts at a line that follows a blank line and starts, unindented, with no list
    item's marker (:data:`_FRESH_START`).  After a blank line no paragraph, table, block
    quote, setext heading, reference definition or HTML block of the kinds a blank line
    ends runs on (markdown-it's rules for them stop at a blank line); a list or an indented
    code block stops at an unindented line that is no list item; and each of markdown-it's
    block rules reads from the line it starts on to the line it stops at, nothing before
    (the block parser keeps no state from one top-level block to the next that changes a
    token).  Only a fenced code block and an HTML block that only its end tag closes run
    on over blank lines, and blocks nested past markdown-it's limit take the rest of the
    text: the text is not cut after anything that may open one (:data:`LONG_BLOCK`,
    :data:`_DEEP`).  Link reference definitions count for the whole text: the
    caller must see that neither text has one.  ``tests/test_guard.py`` checks this
    against markdown-it on generated posts and Markdown.
    """
    # No cut after the line of the first such opening: one may be open there.
    openings = [found.start() for found in (LONG_BLOCK.search(text), _DEEP.search(text)) if found]
    last = text.rfind("\n", 0, min(openings)) + 1 if openings else len(text)
    found: list[tuple[int, str]] = []
    begin = line = 0
    for match in _FRESH_START.finditer(text):
        cut = match.end()
        if cut > last:
            break
        found.append((line, text[begin:cut]))
        line += text.count("\n", begin, cut)
        begin = cut
    found.append((line, text[begin:]))
    return found


def _covered(first: int, text: str, claimed: _Spans) -> bool:
    """Whether every line of a piece (its file line ``first`` on) that is not blank is claimed:
    then every block in it is (a block starts on a line that is not blank)."""
    return all(
        not line.strip(" \t") or claimed.touch((first + number, first + number))
        for number, line in enumerate(text.split("\n"))
    )


def shown_unchanged(source: str, output: str, claimed: Sequence[Lines], *, first_line: int = 1) -> bool:
    """Whether ``output`` surely shows every block of ``source`` that no claimed line range
    touches as the source did (then :func:`rendered_differences` finds none), proved
    without rendering; False when it cannot tell.

    Both texts are cut into :func:`pieces`; a piece of the source that the output holds,
    word for word, is read alike there, block for block.  Every block of the other pieces
    that no claim touches must be among the blocks of the output's other pieces, token for
    token, as often as it occurs: with the same link references (neither text defines
    one), tokens alike render alike.  Then each unclaimed block of the source has a block
    of the output of its own whose rendering is alike, which is all
    :func:`rendered_differences` asks.  Only the pieces that differ are parsed, and of
    the output's, first those that hold the first line of a block looked for.
    """
    if "]:" in source or "]:" in output or "\r" in source or "\r" in output:
        return False  # references, or line ends that markdown-it reads otherwise: compare all
    changed = _Spans(claimed)
    held = Counter(text for _, text in pieces(output))
    wanted: Counter[_Key] = Counter()
    first_lines: set[str] = set()
    for start, text in pieces(source):
        if held[text] > 0:
            held[text] -= 1
            continue
        if _covered(start + first_line, text, changed):
            continue
        lines = text.split("\n")
        for (first, last), group in _Document(text).blocks:
            if not changed.touch((first + start + first_line - 1, last + start + first_line - 1)):
                wanted[_key(group)] += 1
                first_lines.add(lines[first - 1].strip(" \t"))
    if not wanted:
        return True
    likely: list[tuple[str, int]] = []
    rest: list[tuple[str, int]] = []
    for text, count in held.items():
        if count > 0:
            (likely if any(line in text for line in first_lines) else rest).append((text, count))
    shown: Counter[_Key] = Counter()
    for looked_at in (likely, rest):
        for text, count in looked_at:
            for _, group in _Document(text).blocks:
                shown[_key(group)] += count
        if all(shown[key] >= count for key, count in wanted.items()):
            return True
    return False


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


__all__ = [
    "check_render",
    "pieces",
    "rendered_blocks",
    "rendered_differences",
    "shown_unchanged",
    "unclaimed_differences",
]
