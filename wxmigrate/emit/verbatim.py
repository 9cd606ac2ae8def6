"""Writing back what no rule changed, byte for byte.

A parsed post keeps its :class:`~wxmigrate.model.Origin`: the source text and
the blocks as parsed.  When the post is written, each top-level block (cards
and footers taken apart, as :func:`.markdown.leaves` does) that still says
what the block parsed from the same lines said is written as those source
lines, and a run of such blocks that were neighbours in the source is written
with everything between them (blank lines, spacing) as it stood.  Only blocks
a rule changed, or made, are rendered from the model.

So an unchanged post comes out byte-identical, whatever the parser made of
it, and a repaired one differs from its source only where a rule acted.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

import attrs

from ..model import Block, Lines, Origin, Post
from .markdown import Context, joint, leaves, render_blocks


@attrs.frozen
class Body:
    """A post's body as written."""

    text: str
    #: Whether it opens with the source's own first block (and the lines before it).
    opens_as_source: bool = False
    #: Whether it ends with the source's own last block (and the lines after it).
    ends_as_source: bool = False


def _lines(block: Block) -> Lines:
    lines: Lines = getattr(block, "lines", (0, 0))
    return lines


def _content(block: Block) -> Iterator[object]:
    for field in attrs.fields(type(block)):
        if field.eq and field.name != "break_before":
            yield getattr(block, field.name)


def _same_content(block: Block, original: Block) -> bool:
    """Whether a block says what the parsed one said (how it joins the line above aside)."""
    return block is original or (
        type(block) is type(original) and all(a == b for a, b in zip(_content(block), _content(original)))
    )


class _Writer:
    """Pieces of a body: source lines where a block is as parsed, renderings elsewhere."""

    def __init__(self, origin: Origin, ctx: Context, *, as_joined: bool) -> None:
        self.origin = origin
        self.ctx = ctx
        #: Whether neighbours in the source are written with what stood between them.
        self.as_joined = as_joined
        self.originals = list(leaves(origin.blocks))
        self.by_lines: dict[tuple[type, Lines], int] = {}
        for index, block in enumerate(self.originals):
            if _lines(block)[0] > 0:
                self.by_lines.setdefault((type(block), _lines(block)), index)
        #: The originals by the line they end on, to find the one above a line.
        self.end_order = sorted(
            (index for index, block in enumerate(self.originals) if _lines(block)[0] > 0),
            key=lambda index: _lines(self.originals[index])[1],
        )
        self.ends = [_lines(self.originals[index])[1] for index in self.end_order]
        self.out: list[str] = []
        #: The last block written, and its index among the originals when written as source.
        self.previous: Block | None = None
        self.previous_index: int | None = None
        self.first_index: int | None = None

    def source_index(self, block: Block, keep: Callable[[Block], bool]) -> int | None:
        """The block's index among the originals when it can be written as its source."""
        index = self.by_lines.get((type(block), _lines(block)))
        if index is None or not _same_content(block, self.originals[index]) or not keep(block):
            return None
        return index

    def add(self, block: Block, index: int | None) -> None:
        if (
            self.as_joined
            and index is not None
            and self.previous_index is not None
            and index == self.previous_index + 1
            and block == self.originals[index]
        ):
            # The source's next block, joined as it was: the lines between come as they stand.
            start = _lines(self.originals[self.previous_index])[1] + 1
            self.out.append("\n" + self.origin.body_lines(start, _lines(block)[1]))
        else:
            if self.previous is None:
                self.first_index = index
            else:
                if self.previous_index is not None:
                    self.out[-1] = self._without_break(self.out[-1], self.previous_index)
                self.out.append(joint(self.previous, block) if self._follows_its_line(block) else "\n\n")
            self.out.append(self.origin.body_lines(*_lines(block)) if index is not None else self.ctx.block(block))
        self.previous, self.previous_index = block, index

    def _follows_its_line(self, block: Block) -> bool:
        """Whether the block may continue the line written last, as its ``break_before``
        says.  When the source line it continued is gone, it may only if that line
        continued the one above it in turn (back to what was written): a line that
        followed a blank line and was removed leaves the next one opening a paragraph."""
        first = _lines(block)[0]
        if first <= 0 or self.previous is None or getattr(block, "break_before", None) is None:
            return True
        written = _lines(self.previous)
        while True:
            position = bisect.bisect_left(self.ends, first) - 1
            if position < 0:
                return True
            above = self.originals[self.end_order[position]]
            lines = _lines(above)
            if written[0] <= lines[1] and lines[0] <= written[1]:
                return True
            if getattr(above, "break_before", None) is None:
                return False
            first = lines[0]

    def _without_break(self, text: str, index: int) -> str:
        """A source block's text without the hard-break markup at its end that belonged to
        how the next source block joined it (the joint written after it says it anew)."""
        if index + 1 >= len(self.originals):
            return text
        following = getattr(self.originals[index + 1], "break_before", None)
        if following == "\\" and text.endswith("\\"):
            return text[:-1]
        if following and not following.strip(" \t"):
            return text.rstrip(" \t")
        return text

    def body(self) -> Body:
        if self.previous is None:
            return Body("")
        origin, originals = self.origin, self.originals
        text = "".join(self.out)
        opens = self.first_index == 0
        ends = self.previous_index == len(originals) - 1
        if opens:
            before = origin.lines[: _lines(originals[0])[0] - origin.body_line]
            text = "".join(line + "\n" for line in before) + text
        if ends:
            after = origin.lines[_lines(originals[-1])[1] - origin.body_line + 1 :]
            text += "".join("\n" + line for line in after)
        return Body(text, opens, ends)


def render_body(post: Post, ctx: Context, *, reads_otherwise: Callable[[Block, str], bool] | None = None) -> Body:
    """The post's blocks as Markdown, unchanged blocks as their source lines.

    ``reads_otherwise`` says of a block and its source text whether the engine written
    for reads that text otherwise than the source meant it; such a block is rendered anew.
    """
    origin = post.origin
    if origin is None:
        return Body(render_blocks(post.blocks, ctx))

    def keep(block: Block) -> bool:
        return reads_otherwise is None or not reads_otherwise(block, origin.body_lines(*_lines(block)))

    blocks = list(leaves(post.blocks))
    writer = _Writer(origin, ctx, as_joined=True)
    indexes = [writer.source_index(block, keep) for block in blocks]
    if not post.generic and (indexes != list(range(len(writer.originals))) or blocks != writer.originals):
        # An exporter's post repaired: every joint written anew, a blank line between
        # blocks (kramdown reads a ``***`` right under a paragraph line as text).
        writer.as_joined = False
    for block, index in zip(blocks, indexes):
        writer.add(block, index)
    return writer.body()


def claimed_lines(post: Post) -> list[Lines]:
    """Source lines of the blocks the post no longer holds as parsed: changed, joined
    otherwise, moved or removed (by a rule, or by an engine's :attr:`~.Engine.prepare`)."""
    origin = post.origin
    if origin is None:
        return []
    now = {(type(block), _lines(block)): block for block in leaves(post.blocks)}
    claimed = []
    for block in leaves(origin.blocks):
        lines = _lines(block)
        held = now.get((type(block), lines))
        if held is not block and held != block:  # most are the very block: no field compared
            claimed.append(lines)
    return claimed


def head_as_source(post: Post) -> str | None:
    """The file's text before the body, as written, when the front matter is unchanged."""
    origin = post.origin
    if origin is not None and post.front_matter is origin.front_matter and origin.head:
        return origin.head
    return None
