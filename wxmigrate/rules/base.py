"""What every repair rule shares: the change record, the options, the registry.

A rule is a small pure function ``rule(post, options) -> (post, changes)``
registered with :func:`rule`.  Its function name is its id everywhere
(options, CLI, reports, fixture folders); its docstring's first line is the
summary ``--explain`` prints.  A rule that changes nothing returns the post
it was given and no changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import attrs

from ..emit import Engine, get_engine
from ..errors import one_line
from ..model import Post
from .features import PreTest


@attrs.frozen
class Change:
    """One change a rule made: where, and a short before/after."""

    rule: str
    path: str
    line: int
    before: str
    after: str

    def explain(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.before!r} -> {self.after!r}"


@attrs.frozen
class Options:
    """How to repair.  Rules read only what they need.

    ``assets`` maps an image file name to the site-relative path it will have
    in the output (``postimg/NAME``); without it, image links are not relinked.
    """

    engine: Engine = attrs.field(factory=lambda: get_engine("jekyll"), converter=get_engine)
    assets: Mapping[str, str] = attrs.field(factory=dict)
    keep_title_heading: bool = False
    strip_boilerplate: bool = False
    disabled: frozenset[str] = frozenset()


RuleFunction = Callable[[Post, Options], tuple[Post, list[Change]]]


@attrs.frozen
class Rule:
    """A registered rule: its function and what it may remove on purpose."""

    name: str
    function: RuleFunction
    #: Rules that remove article text by design (the repeated H1, stripped
    #: boilerplate) are exempt from the conservation check for that text.
    removes_text: bool = False
    #: Rules that remove images by design (placeholders that never showed anything).
    removes_images: bool = False
    #: Rules that turn image markup shown as text into images (the images
    #: before must all still be there, in order, among those after).
    reveals_images: bool = False
    #: Rules that only run when the user asks for them.
    opt_in: bool = False
    #: Rules safe in a ``generic`` post (one no known exporter wrote): their pattern
    #: cannot occur in valid Markdown.  Every other rule runs only on exported posts.
    generic: bool = False
    #: A cheap test the runner asks first: when it says no, the rule could not change the post
    #: and is not called (see :mod:`.features`).  None: the rule is always called.
    applies: PreTest | None = None
    #: The rule is a fixed series of walks (:func:`.walk.map_leaves`, :func:`.walk.edit_inlines`),
    #: each editing every leaf block on its own, as a function of that block alone (and of what
    #: no rule changes: the options, the post's path and dialect).  Then its pre-test, asked of
    #: one block, says whether the rule may change that block, a walk that left a block as it was
    #: leaves it so again, and the runner has each walk visit only the other blocks
    #: (:mod:`.dispatch`).
    per_block: bool = False

    @property
    def summary(self) -> str:
        return (self.function.__doc__ or "").strip().splitlines()[0]

    def __call__(self, post: Post, options: Options) -> tuple[Post, list[Change]]:
        return self.function(post, options)


REGISTRY: dict[str, Rule] = {}

_F = TypeVar("_F", bound=RuleFunction)


def rule(
    *,
    removes_text: bool = False,
    removes_images: bool = False,
    opt_in: bool = False,
    reveals_images: bool = False,
    generic: bool = False,
    applies: PreTest | None = None,
    per_block: bool = False,
) -> Callable[[_F], _F]:
    """Register a rule under its function's name (``generic``, ``applies``, ``per_block``: see :class:`Rule`)."""

    if per_block and applies is None:
        raise ValueError("a per_block rule needs a pre-test (applies=...) to ask of each block")

    def register(function: _F) -> _F:
        REGISTRY[function.__name__] = Rule(
            function.__name__,
            function,
            removes_text=removes_text,
            removes_images=removes_images,
            reveals_images=reveals_images,
            opt_in=opt_in,
            generic=generic,
            applies=applies,
            per_block=per_block,
        )
        return function

    return register


def short(text: str, width: int = 60) -> str:
    """A one-line excerpt for a change record."""
    flat = one_line(text)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def relative_name(path: str | Path) -> str:
    return Path(path).name
