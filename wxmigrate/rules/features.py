"""What a post holds, gathered in one walk, so the runner can skip rules that cannot apply.

Each rule may register a pre-test (``@rule(applies=...)``) over these
:class:`Features`: a node-type filter or a compiled pattern over the text the
rule would look at.  A pre-test must be conservative: it may say a rule
applies where the rule then finds nothing, never the other way round
(``tests/test_rule_engine.py`` checks it on generated posts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import reduce
from itertools import chain
from operator import attrgetter, or_

import attrs

from ..emit.inert import inert_html, inert_image, script_url
from ..model import (
    Block,
    Emphasis,
    Figure,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    OriginalCard,
    Paragraph,
    Post,
    RawHtml,
    Repost,
    Strong,
    Text,
    block_inlines,
    is_blank_run,
    walk_blocks,
)


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
    #: Whether some sequence of runs holds two text runs side by side, not merged into one,
    #: or an empty one (a rule that removed what stood between them leaves them so; rules that
    #: merge text runs, dropping empty ones, report merging them).
    split_text: bool
    #: How blocks continue the line above them: every ``break_before`` that is not None
    #: (``""`` for a plain line end, ``"  "`` or ``"\\"`` for a hard break).
    joints: frozenset[str]
    #: Every bold run, at any depth, in order (a pre-test may look inside them).
    strongs: tuple[Strong, ...]
    #: Whether some sequence of runs holds two bold runs side by side, or two italic runs
    #: with the same marker.
    touching_runs: bool
    #: Which of the tests of bold runs made by :func:`has_strong` some bold run passes: bit
    #: ``n`` for the ``n``-th test made.  Each run is tested once, with the features of its
    #: block, not again in each version of the post.
    strong_tests: int
    #: Whether cutting script out (:func:`.script.neutralize_script`) changes some block:
    #: its raw HTML (an HTML block, the repost note, an inline tag) holds script, an
    #: image has a script address or tags in its alt text, or an original card's avatar
    #: is a script address.  Asked of each block once, where the HTML is read.
    scripted: bool

    @classmethod
    def of(cls, post: Post) -> Features:
        """The features of a whole post."""
        return cls.merged(map(cls.of_block, post.blocks))

    @classmethod
    def of_block(cls, block: Block) -> Features:
        """The features of one block, with every block nested in it: those of a post holding
        only this block.  A post's are its top-level blocks' merged (:meth:`merged`)."""
        runs = _Runs()
        if isinstance(block, _RUN_BLOCKS):  # most blocks: one leaf holding runs, no walk of the tree
            blocks: frozenset[type] = _ONLY[type(block)]
            joints = _JOINT_SETS[block.break_before]
            blank = isinstance(block, Paragraph) and is_blank_run(block.children)
            runs.gather(block_inlines(block))
            scripted = False
        else:
            blocks, joints, blank, scripted = cls._walked(block, runs)
        scripted = (
            scripted
            or any(inert_html(markup) != markup for markup in runs.markup)
            or any(inert_image(image) is not image for image in runs.images)
        )
        strongs = tuple(runs.strongs)
        return cls(
            blocks, frozenset(runs.kinds), "".join(runs.texts), tuple(runs.images), blank,
            runs.split, joints, strongs, runs.touching, strong_tests(strongs), scripted,
        )

    @staticmethod
    def _walked(block: Block, runs: _Runs) -> tuple[frozenset[type], frozenset[str], bool, bool]:
        """What :meth:`of_block` gathers from a block and every block nested in it, walking
        them all (``runs`` gathers their runs): the block types, the joints, whether a
        paragraph is blank, whether markup other than runs holds script."""
        blocks: set[type] = set()
        joints: set[str] = set()
        blank = scripted = False
        for leaf in walk_blocks((block,)):
            blocks.add(type(leaf))
            if isinstance(leaf, (Paragraph, Figure, Heading)):
                if leaf.break_before is not None:
                    joints.add(leaf.break_before)
                if isinstance(leaf, Paragraph) and not blank:
                    blank = is_blank_run(leaf.children)
                runs.gather(block_inlines(leaf))
            elif not scripted:
                scripted = _markup_holds_script(leaf)
        return frozenset(blocks), frozenset(joints), blank, scripted

    @classmethod
    def merged(cls, parts: Iterable[Features]) -> Features:
        """The features of consecutive blocks, from each one's (in their order)."""
        every = list(parts)
        # Each field in one pass that stays in C (the runner merges once per version of a post).
        return cls(
            frozenset().union(*map(_BLOCKS, every)),
            frozenset().union(*map(_INLINES, every)),
            "".join(map(_TEXT, every)),
            tuple(chain.from_iterable(map(_IMAGES, every))),
            any(map(_BLANK, every)),
            any(map(_SPLIT, every)),
            frozenset().union(*map(_JOINTS, every)),
            tuple(chain.from_iterable(map(_STRONGS, every))),
            any(map(_TOUCHING, every)),
            reduce(or_, map(_STRONG_TESTS_PASSED, every), 0),
            any(map(_SCRIPTED, every)),
        )


#: The leaf blocks that hold inline runs (the model's classes are never subclassed).
_RUN_BLOCKS = (Paragraph, Figure, Heading)
#: :attr:`Features.blocks` of each of those leaves, made once.
_ONLY = {kind: frozenset({kind}) for kind in _RUN_BLOCKS}


class _JointSets(dict[str | None, frozenset[str]]):
    """:attr:`Features.joints` of one leaf by its ``break_before``, each made once."""

    def __missing__(self, joint: str | None) -> frozenset[str]:
        value = self[joint] = frozenset() if joint is None else frozenset({joint})
        return value


_JOINT_SETS = _JointSets()


def _markup_holds_script(block: Block) -> bool:
    """Whether cutting script out changes what a block other than a paragraph, heading or
    figure holds itself, as :func:`.script.inert_block` and :func:`.script.inert_html_block`
    cut it: an HTML block's or the repost note's markup, an original card's avatar."""
    if isinstance(block, (HtmlBlock, Repost)):
        return inert_html(block.html) != block.html
    if isinstance(block, OriginalCard):
        return bool(block.avatar and script_url(block.avatar, picture=True))
    return False


_BLOCKS, _INLINES, _TEXT, _IMAGES = (attrgetter(name) for name in ("blocks", "inlines", "text", "images"))
_BLANK, _SPLIT, _JOINTS = (attrgetter(name) for name in ("blank_paragraph", "split_text", "joints"))
_STRONGS, _TOUCHING = attrgetter("strongs"), attrgetter("touching_runs")
_STRONG_TESTS_PASSED, _SCRIPTED = attrgetter("strong_tests"), attrgetter("scripted")

#: The tests of bold runs that pre-tests made with :func:`has_strong` ask, in the order they were
#: made (as the rules were registered, on import: before any features are gathered).
_STRONG_TESTS: list[Callable[[Strong], bool]] = []


def strong_tests(strongs: tuple[Strong, ...]) -> int:
    """:attr:`Features.strong_tests` of these bold runs: bit ``n`` set when one passes the
    ``n``-th test of :func:`has_strong`."""
    passed = 0
    if strongs:
        for index, test in enumerate(_STRONG_TESTS):
            if any(map(test, strongs)):
                passed |= 1 << index
    return passed


class _Runs:
    """What the inline runs of leaf blocks hold, gathered in one depth-first pass over them
    (the order :func:`~wxmigrate.model.walk_inlines` yields them in)."""

    def __init__(self) -> None:
        self.kinds: set[type] = set()
        self.texts: list[str] = []
        self.images: list[Image] = []
        self.strongs: list[Strong] = []
        #: The markup of every raw HTML run.
        self.markup: list[str] = []
        #: See :attr:`Features.split_text` and :attr:`Features.touching_runs`.
        self.split = self.touching = False

    def gather(self, inlines: tuple[Inline, ...]) -> None:
        """Add one sequence of runs, and the sequences nested in them: split text and touching
        runs are looked for among neighbours in each sequence."""
        previous: type | None = None
        previous_marker = ""
        kinds, texts = self.kinds, self.texts
        for inline in inlines:
            kind = type(inline)  # the model's classes are never subclassed: compare types
            kinds.add(kind)
            if type(inline) is Text:
                texts.append(inline.text)
                self.split = self.split or not inline.text or previous is Text
            elif type(inline) is Strong:
                self.strongs.append(inline)
                self.touching = self.touching or previous is Strong
                self.gather(inline.children)
            elif type(inline) is Emphasis:
                self.touching = self.touching or (
                    previous is Emphasis and previous_marker == inline.marker
                )
                previous_marker = inline.marker
                self.gather(inline.children)
            elif type(inline) is Link:
                self.gather(inline.children)
            elif type(inline) is Image:
                self.images.append(inline)
            elif type(inline) is RawHtml:
                self.markup.append(inline.html)
            previous = kind


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

    def passes(features: Features, post: Post) -> bool:
        for test in tests:  # a loop, not any() over a generator: asked of every new block
            if test(features, post):
                return True
        return False

    return passes


def all_of(*tests: PreTest) -> PreTest:
    """A pre-test that passes where each of ``tests`` does."""

    def passes(features: Features, post: Post) -> bool:
        for test in tests:
            if not test(features, post):
                return False
        return True

    return passes


def has_blank_paragraph(features: Features, post: Post) -> bool:
    """A pre-test: some paragraph shows nothing."""
    return features.blank_paragraph


def has_strong(test: Callable[[Strong], bool]) -> PreTest:
    """A pre-test: some bold run (at any depth) passes ``test``, as each block's features
    record it (:attr:`Features.strong_tests`).  Made when a rule is registered."""
    bit = 1 << len(_STRONG_TESTS)
    _STRONG_TESTS.append(test)
    return lambda features, post: bool(features.strong_tests & bit)


def has_touching_runs(features: Features, post: Post) -> bool:
    """A pre-test: some bold runs touch, or italic runs (see :attr:`Features.touching_runs`)."""
    return features.touching_runs


def has_split_text(features: Features, post: Post) -> bool:
    """A pre-test: some text runs stand side by side, not merged (see :attr:`Features.split_text`)."""
    return features.split_text
