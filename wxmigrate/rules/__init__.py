"""The repair rules: named, explainable rules applied in one written-out order until nothing changes.

>>> post, changes = repair(load("post.md"))                  # doctest: +SKIP
>>> for change in changes: print(change.explain())           # doctest: +SKIP

Every rule is a small pure function registered in :data:`RULES` under its
name (see :mod:`.base`).  A post no known exporter wrote (dialect ``generic``)
gets only the rules registered ``generic=True``, whose pattern cannot occur in
valid Markdown.  :func:`repair` runs :data:`ORDER` repeatedly until a
pass changes nothing, checks after each rule that no letter, digit or image
of the article was lost, and returns the repaired post with every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import ConfigError, RepairError, boundary
from ..model import Post, images
from . import (
    boilerplate,
    bold,
    escaped_bold,
    headings,
    html,
    image_links,
    metadata,
    paragraphs,
    script,
    text,
)
from .base import REGISTRY, Change, Options, Rule
from .dispatch import Dispatcher
from .survey import Survey
from .image_links import file_name, is_local
from .walk import dispatched

#: The order rules run in.  Each pass runs them all; passes repeat until none changes anything.
ORDER: tuple[str, ...] = (
    "normalize_invisible_spaces",
    "split_markdown_from_html_blocks",
    "unwrap_styling_tags",
    "strip_html_styling",
    "unlink_javascript_links",
    "neutralize_script",
    "join_split_image_path",
    "unescape_image_queries",
    "drop_empty_image_titles",
    "drop_placeholder_images",
    "replace_backslashes_in_image_path",
    "relink_local_images",
    "restore_escaped_bold",
    "restore_escaped_bold_in_tables",
    "close_bold_cut_by_heading",
    "close_bold_across_empty_runs",
    "drop_stray_bold_markers",
    "drop_dangling_bold_markers",
    "flatten_nested_bold",
    "merge_adjacent_bold",
    "balance_quotes_in_bold",
    "fit_bold_to_cjk_punctuation",
    "space_after_heading_marks",
    "drop_empty_headings",
    "drop_repeated_title_heading",
    "separate_glued_images",
    "attach_captions",
    "join_hard_wrapped_lines",
    "join_bold_title_cut_at_comma",
    "join_cut_sentences",
    "split_line_paragraphs",
    "write_back_full_title",
    "write_back_repost_account",
    "tidy_cards",
    "strip_boilerplate",
)

#: Every rule by name, in :data:`ORDER`.
RULES: Mapping[str, Rule] = MappingProxyType({name: REGISTRY[name] for name in ORDER})
_RUN_ORDER: tuple[Rule, ...] = tuple(RULES.values())

#: A pass cap: more passes than this means two rules undo each other.
MAX_PASSES = 8

assert set(ORDER) == set(REGISTRY), "every registered rule must be in ORDER"
_ = (boilerplate, bold, escaped_bold, headings, html, image_links, metadata, paragraphs, script, text)


def make_options(**options: Any) -> Options:
    """Options from keywords, checking rule names in ``disabled``."""
    disabled = frozenset(options.pop("disabled", ()) or ())
    unknown = sorted(disabled - set(RULES))
    if unknown:
        raise ConfigError(f"unknown rule(s) {', '.join(unknown)}; known rules: {', '.join(ORDER)}")
    return Options(disabled=disabled, **options)


@boundary(lambda post, *_, **__: post.path)
def repair(post: Post, options: Options | None = None, **keywords: Any) -> tuple[Post, list[Change]]:
    """Repair a post; return it with every change made.  Pure: the input is not touched."""
    if options is None:
        options = make_options(**keywords)
    elif keywords:
        options = attrs.evolve(options, **keywords)
    return settle(post, options)


def settle(post: Post, options: Options, *, skip: bool = True) -> tuple[Post, list[Change]]:
    """Run the rules in :data:`ORDER`, pass after pass, until a pass changes nothing.

    With ``skip`` (what :func:`repair` does), a rule is not called where it surely finds
    nothing: where its pre-test (:attr:`Rule.applies`) says no, or on the very post it last
    found nothing in (rules are pure); and a :attr:`Rule.per_block` rule visits only the
    blocks its pre-test, asked of each block, lets through.  ``skip=False`` calls every rule
    on every pass and every block: the reference the tests hold the skipping to.
    """
    changes: list[Change] = []
    survey = Survey()
    #: What the post held before the first change: taken only then (most posts need none).
    kept: _Kept | None = None
    # Hand-written Markdown gets only the rules that cannot mistake it for damage.
    rules = [rule for rule in _RUN_ORDER if rule.name not in options.disabled and (rule.generic or not post.generic)]
    #: The post each rule last found nothing in: a pure rule finds nothing there again.
    idle: dict[str, Post] = {}
    #: What per-block rules know of the blocks they may change (see :mod:`.dispatch`).
    dispatcher = Dispatcher(survey)
    for _pass in range(MAX_PASSES):
        changed = False
        for rule in rules:
            if skip and idle.get(rule.name) is post:
                continue
            if skip and not _may_change(rule, post, survey, dispatcher):
                idle[rule.name] = post
                continue
            if skip and rule.per_block:
                with dispatched(dispatcher.calling(rule, post)):
                    repaired, found = rule(post, options)
            else:
                repaired, found = rule(post, options)
            if not found:
                idle[rule.name] = post
                continue
            kept = (kept or _Kept.of(post, survey)).check(post, repaired, survey, rule)
            post, changed = repaired, True
            changes.extend(found)
        if not changed:
            return post, changes
    raise RepairError(post.path, 0, f"rules did not settle after {MAX_PASSES} passes; two rules undo each other")


def _may_change(rule: Rule, post: Post, survey: Survey, dispatcher: Dispatcher) -> bool:
    """Whether the rule may change the post: where its pre-test (if any) says so and, for a
    per-block rule, some block is one for it to visit."""
    if rule.applies is not None and not rule.applies(survey.of(post), post):
        return False
    return not rule.per_block or dispatcher.may_change(rule, post)


@attrs.frozen
class _Kept:
    """What must survive each rule (the article's letters and digits, its images),
    as the last accepted result had them, so each is computed once per change."""

    text: str
    images: tuple[str, ...]

    @classmethod
    def of(cls, post: Post, survey: Survey) -> _Kept:
        return cls(survey.article_text(post), tuple(image.alt for image in survey.of(post).images))

    def check(self, before: Post, after: Post, survey: Survey, rule: Rule) -> _Kept:
        """Refuse a rule's result when it lost (or invented) article text or images."""
        new = _Kept.of(after, survey)
        if not rule.removes_text and new.text != self.text:
            raise RepairError(
                before.path, 0, f"rule {rule.name} changed the article's letters or digits; refusing its result"
            )
        revealed = rule.reveals_images and _in_order(list(self.images), list(new.images))
        if not rule.removes_images and new.images != self.images and not revealed:
            raise RepairError(before.path, 0, f"rule {rule.name} lost or added an image; refusing its result")
        return new


def _in_order(items: list[str], within: list[str]) -> bool:
    """Whether ``items`` appear in ``within`` in the same order (others may come between)."""
    rest = iter(within)
    return all(any(item == other for other in rest) for item in items)


def unresolved_images(post: Post, assets: Mapping[str, str]) -> list[tuple[str, int]]:
    """Local images whose file is not among ``assets``: ``(src, line)``."""
    return [
        (image.src, line)
        for image, line in images(post)
        if is_local(image.src) and file_name(image.src) not in assets
    ]


def explain(changes: Iterable[Change]) -> str:
    """Every change on its own line: ``path:line: rule: before -> after``."""
    return "\n".join(change.explain() for change in changes)


__all__ = [
    "MAX_PASSES",
    "ORDER",
    "RULES",
    "Change",
    "Options",
    "explain",
    "make_options",
    "repair",
    "settle",
    "unresolved_images",
]
