"""The rule runner's shortcuts never change what repair does.

:func:`wxmigrate.rules.settle` skips a rule where its pre-test says it cannot
apply, and where it already found nothing in the very same post; a per-block
rule visits only the blocks its pre-test lets through and that it did not
already leave as they were (:mod:`wxmigrate.rules.dispatch`).  All must be
conservative: on any post, skipping gives the post and the change list that
calling every rule on every pass and every block (``skip=False``) gives.
"""

from __future__ import annotations

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxmigrate
from wxmigrate.model import Heading, Image, Paragraph, Strong, Text
from wxmigrate.rules import ORDER, RULES, make_options, settle
from wxmigrate.rules.conservation import _NOT_ALNUM, _article_parts, article_text
from wxmigrate.rules.dispatch import Dispatcher
from wxmigrate.rules.features import Features
from wxmigrate.rules.survey import Survey
from wxmigrate.testing import DamagedPost, damaged_posts

OPTIONS = [
    make_options(),
    make_options(strip_boilerplate=True, keep_title_heading=True),
    make_options(assets={"a.png": "postimg/a.png", "photo.jpg": "postimg/photo.jpg"}),
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


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts(), st.sampled_from(OPTIONS))
def test_a_per_block_pre_test_that_turns_a_block_away_means_the_rule_leaves_it(
    damaged: DamagedPost, options: wxmigrate.Options
) -> None:
    """What per-block dispatch rests on: where a per-block rule's pre-test says no to one
    block's features, the rule finds nothing in a post holding only that block."""
    post = wxmigrate.parse(damaged.text, dialect="wechat")
    for name in ORDER:
        rule = RULES[name]
        if not rule.per_block:
            continue
        assert rule.applies is not None
        for block in post.blocks:
            if not rule.applies(Features.of_block(block), post):
                assert rule(attrs.evolve(post, blocks=(block,)), options)[1] == [], (name, block)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_a_post_s_features_and_text_are_its_blocks_put_together(damaged: DamagedPost) -> None:
    """The survey gathers them per block; put together they are the whole post's."""
    post = wxmigrate.parse(damaged.text, dialect="wechat")
    survey = Survey()
    assert survey.of(post) == Features.of(post)
    assert survey.article_text(post) == article_text(post)
    assert article_text(post) == _NOT_ALNUM.sub("", "".join(_article_parts(post.blocks)))


def test_split_text_and_touching_runs_look_at_neighbours_only() -> None:
    """Text after a bold run is not split text (it was, when the walk went depth first)."""
    plain = Features.of(wxmigrate.parse("**粗体**后文与*斜体*。\n", dialect="wechat"))
    assert not plain.split_text and not plain.touching_runs
    paragraph = Paragraph((Strong((Text("甲"), Text("乙"))), Strong((Text("丙"),))), lines=(1, 1))
    features = Features.of_block(paragraph)
    assert features.split_text and features.touching_runs
    assert [strong.children for strong in features.strongs] == [(Text("甲"), Text("乙")), (Text("丙"),)]


def test_dispatch_visits_only_blocks_a_rule_may_change_and_not_twice() -> None:
    post = wxmigrate.parse("第一段，没有粗体。\n\n**守护市民“钱袋**”\n", dialect="wechat")
    plain, bold = post.blocks
    rule, dispatcher = RULES["balance_quotes_in_bold"], Dispatcher(Survey())
    assert dispatcher.may_change(rule, post)
    wanted, left_alone = dispatcher.calling(rule, post).walk()
    assert not wanted(plain) and wanted(bold)
    left_alone(bold)  # as the walk does when its edit gave the block back
    again, _ = dispatcher.calling(rule, post).walk()
    assert not again(bold) and not dispatcher.may_change(rule, post)
    # The rule itself, given every block, would change the bold one: the verdict is only the walk's.
    assert [change.rule for change in rule(post, make_options())[1]] == ["balance_quotes_in_bold"]
    assert not Dispatcher(Survey()).may_change(rule, attrs.evolve(post, blocks=(plain,)))
