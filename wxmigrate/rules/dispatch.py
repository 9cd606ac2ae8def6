"""Per-block dispatch: a :attr:`~.base.Rule.per_block` rule visits only the blocks it may change.

The runner (:func:`wxmigrate.rules.settle`) calls such a rule within
:func:`.walk.dispatched`, and each of the rule's walks asks :class:`BlockDispatch`
which blocks to edit.  A block is turned away when

- the rule's pre-test, asked of that block's features (a post holding only it),
  says no: the rule could not change such a post, so it leaves the block alone; or
- the same walk of the same rule already left that very block as it was, in this
  post or an earlier version of it: its edit is a function of the block alone.

So the pass that confirms nothing changes re-reads only the blocks rebuilt since, and
the result is what visiting every block gives (``tests/test_rule_engine.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Block, Post
from .base import Rule
from .survey import Survey
from .walk import BlockTest

#: For each walk of each rule (its name, the walk's place in the rule), the blocks (by id)
#: it was asked about, each with whether it may change them.
Verdicts = dict[tuple[str, int], dict[int, tuple[Block, bool]]]


class BlockDispatch:
    """The :class:`.walk.Dispatch` of one call of a per-block rule."""

    def __init__(self, rule: Rule, post: Post, survey: Survey, verdicts: Verdicts) -> None:
        assert rule.applies is not None, "a per-block rule has a pre-test"
        self._rule, self._applies, self._post = rule, rule.applies, post
        self._survey, self._verdicts = survey, verdicts
        self._walks = 0

    def walk(self) -> tuple[BlockTest, Callable[[Block], None]]:
        self._walks += 1
        known = self._verdicts.setdefault((self._rule.name, self._walks), {})
        applies, features, post = self._applies, self._survey.block, self._post

        def wanted(block: Block) -> bool:
            verdict = known.get(id(block))
            if verdict is None:
                verdict = known[id(block)] = (block, applies(features(block), post))
            return verdict[1]

        def left_alone(block: Block) -> None:
            known[id(block)] = (block, False)

        return wanted, left_alone
