"""What the runner knows of the blocks of the post it settles, gathered once per block.

Blocks are immutable, and a rule gives back the very objects of the blocks it did not
change, so one version of a post shares most of its blocks with the last: their
:class:`~.features.Features` and article text are looked up, not gathered again.  A
post's are its top-level blocks' put together (:meth:`.Features.merged`,
:func:`.conservation.article_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from ..model import Block, Post
from .conservation import block_article_text
from .features import Features

_T = TypeVar("_T")


class _PerBlock(Generic[_T]):
    """``derive(block)`` for each block object, computed once.  Each entry holds its block,
    so that block's ``id`` is not reused while the entry lives."""

    def __init__(self, derive: Callable[[Block], _T]) -> None:
        self._derive = derive
        self._known: dict[int, tuple[Block, _T]] = {}

    def __call__(self, block: Block) -> _T:
        known = self._known.get(id(block))
        if known is None:
            known = self._known[id(block)] = (block, self._derive(block))
        return known[1]

    def each(self, blocks: Iterable[Block]) -> list[_T]:
        """``derive`` of each block, in order."""
        known, derive = self._known, self._derive
        out: list[_T] = []
        for block in blocks:
            entry = known.get(id(block))
            if entry is None:
                entry = known[id(block)] = (block, derive(block))
            out.append(entry[1])
        return out


class Survey:
    """The features and article text of the blocks of one post as the rules rebuild it."""

    def __init__(self) -> None:
        #: The features of a block (with the blocks nested in it).
        self.block = _PerBlock(Features.of_block)
        self._text = _PerBlock(block_article_text)
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
