"""Fuzzing the whole pipeline: bytes and damaged posts in, only ``WxMigrateError`` out.

Hypothesis draws arbitrary bytes, Markdown-shaped noise (the delimiters
exporters and attackers put in posts) and the damaged WeChat posts of
:mod:`wxmigrate.testing`, mutated; each goes through the reader, the parser,
the repair rules and both emitters, for every engine.  Bad input may be
refused, but only with a :class:`~wxmigrate.WxMigrateError` (one line,
``path:line: …``); anything else is a bug.  The budget is fixed by the
Hypothesis profile and :data:`fuzz` (in CI: derandomised, 300 examples a
test, 60 for the whole-site one; ``HYPOTHESIS_PROFILE=thorough`` for 2,000).
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import wxmigrate
from wxmigrate.cli import run
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

#: The fixed budget of the in-process tests: 300 examples in the ``ci`` profile (about 25 s),
#: the profile's own when it gives more.
fuzz = settings(max_examples=max(300, settings().max_examples))

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


@fuzz
@given(st.binary(max_size=1500))
def test_arbitrary_bytes_are_read_or_refused_with_a_located_error(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.md")
        split_front_matter(text, "fuzz.md")
    except WxMigrateError as error:
        assert re.match(r"fuzz\.md:\d+: \S", str(error)), error
        return
    _through_everything(text)


@fuzz
@given(noise)
def test_markdown_noise_goes_through_the_pipeline(text: str) -> None:
    _through_everything(text)


@fuzz
@given(st.tuples(noise, noise).map(lambda pair: f"---\n{pair[0]}\n---\n{pair[1]}"))
def test_noise_in_front_matter_goes_through_the_pipeline(text: str) -> None:
    _through_everything(text)


@fuzz
@given(mutated_posts)
def test_damaged_posts_mutated_go_through_the_pipeline(text: str) -> None:
    _through_everything(text)


@given(st.lists(st.binary(max_size=400) | noise.map(str.encode) | mutated_posts.map(str.encode), min_size=1, max_size=3))
def test_a_site_of_hostile_posts_is_repaired_and_verified_without_a_traceback(posts: list[bytes]) -> None:
    """Through the command line: each error is one ``path:line:`` line, the exit code one we document."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder, "site")
        (site / "_posts").mkdir(parents=True)
        for number, data in enumerate(posts, 1):
            (site / "_posts" / f"2024-01-0{number}-post.md").write_bytes(data)
        for argv in (["repair", str(site), "--out", str(Path(folder, "out"))], ["verify", str(site)]):
            err = io.StringIO()
            code = run(argv, out=io.StringIO(), err=err)
            assert code in (0, 1, 2), argv
            for line in err.getvalue().splitlines():
                assert re.match(r"(\S.*?:\d+: \S|wxmigrate repair: |  failed: |\s*$)", line), line
