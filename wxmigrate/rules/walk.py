"""Rebuilding a post's tree: apply a function to every leaf block or inline sequence.

Rules stay small by describing the edit of one block (or one run of
inlines); these helpers rebuild the containers around it and collect the
changes.  Nothing here mutates: new tuples, ``attrs.evolve``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

import attrs

from ..model import (
    CONTAINERS,
    Block,
    Emphasis,
    Figure,
    HardBreak,
    Heading,
    Inline,
    Link,
    ListBlock,
    NESTING_BLOCKS,
    ListItem,
    Paragraph,
    Post,
    RawHtml,
    SoftBreak,
    Strong,
    Text,
    is_blank_run,
)
from ..parse.blocks import starts_html_block
from .base import Change, Options, short

#: A leaf-block edit: the block and the post's path -> the blocks replacing it, and changes.
BlockEdit = Callable[[Block], tuple[Sequence[Block], list[Change]]]
#: An edit of a block list (neighbours matter): -> new list, changes.
SequenceEdit = Callable[[list[Block]], tuple[list[Block], list[Change]]]
#: An edit of a sequence of inline runs.
InlineEdit = Callable[[tuple[Inline, ...]], tuple[Inline, ...]]
#: Whether a block (with the blocks nested in it) may hold something a rule changes.
BlockTest = Callable[[Block], bool]


class Dispatch(Protocol):
    """The runner's side of per-block dispatch: which blocks each walk of a rule visits."""

    def walk(self) -> tuple[BlockTest, Callable[[Block], None]]:
        """For the rule's next walk (its first, second, ... call of :func:`map_leaves`): the
        test of the blocks to visit, and what to tell of each leaf the walk's edit left as it was."""
        ...


#: While the runner calls a rule that edits each leaf block on its own, its dispatch
#: (see :func:`dispatched`); None: every block is visited.
_DISPATCH: ContextVar[Dispatch | None] = ContextVar("dispatch", default=None)


@contextmanager
def dispatched(dispatch: Dispatch) -> Iterator[None]:
    """Within, each :func:`map_leaves` edits only the blocks ``dispatch`` lets through, and does
    not enter a container it turns away.  ``dispatch`` must be conservative (no block it turns
    away would be changed), so the result is what visiting every block gives."""
    token = _DISPATCH.set(dispatch)
    try:
        yield
    finally:
        _DISPATCH.reset(token)


def map_sequences(
    post: Post,
    edit: SequenceEdit,
    *,
    skip: tuple[type, ...] = (),
    enter: BlockTest | None = None,
    left_alone: Callable[[Block], None] | None = None,
) -> tuple[Post, list[Change]]:
    """Apply ``edit`` to every list of sibling blocks (the top level and each container's).

    ``enter``: containers it turns away are not walked into (their lists are not edited);
    ``left_alone`` is told of each container walked into that came back as it was.
    """
    changes: list[Change] = []

    def enters(block: Block) -> bool:
        return not isinstance(block, skip) and (enter is None or enter(block))

    def walk(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        inner = list(blocks)
        if not _NESTING.isdisjoint(map(type, blocks)):  # most lists hold no container
            for index, block in enumerate(blocks):
                if type(block) not in _NESTING or not enters(block):
                    continue
                known = len(changes)
                if isinstance(block, ListBlock):
                    items = tuple(_with_children(item, walk(item.children)) for item in block.items)
                    unchanged = all(new is old for new, old in zip(items, block.items))
                    inner[index] = block if unchanged else attrs.evolve(block, items=items)
                elif isinstance(block, CONTAINERS):
                    children = walk(block.children)
                    inner[index] = block if children is block.children else attrs.evolve(block, children=children)
                if left_alone is not None and inner[index] is block and len(changes) == known:
                    left_alone(block)
        edited, found = edit(inner)
        changes.extend(found)
        return blocks if _same(edited, blocks) else tuple(edited)

    blocks = walk(post.blocks)
    return (attrs.evolve(post, blocks=blocks) if changes else post), changes


#: The block types that hold blocks (the model's classes are final: a block's type is one of them).
_NESTING = NESTING_BLOCKS


def opens_html_block(block: Block) -> bool:
    """Whether a paragraph has a line that opens with block-level raw HTML
    (``<script>``, ``<!--``, ``<div>``): written as Markdown, that line would read
    back as an HTML block, so no rule may leave one where there was none."""
    if not isinstance(block, Paragraph):
        return False
    at_line_start = True
    for inline in block.children:
        if isinstance(inline, (SoftBreak, HardBreak)):
            at_line_start = True
        elif isinstance(inline, Text) and not inline.text.strip(" \t"):
            continue  # spaces the emitter trims (a no-break space is text to CommonMark)
        else:
            if at_line_start and isinstance(inline, RawHtml) and starts_html_block(inline.html):
                return True
            at_line_start = False
    return False


def _same(new: Sequence[Block], old: tuple[Block, ...]) -> bool:
    """Whether an edit gave back the very blocks it was given (nothing rebuilt)."""
    return len(new) == len(old) and all(a is b for a, b in zip(new, old))


def _with_children(item: ListItem, children: tuple[Block, ...]) -> ListItem:
    return item if children is item.children else attrs.evolve(item, children=children)


def map_leaves(post: Post, edit: BlockEdit, *, skip: tuple[type, ...] = ()) -> tuple[Post, list[Change]]:
    """Apply ``edit`` to every leaf block (containers in ``skip`` are left alone).

    An edit that would leave a paragraph line opening with block HTML where
    there was none (see :func:`opens_html_block`) is not taken.  Within
    :func:`dispatched`, only the blocks the dispatch lets through are edited.
    """

    not_leaves = _NESTING.union(skip)
    dispatch = _DISPATCH.get()
    wanted, left_alone = dispatch.walk() if dispatch is not None else (None, None)

    def on_sequence(blocks: list[Block]) -> tuple[list[Block], list[Change]]:
        out: list[Block] = []
        changes: list[Change] = []
        for block in blocks:
            if type(block) in not_leaves or (wanted is not None and not wanted(block)):
                out.append(block)
                continue
            replaced, found = edit(block)
            unchanged = len(replaced) == 1 and replaced[0] is block
            if not unchanged and any(map(opens_html_block, replaced)) and not opens_html_block(block):
                replaced, found, unchanged = [block], [], True
            if left_alone is not None and unchanged and not found:
                left_alone(block)
            out.extend(replaced)
            changes.extend(found)
        return out, changes

    return map_sequences(post, on_sequence, skip=skip, enter=wanted, left_alone=left_alone)


def map_inlines(inlines: tuple[Inline, ...], edit: InlineEdit) -> tuple[Inline, ...]:
    """Apply ``edit`` to a sequence of inlines and, depth first, to every nested one.

    Runs nothing changed are given back as they were (the same objects).
    """
    nested: list[Inline] = []
    changed = False
    for inline in inlines:
        if isinstance(inline, (Strong, Emphasis, Link)):
            children = map_inlines(inline.children, edit)
            if children is not inline.children:
                inline, changed = attrs.evolve(inline, children=children), True
        nested.append(inline)
    return edit(tuple(nested) if changed else inlines)


def block_with_inlines(block: Block, edit: InlineEdit, *, nested: bool = True) -> Block:
    """The block with ``edit`` applied to its inline runs (headings, paragraphs, captions).

    With ``nested`` false, ``edit`` sees only the block's top-level runs.
    """
    apply = (lambda inlines: map_inlines(inlines, edit)) if nested else edit
    if isinstance(block, (Heading, Paragraph)):
        children = apply(block.children)
        unchanged = children is block.children or children == block.children
        return block if unchanged else attrs.evolve(block, children=children)
    if isinstance(block, Figure) and block.caption:
        caption = apply(block.caption)
        unchanged = caption is block.caption or caption == block.caption
        return block if unchanged else attrs.evolve(block, caption=caption)
    return block


def edit_inlines(
    post: Post, options: Options, name: str, edit: InlineEdit, *, nested: bool = True
) -> tuple[Post, list[Change]]:
    """Apply an inline edit to every block; one change per block it alters.

    A paragraph left with nothing visible (it held only a stray marker) is removed.
    ``nested``: see :func:`block_with_inlines`.
    """
    context = options.engine.context()

    def on_block(block: Block) -> tuple[list[Block], list[Change]]:
        new = block_with_inlines(block, edit, nested=nested)
        if new is block:
            return [block], []
        before = context.block(block)
        if isinstance(new, Paragraph) and is_blank_run(new.children):
            return [], [Change(name, post.path, block.lines[0], short(before), "")]
        return [new], [Change(name, post.path, block.lines[0], short(before), short(context.block(new)))]

    return map_leaves(post, on_block)
