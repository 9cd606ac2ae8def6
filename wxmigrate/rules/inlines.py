"""Small helpers over sequences of inline runs, shared by the bold rules."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import (
    Code,
    Emphasis,
    HardBreak,
    Image,
    Inline,
    Link,
    RawHtml,
    SoftBreak,
    Strong,
    Text,
    is_blank_run,
)
from ..parse.inline import plain_text


def first_char(inlines: Iterable[Inline]) -> str:
    """The first character these runs put in the Markdown source ("" when none)."""
    for inline in inlines:
        if isinstance(inline, Text):
            if inline.text:
                return inline.text[0]
        elif isinstance(inline, (SoftBreak, HardBreak)):
            return "\n"
        elif isinstance(inline, Image):
            return "!"
        elif isinstance(inline, Link):
            return "["
        elif isinstance(inline, Code):
            return "`"
        elif isinstance(inline, RawHtml):
            return "<"
        elif isinstance(inline, (Strong, Emphasis)) and not is_blank_run(inline.children):
            return "*"
    return ""


def last_char(inlines: tuple[Inline, ...] | list[Inline]) -> str:
    """The last character these runs put in the Markdown source ("" when none)."""
    for inline in reversed(inlines):
        if isinstance(inline, Text):
            if inline.text:
                return inline.text[-1]
        elif isinstance(inline, (SoftBreak, HardBreak)):
            return "\n"
        elif isinstance(inline, (Image, Link)):
            return ")"
        elif isinstance(inline, Code):
            return "`"
        elif isinstance(inline, RawHtml):
            return ">"
        elif isinstance(inline, (Strong, Emphasis)) and not is_blank_run(inline.children):
            return "*"
    return ""


def text_of(inlines: tuple[Inline, ...] | list[Inline]) -> str:
    """Visible text of runs (breaks as nothing), for short before/after excerpts."""
    return plain_text(tuple(inlines), breaks="")
