"""The parser's shortcuts give what the long way gives.

Each shortcut skips work for input that is common in exports (a line with no
markup, a line whose only markup is ``**X**``, a line that cannot open a block,
a repost note of the usual shape); each test here checks, over generated input,
that the answer is the one the full reading gives.
"""

from __future__ import annotations

import importlib
import re

from hypothesis import assume, example, given
from hypothesis import strategies as st

from wxmigrate.model import Strong, block_inlines, is_blank_run, walk_blocks, walk_inlines
from wxmigrate.parse.reading import Reading, reading
from wxmigrate.testing import damaged_posts, paragraphs

# ``wxmigrate.parse`` is also the name of a function in the package: import the modules by name.
parse_module = importlib.import_module("wxmigrate.parse")
blocks = importlib.import_module("wxmigrate.parse.blocks")
inline = importlib.import_module("wxmigrate.parse.inline")
structure = importlib.import_module("wxmigrate.parse.structure")

#: Characters of every kind the inline shortcuts look at: markup, white space of several
#: kinds (some CommonMark's, some only Python's), CJK text and punctuation.
_SPACES = [" ", "\t", "\u00a0", "\u3000", "\u2028", "\x1f", "\x85"]
_PLAIN = st.sampled_from(["a", "Z", "1", "一", "二", "，", "。", "“", "”", "！", "(", ")", "]", ".", "#", *_SPACES])
_MARKUP = st.sampled_from(["*", "**", "***", "_", "__", "`", "\\", "&amp;", "&", "[", "![", "](", "<", ">", "\n", "<b>"])
_plain_texts = st.lists(_PLAIN, max_size=12).map("".join)
#: Plain text with ``**X**`` runs in it, X spaced or not (``**甲， **乙** 丙**`` is read by its spacing).
_BOLD_INSIDE = st.one_of(st.sampled_from(["甲", "甲， ", " 乙", "丙 ", " ", "\u3000", "\u2028", "a b"]), _plain_texts)
_bold_texts = st.lists(st.tuples(st.sampled_from(["", "一", " ", "，", "“"]), _BOLD_INSIDE), min_size=1, max_size=4).map(
    lambda parts: "".join(f"{before}**{inside}**" for before, inside in parts)
)
_any_texts = st.lists(st.one_of(_PLAIN, _MARKUP), max_size=24).map("".join)


@given(st.one_of(_plain_texts, _bold_texts, _any_texts, paragraphs()), st.booleans())
@example("**甲， **乙** 丙**", True)
@example("** 甲**乙", True)
def test_inline_shortcuts_read_text_as_the_tokenizer_does(text: str, nested_bold: bool) -> None:
    """Text with no markup, or with only ``**X**`` runs, parses to the runs the tokenizer and
    the pairings make of it."""
    assert inline._parse(text, nested_bold, 0) == inline._parse_markup(text, nested_bold, 0)


@given(st.one_of(_bold_texts, paragraphs(bold=True)))
def test_bold_runs_are_read_by_the_shortcut_when_they_can_be(text: str) -> None:
    """The ``**X**`` shortcut answers the texts it is for (so the test above exercises it)."""
    assume(inline._BOLD_PAIRS.fullmatch(text) and not re.search(r"\*\*\s|\s\*\*", text))
    assert inline._bold_pairs(text) is not None


#: Alt text and addresses of every kind: plain, with the characters an address may hold
#: (``_``, ``*``, ``{{ }}``, ``?=``), and with those that stop the image shortcut.
_IMAGE_PART = st.lists(
    st.sampled_from(["a", "一", "_", "*", "**", "/", ".", "?", "=", "{{", "}}", " ", "\u3000", "\t", "\n", "&amp;",
                     "&", "\\", "[", "]", "(", ")", "<", ">", "`", "!", '"', "'", "640?wx_fmt=png"]),
    max_size=6,
).map("".join)
_image_texts = st.lists(
    st.one_of(
        _plain_texts,
        st.sampled_from(["\n", "  \n", "   \n", " \t\n  ", "\n\t", "\t \n"]),
        st.tuples(_IMAGE_PART, _IMAGE_PART).map(lambda part: f"![{part[0]}]({part[1]})"),
    ),
    min_size=1,
    max_size=6,
).map("".join)


@given(_image_texts, st.booleans())
@example("![](https://mmbiz.qpic.cn/mmbiz_png/H6gt/640?wx_fmt=png)", True)
@example("一 ![a_b*](x_y*z.png)![](b) 二", True)
@example('![a](b "t")', True)
@example("![a](<b>)", True)
@example("一  \n  ![](a.png)   \n\t二 \n三\t \n![](b)\n", True)
def test_images_in_text_are_read_as_the_tokenizer_reads_them(text: str, nested_bold: bool) -> None:
    """Lines of text holding images ``![alt](src)`` and no other markup parse to the runs the
    tokenizer makes."""
    assert inline._parse(text, nested_bold, 0) == inline._parse_markup(text, nested_bold, 0)


@given(st.lists(st.tuples(_plain_texts, st.sampled_from(["", "a", "一_*", "x y"]),
                          st.sampled_from(["", "a_b*c.png", "{{site.baseurl}}/x.gif", "?wx_fmt=png"])),
                min_size=1, max_size=3), st.sampled_from(["", "\n", "  \n", " \n\t", "\t  \n "]))
def test_simple_images_are_read_by_the_shortcut(parts: list[tuple[str, str, str]], line_end: str) -> None:
    """The image shortcut answers the texts it is for (so the test above exercises it)."""
    text = "".join(f"{before}![{alt}]({src}){line_end}" for before, alt, src in parts)
    assert inline._SIMPLE_LINES.fullmatch(text)
    assert inline._simple_lines(text) == inline._parse_markup(text, True, 0)


#: The pieces of exporters' lines the lines shortcut reads, and the markup next to them that
#: it must leave to the tokenizer: bold runs spaced or not, touching or not, ``****X****``
#: alone on a line or not, escapes of punctuation and of other characters, ``_`` inside words
#: and at their edges, images whose address is split over lines (up to the tokenizer's limit
#: and past it), line ends with spaces and tabs around them.
_LINE_PIECE = st.one_of(
    _plain_texts,
    _BOLD_INSIDE.map(lambda inside: f"**{inside}**"),
    _BOLD_INSIDE.map(lambda inside: f"****{inside}****"),
    st.sampled_from(["*", "**", "***", "****", "\\*", "\\**", "\\\\", "\\!", "\\[", "\\_", "\\&", "\\a", "\\ ",
                     "\\\n", "\\", "gh_3fa", "a__b", "x_", "_y", "一_a", "a_一", "_", "__", "\n", "  \n", " \n\t  ", "\t\n",
                     "\n\n", "[", "]", "](", "&amp;", "<b>", "`"]),
    st.tuples(_IMAGE_PART, st.lists(st.sampled_from(["a", "/", "一", "\n", "_", "*", "{{", " "]), max_size=10).map("".join))
    .map(lambda part: f"![{part[0]}]({part[1]})"),
)
_line_texts = st.lists(_LINE_PIECE, min_size=1, max_size=10).map("".join)


@given(_line_texts, st.booleans())
@example("****截至5月23日17时****", True)
@example("**守护****农户“节水达人****”**", False)
@example("一\n  ****乙****  \n**丙**", True)
@example("**甲**![](a\nb)****乙****", True)
@example("**甲**![](ab)****乙****", True)
@example("\\***甲**\\*  \n微信号：gh_3fa9", True)
@example("![](a\nb\nc\nd\ne\nf\ng\nh)", True)
def test_lines_of_text_bold_and_images_are_read_as_the_tokenizer_reads_them(text: str, nested_bold: bool) -> None:
    """Text whose only markup is bold runs, escapes, ``_`` in words and images (split or not)
    parses to the runs the tokenizer and the pairings make of it."""
    assert inline._parse(text, nested_bold, 0) == inline._parse_markup(text, nested_bold, 0)


_SOLID = st.lists(st.sampled_from(["a", "一", "，", "“", "”", "(", ")", "]", ".", "#", "甲 乙"]), min_size=1, max_size=4).map(
    "".join
)
_simple_line = st.one_of(
    _SOLID.map(lambda bold: f"****{bold}****"),
    st.lists(
        st.one_of(
            _plain_texts,
            _SOLID.map(lambda bold: f"**{bold}**"),
            st.sampled_from(["\\*", "\\\\", "\\!", "\\[", "\\&", "gh_3fa", "a__b", "![](a.png)", "![一](x_y*z)"]),
        ),
        max_size=6,
    ).map("".join),
)


@given(st.lists(st.tuples(_simple_line, st.sampled_from(["\n", "  \n", " \n\t  ", "\t\n"])), min_size=1, max_size=4))
def test_lines_of_text_bold_and_images_are_read_by_the_shortcut(lines: list[tuple[str, str]]) -> None:
    """The lines shortcut answers the texts it is for (so the test above exercises it)."""
    text = "".join(line + end for line, end in lines)
    assert inline._SIMPLE_LINES.fullmatch(text)
    assert inline._simple_lines(text) == inline._parse_markup(text, True, 0)


@given(_any_texts)
def test_inline_parses_hold_no_empty_text(text: str) -> None:
    """No parse holds an empty text run: the block parser strips a line's edges counting on it."""
    assert all(not (type(run).__name__ == "Text" and not run.text) for run in inline._parse(text, True, 0))


_LINE = st.lists(
    st.sampled_from([" ", "  ", "\t", "`", "```", "~~~", "<", "<div>", "<!--", "#", "*", "_", ">", "+", "-",
                     "[", "]", ":", "1", "1.", "\u0661)", "\uff11.", ".", ")", "a", "一", "|", "=", "!", "/"]),
    max_size=8,
).map("".join)


@given(_LINE)
@example("\uff11. 项")  # a full-width digit is a digit to the list pattern
@example("**甲**")
@example("  **_")
@example("**\u3000*")
def test_a_line_that_cannot_open_a_block_matches_no_block_pattern(line: str) -> None:
    """Every block pattern the parser tries first fails on a line the shortcut passes over."""
    patterns = [
        blocks._FENCE, blocks._ATX, blocks._RULE, blocks._CM_RULE, blocks._QUOTE, blocks._LIST,
        blocks._HTML_RAW, blocks._HTML_COMMENT, blocks._HTML_BLOCK, blocks._HTML_LONE_TAG, blocks._REFERENCE,
    ]
    if not blocks._MAY_OPEN_BLOCK.match(line):
        assert [pattern.pattern for pattern in patterns if pattern.match(line)] == []


@given(st.lists(st.sampled_from(["文", "编辑", "责编", "审核", "张三", " ", "、", "，", "（", "）", "(", ")", "：", ":", "|", "｜", "/"]), max_size=10).map("".join))
def test_credits_need_a_colon_or_a_bar(text: str) -> None:
    """A line without a role's colon or a bar matches neither credits pattern: the shortcut's
    None is what reading it would give."""
    if not structure._CREDIT_MARK.search(text):
        assert structure._ROLE.search(text) is None
        assert structure._ROLE_BAR.match(text) is None


_NOTE_TEXT = st.lists(
    st.sampled_from(["转载：", "来源：", "微信公众号", "社区", "a", " ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\ufeff", "\x0c", "\ufffe", "…"]),
    max_size=8,
).map("".join)
_GAP = st.sampled_from(["", " ", "\n", "\u3000", "\n  "])


@given(_GAP, _GAP, _NOTE_TEXT, st.sampled_from(["<br>", "<br/>", "<br />"]), _NOTE_TEXT, _GAP, _GAP)
def test_plain_repost_notes_read_as_lxml_reads_them(
    outer: str, inner: str, first: str, br: str, second: str, after: str, end: str
) -> None:
    """A note of the usual shape has the lines lxml reads in it."""
    html = f"{outer}<blockquote>{inner}<p>{first}{br}{second}</p>{after}</blockquote>{end}"
    text = structure.plain_note_text(html)
    assume(text is not None)
    assert structure.note_lines(text) == structure.note_lines(structure.soup_text(html))


def _parsed_blocks(text: str) -> list[object]:
    """The blocks of a post's body as the block parser makes them (no part recognised)."""
    source = parse_module.split_front_matter(text)
    with reading(Reading()):
        return blocks.parse_blocks(blocks.split_lines(source.body, source.body_line))


@given(damaged_posts())
def test_recognition_reads_the_texts_it_would_read_each_time(sample: object) -> None:
    """Recognising the parts with each block's text read once gives the parts found when each
    recogniser reads the texts again."""
    found = _parsed_blocks(sample.text)  # type: ignore[attr-defined]
    again = list(found)
    for recogniser in structure.RECOGNISERS:
        again = recogniser(again)
    recognised = structure.recognise(found)
    assert repr(recognised) == repr(again)  # the lines too, which equality leaves out


@given(damaged_posts())
def test_empty_bold_runs_are_counted_as_walking_them_counts(sample: object) -> None:
    """The damage findings count every empty bold run, nested ones too."""
    post = parse_module.parse(sample.text)  # type: ignore[attr-defined]
    for block in walk_blocks(post.blocks):
        inlines = block_inlines(block)
        walked = sum(isinstance(run, Strong) and is_blank_run(run.children) for run in walk_inlines(inlines))
        assert parse_module._empty_bold_runs(inlines) == walked


_BODY_LINE = st.one_of(
    _LINE,
    _line_texts,
    st.sampled_from(["", " ", "\u3000", "===", "---", "    code", "\tcode", "![](a", "b)", "![](a.png)", "**甲**", "| a |"]),
)


@given(st.lists(_BODY_LINE, min_size=1, max_size=8), st.booleans(), st.booleans())
@example(["甲", "==="], True, True)
@example(["    甲", ""], True, True)
@example(["![](a", "", "b)"], False, True)
def test_a_lone_line_is_read_as_the_block_parser_reads_it(texts: list[str], commonmark: bool, nested_bold: bool) -> None:
    """A paragraph of one line that the block parser reads without trying the block patterns
    gives the blocks :func:`_block_at` gives for it, and ends where that says."""
    lines = [blocks.Line(number + 1, text) for number, text in enumerate(texts)]
    with reading(Reading(commonmark=commonmark)):
        for index, line in enumerate(lines):
            if blocks.is_blank(line.text) or not blocks._lone_line(lines, index, commonmark):
                continue
            found, end = blocks._block_at(lines, index, nested_bold)
            assert end == index + 1
            assert repr(blocks._line_paragraph(line, nested_bold)) == repr(found)  # lines too


@given(damaged_posts())
def test_posts_read_alike_with_and_without_the_lone_line_shortcut(sample: object) -> None:
    """A post's blocks are the same when every line goes through :func:`_block_at`."""
    original = blocks._lone_line
    found = _parsed_blocks(sample.text)  # type: ignore[attr-defined]
    try:
        setattr(blocks, "_lone_line", lambda *_: False)
        again = _parsed_blocks(sample.text)  # type: ignore[attr-defined]
    finally:
        setattr(blocks, "_lone_line", original)
    assert repr(found) == repr(again)


#: Lines near cruft and provenance: every character their patterns start with or look for,
#: decoration, white space and article text.
_NEAR_CRUFT = st.lists(
    st.sampled_from(["点击", "点", "戳", "轻触", "上方", "标题下方", "蓝字", "关注", "扫描", "二维码", "长按", "识别", "微信扫",
                     "分享", "点赞", "在看", "转发", "收藏", "赞", "“", "”", '"', "「", "」", "、", "，", "！", "继续滑动看下一个",
                     "向上滑动看下一个", "阅读原文", "预览时标签不可点", "←", "→", "向右滑动", "备份，仅供查阅学习", "返回列表页",
                     "小懒自动", "▲", "👆", " ", "\u3000", "\n", "（", "）", "(", ")", "转自", "转载自", "来源", "来源于", "来自",
                     "来自公众号", "本文", "公众号", "：", ":", "甲", "a", "。"]),
    max_size=8,
).map("".join)


@given(_NEAR_CRUFT)
@example("▲点击上方蓝字关注")
@example("小懒自动备份，仅供查阅学习")
def test_a_line_that_starts_no_cruft_matches_no_cruft_pattern(text: str) -> None:
    """The first-character test passes over only lines that no cruft pattern matches."""
    stripped = text.strip(structure._DECORATION)
    if stripped and stripped[0] not in structure._CRUFT_FIRST and structure._BACKUP_NOTE not in stripped:
        assert [kind for kind, pattern in structure._CRUFT if pattern.match(stripped)] == []


@given(_NEAR_CRUFT)
@example("（来源：新华社）")
@example("本文转载自公众号：甲")
def test_a_line_without_provenance_words_matches_no_provenance_pattern(text: str) -> None:
    """A line with neither 转 nor 来 matches neither provenance pattern."""
    if "转" not in text and "来" not in text:
        assert structure._PROVENANCE.match(text.strip()) is None
        assert structure._PROVENANCE_BARE.match(text.strip()) is None


_NEAR_CREDITS = st.lists(
    st.sampled_from(["文", "编辑", "责编", "审核", "记者", "张三", "李四", " ", "、", "，", "（", "）", "(", ")", "：", ":", "|",
                     "｜", "/", "2024年1月2日", " 10:30", "\u3000", "甲"]),
    max_size=10,
).map("".join)


@given(_NEAR_CREDITS, st.booleans())
@example("（审核:A责编:B）", True)
@example("2024年1月2日", False)
def test_credits_read_alike_without_the_first_role_test(text: str, alone: bool) -> None:
    """Reading credits gives what it gives when every line is matched whole, role first or not."""
    original = structure._ROLE_FIRST
    found = structure.read_credits(text, alone=alone)
    try:
        setattr(structure, "_ROLE_FIRST", _EVERY_CHARACTER)
        assert structure.read_credits(text, alone=alone) == found
    finally:
        setattr(structure, "_ROLE_FIRST", original)


class _Everything:
    """A set holding every character (and the empty string)."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERY_CHARACTER = _Everything()
