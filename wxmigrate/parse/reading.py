"""How the parser reads the post at hand: the context one parse shares down to every block.

A post no known exporter wrote is read as CommonMark reads it (indented code,
setext headings, ``****`` as a thematic break); an exporter's post is read
leniently, so that its damage is represented where it stands.  Link reference
definitions are found once per post and read by every inline parse.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

#: A link reference: destination and title.
Reference = tuple[str, "str | None"]


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


__all__ = ["Reading", "current", "reading"]
