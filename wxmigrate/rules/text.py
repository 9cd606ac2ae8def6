"""Rules over plain text runs: invisible characters exporters leave behind."""

from __future__ import annotations

import re

from ..model import Inline, Post, Text
from .base import Change, Options, rule
from .inlines import merge_texts
from .walk import edit_inlines

#: No-break and fixed-width spaces: shown as plain spaces.
_SPACES = re.compile("[\u00a0\u2002-\u200a\u202f\u205f]")
#: Zero-width characters that carry nothing (ZWJ is kept: emoji sequences need it).
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff]")


@rule()
def normalize_invisible_spaces(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make no-break spaces plain and remove zero-width characters in the text.

    ``第一段\\u00a0\\u200b`` -> ``第一段 ``; a line left with nothing visible goes.
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for inline in inlines:
            if isinstance(inline, Text):
                text = _INVISIBLE.sub("", _SPACES.sub(" ", inline.text))
                out.append(Text(text) if text != inline.text else inline)
            else:
                out.append(inline)
        return merge_texts(out) if out != list(inlines) else inlines

    return edit_inlines(post, options, "normalize_invisible_spaces", edit)
