"""The rule runner's shortcuts never change what repair does.

:func:`wxmigrate.rules.settle` skips a rule where its pre-test says it cannot
apply, and where it already found nothing in the very same post.  Both must be
conservative: on any post, skipping gives the post and the change list that
calling every rule on every pass gives.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxmigrate
from wxmigrate.model import Heading, Image, Paragraph, Strong, Text
from wxmigrate.rules import ORDER, RULES, make_options, settle
from wxmigrate.rules.features import Features
from wxmigrate.testing import DamagedPost, damaged_posts

OPTIONS = [
    make_options(),
    make_options(strip_boilerplate=True, keep_title_heading=True),
]


def _outcome(post: wxmigrate.Post, options: wxmigrate.Options, skip: bool) -> str:
    """What settling gives, shown in full (``repr`` shows the fields ``==`` leaves out, as
    ``lines``), or the error it raises (rules that undo each other, a refused result)."""
    try:
        repaired, changes = settle(post, options, skip=skip)
    except wxmigrate.RepairError as error:
        return f"error: {error}"
    return repr(repaired) + repr(changes)


def _both(post: wxmigrate.Post, options: wxmigrate.Options) -> None:
    assert _outcome(post, options, skip=True) == _outcome(post, options, skip=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts(), st.sampled_from(OPTIONS), st.sampled_from([None, "wechat", "generic"]))
def test_skipping_rules_changes_nothing(damaged: DamagedPost, options: wxmigrate.Options, dialect: str | None) -> None:
    post = wxmigrate.parse(damaged.text, **({"dialect": dialect} if dialect else {}))
    _both(post, options)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_a_failed_pre_test_means_the_rule_finds_nothing(damaged: DamagedPost) -> None:
    """Each rule on its own: where its pre-test says no, calling it changes nothing."""
    post = wxmigrate.parse(damaged.text, dialect="wechat")
    features = Features.of(post)
    options = make_options(strip_boilerplate=True)
    for name in ORDER:
        rule = RULES[name]
        if rule.applies is not None and not rule.applies(features, post):
            assert rule(post, options)[1] == [], name


def test_features_see_nested_runs_and_images() -> None:
    post = wxmigrate.parse("# 标题\n\n**粗体 *斜体* ![图](a.png)**\u00a0尾\n", dialect="wechat")
    features = Features.of(post)
    assert {Heading, Paragraph} <= features.blocks
    assert {Strong, Text, Image} <= features.inlines
    assert "\u00a0" in features.text and "斜体" in features.text
    assert [image.src for image in features.images] == ["a.png"]


def test_rules_a_pre_test_turns_away_are_not_called() -> None:
    """A post with no bold, no HTML and no images: those rules are skipped, and repair still works."""
    post = wxmigrate.parse("---\ntitle: 题\n---\n第一段\n第二段\n", dialect="wechat")
    features = Features.of(post)
    skipped = {name for name in ORDER if RULES[name].applies and not RULES[name].applies(features, post)}
    assert {"fit_bold_to_cjk_punctuation", "strip_html_styling", "drop_placeholder_images"} <= skipped
    assert "split_line_paragraphs" not in skipped
    repaired, changes = wxmigrate.repair(post)
    assert [change.rule for change in changes] == ["split_line_paragraphs"]
    assert (repaired, changes) == settle(post, make_options(), skip=False)
