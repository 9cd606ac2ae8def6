"""The output check without a second full parse: what parsing the emitted post would read.

Before a repaired post is written, its emitted Markdown must read back to the
repaired model's article text and images (``migrate._check_output``).  Parsing
the whole output again to learn that cost as much as the first parse.  But the
article text and the images of a parse are its top-level blocks' own, joined in
order, whatever structure is recognised around them (:func:`read_back`), and
the output is mostly the source's own text: :func:`read_back` cuts the output's
body where the block parser starts afresh (:func:`piece_starts`), takes each
piece that stands word for word in the source from the source's parse, and
parses only the other pieces.

What it rests on, and what ``tests/test_outcheck.py`` checks against the full
parse on generated posts (damaged, clean, hostile) and corrupted outputs:

- :func:`~wxmigrate.parse.blocks.parse_blocks` reads a block from the line it
  starts on to the line it stops at, and a piece (see :func:`piece_starts`)
  holds whole blocks: reading a piece alone gives the blocks the whole body
  gives for its lines, line numbers aside.  With the same dialect flags
  (CommonMark reading, nested bold) and no link reference definitions in either
  text, a piece reads alike in the source and in the output.
- The structure the parser recognises (:mod:`~wxmigrate.parse.structure`,
  bylines, original links) only wraps top-level blocks in order, keeping them as
  children whose text and images are the part's, except the repost note: the
  first block among the first :data:`~wxmigrate.parse.structure.HEAD_WINDOW`
  that reads as one becomes a :class:`~wxmigrate.model.Repost`, which shows
  neither.  So the blocks of the source's model, parts unwrapped, are its
  parse's blocks (a piece holding the repost note is parsed again instead).
- A post the parser reads as generic may be read again as WeChat's when its
  parts show it; whatever is not certain is left to the full parse (None).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

from .model import (
    CONTAINERS,
    Block,
    Footer,
    FrontMatter,
    HtmlBlock,
    Image,
    Post,
    Quote,
    Repost,
    block_inlines,
    walk_blocks,
    walk_inlines,
)
from .guard import LONG_BLOCK
from .parse.blocks import Line, is_blank, parse_blocks
from .parse.dialects import UNNESTED_BOLD, detect
from .parse.inline import MAX_IMAGE_LINES
from .parse.reading import Reading, inline_table, reading
from .parse.structure import HEAD_WINDOW, read_repost_html, read_repost_quote
from .rules.conservation import block_article_text

#: Parts the recogniser wraps around top-level blocks (a quote is the parser's own).
_PARTS = tuple(kind for kind in CONTAINERS if kind is not Quote)
#: How a line that opens a piece may not start: indented (a list item's or an indented code
#: block's continuation), or with what may be a list item's marker (``\\d``, as the parser's:
#: any decimal digit).
_NOT_FRESH = re.compile(r"[ \t]|[-+*](?:[ \t]|$)|\d+[.)]")


def piece_starts(lines: Sequence[str]) -> list[int]:
    """The lines (0-based) where :func:`~wxmigrate.parse.blocks.parse_blocks` surely starts
    afresh: the first, and each unindented line with no list item's marker after a blank line,
    while nothing before it may open a block that runs on over blank lines.

    At such a line every block above has stopped: a paragraph, a quote, an HTML block of the
    kinds a blank line ends and a table stop at the blank line; a list and an indented code
    block stop at an unindented line that is no list item.  A fenced code block, an HTML block
    only its end closes (``<script``, ``<pre``, ``<!--``…) and a paragraph whose image link is
    still open run on over blank lines: no line is cut after anything that may open the first
    two (:data:`~wxmigrate.guard.LONG_BLOCK`, looked for anywhere), nor at a blank line that
    an image link opened within the lines above may still be open at (as the parser's own
    test finds it, over a window that holds the parser's).
    """
    opening = next((index for index, line in enumerate(lines) if LONG_BLOCK.search(line)), len(lines))
    starts = [0]
    for index in range(1, min(opening, len(lines) - 1) + 1):
        line = lines[index]
        if is_blank(line) or not is_blank(lines[index - 1]) or _NOT_FRESH.match(line):
            continue
        if not _image_open(lines, index - 1):
            starts.append(index)
    return starts


def _image_open(lines: Sequence[str], blank: int) -> bool:
    """Whether an image link opened in the lines just above ``blank`` may still be open
    there (``parse.blocks._open_image``'s test over its widest window)."""
    window = "\n".join(lines[max(0, blank - MAX_IMAGE_LINES) : blank])
    opened = window.rfind("![")
    if opened < 0:
        return False
    rest = window[opened:]
    paren = rest.find("](")
    return paren >= 0 and ")" not in rest[paren + 2 :]


def _pieces(body: str) -> Iterator[tuple[int, str, list[str]]]:
    """The body's pieces: each one's first line (0-based), its text and its lines."""
    lines = body.split("\n")
    starts = piece_starts(lines)
    for start, stop in zip(starts, [*starts[1:], len(lines)]):
        part = lines[start:stop]
        yield start, "\n".join(part), part


def _raw(blocks: Iterable[Block]) -> Iterator[Block]:
    """Top-level blocks as the block parser left them: recognised parts unwrapped."""
    for block in blocks:
        if isinstance(block, Footer):
            yield block.rule
            yield from _raw(block.children)
        elif isinstance(block, _PARTS):
            yield from _raw(block.children)
        else:
            yield block


def _flags(dialect: str) -> tuple[bool, bool]:
    """How a dialect's posts are read: as CommonMark, and with nested bold runs."""
    return dialect == "generic", dialect not in UNNESTED_BOLD


def _source_pieces(post: Post) -> dict[str, list[Block]]:
    """The source's pieces that hold no repost note, each with the blocks its parse read."""
    origin = post.origin
    if origin is None:
        return {}
    raw = list(_raw(origin.blocks))
    firsts = [block.lines[0] for block in raw]
    found: dict[str, list[Block]] = {}
    starts = [(start, text) for start, text, _ in _pieces(origin.body)]
    for (start, text), after in zip(starts, [*(first for first, _ in starts[1:]), None]):
        low = bisect_right(firsts, start + origin.body_line - 1)
        high = len(raw) if after is None else bisect_right(firsts, after + origin.body_line - 1)
        blocks = raw[low:high]
        if not any(isinstance(block, Repost) for block in blocks):
            found.setdefault(text, blocks)
    return found


class Summaries:
    """Each block's article text and image sources, found once per block object, and once
    for a block equal to one of ``originals`` (the source's, by type and lines: a rule that
    left a block as it was may still have made a copy of it)."""

    def __init__(self, originals: Iterable[Block] = ()) -> None:
        self._known: dict[int, tuple[Block, str, list[str]]] = {}
        self._originals = {(type(block), block.lines): block for block in _raw(originals)}

    def of(self, block: Block) -> tuple[str, list[str]]:
        """The block's article text (:func:`~wxmigrate.rules.conservation.block_article_text`)
        and its images' sources in order (as :func:`~wxmigrate.model.images` walks them)."""
        known = self._known.get(id(block))
        if known is not None and known[0] is block:
            return known[1], known[2]
        original = self._originals.get((type(block), block.lines))
        if isinstance(block, _PARTS):  # a part shows what its blocks show, in order
            text, sources = self.joined(_raw((block,)))
        elif original is not None and original is not block and original == block:
            text, sources = self.of(original)  # equal blocks (lines aside) show alike
        else:
            text = block_article_text(block)
            sources = [
                inline.src
                for inner in walk_blocks((block,))
                for inline in walk_inlines(block_inlines(inner))
                if isinstance(inline, Image)
            ]
        self._known[id(block)] = (block, text, sources)
        return text, sources

    def joined(self, blocks: Iterable[Block]) -> tuple[str, list[str]]:
        """The article text and image sources of blocks in order."""
        texts: list[str] = []
        sources: list[str] = []
        for block in blocks:
            text, found = self.of(block)
            texts.append(text)
            sources.extend(found)
        return "".join(texts), sources


def _is_repost_note(block: Block) -> bool:
    """Whether the recogniser would take the block for the repost note."""
    if isinstance(block, HtmlBlock):
        return "转" in block.html and read_repost_html(block.html) is not None
    return isinstance(block, Quote) and read_repost_quote(block) is not None


def read_back(
    body: str, front_matter: FrontMatter, body_line: int, repaired: Post, summaries: Summaries
) -> tuple[str, list[str]] | None:
    """The article text and image sources that :func:`~wxmigrate.parse.parse` would read in
    an emitted post (``body``: after ``front_matter``, from file line ``body_line``), parsing
    only the pieces of it the source of ``repaired`` does not hold; None when this cannot be
    sure of it (link reference definitions, a post read as generic, a source read otherwise),
    and the full parse must tell."""
    origin = repaired.origin
    if origin is None or "]:" in body or "]:" in origin.body:
        return None
    dialect = detect(front_matter, body)
    if dialect == "generic":
        return None  # its parts may make it WeChat's, read again otherwise
    commonmark, nested_bold = _flags(dialect)
    known = _source_pieces(repaired) if _flags(repaired.dialect) == (commonmark, nested_bold) else {}
    raw: list[Block] = []
    context = Reading(commonmark=commonmark, inlines=inline_table({}))
    with reading(context):
        for start, text, lines in _pieces(body):
            blocks = known.get(text)
            if blocks is None:
                numbered = [Line(body_line + start + index, line) for index, line in enumerate(lines)]
                blocks = parse_blocks(numbered, nested_bold=nested_bold)
            raw.extend(blocks)
    note = next((index for index, block in enumerate(raw[:HEAD_WINDOW]) if _is_repost_note(block)), None)
    return summaries.joined(block for index, block in enumerate(raw) if index != note)


__all__ = ["Summaries", "piece_starts", "read_back"]
