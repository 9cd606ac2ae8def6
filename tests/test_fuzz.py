"""Fuzzing the whole pipeline: bytes and damaged posts in, only ``WxMigrateError`` out.

Hypothesis draws arbitrary bytes, Markdown-shaped noise (the delimiters
exporters and attackers put in posts) and the damaged WeChat posts of
:mod:`wxmigrate.testing`, mutated; each goes through the reader, the parser,
the repair rules and both emitters, for every engine.  Bad input may be
refused, but only with a :class:`~wxmigrate.WxMigrateError` (one line,
``path:line: …``); anything else is a bug.  The budget is fixed by the
Hypothesis profile (``ci`` in CI: derandomised, 60 examples a test;
``HYPOTHESIS_PROFILE=thorough`` for 2,000).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

import wxmigrate
from wxmigrate.emit import ENGINES
from wxmigrate.errors import WxMigrateError
from wxmigrate.read import decode, split_front_matter
from wxmigrate.testing import damaged_posts

#: What posts are made of where parsers are fragile: delimiters, markup, WeChat's furniture.
TOKENS = (
    "**", "*", "_", "__", "`", "```", "~~~", "![", "](", ")", "(", "[", "]", "]:", "<", ">", "\\",
    "#", "# ", "---", "+++", "***", "|", "- ", "1. ", "> ", "    ", "\t", " ", "  ", "\n", "\n\n",
    "\r\n", "\r", "&amp;", "&#", ";", "{{", "}}", "{%", "%}", "<div>", "</div>", "<table><tr><td>",
    "</td></tr></table>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>", "</a>", "javascript:alert(1)", "http://x.test/a.png",
    "\\images\\a.png", "图片", "重点", "。", "，", "、", "“", "”", "：", "（", "）", "▲", "微信号：",
    "转自", "来源：", "原创", "作者：", "编辑：", "title: x\n", "date: 2020-13-45\n", "tags: [a\n",
    "\x00", "\ufeff", "\u200b", "😀",
)  # fmt: skip

noise = st.lists(st.sampled_from(TOKENS) | st.text(max_size=3), max_size=80).map("".join)


def _mutated(text: str, cuts: list[tuple[int, str]]) -> str:
    for position, token in cuts:
        at = position % (len(text) + 1)
        text = text[:at] + token + text[at:]
    return text


mutated_posts = st.builds(
    _mutated,
    damaged_posts().map(lambda sample: sample.text),
    st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(TOKENS)), max_size=6),
)


def _through_everything(text: str) -> None:
    """Parse, repair and emit ``text`` for every engine and as HTML; only our errors may escape."""
    try:
        post = wxmigrate.parse(text, path="fuzz.md")
        repaired, _ = wxmigrate.repair(post)
        for engine in ENGINES:
            wxmigrate.to_markdown(repaired, engine)
        wxmigrate.to_html(repaired, standalone=True)
    except WxMigrateError as error:
        assert str(error).startswith("fuzz.md:"), error
        assert "\n" not in str(error), error


@given(st.binary(max_size=1500))
def test_arbitrary_bytes_are_read_or_refused_with_a_located_error(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.md")
        split_front_matter(text, "fuzz.md")
    except WxMigrateError as error:
        assert re.match(r"fuzz\.md:\d+: \S", str(error)), error
        return
    _through_everything(text)


@given(noise)
def test_markdown_noise_goes_through_the_pipeline(text: str) -> None:
    _through_everything(text)


@given(st.tuples(noise, noise).map(lambda pair: f"---\n{pair[0]}\n---\n{pair[1]}"))
def test_noise_in_front_matter_goes_through_the_pipeline(text: str) -> None:
    _through_everything(text)


@given(mutated_posts)
def test_damaged_posts_mutated_go_through_the_pipeline(text: str) -> None:
    _through_everything(text)
