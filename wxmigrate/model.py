"""The post model: frozen attrs classes for everything an exported WeChat post holds.

A :class:`Post` is front matter plus structured parts (repost note, account
card, original-source card, provenance, credits, footer) and a body of
blocks.  Blocks hold inline runs.  Everything is frozen; edit with
``attrs.evolve``.

The model is *faithful*: damage found in the source (a heading without a
space, an image path split over lines, an empty bold run) is represented,
not silently fixed, so that emitting an unrepaired model gives back the same
Markdown.  Repair rules (:mod:`wxmigrate.rules`) are what change it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar, Union

from attrs import field, frozen

# --------------------------------------------------------------------------
# Inline runs


@frozen
class Text:
    """Plain text, with Markdown escapes already removed."""

    text: str


@frozen
class SoftBreak:
    """A line ending inside a paragraph (the source had no blank line here)."""


@frozen
class HardBreak:
    """A forced line break (two trailing spaces or a backslash in the source)."""

    markup: str = "  "


@frozen
class Code:
    """Inline code; never touched by any rule."""

    text: str
    fence: str = "`"


@frozen
class RawHtml:
    """Inline raw HTML, kept verbatim."""

    html: str


@frozen
class Image:
    """An image reference.  ``src`` is kept exactly as written (it may hold
    newlines or backslashes when the exporter damaged it)."""

    src: str
    alt: str = ""
    title: str | None = None


@frozen
class Strong:
    """A bold run.  May be empty when the exporter left stray ``****``."""

    children: tuple[Inline, ...] = ()
    #: How the source wrote it (``**``, or ``__`` by an author); both mean the same.
    marker: str = field(default="**", eq=False)


@frozen
class Emphasis:
    """An italic run."""

    children: tuple[Inline, ...] = ()
    marker: str = "*"


@frozen
class Link:
    """A hyperlink."""

    children: tuple[Inline, ...]
    href: str
    title: str | None = None


Inline = Union[Text, SoftBreak, HardBreak, Code, RawHtml, Image, Strong, Emphasis, Link]

# --------------------------------------------------------------------------
# Blocks.  ``lines`` is the 1-based, inclusive source line range (0, 0 when a
# block was made by a repair rule and has no source).

Lines = tuple[int, int]
NO_LINES: Lines = (0, 0)


@frozen
class Heading:
    """An ATX heading.  ``spaced`` is False for ``#Title`` (no space after ``#``)."""

    level: int
    children: tuple[Inline, ...]
    lines: Lines = field(default=NO_LINES, eq=False)
    spaced: bool = True
    break_before: str | None = None


@frozen
class Paragraph:
    """One line of a paragraph, or a whole paragraph.

    Exporters write each paragraph of the article as a single line and put no
    blank line between them, so CommonMark reads the whole article as one
    paragraph.  The parser keeps each such line as its own block and records in
    ``break_before`` how it was joined to the line above: ``None`` when a blank
    line (or another kind of block) came first, ``""`` for a plain line end,
    ``"  "`` or ``"\\"`` for a hard break.  ``SoftBreak`` inside ``children``
    only appears where a bold run spans a line end.
    """

    children: tuple[Inline, ...]
    lines: Lines = field(default=NO_LINES, eq=False)
    break_before: str | None = None


@frozen
class Figure:
    """An image standing on its own, with an optional caption (``▲ …``)."""

    image: Image
    caption: tuple[Inline, ...] = ()
    lines: Lines = field(default=NO_LINES, eq=False)
    break_before: str | None = None
    #: How the caption's line joins the image's: ``""`` (a plain line end, so the caption
    #: flows beside a narrow picture), ``"  "`` or ``"\\"`` (a hard break: under it).
    caption_break: str = "  "


@frozen
class Rule:
    """A thematic break (``***``, ``---``); how it was written is not part of what it is."""

    markup: str = field(default="***", eq=False)
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class CodeBlock:
    """A fenced code block, kept verbatim: no rule ever touches it."""

    text: str
    info: str = ""
    fence: str = "```"
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class HtmlBlock:
    """A block of raw HTML, kept verbatim."""

    html: str
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class RawBlock:
    """Markdown the model does not take apart (tables, reference definitions,
    indented code), kept verbatim.  Only ``restore_escaped_bold_in_tables``
    edits a table's rows."""

    text: str
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class ListItem:
    """One list item: its marker (``-``, ``1.``) and its blocks."""

    marker: str
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class ListBlock:
    """A bullet or ordered list."""

    items: tuple[ListItem, ...]
    lines: Lines = field(default=NO_LINES, eq=False)
    #: Blank lines between the items (CommonMark then wraps each item in ``<p>``).
    loose: bool = False


@frozen
class Quote:
    """A block quote (``> …``) holding other blocks."""

    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


# -- Structured parts.  Each is a block that wraps the source blocks it was
# recognised in (``children``), so no character is lost and rules still reach
# the markup inside, plus the fields read out of it.


@frozen
class Repost:
    """The repost note ``<blockquote><p>转载：VIA<br>来源：CHANNEL</p></blockquote>``.

    ``via`` is the account the post was reposted from; when the exporter wrote a
    title fragment there, the parser puts the account card's name in ``via``
    and keeps what was written in ``written_via``.
    """

    via: str
    channel: str
    html: str
    written_via: str
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class AccountCard:
    """The reposting account's card: ``[X]``, ``**X**``, ``微信号…``, ``功能介绍…``."""

    name: str
    wechat_id: str | None
    intro: str | None
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class OriginalCard:
    """The original-source card: ``以下文章来源于X，作者Y``, avatar, ``**X**.``, intro."""

    name: str
    author: str | None
    avatar: str | None
    intro: str | None
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class Provenance:
    """A provenance line: ``（转自X）`` or ``（来源：X）``."""

    name: str
    kind: str
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class Credits:
    """Editorial credits such as ``(审核:A责编:B编辑:C校对:D)``, roles in order."""

    roles: tuple[tuple[str, str], ...]
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)

    def as_dict(self) -> dict[str, str]:
        return dict(self.roles)


@frozen
class Byline:
    """The line under the title naming author, account and date.

    ``原创 作者 公众号 2025-07-22 01:01`` (feed archives), ``Original 作者 *2025年10月30日 13:56*``
    (web clippings).  ``original`` is True when it says 原创/Original.
    """

    author: str | None
    account: str | None
    date: str | None
    original: bool
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class OriginalLink:
    """A line giving the article's original address: ``> **原文链接**: URL``, ``原文：URL``."""

    url: str
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class Cruft:
    """WeChat UI text that is not part of the article.

    ``kind`` says what it is: ``follow-prompt`` (点击上方蓝字关注…),
    ``scan-prompt`` (扫描二维码关注…), ``share-prompt`` (点分享/点点赞/点在看).
    """

    kind: str
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


@frozen
class Footer:
    """The account boilerplate after the closing rule (``***``): text and QR codes."""

    rule: Rule
    children: tuple[Block, ...]
    lines: Lines = field(default=NO_LINES, eq=False)


Block = Union[
    Heading,
    Paragraph,
    Figure,
    Rule,
    CodeBlock,
    HtmlBlock,
    RawBlock,
    ListBlock,
    Quote,
    Repost,
    AccountCard,
    OriginalCard,
    Provenance,
    Credits,
    Byline,
    OriginalLink,
    Cruft,
    Footer,
]

#: Blocks that wrap other blocks in ``children``.
CONTAINERS = (Quote, AccountCard, OriginalCard, Provenance, Credits, Byline, OriginalLink, Cruft, Footer)
#: :data:`CONTAINERS` as a set.  No class of the model is subclassed, so ``type(block) in
#: CONTAINER_TYPES`` says what ``isinstance(block, CONTAINERS)`` says, in one look-up where
#: ``isinstance`` tries the nine classes in turn (the walks below ask it of every block).
CONTAINER_TYPES = frozenset(CONTAINERS)
#: The blocks that hold blocks: the containers and lists.
NESTING_BLOCKS = CONTAINER_TYPES | {ListBlock}


@frozen
class FrontMatter:
    """The YAML front matter.

    ``raw`` is the text between the fences, kept so that writing back a value
    changes one line and nothing else; ``data`` is what YAML made of it, keys
    in source order.
    """

    raw: str = ""
    data: dict[str, Any] = field(factory=dict, eq=False, hash=False)
    fence: str = "---"
    present: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


@frozen
class Finding:
    """Something the parser or a rule noticed, located by line."""

    code: str
    line: int
    message: str


@frozen
class Meta:
    """What the post says about itself, wherever it says it (front matter,
    byline, cards, links), read the way the post's exporter writes it."""

    author: str | None = None
    #: The account that published the article.
    account: str | None = None
    #: ISO 8601.
    date: str | None = None
    #: The article's address on WeChat (or wherever it was first published).
    original_url: str | None = None


@frozen(eq=False)
class Origin:
    """What a post was parsed from, so that what no rule changed is written back
    byte for byte (see :mod:`wxmigrate.emit.verbatim`).

    ``blocks`` are the blocks as the parser made them; a block of the repaired
    post that still equals the one parsed from the same lines is written as its
    source lines, not from the model.
    """

    #: The file's text before the body (the front matter with its fences), newlines as ``\n``.
    head: str
    #: The body's text, newlines as ``\n``.
    body: str
    #: 1-based file line of the body's first line.
    body_line: int
    front_matter: FrontMatter
    blocks: tuple[Block, ...]
    #: The engine whose reader the source was written for (``plain``: CommonMark).
    engine: str = "plain"

    lines: tuple[str, ...] = field(init=False, repr=False)

    @lines.default
    def _split_body(self) -> tuple[str, ...]:
        return tuple(self.body.split("\n"))

    def body_lines(self, first: int, last: int) -> str:
        """File lines ``first`` to ``last`` (inclusive) of the body, as written."""
        return "\n".join(self.lines[first - self.body_line : last - self.body_line + 1])


@frozen
class Post:
    """One exported post: front matter, then blocks in source order."""

    front_matter: FrontMatter = field(factory=FrontMatter)
    blocks: tuple[Block, ...] = ()
    #: The best title known: the front matter's, or the recovered full title.
    title: str = ""
    #: Which exporter wrote the post (see :mod:`wxmigrate.parse.dialects`).
    dialect: str = field(default="generic", eq=False)
    meta: Meta = field(factory=Meta, eq=False)
    findings: tuple[Finding, ...] = field(default=(), eq=False)
    #: Where the post came from (a file path or ``<string>``).
    path: str = field(default="<string>", eq=False)
    #: The source's newline (``\n`` or ``\r\n``), kept when writing.
    newline: str = field(default="\n", eq=False)
    #: What the post was parsed from (None for a post built in code).
    origin: Origin | None = field(default=None, eq=False, repr=False)

    # -- the structured parts, found among the blocks

    def _first(self, kind: type[_B]) -> _B | None:
        for block in walk_blocks(self.blocks):
            if isinstance(block, kind):
                return block
        return None

    @property
    def repost(self) -> Repost | None:
        return self._first(Repost)

    @property
    def account(self) -> AccountCard | None:
        return self._first(AccountCard)

    @property
    def original(self) -> OriginalCard | None:
        return self._first(OriginalCard)

    @property
    def provenance(self) -> Provenance | None:
        return self._first(Provenance)

    @property
    def credits(self) -> Credits | None:
        return self._first(Credits)

    @property
    def footer(self) -> Footer | None:
        return self._first(Footer)

    @property
    def generic(self) -> bool:
        """Whether no known exporter wrote the post (dialect ``generic``): only repairs
        that cannot mistake valid Markdown for damage apply to it."""
        return self.dialect == "generic"

    @property
    def front_matter_title(self) -> str:
        value = self.front_matter.get("title")
        return "" if value is None else str(value)


_B = TypeVar("_B")


def walk_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Yield every block, depth first, containers before their children."""
    for block in blocks:
        yield block
        if type(block) in NESTING_BLOCKS:  # most blocks are leaves: one look-up says so
            if isinstance(block, ListBlock):
                for item in block.items:
                    yield from walk_blocks(item.children)
            elif isinstance(block, CONTAINERS):
                yield from walk_blocks(block.children)


#: The inline runs that hold runs (a set, for the reason of :data:`CONTAINER_TYPES`).
NESTING_INLINES = frozenset({Strong, Emphasis, Link})


def walk_inlines(inlines: Iterable[Inline]) -> Iterator[Inline]:
    """Yield every inline run, depth first."""
    for inline in inlines:
        yield inline
        if type(inline) in NESTING_INLINES and isinstance(inline, (Strong, Emphasis, Link)):
            yield from walk_inlines(inline.children)


def is_blank_run(inlines: Iterable[Inline]) -> bool:
    """Whether runs show nothing: no text but white space, no image, code, link or HTML."""
    for inline in inlines:
        if isinstance(inline, (Text, Code)) and inline.text.strip():
            return False
        if isinstance(inline, (Image, RawHtml, Link)):
            return False
        if isinstance(inline, (Strong, Emphasis)) and not is_blank_run(inline.children):
            return False
    return True


def block_inlines(block: Block) -> tuple[Inline, ...]:
    """The inline runs a leaf block holds directly (images of figures included)."""
    if isinstance(block, (Heading, Paragraph)):
        return block.children
    if isinstance(block, Figure):
        return (block.image, *block.caption)
    return ()


def inline_lines(block: Block) -> Iterator[tuple[Inline, int]]:
    """Each top-level inline run of a leaf block with the source line it starts on."""
    line = block.lines[0]
    for inline in block_inlines(block):
        yield inline, line
        line += newline_count(inline)


def newline_count(inline: Inline) -> int:
    """How many source lines an inline run spans beyond its first."""
    if isinstance(inline, (SoftBreak, HardBreak)):
        return 1
    if isinstance(inline, Image):
        return inline.src.count("\n") + inline.alt.count("\n") + (inline.title or "").count("\n")
    if isinstance(inline, RawHtml):
        return inline.html.count("\n")
    if isinstance(inline, (Text, Code)):
        return inline.text.count("\n")
    return sum(newline_count(child) for child in inline.children)


#: The inline runs that are or may hold an image.
_MAY_HOLD_IMAGES = NESTING_INLINES | {Image}


def images(post: Post) -> Iterator[tuple[Image, int]]:
    """Every image of the post with the source line it starts on, in source order.

    An image's line is that of the top-level run holding it; the lines of a
    block's runs are counted only up to its last image, as most blocks hold none.
    """
    for block in walk_blocks(post.blocks):
        line, counted = block.lines[0], 0
        inlines = block_inlines(block)
        for index, inline in enumerate(inlines):
            if type(inline) not in _MAY_HOLD_IMAGES:  # text, a line end, code, HTML: most runs
                continue
            for inner in walk_inlines((inline,)):
                if isinstance(inner, Image):
                    line += sum(newline_count(before) for before in inlines[counted:index])
                    counted = index
                    yield inner, line


__all__ = [
    "CONTAINERS",
    "NO_LINES",
    "Origin",
    "AccountCard",
    "Block",
    "Byline",
    "Code",
    "CodeBlock",
    "Credits",
    "Cruft",
    "Emphasis",
    "Figure",
    "Finding",
    "Footer",
    "FrontMatter",
    "HardBreak",
    "Heading",
    "HtmlBlock",
    "Image",
    "Inline",
    "Lines",
    "Link",
    "ListBlock",
    "ListItem",
    "Meta",
    "OriginalCard",
    "OriginalLink",
    "Paragraph",
    "Post",
    "Provenance",
    "Quote",
    "RawBlock",
    "RawHtml",
    "Repost",
    "Rule",
    "SoftBreak",
    "Strong",
    "Text",
    "block_inlines",
    "images",
    "inline_lines",
    "newline_count",
    "is_blank_run",
    "walk_blocks",
    "walk_inlines",
]
