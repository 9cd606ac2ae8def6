"""Rules over plain text runs: invisible characters exporters leave behind."""

from __future__ import annotations

import re

import attrs

from ..model import Block, Inline, Paragraph, Post, Text, is_blank_run
from ..parse.inline import merge_texts
from .base import Change, Options, rule
from .features import any_of, has_blank_paragraph, text_matches
from .walk import edit_inlines, map_leaves

#: No-break and fixed-width spaces: shown as plain spaces.
_SPACES = re.compile("[\u00a0\u2002-\u200a\u202f\u205f]")
#: Zero-width characters that carry nothing (ZWJ is kept: emoji sequences need it).
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff]")


@rule(applies=any_of(text_matches(_SPACES), text_matches(_INVISIBLE), has_blank_paragraph), per_block=True)
def normalize_invisible_spaces(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make no-break spaces plain, remove zero-width characters, and drop lines that show nothing.

    ``第一段\\u00a0\\u200b`` -> ``第一段 ``; a line holding only spaces (``\\u3000``, NBSP) goes.
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

    post, changes = edit_inlines(post, options, "normalize_invisible_spaces", edit)
    post, dropped = map_leaves(post, _drop_blank)
    return post, changes + [attrs.evolve(c, path=post.path) for c in dropped]


def _drop_blank(block: Block) -> tuple[list[Block], list[Change]]:
    if isinstance(block, Paragraph) and is_blank_run(block.children):
        return [], [Change("normalize_invisible_spaces", "", block.lines[0], "a line of only white space", "")]
    return [block], []
