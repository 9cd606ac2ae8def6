"""Rules for bold the converter escaped: ``\\*\\*x\\*\\*`` shows its asterisks.

Some clippers escape the ``**`` of bold they could not place (or that the
author typed into WeChat, which shows it as text).  The asterisks then show
on every engine.  These rules make that bold again, in paragraphs and in
GFM tables, and leave asterisks that were never markup (``***011201``,
``王\\*\\*``, ``3\\*4``) as they are.
"""

from __future__ import annotations

import re

import attrs

from ..chars import left_flanking, right_flanking
from ..model import Block, Emphasis, Inline, Post, RawBlock, Strong, Text
from ..parse.blocks import is_table
from ..parse.inline import merge_texts
from .base import Change, Options, rule, short
from .features import has_blocks, text_has
from .toggles import Mark, from_toggles, literal_marks_flank, marks, to_toggles
from .walk import edit_inlines, map_inlines, map_leaves

_LITERAL_BOLD = re.compile(r"(?<!\*)\*\*(?=[^\s*])([^*\n]*?)\*\*(?!\*)")
#: ``** **``: a bold run whose math or emoji the converter dropped.
_LITERAL_EMPTY = re.compile(r"(?<!\*)\*\*( +)\*\*(?!\*)")
_LITERAL_ITALIC = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]*?[\u3400-\u9fff][^*\n]*?[^\s*]|[\u3400-\u9fff])\*(?![*\w])")
_LITERAL = re.compile(f"{_LITERAL_BOLD.pattern}|{_LITERAL_ITALIC.pattern}|{_LITERAL_EMPTY.pattern}")


def _restore(text: str) -> list[Inline]:
    """Split a text run at literal ``**x**`` / ``*图：x*`` pairs, making them bold / italic."""
    out: list[Inline] = []
    position = 0
    for match in _LITERAL.finditer(text):
        out.append(Text(text[position : match.start()]))
        if match.group(1) is not None:
            out.append(Strong((Text(match.group(1)),)))
        elif match.group(2) is not None:
            out.append(Emphasis((Text(match.group(2)),)))
        else:
            out.append(Text(match.group(3)))
        position = match.end()
    out.append(Text(text[position:]))
    return out


def _restore_texts(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for inline in inlines:
        out.extend(_restore(inline.text) if isinstance(inline, Text) and "*" in inline.text else [inline])
    merged = merge_texts(out)
    return inlines if merged == merge_texts(list(inlines)) else merged


def retoggle(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Read every ``**`` of a block (bold edges and literal ones) as toggles, when that pairs them all.

    Only when some are literal, their count is even, and each literal one
    touches the text it would make bold (see :func:`.toggles.literal_marks_flank`).
    """
    tokens = to_toggles(inlines)
    literal = any(isinstance(token, Mark) and token.literal for token in tokens)
    if not literal or len(marks(tokens)) % 2 or not literal_marks_flank(tokens):
        return inlines
    return from_toggles(tokens)


@rule(applies=text_has("*"), per_block=True)
def restore_escaped_bold(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make bold (and CJK italic) out of asterisks a converter escaped but the author meant as markup.

    ``\\*\\*训练了新模型\\*\\*：`` -> ``**训练了新模型**：``; ``\\*图：架构\\*`` -> ``*图：架构*``;
    escaped and real markers that alternate pair up again:
    ``\\*\\*Acc **（注）、** F1\\*\\*`` -> ``**Acc**（注）、**F1**``.
    Unpaired asterisks (``王**``, ``***011201``) stay as they are.
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return map_inlines(retoggle(inlines), _restore_texts)

    return edit_inlines(post, options, "restore_escaped_bold", edit, nested=False)


#: ``\*\*x\*\*`` inside one table row: no ``*`` inside, no space at the edges.
_ESCAPED_PAIR = re.compile(r"(?<![\\*])\\\*\\\*(?=[^\s\\*])((?:[^*\n\\]|\\[^*])*?[^\s\\*])\\\*\\\*(?!\\?\*)")


def _restore_row(row: str) -> str:
    def bold(match: re.Match[str]) -> str:
        before = row[match.start() - 1] if match.start() else ""
        after = row[match.end()] if match.end() < len(row) else ""
        inside = match.group(1)
        if not (left_flanking(before, inside[0]) and right_flanking(inside[-1], after)):
            return match.group()  # it would not render as bold: leave it
        return f"**{inside}**"

    return _ESCAPED_PAIR.sub(bold, row)


@rule(applies=has_blocks(RawBlock), per_block=True)
def restore_escaped_bold_in_tables(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Make bold out of escaped ``\\*\\*x\\*\\*`` pairs inside a GFM table's rows.

    ``| \\*\\*多智能体系统\\*\\* | …`` -> ``| **多智能体系统** | …``.  Tables are
    otherwise kept as written; a pair spanning rows, or one that would not
    render as bold where it stands, stays escaped.
    """

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if not (isinstance(block, RawBlock) and is_table(block.text) and "\\*\\*" in block.text):
            return [block], []
        rows = block.text.split("\n")
        restored = [_restore_row(row) for row in rows]
        changed = [index for index, (row, new) in enumerate(zip(rows, restored)) if row != new]
        if not changed:
            return [block], []
        first = changed[0]
        line = block.lines[0] + first
        change = Change("restore_escaped_bold_in_tables", post.path, line, short(rows[first]), short(restored[first]))
        return [attrs.evolve(block, text="\n".join(restored))], [change]

    return map_leaves(post, edit)


__all__ = ["restore_escaped_bold", "restore_escaped_bold_in_tables", "retoggle"]
