"""The output check without a second full parse: what parsing the emitted post would read.

Before a repaired post is written, its emitted Markdown must read back to the
repaired model's article text and images (``migrate._check_output``).  Parsing
the whole output again to learn that cost as much as the first parse.  But a
parse's article text and images are its top-level blocks' own, joined in order,
whatever structure is recognised around them, and the output is mostly the
source's own text: :func:`read_back` cuts the output's body where the block
parser starts afresh (:func:`piece_starts`), takes each piece that stands word
for word in the source from the source's parse, and parses only the other
pieces.  :func:`conserved` then compares only the blocks that differ from the
repaired model's: where the blocks read back and the model's show alike one for
one, their text is the same without being looked at.

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

from .emit.markdown import leaves
from .model import (
    CONTAINERS,
    Block,
    Figure,
    FrontMatter,
    Heading,
    HtmlBlock,
    Image,
    Paragraph,
    Post,
    Quote,
    Repost,
    block_inlines,
    walk_blocks,
    walk_inlines,
)
from .guard import LONG_BLOCK
from .parse.blocks import Line, _open_image, is_blank, parse_blocks, split_lines
from .parse.dialects import UNNESTED_BOLD, detect
from .parse.inline import MAX_IMAGE_LINES
from .parse.reading import Reading, inline_table, reading
from .parse.structure import HEAD_WINDOW, read_repost_html, read_repost_quote
from .rules.conservation import block_article_text

#: Parts the recogniser wraps around top-level blocks (a quote is the parser's own).
_PARTS = tuple(kind for kind in CONTAINERS if kind is not Quote)
#: Blocks whose article text and images are their runs' (:func:`~wxmigrate.model.block_inlines`).
_LEAVES = (Paragraph, Heading, Figure)
#: How a line that opens a piece may not start: indented (a list item's or an indented code
#: block's continuation), or with what may be a list item's marker (``\\d``, as the parser's:
#: any decimal digit).
_NOT_FRESH = re.compile(r"[ \t]|[-+*](?:[ \t\n]|$)|\d+[.)]")


def piece_starts(text: str) -> list[tuple[int, int]]:
    """Where :func:`~wxmigrate.parse.blocks.parse_blocks` surely starts afresh in ``text``: each
    place's line (0-based) and offset, the text's first line first.  Those are the unindented
    lines with no list item's marker after a blank line, while nothing before may open a block
    that runs on over blank lines.

    At such a line every block above has stopped: a paragraph, a quote, an HTML block of the
    kinds a blank line ends and a table stop at the blank line; a list and an indented code
    block stop at an unindented line that is no list item.  A fenced code block, an HTML block
    only its end closes (``<script``, ``<pre``, ``<!--``…) and a paragraph whose image link is
    still open run on over blank lines: no line is cut after anything that may open the first
    two (:data:`~wxmigrate.guard.LONG_BLOCK`, looked for anywhere), nor at a blank line that
    an image link opened within the lines above may still be open at (the parser's own
    test, over the widest window it may look at).
    """
    opening = LONG_BLOCK.search(text)
    last = text.rfind("\n", 0, opening.start()) + 1 if opening else len(text)
    images = [found.start() for found in _IMAGE_OPENING.finditer(text, 0, last)]
    starts = [(0, 0)]
    line = position = 0
    for match in _AFTER_BLANK.finditer(text):
        cut = match.end()
        if cut > last:
            break
        if _NOT_FRESH.match(text, cut) or _image_open(text, match.start(), images):
            continue
        line += text.count("\n", position, cut)
        position = cut
        starts.append((line, cut))
    return starts


#: A blank line (as the block parser counts one) before a line that is not.
_AFTER_BLANK = re.compile(r"^[ \t\u00a0\u3000]*\n(?=[ \t\u00a0\u3000]*[^ \t\u00a0\u3000\n])", re.MULTILINE)
_IMAGE_OPENING = re.compile(r"!\[")


def _image_open(text: str, blank: int, images: list[int]) -> bool:
    """Whether an image link opened in the lines above the blank line at offset ``blank`` may
    still be open there: the parser's test over the most lines it looks back at (``images``:
    where the text's ``![`` stand)."""
    before = bisect_right(images, blank) - 1
    if before < 0 or text.count("\n", images[before], blank) > MAX_IMAGE_LINES:
        return False  # no ``![`` in the lines the parser would look at
    end = blank - 1
    begin = end
    for _ in range(MAX_IMAGE_LINES):
        if begin < 0:
            break
        begin = text.rfind("\n", 0, begin)
    window = text[begin + 1 : end] if end > 0 else ""
    return _open_image([Line(0, window)], 0, 1)


def _pieces(body: str) -> Iterator[tuple[int, str]]:
    """The body's pieces: each one's first line (0-based) and its text (its lines, joined)."""
    starts = piece_starts(body)
    ends = [offset - 1 for _, offset in starts[1:]] + [len(body)]
    for (line, offset), end in zip(starts, ends):
        yield line, body[offset:end]


def _flags(dialect: str) -> tuple[bool, bool]:
    """How a dialect's posts are read: as CommonMark, and with nested bold runs."""
    return dialect == "generic", dialect not in UNNESTED_BOLD


def _source_pieces(post: Post) -> dict[str, list[Block]]:
    """The source's pieces that hold no repost note, each with the blocks its parse read."""
    origin = post.origin
    if origin is None:
        return {}
    raw = list(leaves(origin.blocks))
    firsts = [block.lines[0] for block in raw]
    found: dict[str, list[Block]] = {}
    starts = list(_pieces(origin.body))
    for (start, text), after in zip(starts, [*(first for first, _ in starts[1:]), None]):
        low = bisect_right(firsts, start + origin.body_line - 1)
        high = len(raw) if after is None else bisect_right(firsts, after + origin.body_line - 1)
        blocks = raw[low:high]
        if not any(isinstance(block, Repost) for block in blocks):
            found.setdefault(text, blocks)
    return found


class Summaries:
    """Each block's article text and image sources, found once per block object."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Block, str, list[str]]] = {}

    def of(self, block: Block) -> tuple[str, list[str]]:
        """The block's article text (:func:`~wxmigrate.rules.conservation.block_article_text`)
        and its images' sources in order (as :func:`~wxmigrate.model.images` walks them)."""
        known = self._known.get(id(block))
        if known is not None and known[0] is block:
            return known[1], known[2]
        if isinstance(block, _PARTS):  # a part shows what its blocks show, in order
            text, sources = self.joined(leaves((block,)))
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


def _shows_alike(block: Block, other: Block) -> bool:
    """Whether two blocks surely have the same article text and images: the same, equal
    (lines aside), or leaves of one kind holding equal runs (all a leaf's text and images are
    in them, however it joins the line above)."""
    if block is other:
        return True
    if type(block) in _LEAVES and type(other) is type(block):
        return block_inlines(block) == block_inlines(other)
    return block == other


#: How many blocks :func:`_unlike` looks ahead, in both sequences together, to find them alike again.
_LOOK_AHEAD = 8


def _unlike(read: Sequence[Block], written: Sequence[Block]) -> list[tuple[Sequence[Block], Sequence[Block]]] | None:
    """The two sequences of blocks cut into stretches alike, block for block
    (:func:`_shows_alike`), and the pairs of stretches between them, which are returned; None
    when they cannot be brought alike again within :data:`_LOOK_AHEAD` blocks."""
    pairs: list[tuple[Sequence[Block], Sequence[Block]]] = []
    here = there = 0
    while here < len(read) and there < len(written):
        if _shows_alike(read[here], written[there]):
            here, there = here + 1, there + 1
            continue
        again = next(
            (
                (here + ahead, there + distance - ahead)
                for distance in range(1, _LOOK_AHEAD + 1)
                for ahead in range(distance + 1)
                if here + ahead < len(read)
                and there + distance - ahead < len(written)
                and _shows_alike(read[here + ahead], written[there + distance - ahead])
            ),
            None,
        )
        if again is None:
            return None
        pairs.append((read[here : again[0]], written[there : again[1]]))
        here, there = again
    pairs.append((read[here:], written[there:]))
    return pairs


def conserved(read: Iterable[Block], repaired: Post) -> tuple[bool, bool]:
    """Whether top-level blocks ``read`` back from an emitted post (their parts unwrapped or
    not, a repost note left out or made a :class:`~wxmigrate.model.Repost`) hold the article
    text of ``repaired``, and whether they hold its images, in order.

    Both are their blocks' texts and images joined, so where the blocks show alike one for
    one (:func:`_shows_alike`), nothing is compared: only the stretches between.  When each
    pair of those has the same text and images, both are kept; otherwise the texts and the
    images of all the blocks are joined and compared.
    """
    blocks = list(leaves(read))
    written = list(leaves(repaired.blocks))
    summaries = Summaries()
    pairs = _unlike(blocks, written)
    if pairs is not None and all(summaries.joined(mine) == summaries.joined(theirs) for mine, theirs in pairs):
        return True, True
    text, sources = summaries.joined(blocks)
    expected_text, expected_sources = summaries.joined(written)
    return text == expected_text, sources == expected_sources


def _is_repost_note(block: Block) -> bool:
    """Whether the recogniser would take the block for the repost note."""
    if isinstance(block, HtmlBlock):
        return "转" in block.html and read_repost_html(block.html) is not None
    return isinstance(block, Quote) and read_repost_quote(block) is not None


def read_back(body: str, front_matter: FrontMatter, body_line: int, repaired: Post) -> list[Block] | None:
    """The top-level blocks of an emitted post (``body``: after ``front_matter``, from file
    line ``body_line``) whose article text and images :func:`~wxmigrate.parse.parse` would
    read, in order, parsing only the pieces of it the source of ``repaired`` does not hold;
    None when this cannot be sure of them (link reference definitions, a post read as generic),
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
        for start, text in _pieces(body):
            blocks = known.get(text)
            if blocks is None:
                blocks = parse_blocks(split_lines(text, body_line + start), nested_bold=nested_bold)
            raw.extend(blocks)
    note = next((index for index, block in enumerate(raw[:HEAD_WINDOW]) if _is_repost_note(block)), None)
    return [block for index, block in enumerate(raw) if index != note]


__all__ = ["Summaries", "conserved", "piece_starts", "read_back"]
