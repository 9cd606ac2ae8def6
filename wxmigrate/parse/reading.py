"""How the parser reads the post at hand: the context one parse shares down to every block.

A post no known exporter wrote is read as CommonMark reads it (indented code,
setext headings, ``****`` as a thematic break); an exporter's post is read
leniently, so that its damage is represented where it stands.  Link reference
definitions are found once per post and read by every inline parse.

The parses of one post (its source, read again in another dialect, and its
output, parsed back to be checked) mostly meet the same paragraphs: inside
:func:`shared_inlines` they parse each paragraph's inline text once
(:class:`Memo`), not once per parse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

from ..model import Inline

#: A link reference: destination and title.
Reference = tuple[str, "str | None"]
#: Inline parses by text and ``nested_bold`` (see :func:`~.inline.parse_inline`).
InlineTable = dict[tuple[str, bool], tuple[Inline, ...]]


@attrs.frozen
class Reading:
    """What one parse of a post knows while it reads the blocks."""

    #: Read blocks as CommonMark does, not as exporters damage them.
    commonmark: bool = False
    #: The post's link reference definitions, by :func:`~.inline.label_key`.
    references: Mapping[str, tuple[str, str | None]] = attrs.field(factory=dict)
    #: ``(line, what)`` for each block kept as written because it was past a limit
    #: (:func:`note` adds them; the parse makes findings of them).
    limits: list[tuple[int, str]] = attrs.field(factory=list, eq=False)
    #: Inline parses already made with these references (None: none are kept).
    inlines: InlineTable | None = attrs.field(default=None, eq=False)

    def note(self, line: int, what: str) -> None:
        """Record a block kept as written at ``line``: the input was past a limit."""
        self.limits.append((line, what))


_CURRENT: ContextVar[Reading] = ContextVar("reading", default=Reading())


def current() -> Reading:
    """The reading of the post being parsed (the lenient default outside a parse)."""
    return _CURRENT.get()


@contextmanager
def reading(value: Reading) -> Iterator[None]:
    """Parse with ``value`` as :func:`current`."""
    token = _CURRENT.set(value)
    try:
        yield
    finally:
        _CURRENT.reset(token)


class Memo:
    """Inline parses kept for the parses of one post, a table for each set of link
    references they were read with (an inline parse depends on nothing else)."""

    def __init__(self) -> None:
        self._tables: list[tuple[Mapping[str, Reference], InlineTable]] = []

    def table(self, references: Mapping[str, Reference]) -> InlineTable:
        """The parses made with ``references`` (a new, empty table for new ones)."""
        for known, table in self._tables:
            if known == references:
                return table
        new: InlineTable = {}
        self._tables.append((references, new))
        return new


_MEMO: ContextVar[Memo | None] = ContextVar("memo", default=None)


@contextmanager
def shared_inlines() -> Iterator[Memo]:
    """Let every parse inside share its inline parses (inside another sharing: that one's).

    Kept for the scope only, so memory stays that of the posts parsed inside it."""
    memo = _MEMO.get()
    if memo is not None:
        yield memo
        return
    memo = Memo()
    token = _MEMO.set(memo)
    try:
        yield memo
    finally:
        _MEMO.reset(token)


def inline_table(references: Mapping[str, Reference]) -> InlineTable | None:
    """The inline parses made with ``references`` in the active sharing (None outside one)."""
    memo = _MEMO.get()
    return None if memo is None else memo.table(references)


__all__ = ["Memo", "inline_table", "Reading", "current", "reading", "shared_inlines"]
