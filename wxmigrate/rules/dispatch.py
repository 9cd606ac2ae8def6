"""Per-block dispatch: a :attr:`~.base.Rule.per_block` rule visits only the blocks it may change.

The runner (:func:`wxmigrate.rules.settle`) keeps one :class:`Dispatcher` per post.  It
calls a per-block rule only when :meth:`Dispatcher.may_change` finds a block for one of the
rule's walks to visit, and then within :func:`.walk.dispatched`, so that each walk asks
which blocks to edit.  A block is turned away when

- the rule's pre-test, asked of that block's features (a post holding only it),
  says no: the rule could not change such a post, so it leaves the block alone; or
- the same walk of the same rule already left that very block as it was, in this
  version of the post or an earlier one: its edit is a function of the block alone.

So a pass reads each block only in the rules that may change it, the pass that confirms
nothing changes re-reads only the blocks rebuilt since, and the result is what visiting
every block gives (``tests/test_rule_engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from ..model import Block, Post
from .base import Rule
from .survey import Survey
from .walk import BlockTest, Dispatch


class _Walk:
    """What one walk of one rule (its first, second, ... call of ``map_leaves``) knows of blocks."""

    def __init__(self) -> None:
        #: Every block asked about, by id (held, so that id is not reused meanwhile).
        self.known: dict[int, Block] = {}
        #: The ids of those the walk need not visit.
        self.settled: set[int] = set()

    def wanted(self, block: Block, test: BlockTest) -> bool:
        key = id(block)
        if key in self.settled:  # most blocks, once the rule has walked the post
            return False
        if key not in self.known:
            self.known[key] = block
            if not test(block):
                self.settled.add(key)
                return False
        return True

    def left_alone(self, block: Block) -> None:
        self.known[id(block)] = block
        self.settled.add(id(block))

    def pending(self, blocks: Mapping[int, Block], test: BlockTest) -> bool:
        """Whether some of ``blocks`` (by id) is one to visit."""
        settled = self.settled
        if blocks.keys() <= settled:
            return False
        unknown = blocks.keys() - self.known.keys()
        if not unknown:
            return True
        known = self.known
        for key in unknown:  # what :meth:`wanted` does with a block not asked about yet
            block = known[key] = blocks[key]
            if not test(block):
                settled.add(key)
        return not blocks.keys() <= settled


class Dispatcher:
    """What the per-block rules know of the blocks of one post as the rules rebuild it."""

    def __init__(self, survey: Survey) -> None:
        self._survey = survey
        #: Each rule's walks, in order (one until the rule has run).
        self._walks: dict[str, list[_Walk]] = {}

    def _test(self, rule: Rule, post: Post) -> BlockTest:
        applies, features = rule.applies, self._survey.block
        assert applies is not None, "a per-block rule has a pre-test"
        known = features.known  # the post's blocks' features are known already: look them up

        def test(block: Block) -> bool:
            found = known.get(id(block))
            return applies(features(block) if found is None else found, post)

        return test

    def may_change(self, rule: Rule, post: Post) -> bool:
        """Whether one of the rule's walks has a block of the post to visit: when none has,
        calling the rule changes nothing."""
        walks = self._walks.setdefault(rule.name, [_Walk()])
        blocks, test = self._survey.top_level(post), self._test(rule, post)
        return any(walk.pending(blocks, test) for walk in walks)

    def calling(self, rule: Rule, post: Post) -> Dispatch:
        """The :class:`.walk.Dispatch` of one call of the rule on the post."""
        return _Call(self._walks.setdefault(rule.name, [_Walk()]), self._test(rule, post))


class _Call:
    """One call of a per-block rule: its n-th walk asks the rule's n-th :class:`_Walk`."""

    def __init__(self, walks: list[_Walk], test: BlockTest) -> None:
        self._walks, self._test, self._count = walks, test, 0

    def walk(self) -> tuple[BlockTest, Callable[[Block], None]]:
        self._count += 1
        if self._count > len(self._walks):
            self._walks.append(_Walk())
        walk = self._walks[self._count - 1]
        return partial(walk.wanted, test=self._test), walk.left_alone  # no lambda frame per block
