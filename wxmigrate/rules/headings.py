"""Rules for headings: ``#Title`` without a space, the H1 that repeats the title."""

from __future__ import annotations

import attrs

from ..model import Block, Heading, Post, Text
from ..parse import title_heading
from ..parse.inline import plain_text
from .base import Change, Options, rule, short
from .features import has_blocks
from .walk import map_leaves


def _is_title_line(post: Post, block: Block) -> bool:
    """Whether a block is the body's first, right under front matter, and says its title."""
    return (
        bool(post.blocks)
        and block is post.blocks[0]
        and post.front_matter.present
        and isinstance(block, Heading)
        and bool(post.front_matter_title.strip())
        and plain_text(block.children, breaks="").strip() == post.front_matter_title.strip()
    )


@rule(generic=True, applies=has_blocks(Heading))
def space_after_heading_marks(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Put a space after the ``#`` of a heading, so it renders as one.

    ``#春耕时节`` -> ``# 春耕时节``; ``#🔹 田间管理`` -> ``# 🔹 田间管理``.  In a post no exporter
    wrote, ``#word`` is text (``#hashtag``, ``#5``): only a first line right under the front
    matter that says the post's title is taken for a heading.
    """
    context = options.engine.context()

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if not isinstance(block, Heading) or block.spaced:
            return [block], []
        if post.generic and not _is_title_line(post, block):
            return [block], []
        new = attrs.evolve(block, spaced=True, break_before=None)
        change = Change(
            "space_after_heading_marks", post.path, block.lines[0],
            short(context.block(block)), short(context.block(new)),
        )
        return [new], [change]

    return map_leaves(post, edit)


@rule(removes_text=True)
def drop_repeated_title_heading(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Drop the H1 that only repeats the title (engines print the title from front matter).

    ``# 春耕时节…`` at the top of the body -> removed, when the title is the same
    text; ``--keep-title-heading`` keeps it, and so does a post with no front matter.
    """
    if options.keep_title_heading or not post.front_matter.present:
        return post, []  # without front matter the H1 is the only place the title is
    heading = title_heading(post)
    if heading is None or plain_text(heading.children, breaks="").strip() != post.title.strip():
        return post, []
    blocks = tuple(block for block in post.blocks if block is not heading)
    change = Change(
        "drop_repeated_title_heading", post.path, heading.lines[0],
        short(options.engine.context().block(heading)), "",
    )
    return attrs.evolve(post, blocks=blocks), [change]


@rule(applies=has_blocks(Heading), per_block=True)
def drop_empty_headings(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove headings with no text, which show as empty space in large type.

    ``### `` -> removed
    """
    context = options.engine.context()

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if isinstance(block, Heading) and not plain_text(block.children, breaks="").strip() and not any(
            not isinstance(child, Text) for child in block.children
        ):
            return [], [Change("drop_empty_headings", post.path, block.lines[0], context.block(block), "")]
        return [block], []

    return map_leaves(post, edit)
