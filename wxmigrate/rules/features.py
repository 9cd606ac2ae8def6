"""What a post holds, gathered in one walk, so the runner can skip rules that cannot apply.

Each rule may register a pre-test (``@rule(applies=...)``) over these
:class:`Features`: a node-type filter or a compiled pattern over the text the
rule would look at.  A pre-test must be conservative: it may say a rule
applies where the rule then finds nothing, never the other way round
(``tests/test_rule_engine.py`` checks it on generated posts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

from ..model import Figure, Heading, Image, Paragraph, Post, Text, block_inlines, is_blank_run, walk_blocks, walk_inlines


@attrs.frozen
class Features:
    """The kinds of node a post holds and the text a pre-test may search."""

    #: The type of every block, at any depth.
    blocks: frozenset[type]
    #: The type of every inline run of a leaf block, at any depth.
    inlines: frozenset[type]
    #: Every text run's text, run after run with nothing between: a pattern found in one
    #: run is found here (and, harmlessly, sometimes one spanning two runs).
    text: str
    #: Every image, in figures and in runs.
    images: tuple[Image, ...]
    #: Whether some paragraph shows nothing (only white space or empty bold).
    blank_paragraph: bool
    #: Whether some sequence of runs holds two text runs side by side, not merged into one
    #: (a rule that removed what stood between them leaves them so; rules that merge text
    #: runs report merging them).
    split_text: bool
    #: How blocks continue the line above them: every ``break_before`` that is not None
    #: (``""`` for a plain line end, ``"  "`` or ``"\\"`` for a hard break).
    joints: frozenset[str]

    @classmethod
    def of(cls, post: Post) -> Features:
        blocks: set[type] = set()
        inlines: set[type] = set()
        texts: list[str] = []
        found: list[Image] = []
        joints: set[str] = set()
        blank = split = False
        for block in walk_blocks(post.blocks):
            blocks.add(type(block))
            if isinstance(block, (Paragraph, Figure, Heading)):
                if block.break_before is not None:
                    joints.add(block.break_before)
                if isinstance(block, Paragraph) and not blank:
                    blank = is_blank_run(block.children)
            previous: type | None = None
            for inline in walk_inlines(block_inlines(block)):
                kind = type(inline)
                inlines.add(kind)
                if isinstance(inline, Text):
                    texts.append(inline.text)
                    split = split or previous is Text
                elif isinstance(inline, Image):
                    found.append(inline)
                previous = kind
        return cls(frozenset(blocks), frozenset(inlines), "".join(texts), tuple(found), blank, split, frozenset(joints))


#: A rule's pre-test: may the rule change this post?  (``False`` only when it surely cannot.)
PreTest = Callable[[Features, Post], bool]


def has_blocks(*kinds: type) -> PreTest:
    """A pre-test: the post holds a block of one of these types."""
    wanted = frozenset(kinds)
    return lambda features, post: not wanted.isdisjoint(features.blocks)


def has_inlines(*kinds: type) -> PreTest:
    """A pre-test: some leaf block holds an inline run of one of these types."""
    wanted = frozenset(kinds)
    return lambda features, post: not wanted.isdisjoint(features.inlines)


def has_image(test: Callable[[Image], bool]) -> PreTest:
    """A pre-test: some image passes ``test``."""
    return lambda features, post: any(map(test, features.images))


def text_has(substring: str) -> PreTest:
    """A pre-test: some text run holds ``substring``."""
    return lambda features, post: substring in features.text


def text_matches(pattern: re.Pattern[str]) -> PreTest:
    """A pre-test: ``pattern`` is found in some text run."""
    return lambda features, post: pattern.search(features.text) is not None


def has_joint(test: Callable[[str], bool]) -> PreTest:
    """A pre-test: some block joins the line above it in a way that passes ``test``."""
    return lambda features, post: any(map(test, features.joints))


def any_of(*tests: PreTest) -> PreTest:
    """A pre-test that passes where one of ``tests`` does."""
    return lambda features, post: any(test(features, post) for test in tests)


def all_of(*tests: PreTest) -> PreTest:
    """A pre-test that passes where each of ``tests`` does."""
    return lambda features, post: all(test(features, post) for test in tests)


def has_blank_paragraph(features: Features, post: Post) -> bool:
    """A pre-test: some paragraph shows nothing."""
    return features.blank_paragraph


def has_split_text(features: Features, post: Post) -> bool:
    """A pre-test: some text runs stand side by side, not merged (see :attr:`Features.split_text`)."""
    return features.split_text
