"""Unit tests for each recogniser in :mod:`wxmigrate.parse.structure`, with look-alikes that are not the part."""

from __future__ import annotations

import pytest

from wxmigrate.model import (
    AccountCard,
    Block,
    Credits,
    Cruft,
    Figure,
    Footer,
    HtmlBlock,
    OriginalCard,
    Paragraph,
    Provenance,
    Repost,
    Rule,
)
from wxmigrate.parse.blocks import parse_blocks, split_lines
from wxmigrate.parse.structure import (
    cruft_kind,
    read_credits,
    read_original_line,
    read_provenance,
    read_repost_html,
    recognise,
    recognise_account,
    recognise_credits,
    recognise_cruft,
    recognise_footer,
    recognise_original,
    recognise_provenance,
    recognise_repost,
)


def blocks_of(text: str) -> list[Block]:
    """The top-level blocks of a body, line 1 being its first line."""
    return parse_blocks(split_lines(text))


def kinds(blocks: list[Block]) -> list[str]:
    return [type(block).__name__ for block in blocks]


# --------------------------------------------------------------------------
# The repost note


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<blockquote><p>转载：晨光读书会<br>\n来源：微信公众号</p></blockquote>", ("晨光读书会", "微信公众号")),
        ("<blockquote><p>转载:江城交通广播<br/>来源:微信公众号</p></blockquote>", ("江城交通广播", "微信公众号")),
        ("<blockquote><p>转自： 山城文旅 <br>来源：网页</p></blockquote>", ("山城文旅", "网页")),
        ("<blockquote><p>转载：石榴街道便民站</p></blockquote>", ("石榴街道便民站", "")),
    ],
    ids=["fullwidth-colons", "ascii-colons", "zhuanzi-spaces", "no-channel"],
)
def test_read_repost_html_reads_via_and_channel(html: str, expected: tuple[str, str]) -> None:
    """The note's HTML gives the account it was reposted from and the channel."""
    assert read_repost_html(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        "<blockquote><p>转发给身边的朋友，一起参加。</p></blockquote>",
        "<blockquote><p>来源：微信公众号</p></blockquote>",
        "<blockquote><p>转载：</p></blockquote>",
        "<div>他说：转载请注明出处</div>",
    ],
    ids=["text-with-zhuan", "channel-only", "empty-via", "colon-later-in-line"],
)
def test_read_repost_html_rejects_look_alikes(html: str) -> None:
    """HTML that mentions reposting but names no account is not a repost note."""
    assert read_repost_html(html) is None


def test_recognise_repost_wraps_the_note_with_its_lines() -> None:
    """The HTML block becomes a Repost that keeps the HTML and the line range."""
    blocks = recognise_repost(blocks_of("<blockquote><p>转载：南湖环保志愿队<br>\n来源：微信公众号</p></blockquote>\n\n正文第一行。"))
    assert isinstance(blocks[0], Repost)
    assert (blocks[0].via, blocks[0].channel, blocks[0].written_via) == ("南湖环保志愿队", "微信公众号", "南湖环保志愿队")
    assert blocks[0].lines == (1, 2)
    assert "转载：南湖环保志愿队" in blocks[0].html


def test_recognise_repost_leaves_other_html_alone() -> None:
    """A quote that only mentions 转 stays an HTML block."""
    blocks = recognise_repost(blocks_of("<blockquote><p>转发给身边的朋友</p></blockquote>"))
    assert kinds(blocks) == ["HtmlBlock"]


# --------------------------------------------------------------------------
# The reposting account's card


CARD = "[晨光读书会]\n**晨光读书会**\n微信号chenguang_reading\n功能介绍每月共读一本书。\n\n正文。"


def test_recognise_account_reads_the_whole_card() -> None:
    """``[X]``, ``**X**``, ``微信号…`` and ``功能介绍…`` make one card."""
    blocks = recognise_account(blocks_of(CARD))
    card = blocks[0]
    assert isinstance(card, AccountCard)
    assert (card.name, card.wechat_id, card.intro) == ("晨光读书会", "chenguang_reading", "每月共读一本书。")
    assert card.lines == (1, 4)
    assert len(card.children) == 4
    assert kinds(blocks[1:]) == ["Paragraph"]


def test_recognise_account_without_the_bracket_line() -> None:
    """The bold name line alone is enough when the intro line is there; colons are allowed."""
    blocks = recognise_account(blocks_of("**石榴街道便民站**\n微信号：shiliu_jd\n功能介绍：办事指南和活动通知。"))
    card = blocks[0]
    assert isinstance(card, AccountCard)
    assert (card.name, card.wechat_id, card.intro) == ("石榴街道便民站", "shiliu_jd", "办事指南和活动通知。")


def test_recognise_account_with_bracket_line_and_no_intro() -> None:
    """``[X]`` then ``微信号…`` is a card; its intro is then None."""
    blocks = recognise_account(blocks_of("[山城文旅]\n微信号shancheng_wenlv\n\n正文。"))
    card = blocks[0]
    assert isinstance(card, AccountCard)
    assert (card.name, card.wechat_id, card.intro) == ("山城文旅", "shancheng_wenlv", None)


@pytest.mark.parametrize(
    "body",
    [
        "**联系我们**\n微信号：hezuo2023\n电话：0000-1234567",
        "微信号chenguang_reading\n功能介绍每月共读一本书。",
        "欢迎加入读书会。\n微信号：chenguang_reading",
    ],
    ids=["contact-notice", "no-name-line", "sentence-above"],
)
def test_recognise_account_rejects_look_alikes(body: str) -> None:
    """A ``微信号`` line without the card's name and intro/bracket lines is not a card."""
    assert not any(isinstance(block, AccountCard) for block in recognise_account(blocks_of(body)))


# --------------------------------------------------------------------------
# The original-source card


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("以下文章来源于山野观鸟，作者林间小记", ("山野观鸟", "林间小记")),
        ("以下文章来源于 山野观鸟 , 作者: 林间小记", ("山野观鸟", "林间小记")),
        ("以下文章来源于古树地图", ("古树地图", None)),
        ("The following article is from Harbor Makers Author Chen Lu", ("Harbor Makers", "Chen Lu")),
    ],
    ids=["chinese", "spaced-ascii-punctuation", "no-author", "english"],
)
def test_read_original_line(line: str, expected: tuple[str, str | None]) -> None:
    """The card's first line gives the source account and the author."""
    assert read_original_line(line) == expected


@pytest.mark.parametrize(
    "line",
    ["以下文章来源于网络，仅供学习参考。", "本文以下文章来源于山野观鸟", "The following article is long"],
    ids=["disclaimer", "not-at-start", "english-sentence"],
)
def test_read_original_line_rejects_look_alikes(line: str) -> None:
    """Sentences that only resemble the card's first line are not one."""
    assert read_original_line(line) is None


AVATAR = "http://wx.qlogo.cn/mmhead/TestAvatar01/0"


def test_recognise_original_reads_avatar_name_and_intro() -> None:
    """The avatar line's bold name wins, and the line under it is the intro."""
    body = f"以下文章来源于山野观鸟，作者林间小记\n![]({AVATAR})**山野观鸟**.\n记录身边的鸟。\n![](/a.jpeg)正文。"
    blocks = recognise_original(blocks_of(body))
    card = blocks[0]
    assert isinstance(card, OriginalCard)
    assert (card.name, card.author, card.avatar, card.intro) == ("山野观鸟", "林间小记", AVATAR, "记录身边的鸟。")
    assert card.lines == (1, 3)
    assert kinds(blocks[1:]) == ["Paragraph"]


def test_recognise_original_without_avatar() -> None:
    """The first line alone is a card; the article after a blank line is not its intro."""
    blocks = recognise_original(blocks_of("以下文章来源于城西老街坊，作者周明远\n\n老街的铁匠铺关了门。"))
    card = blocks[0]
    assert isinstance(card, OriginalCard)
    assert (card.avatar, card.intro) == (None, None)
    assert kinds(blocks[1:]) == ["Paragraph"]


def test_recognise_original_does_not_take_the_first_photo_as_avatar() -> None:
    """An article image right under the first line is not the avatar, and the text under it is no intro."""
    body = "以下文章来源于纸上行旅，作者苏晚\n![](/assets/atlas.jpeg)\n这本地图册印于一九八二年。"
    blocks = recognise_original(blocks_of(body))
    card = blocks[0]
    assert isinstance(card, OriginalCard)
    assert (card.avatar, card.intro) == (None, None)
    assert kinds(blocks[1:]) == ["Figure", "Paragraph"]


def test_recognise_original_takes_a_lone_wechat_avatar() -> None:
    """An image alone from WeChat's avatar host is the avatar even without the bold name."""
    blocks = recognise_original(blocks_of(f"以下文章来源于古树地图\n![]({AVATAR})\n寻访城市里的老树。"))
    card = blocks[0]
    assert isinstance(card, OriginalCard)
    assert (card.name, card.avatar, card.intro) == ("古树地图", AVATAR, "寻访城市里的老树。")


@pytest.mark.parametrize("opener", [f"[![]({AVATAR})", "["], ids=["with-avatar", "without-avatar"])
def test_recognise_original_reads_a_card_wrapped_in_a_link(opener: str) -> None:
    """Clippers wrap the card in a link with blank lines between its parts; all of it is the card."""
    body = (
        "The following article is from Harbor Makers Author Chen Lu\n\n"
        f"{opener}\n\n**Harbor Makers**.\n\nA maker space by the harbor.\n\n](https://example.com/#)\n\n正文。"
    )
    blocks = recognise_original(blocks_of(body))
    card = blocks[0]
    assert isinstance(card, OriginalCard)
    assert (card.name, card.author, card.intro) == ("Harbor Makers", "Chen Lu", "A maker space by the harbor.")
    assert card.avatar == (AVATAR if opener != "[" else None)
    assert card.lines == (1, 9)
    assert kinds(blocks[1:]) == ["Paragraph"]


@pytest.mark.parametrize("following", ["- 列表项", "> 引用", "***", "```\ncode\n```"], ids=["list", "quote", "rule", "code"])
def test_recognise_original_followed_by_a_block_without_inlines(following: str) -> None:
    """A card line followed by a list, quote, rule or code block is a card of one line."""
    blocks = recognise_original(blocks_of(f"The following article is from A Author B\n{following}"))
    assert isinstance(blocks[0], OriginalCard) and blocks[0].lines == (1, 1)
    assert len(blocks) == 2


def test_recognise_original_ignores_a_disclaimer() -> None:
    """``以下文章来源于网络，仅供参考`` is not a card."""
    blocks = recognise_original(blocks_of("以下文章来源于网络，仅供参考。\n正文。"))
    assert kinds(blocks) == ["Paragraph", "Paragraph"]


# --------------------------------------------------------------------------
# The footer


def test_recognise_footer_wraps_what_follows_the_last_rule() -> None:
    """The rule and the boilerplate after it become the footer."""
    body = "第一段。\n第二段。\n第三段。\n***\n**感谢阅读**\n![](/qrcode.png)"
    blocks = recognise_footer(blocks_of(body))
    footer = blocks[-1]
    assert isinstance(footer, Footer)
    assert footer.rule == Rule("***", (4, 4))
    assert kinds(list(footer.children)) == ["Paragraph", "Figure"]
    assert footer.lines == (4, 6)
    assert kinds(blocks[:-1]) == ["Paragraph"] * 3


@pytest.mark.parametrize(
    "body",
    [
        "上半场。\n***\n## 下半场\n下半场的内容。",
        "第一段。\n第二段。\n***",
        "第一段。\n第二段。\n** ** **\n第三段。",
        "***\n" + "\n".join(f"第{n}段。" for n in range(8)),
        "开头。\n***\n" + "\n".join(f"第{n}段。" for n in range(8)),
    ],
    ids=["heading-after-rule", "rule-last", "stray-bold-toggles", "rule-first", "rule-early-long-tail"],
)
def test_recognise_footer_rejects_rules_that_are_not_the_closing_one(body: str) -> None:
    """Section breaks, a final rule, stray ``** ** **`` and early rules start no footer."""
    assert not any(isinstance(block, Footer) for block in recognise_footer(blocks_of(body)))


def test_recognise_footer_in_a_short_notice() -> None:
    """A rule in the first half starts the footer when only a few blocks follow it."""
    blocks = recognise_footer(blocks_of("通知正文。\n***\n**欢迎关注**\n![](/qr.png)\n**长按识别**"))
    assert kinds(blocks) == ["Paragraph", "Footer"]


# --------------------------------------------------------------------------
# The provenance line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("（转自石榴街道便民站）", ("转自", "石榴街道便民站")),
        ("（来源：江城交通广播）", ("来源", "江城交通广播")),
        ("(来源:青川区图书馆)", ("来源", "青川区图书馆")),
        ("(来源于网络)", ("来源于", "网络")),
        ("（转载自：山城文旅）", ("转载自", "山城文旅")),
        ("（来源：人民日报（海外版））", ("来源", "人民日报（海外版）")),
    ],
    ids=["zhuanzi", "laiyuan-fullwidth", "laiyuan-ascii", "laiyuanyu", "zhuanzaizi", "nested-brackets"],
)
def test_read_provenance(line: str, expected: tuple[str, str]) -> None:
    """The bracketed line gives its kind and the source's name."""
    assert read_provenance(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [("来源：江城交通广播", ("来源", "江城交通广播")), ("本文转载自江城日报", ("转载自", "江城日报")),
     ("本文来自公众号：江城夜话", ("来自公众号", "江城夜话"))],
    ids=["colon", "zhuanzai-zi", "gongzhonghao"],
)
def test_read_provenance_without_brackets(line: str, expected: tuple[str, str]) -> None:
    """Feed and clipper dialects write the provenance line without brackets."""
    assert read_provenance(line) == expected


@pytest.mark.parametrize(
    "line",
    ["（图片来源：网络）", "（完）", "来源 | 江城交通广播", "（据江城交通广播报道）", "（来源：江城交通广播）还有下文",
     "来自江城的你，是我见过最好的人。"],
    ids=["photo-source", "end-mark", "bar-not-colon", "other-phrase", "text-after", "sentence"],
)
def test_read_provenance_rejects_look_alikes(line: str) -> None:
    """Other bracketed notes are not provenance lines."""
    assert read_provenance(line) is None


def test_recognise_provenance_after_the_article() -> None:
    """The line after the last paragraph, followed only by images, is the provenance."""
    blocks = recognise_provenance(blocks_of("正文第一段。\n正文第二段。\n（来源：江城交通广播）\n![](/qr.png)"))
    assert kinds(blocks) == ["Paragraph", "Paragraph", "Provenance", "Figure"]
    provenance = blocks[2]
    assert isinstance(provenance, Provenance)
    assert (provenance.name, provenance.kind, provenance.lines) == ("江城交通广播", "来源", (3, 3))


def test_recognise_provenance_at_the_top() -> None:
    """A provenance line before any article text also counts."""
    blocks = recognise_provenance(blocks_of("# 标题\n（转自山城文旅）\n正文。"))
    assert kinds(blocks) == ["Heading", "Provenance", "Paragraph"]


def test_recognise_provenance_skips_photo_sources_in_the_article() -> None:
    """A ``（来源：X）`` under a photo mid-article is left alone; the closing one is taken."""
    body = "正文。\n![](/a.jpeg)\n（来源：某图片社）\n更多正文。\n（转自山城文旅）"
    blocks = recognise_provenance(blocks_of(body))
    assert kinds(blocks) == ["Paragraph", "Figure", "Paragraph", "Paragraph", "Provenance"]
    assert isinstance(blocks[-1], Provenance) and blocks[-1].name == "山城文旅"


def test_recognise_provenance_needs_the_article_to_be_over() -> None:
    """With article text after it and before it, a provenance-shaped line is not the post's provenance."""
    blocks = recognise_provenance(blocks_of("正文。\n（来源：某图片社）\n更多正文。"))
    assert kinds(blocks) == ["Paragraph", "Paragraph", "Paragraph"]


# --------------------------------------------------------------------------
# The credits


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("(编辑:孟夏)", (("编辑", "孟夏"),)),
        ("（责任编辑：韩冬 校对：陆雨）", (("责任编辑", "韩冬"), ("校对", "陆雨"))),
        ("审核:宋河/排版:程雪", (("审核", "宋河"), ("排版", "程雪"))),
        ("撰文：许诺 | 摄影：江帆 | 编辑：乔木", (("撰文", "许诺"), ("摄影", "江帆"), ("编辑", "乔木"))),
        (
            "(审核:万里责编:金秋编辑:石磊校对:云朵)",
            (("审核", "万里"), ("责编", "金秋"), ("编辑", "石磊"), ("校对", "云朵")),
        ),
        (
            "(策划:方圆审核:万里责任编辑:金秋编辑:石磊校对:云朵排版:米粒)",
            (("策划", "方圆"), ("审核", "万里"), ("责任编辑", "金秋"), ("编辑", "石磊"), ("校对", "云朵"), ("排版", "米粒")),
        ),
        ("责任编辑：王五", (("责任编辑", "王五"),)),
        ("编辑：张三 来源：新华社", (("编辑", "张三"), ("来源", "新华社"))),
        ("编辑：白小嘉 2024年03月02日 09:15", (("编辑", "白小嘉"),)),
        ("排版：初一 / 审核：十五\u200d\u200d", (("排版", "初一"), ("审核", "十五"))),
        ("音频编辑：dy、Roc", (("音频编辑", "dy、Roc"),)),
    ],
    ids=[
        "one-role-ascii",
        "two-roles-fullwidth",
        "slash",
        "pipes",
        "four-no-separators",
        "six-no-separators",
        "editorial-role-alone",
        "unknown-role-split",
        "trailing-date",
        "zero-width-joiners",
        "several-names",
    ],
)
def test_read_credits(line: str, expected: tuple[tuple[str, str], ...]) -> None:
    """Roles and names in source order, whatever the separators."""
    assert read_credits(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "注：本文数据截至九月底。",
        "记者：这次比赛你感觉怎么样？",
        "作者：李四",
        "（编辑说：这是一句话。）",
        "(编辑:)",
        "本期为大家介绍编辑：张三",
        "编辑：张三 时间：12:30",
        "",
    ],
    ids=[
        "note",
        "interview-question",
        "lone-author-unbracketed",
        "role-not-followed-by-colon",
        "empty-name",
        "role-not-at-start",
        "colon-in-name",
        "empty",
    ],
)
def test_read_credits_rejects_look_alikes(line: str) -> None:
    """Sentences with a role word and a colon are not credits."""
    assert read_credits(line) is None


def test_recognise_credits_takes_the_last_credits_line() -> None:
    """Only the last credits line of the post is wrapped."""
    blocks = recognise_credits(blocks_of("（记者：石磊）\n正文。\n(编辑:孟夏)"))
    assert kinds(blocks) == ["Paragraph", "Paragraph", "Credits"]
    credits = blocks[-1]
    assert isinstance(credits, Credits) and credits.as_dict() == {"编辑": "孟夏"}


def test_recognise_credits_joins_credits_on_adjacent_lines() -> None:
    """One role per line, lines in a row: one Credits, roles in order, lone 记者 included."""
    blocks = recognise_credits(blocks_of("正文。\n\n责任编辑：韩冬\n审核：白桦\n记者：石磊"))
    assert kinds(blocks) == ["Paragraph", "Credits"]
    credits = blocks[1]
    assert isinstance(credits, Credits)
    assert credits.roles == (("责任编辑", "韩冬"), ("审核", "白桦"), ("记者", "石磊"))
    assert credits.lines == (3, 5)


def test_recognise_credits_does_not_take_a_lone_speaker_line() -> None:
    """``记者：…`` alone, or after a blank line, is an interview line, not credits."""
    body = "记者：石磊\n\n记者：好的\n\n受访者说了很多。"
    assert not any(isinstance(block, Credits) for block in recognise_credits(blocks_of(body)))


def test_recognise_credits_leaves_a_post_without_credits_alone() -> None:
    """No credits line, no Credits block."""
    assert kinds(recognise_credits(blocks_of("正文。\n注：本文数据截至九月底。"))) == ["Paragraph", "Paragraph"]


# --------------------------------------------------------------------------
# WeChat UI cruft


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("点击上方蓝字关注石榴街道便民站", "follow-prompt"),
        ("▲点击蓝字 关注我们", "follow-prompt"),
        ("点击上方“石榴街道便民站”，关注我们", "follow-prompt"),
        ("点击上方 蓝字 加入我们", "follow-prompt"),
        ("上方蓝字关注我们", "follow-prompt"),
        ("扫描二维码关注", "scan-prompt"),
        ("长按识别二维码关注我们", "scan-prompt"),
        ("扫码关注我们", "scan-prompt"),
        ("点分享", "share-prompt"),
        ("点在看", "share-prompt"),
        ("分享、点赞、在看，让更多邻居看到", "share-prompt"),
        ("“点赞”“在看”，让更多人看到", "share-prompt"),
        ("阅读原文", "end-of-page"),
        ("继续滑动看下一个", "end-of-page"),
    ],
    ids=[
        "follow-above-blue",
        "follow-arrow-blue",
        "follow-quoted-name",
        "follow-spaced-join",
        "follow-no-click",
        "scan-qr",
        "scan-long-press",
        "scan-no-qr-word",
        "share-single",
        "share-zaikan",
        "share-one-line",
        "share-quoted",
        "read-original",
        "swipe-next",
    ],
)
def test_cruft_kind(line: str, kind: str) -> None:
    """Each kind of WeChat UI text is told by its shape."""
    assert cruft_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "点击链接即可报名",
        "上方图片是去年的合影",
        "我们关注到一个现象",
        "分享一个整理衣柜的小技巧：先按季节分类。",
        "在看电影的时候请关掉手机",
        "点击上方蓝字关注我们，每周五我们会在这里发布下一周社区里的全部活动安排、报名方式和注意事项。",
        "扫描仪坏了",
    ],
    ids=["click-link", "above-photo", "we-noticed", "share-a-tip", "while-watching", "too-long", "scanner"],
)
def test_cruft_kind_rejects_article_text(line: str) -> None:
    """Article sentences that start like a prompt are not cruft."""
    assert cruft_kind(line) is None


def test_recognise_cruft_groups_a_scan_prompt_with_the_account_name() -> None:
    """The bold name lines a scan prompt was cut from belong to it."""
    blocks = recognise_cruft(blocks_of("正文。\n**扫描二维码关注**\n**石榴街道**\n**便民站**\n![](/qr.png)"))
    assert kinds(blocks) == ["Paragraph", "Cruft", "Figure"]
    cruft = blocks[1]
    assert isinstance(cruft, Cruft) and cruft.kind == "scan-prompt" and cruft.lines == (2, 4)


def test_recognise_cruft_groups_share_prompts() -> None:
    """Three share prompts on three lines are one piece of cruft."""
    blocks = recognise_cruft(blocks_of("正文。\n点分享\n点点赞\n点在看"))
    assert kinds(blocks) == ["Paragraph", "Cruft"]
    assert blocks[1].lines == (2, 4)


def test_recognise_cruft_takes_the_account_name_between_end_prompts() -> None:
    """``继续滑动看下一个``, the account name, ``向上滑动看下一个`` are one piece."""
    blocks = recognise_cruft(blocks_of("正文。\n\n继续滑动看下一个\n\n石榴街道便民站\n\n向上滑动看下一个"))
    assert kinds(blocks) == ["Paragraph", "Cruft"]
    cruft = blocks[1]
    assert isinstance(cruft, Cruft) and cruft.kind == "end-of-page" and cruft.lines == (3, 7)


def test_recognise_cruft_keeps_article_lines_out() -> None:
    """A long bold line after a scan prompt, and a blank-separated line, are article text."""
    body = "**扫描二维码关注**\n**本周六社区广场有露天电影放映，欢迎带孩子来看**\n\n点分享\n\n今天的正文。"
    blocks = recognise_cruft(blocks_of(body))
    assert kinds(blocks) == ["Cruft", "Paragraph", "Cruft", "Paragraph"]


# --------------------------------------------------------------------------
# All recognisers together


def test_recognise_finds_credits_after_the_closing_rule() -> None:
    """Credits written under the closing rule are found inside the footer."""
    body = "正文第一段。\n正文第二段。\n（转自山城文旅）\n***\n（校对：丁香 编辑：木棉）\n**欢迎关注**"
    blocks = recognise(blocks_of(body))
    assert kinds(blocks) == ["Paragraph", "Paragraph", "Provenance", "Footer"]
    footer = blocks[-1]
    assert isinstance(footer, Footer)
    assert isinstance(footer.children[0], Credits)
    assert footer.children[0].as_dict() == {"校对": "丁香", "编辑": "木棉"}


def test_recognise_keeps_every_block() -> None:
    """Wrapping loses no block: the leaves under the parts are the parsed blocks."""
    body = "[山城文旅]\n**山城文旅**\n微信号shancheng_wenlv\n功能介绍风景和小吃。\n\n点击上方蓝字关注我们\n正文。\n(编辑:孟夏)"
    leaves = blocks_of(body)
    wrapped = recognise(list(leaves))

    def flatten(blocks: list[Block]) -> list[Block]:
        out: list[Block] = []
        for block in blocks:
            children = getattr(block, "children", None)
            if isinstance(block, (AccountCard, OriginalCard, Cruft, Credits, Provenance, Footer)):
                out.extend(flatten(list(children or ())))
            else:
                out.append(block)
        return out

    assert flatten(wrapped) == leaves
    assert kinds(wrapped) == ["AccountCard", "Cruft", "Paragraph", "Credits"]


def test_paragraph_and_figure_types_are_what_the_tests_assume() -> None:
    """The helpers above build blocks through the real block parser."""
    blocks = blocks_of("正文。\n![](/a.png)\n<div>x</div>")
    assert [type(block) for block in blocks] == [Paragraph, Figure, HtmlBlock]


def test_recognise_credits_joins_credits_lines_a_blank_line_apart() -> None:
    """Two lines that are each credits on their own belong together, blank line or not."""
    body = "正文。\n\n本文作者：林小舟 本文摄影：许安 微信排版：阿青\n\n微信审核：老周"
    blocks = recognise_credits(blocks_of(body))
    assert kinds(blocks) == ["Paragraph", "Credits"]
    credits = blocks[1]
    assert isinstance(credits, Credits)
    assert credits.roles == (("本文作者", "林小舟"), ("本文摄影", "许安"), ("微信排版", "阿青"), ("微信审核", "老周"))
