"""The output check read piece by piece gives the full parse's verdict (:mod:`wxmigrate.outcheck`).

``migrate._check_output`` refuses an emitted post whose article text or images,
read back, differ from the repaired model's.  It reads the output back with
:func:`~wxmigrate.outcheck.read_back`, which parses only the pieces the source
does not hold; these tests check that whenever that gives an answer it is the
full parse's, on generated posts as emitted and with emitter bugs planted in them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wxmigrate
from wxmigrate import outcheck
from wxmigrate.emit import to_markdown
from wxmigrate.errors import WxMigrateError
from wxmigrate.model import Block
from wxmigrate.outcheck import Summaries, conserved, piece_starts, read_back
from wxmigrate.parse.blocks import Line, parse_blocks, split_lines
from wxmigrate.parse.reading import Reading, reading
from wxmigrate.read import split_front_matter
from wxmigrate.rules import repair
from wxmigrate.rules.conservation import article_text
from wxmigrate.testing import damaged_posts, posts

from .hostile_vectors import VECTORS
from .test_guard import MARKDOWN_LINES, PLANTED, _planted

#: Lines that open, continue and close blocks as wxmigrate's block parser reads them too:
#: blank lines of no-break spaces, image links split over (blank) lines, unclosed HTML.
BLOCK_LINES = (
    *MARKDOWN_LINES, "\u00a0", "\u3000", "　正文", "\u00a0text", "![图](a/", "b.png)", "![图](", "c.png)",
    "图](x.png)", "<textarea>", "<style>", "<p>para</p>", "</p>", "<img src=x>", "1. ", "12345", "*a*", "**",
)


@st.composite
def block_texts(draw: st.DrawFn) -> str:
    """Texts made of lines that open, continue and close every kind of block."""
    lines = draw(st.lists(st.sampled_from(BLOCK_LINES), max_size=30))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _read(lines: list[Line], commonmark: bool) -> list[Block]:
    with reading(Reading(commonmark=commonmark)):
        return parse_blocks(lines)


def _shown(blocks: list[Block]) -> list[str]:
    """Blocks as ``repr`` shows them, lines and all (``==`` leaves lines out)."""
    return [repr(block) for block in blocks]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(block_texts(), damaged_posts().map(lambda damaged: damaged.text), posts().map(lambda post: post.text)),
    st.booleans(),
)
def test_each_piece_reads_alone_as_in_the_whole_text(text: str, commonmark: bool) -> None:
    """Cut where :func:`piece_starts` says, a text gives the block parser's very blocks, line for line."""
    lines = split_lines(text)
    starts = [line for line, _ in piece_starts(text)]
    assert starts[0] == 0 and starts == sorted(set(starts))
    assert all(text.count("\n", 0, offset) == line for line, offset in piece_starts(text))
    whole = _read(lines, commonmark)
    by_pieces: list[Block] = []
    for start, stop in zip(starts, [*starts[1:], len(lines)]):
        by_pieces += _read(lines[start:stop], commonmark)
    assert _shown(by_pieces) == _shown(whole)


def test_texts_are_cut_only_where_every_block_has_stopped() -> None:
    """After a blank line, before an unindented line: not before a list item, nor after a fence,
    nor where an image link opened above may still be open."""
    assert [line for line, _ in piece_starts("a\n\nb\n\n- c\n\n  d\n\n**e**")] == [0, 2, 8]
    assert [line for line, _ in piece_starts("a\n\n```\n\nb\n\nc")] == [0, 2]
    assert [line for line, _ in piece_starts("![图](a/\n\nb.png)\n\nc")] == [0, 4]
    assert [line for line, _ in piece_starts("a\n\u00a0\nb")] == [0, 2]
    assert [line for line, _ in piece_starts("- a\n\n-\nb")] == [0]  # a lone ``-`` is a list item


def _shown_by(post: wxmigrate.Post) -> tuple[str, list[str]]:
    """A post's article text and images, as the full check compares them."""
    return article_text(post), [image.src for image, _ in wxmigrate.images(post)]


def _full(output: str) -> tuple[str, list[str]]:
    """What the full parse of an emitted post reads."""
    return _shown_by(wxmigrate.parse(output))


def _fast(output: str, repaired: wxmigrate.Post) -> tuple[str, list[str]] | None:
    """What :func:`read_back` reads in an emitted post, or None when it leaves it to the full parse."""
    source = split_front_matter(output)
    blocks = read_back(source.body, source.front_matter, source.body_line, repaired)
    return None if blocks is None else Summaries().joined(blocks)


def _verdict(output: str, repaired: wxmigrate.Post) -> tuple[bool, bool] | None:
    """Whether the fast check finds the text and the images kept (None: it leaves it to the full parse)."""
    source = split_front_matter(output)
    blocks = read_back(source.body, source.front_matter, source.body_line, repaired)
    return None if blocks is None else conserved(blocks, repaired)


def _emitted(text: str, engine: str) -> tuple[wxmigrate.Post, str]:
    """A post repaired and written for ``engine``: the repaired model and the Markdown."""
    repaired, _changes = repair(wxmigrate.parse(text))
    return repaired, to_markdown(repaired, engine)


def _with_bugs(output: str, bugs: list[tuple[int, str]]) -> str:
    """The emitted post with emitter bugs planted in its body's lines."""
    source = split_front_matter(output)
    lines = source.body.split("\n")
    for where, how in bugs:
        lines = _planted(lines, where % len(lines), how)
    return source.head + "\n".join(lines)


#: Emitter bugs beyond the guard's: another image, a line doubled or moved, a joint lost.
def _more_bugs(output: str, where: int, how: str) -> str:
    lines = output.split("\n")
    index = where % len(lines)
    if how == "another image":
        return output.replace(".png", ".gif", 1) if where % 2 else output.replace("](", "](x", 1)
    if how == "double a line":
        return "\n".join(lines[: index + 1] + lines[index:])
    if how == "lose a blank line":
        blanks = [number for number, line in enumerate(lines) if not line.strip()] or [0]
        index = blanks[where % len(blanks)]
        return "\n".join(lines[:index] + lines[index + 1 :])
    return "\n".join(lines[:index] + lines[index + 1 :] + lines[index : index + 1])  # move a line last


MORE_BUGS = ("another image", "double a line", "lose a blank line", "move a line last")

TEXTS = st.one_of(
    damaged_posts().map(lambda damaged: damaged.text),
    posts().map(lambda post: post.text),
    st.sampled_from(VECTORS).map(lambda vector: vector.text),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    TEXTS,
    st.sampled_from(["jekyll", "hugo", "hexo"]),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(PLANTED)), max_size=2),
    st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(MORE_BUGS)), max_size=1),
)
def test_the_fast_check_reads_what_the_full_parse_reads(
    text: str, engine: str, bugs: list[tuple[int, str]], more: list[tuple[int, str]]
) -> None:
    """On posts as emitted and with bugs planted in them, reading piece by piece gives the full
    parse's article text and images whenever it gives an answer, and comparing only the blocks
    that differ gives the verdict comparing everything gives: both accept and refuse alike."""
    repaired, output = _emitted(text, engine)
    output = _with_bugs(output, bugs)
    for where, how in more:
        output = _more_bugs(output, where, how)
    try:
        full = _full(output)
    except WxMigrateError:
        return  # a broken front matter: read_back is never asked (split_front_matter raises first)
    expected = _shown_by(repaired)
    verdict = (full[0] == expected[0], full[1] == expected[1])
    assert conserved(wxmigrate.parse(output).blocks, repaired) == verdict
    fast = _fast(output, repaired)
    if fast is not None:
        assert fast == full
        assert _verdict(output, repaired) == verdict


def test_a_wechat_post_is_read_back_without_a_second_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exporter's post: the check parses only the pieces of the output the source lacks."""
    text = "---\ntitle: 通知\nauthor: 转载\n---\n\n#通知\n第一段****。\n\n第二段。\n\n![图](a.png)\n"
    repaired, output = _emitted(text, "jekyll")
    read: list[int] = []

    def counting(lines: list[Line], **options: bool) -> list[Block]:
        read.append(len(lines))
        return parse_blocks(lines, **options)

    monkeypatch.setattr(outcheck, "parse_blocks", counting)
    assert _fast(output, repaired) == _full(output) == _shown_by(repaired)
    assert read == [2]  # ``# 通知`` / ``第一段。``, the piece a rule changed; the others are the source's


def test_a_generic_post_is_left_to_the_full_parse() -> None:
    """A post read as generic may be read again as WeChat's: the fast check does not answer."""
    repaired, output = _emitted("# 标题\n\n![图](img\\a.png)\n", "jekyll")
    assert repaired.dialect == "generic"
    assert _fast(output, repaired) is None
