"""What the runner knows of the blocks of the post it settles, gathered once per block.

Blocks are immutable, and a rule gives back the very objects of the blocks it did not
change, so one version of a post shares most of its blocks with the last: their
:class:`~.features.Features` and article text are looked up, not gathered again.  A
post's are its top-level blocks' put together (:meth:`.Features.merged`,
:func:`.conservation.article_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

from ..model import Block, Code, Figure, Heading, Paragraph, Post
from .conservation import block_article_text, letters_and_digits
from .features import Features

_T = TypeVar("_T")


class _PerBlock(Generic[_T]):
    """``derive(block)`` for each block object, computed once.  Each block is held while its
    entry lives, so that its ``id`` is not reused meanwhile."""

    def __init__(self, derive: Callable[[Block], _T]) -> None:
        self._derive = derive
        self._values: dict[int, _T] = {}
        self._blocks: dict[int, Block] = {}
        #: What is known so far, by the block's id (read only: a caller's look-up in C).
        self.known: Mapping[int, _T] = self._values

    def __call__(self, block: Block) -> _T:
        key = id(block)
        if key not in self._values:
            self._blocks[key], self._values[key] = block, self._derive(block)
        return self._values[key]

    def each(self, blocks: Sequence[Block]) -> list[_T]:
        """``derive`` of each block, in order (looked up in C: most are known already)."""
        keys, values = list(map(id, blocks)), self._values
        if not values.keys() >= set(keys):
            for key, block in zip(keys, blocks):
                if key not in values:
                    self._blocks[key], values[key] = block, self._derive(block)
        return list(map(values.__getitem__, keys))


class Survey:
    """The features and article text of the blocks of one post as the rules rebuild it."""

    def __init__(self) -> None:
        #: The features of a block (with the blocks nested in it).
        self.block = _PerBlock(Features.of_block)
        self._text = _PerBlock(self._article_text)
        self._post: Post | None = None
        self._features: Features | None = None
        self._top_post: Post | None = None
        self._top: dict[int, Block] = {}

    def of(self, post: Post) -> Features:
        """The features of the post (those of the last post asked about are kept)."""
        if self._features is None or self._post is not post:
            self._post, self._features = post, Features.merged(self.block.each(post.blocks))
        return self._features

    def top_level(self, post: Post) -> dict[int, Block]:
        """The post's top-level blocks by id (those of the last post asked about are kept)."""
        if self._top_post is not post:
            self._top_post, self._top = post, {id(block): block for block in post.blocks}
        return self._top

    def article_text(self, post: Post) -> str:
        """:func:`.conservation.article_text` of the post."""
        return "".join(self._text.each(post.blocks))

    def _article_text(self, block: Block) -> str:
        """:func:`.conservation.block_article_text`, from the block's features where they hold
        it: a paragraph's, heading's or figure's is the text of its runs (and of its code
        spans, which the features do not keep), so one walk of its runs serves both."""
        if isinstance(block, _RUNS_ONLY):
            features = self.block(block)
            if Code not in features.inlines:
                return letters_and_digits(features.text)
        return block_article_text(block)


#: The blocks whose article text is only that of their runs (see :func:`.conservation._article_parts`).
_RUNS_ONLY = (Paragraph, Heading, Figure)
