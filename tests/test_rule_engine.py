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
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxmigrate
from wxmigrate.chars import PAIRS, is_punctuation, is_whitespace
from wxmigrate.model import (
    Block,
    Code,
    Emphasis,
    Figure,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    OriginalCard,
    Paragraph,
    RawHtml,
    Repost,
    SoftBreak,
    Strong,
    Text,
    block_inlines,
    is_blank_run,
    walk_blocks,
    walk_inlines,
)
from wxmigrate.rules import ORDER, RULES, make_options, settle
from wxmigrate.rules.bold import _may_not_flank, _open_quote, _waiting_quote
from wxmigrate.rules.conservation import _NOT_ALNUM, _article_parts, article_text, block_article_text
from wxmigrate.rules.dispatch import Dispatcher
from wxmigrate.rules.features import _STRONG_TESTS, Features
from wxmigrate.rules.inlines import first_char, last_char
from wxmigrate.rules.script import inert_block, inert_html_block
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


def _features_walked(block: Block) -> Features:
    """:meth:`Features.of_block` as it was first written, with the model's own walks: the
    reference its one-pass gathering is held to."""
    blocks: set[type] = set()
    inlines: set[type] = set()
    texts: list[str] = []
    found: list[Image] = []
    strongs: list[Strong] = []
    joints: set[str] = set()
    blank = split = touching = False

    def neighbours(runs: tuple[Inline, ...]) -> tuple[bool, bool]:
        split = touching = False
        previous: Inline | None = None
        for inline in runs:
            if isinstance(inline, Text):
                split = split or not inline.text or isinstance(previous, Text)
            elif isinstance(inline, Strong):
                touching = touching or isinstance(previous, Strong)
            elif isinstance(inline, Emphasis):
                touching = touching or (isinstance(previous, Emphasis) and previous.marker == inline.marker)
            if isinstance(inline, (Strong, Emphasis, Link)):
                inner_split, inner_touching = neighbours(inline.children)
                split, touching = split or inner_split, touching or inner_touching
            previous = inline
        return split, touching

    for leaf in walk_blocks((block,)):
        blocks.add(type(leaf))
        if isinstance(leaf, (Paragraph, Figure, Heading)):
            if leaf.break_before is not None:
                joints.add(leaf.break_before)
            if isinstance(leaf, Paragraph) and not blank:
                blank = is_blank_run(leaf.children)
        runs = block_inlines(leaf)
        leaf_split, leaf_touching = neighbours(runs)
        split, touching = split or leaf_split, touching or leaf_touching
        for inline in walk_inlines(runs):
            inlines.add(type(inline))
            if isinstance(inline, Text):
                texts.append(inline.text)
            elif isinstance(inline, Image):
                found.append(inline)
            elif isinstance(inline, Strong):
                strongs.append(inline)
    return Features(
        frozenset(blocks), frozenset(inlines), "".join(texts), tuple(found), blank, split,
        frozenset(joints), tuple(strongs), touching,
        sum(1 << index for index, test in enumerate(_STRONG_TESTS) if any(map(test, strongs))),
        any(map(_cut_by_script_rule, walk_blocks((block,)))),
    )


def _cut_by_script_rule(block: Block) -> bool:
    """Whether ``neutralize_script``'s edit of one block (not of the blocks in it) changes it."""
    if isinstance(block, HtmlBlock):
        new = inert_html_block(block)
        return not (len(new) == 1 and new[0] is block)
    return inert_block(block) is not block


_HAND_MADE = (
    Paragraph((Text("甲"), Code("x_1"), Strong((Text(""), Emphasis((Text("乙"),)))), Emphasis((Text("丙"),))), (1, 1)),
    Heading(2, (Link((Text("链接"), Image("a.png", "图")), "https://example.com"), Code("c")), (1, 1)),
    Figure(Image("b.png", "说明"), (Text("图注"), Code("2")), (1, 1), ""),
    Figure(Image("javascript:x()", "图"), (), (1, 1)),
    Figure(Image("c.png", "图"), (Text("注"), RawHtml('<b onclick="x()">'), Text("点")), (1, 1)),
    Paragraph((Strong((Link((Image("d.png", "<b>图</b>"),), "https://example.com"),)),), (1, 1)),
    Paragraph((Text("安全"), RawHtml("<b>"), Text("的"), RawHtml("</b>")), (1, 1)),
    Repost("田间", "微信", '<blockquote onmouseover="alert(1)"><p>转载：田间</p></blockquote>', "田间"),
    Repost("田间", "微信", "<blockquote><p>转载：田间<br>来源：微信</p></blockquote>", "田间"),
    HtmlBlock('<div onclick="x()">块</div>', (1, 1)),
    HtmlBlock("<div>块</div>", (1, 1)),
    OriginalCard("青禾农技", "林木", "javascript:alert(1)", "分享种植技术。", ()),
    OriginalCard(
        "青禾农技", "林木", "http://wx.qlogo.cn/mmhead/x/0", "分享种植技术。",
        (HtmlBlock("<script>x()</script>", (2, 2)),),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts(), st.sampled_from([None, "wechat", "generic"]))
def test_features_and_article_text_of_each_block_are_those_of_the_slow_walks(
    damaged: DamagedPost, dialect: str | None
) -> None:
    """The survey's fast paths agree with the plain walks on every block, nested ones too:
    features gathered in one pass over the runs, and a paragraph's, heading's or figure's
    article text taken from its features (code spans aside)."""
    post = wxmigrate.parse(damaged.text, **({"dialect": dialect} if dialect else {}))
    survey = Survey()
    for block in (*walk_blocks(post.blocks), *_HAND_MADE):
        assert Features.of_block(block) == _features_walked(block), block
        assert survey.article_text(attrs.evolve(post, blocks=(block,))) == block_article_text(block), block
    assert survey.article_text(post) == article_text(post)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts(), st.sampled_from([None, "wechat", "generic"]))
def test_bold_run_pre_tests_are_what_testing_every_run_gives(damaged: DamagedPost, dialect: str | None) -> None:
    """Each bold run is tested once, with its block: a pre-test made by ``has_strong`` says of
    a post, and of each block, what asking the test of every bold run there says."""
    post = wxmigrate.parse(damaged.text, **({"dialect": dialect} if dialect else {}))
    assert len(_STRONG_TESTS) == 4  # drop_stray_bold_markers, flatten_nested_bold, balance_quotes_…, fit_bold_…
    for block in (None, *walk_blocks(post.blocks), *_HAND_MADE):
        features = Features.of(post) if block is None else Features.of_block(block)
        for test in _STRONG_TESTS:
            walked = any(map(test, features.strongs))
            assert (features.strong_tests >> _STRONG_TESTS.index(test)) & 1 == walked, (test, block)


def test_a_bold_run_pre_test_reads_the_bit_of_its_own_test() -> None:
    """An empty bold run passes ``drop_stray_bold_markers``' test, not ``balance_quotes_in_bold``'s."""
    post = wxmigrate.parse("正文\n", dialect="wechat")
    empty = Features.of_block(Paragraph((Text("甲"), Strong((Text(" "),)), Text("乙")), (1, 1)))
    quoted = Features.of_block(Paragraph((Text("甲"), Strong((Text("“乙"),)), Text("”")), (1, 1)))
    stray, quotes = RULES["drop_stray_bold_markers"].applies, RULES["balance_quotes_in_bold"].applies
    assert stray is not None and quotes is not None
    assert stray(empty, post) and not quotes(empty, post)
    assert quotes(quoted, post) and not stray(quoted, post)


def test_scripted_blocks_are_those_the_script_rule_changes() -> None:
    """Raw HTML, a repost note or an avatar with no script in it lets the rule be skipped."""
    verdicts = [Features.of_block(block).scripted for block in _HAND_MADE]
    expected = [False, False, False, True, True, True, False, True, False, True, False, True, True]
    assert verdicts == expected


def test_article_text_from_features_keeps_code_spans() -> None:
    """Code is article text the features do not hold: such a block takes the slow path."""
    paragraph = _HAND_MADE[0]
    post = wxmigrate.parse("正文\n", dialect="wechat")
    assert Survey().article_text(attrs.evolve(post, blocks=(paragraph,))) == "甲x1乙丙"


def test_splitting_lines_gives_back_the_paragraphs_it_does_not_split() -> None:
    """The very block, not an equal copy, so that the runner need not survey it again."""
    post = wxmigrate.parse("第一段。\n第二段，**粗体**。\n\n第三段。\n", dialect="wechat")
    repaired, changes = RULES["split_line_paragraphs"](post, make_options())
    assert changes and len(repaired.blocks) == len(post.blocks) == 3
    assert repaired.blocks[0] is post.blocks[0] and repaired.blocks[2] is post.blocks[2]
    joined = post.blocks[1]
    assert isinstance(joined, Paragraph) and joined.break_before == ""
    assert repaired.blocks[1] == attrs.evolve(joined, break_before=None)


@pytest.mark.parametrize(
    ("markdown", "holds"),
    [
        ("---\ntitle: 题\n---\n第一段，**粗体**。\n\n![图](a.png)\n", False),
        ("---\ntitle: 题<script>x()</script>\n---\n正文\n", True),
        ("---\ntitle: 题\n---\n![图](javascript:alert(1))\n", True),
        ("---\ntitle: 题\n---\n![<b>图</b>](a.png)\n", True),
        ("---\ntitle: 题\n---\n正文<span onclick=\"x()\">点</span>\n", True),
        ("---\ntitle: 题\n---\n<div onclick=\"x()\">块</div>\n", True),
        ("---\ntitle: 题\n---\n<blockquote><p>转载：田间<br>来源：微信</p></blockquote>\n\n正文<b>粗</b>\n", False),
        ("---\ntitle: 题\n---\n<blockquote><p onclick=\"x()\">转载：田间<br>来源：微信</p></blockquote>\n\n正文\n", True),
        ("---\ntitle: 题\n---\n<div>块</div>\n\n> 引用<span onclick=\"x()\">点</span>\n", True),
    ],
)
def test_neutralize_script_runs_where_script_may_be(markdown: str, holds: bool) -> None:
    """Its pre-test passes where the rule changes something; where it does not, the rule finds nothing."""
    post = wxmigrate.parse(markdown, dialect="wechat")
    rule = RULES["neutralize_script"]
    assert rule.applies is not None
    assert rule.applies(Features.of(post), post) is holds
    assert bool(rule(post, make_options())[1]) is holds


_BOLD_TEXT = st.text(alphabet=st.sampled_from("甲a1 \u3000\t\n“”‘’「」『』《》（）()【】，。!*_")) | st.text()


@settings(max_examples=300, deadline=None)
@given(_BOLD_TEXT, _BOLD_TEXT)
def test_bold_run_test_shortcuts_agree_with_reading_every_character(first: str, second: str) -> None:
    """``_open_quote``'s skip of runs that open no quote, and ``_may_not_flank``'s cached edge
    test, give what the plain tests give, on runs of text, breaks and code."""
    assert _open_quote(first) == _waiting_quote(first)
    for children in ((Text(first),), (Text(first), SoftBreak(), Text(second)), (Code(first), Text(second)), ()):
        edges = (first_char(children), last_char(children))
        plain = not all(edges) or any(is_whitespace(char) or is_punctuation(char) for char in edges)
        assert _may_not_flank(Strong(children)) == plain, children
