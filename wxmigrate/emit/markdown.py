"""Model -> Markdown: one render function per node type.

The emitter is faithful: it writes what the model says, damage included
(an unrepaired ``#Title`` comes out as ``#Title``), so that parsing its
output gives back the same model.  Text is escaped just enough that no
character of it is read as markup by a CommonMark engine, nor a line of it
as a GFM table's delimiter row or a definition (``: ``); what other parsers
read besides (kramdown, Python-Markdown, GFM's strikethrough) is escaped by
the engine's own :attr:`Context.escape` and :attr:`Context.escape_line`
(see :mod:`.parsers`).
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..model import (
    CONTAINER_TYPES,
    CONTAINERS,
    Block,
    Code,
    CodeBlock,
    Emphasis,
    Figure,
    Footer,
    HardBreak,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Post,
    Quote,
    RawBlock,
    RawHtml,
    Repost,
    Rule,
    SoftBreak,
    Strong,
    Text,
)
from .inert import TAG_START, inert_html, script_url
from .urls import runs_script

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_START = re.compile(
    r"^(?:(#)|(>)|([-+*])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|(=+|-+)[ \t]*$|(\|)|(~~~)|(:)(?=[ \t]))"
)
#: A line GFM would read as a table's delimiter row (``-- | --``), under a line of cells.
_DELIMITER_ROW = re.compile(r"[ \t]*(?=[^\n]*\|)(?=[^\n]*-)[-|: \t]+$")


_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_SPECIAL = re.compile(r"[\\*`\[\]_<&]")


@functools.lru_cache(maxsize=1024)
def escape_text(text: str) -> str:
    r"""Escape characters CommonMark would read as inline markup.

    ``_`` inside a bare URL is left alone: it cannot open emphasis there, and an
    escaped ``\_\_biz`` would be copied wrongly by readers.  Remembered for the last
    texts: writing a post asks for a block's text escaped for CommonMark and, through
    an engine's own escaping (which starts from this one), again.
    """
    urls = [match.span() for match in _URL.finditer(text)]
    starts = [start for start, _ in urls]

    def in_url(index: int) -> bool:
        found = bisect_right(starts, index) - 1
        return found >= 0 and index < urls[found][1]

    out: list[str] = []
    done = 0
    for special in _SPECIAL.finditer(text):  # only these characters may need escaping: linear, in chunks
        index, char = special.start(), special.group()
        out.append(text[done:index])
        done = index + 1
        if char == "_" and in_url(index):
            out.append(char)
            continue
        if char in "\\*`[]":
            out.append("\\" + char)
        elif char == "_":
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        elif char == "<" and index + 1 < len(text) and re.match(r"[A-Za-z/!?]", text[index + 1]):
            out.append("\\<")
        elif char == "&" and (match := _ENTITY.match(text, index)) and html.unescape(match.group()) != match.group():
            out.append("\\&")
        else:
            out.append(char)
    out.append(text[done:])
    return "".join(out)


def escape_line_start(markdown: str) -> str:
    """Escape a block-level marker at the start of a line of paragraph text.

    A leading ``#`` is escaped even without a space after it: kramdown and other
    lenient parsers read a WeChat hashtag (``#话题#``) as a heading.  A leading
    ``: `` would be a definition for kramdown, goldmark, marked's and
    Python-Markdown's definition lists: it is written ``&#58; ``, as marked reads
    them after rendering, where ``\\:`` is gone.  A line of only dashes, colons and
    pipes would make the line above it a GFM table's header, so its pipes are escaped.
    """
    if _DELIMITER_ROW.match(markdown):
        markdown = markdown.replace("|", "\\|")
    match = _LINE_START.match(markdown)
    if not match:
        return markdown
    if match.group(9) is not None:  # ": " -> "&#58; ": marked's definitions are read after rendering
        return "&#58;" + markdown[1:]
    if match.group(4) is not None:  # "1. " -> "1\. "
        return match.group(4) + "\\" + markdown[len(match.group(4)) :]
    return "\\" + markdown


@attrs.frozen
class Context:
    """What render functions need besides the node: the engine's choices."""

    escape: Callable[[str], str] = escape_text
    renderers: Mapping[type, Callable[[Any, Context], str]] = attrs.field(factory=dict)
    #: Escapes the start of each line of paragraph text (after :attr:`escape`).
    escape_line: Callable[[str], str] = escape_line_start
    #: Whether script is cut out of what is rendered (see :mod:`.inert`): the last line of
    #: defence :func:`~wxmigrate.emit.to_markdown` sets for a post built in code.  A parsed
    #: post is written faithfully; the repair rule ``neutralize_script`` does it there.
    inert: bool = False

    def inlines(self, inlines: tuple[Inline, ...]) -> str:
        return "".join(self.renderers[type(inline)](inline, self) for inline in inlines)

    def block(self, block: Block) -> str:
        return self.renderers[type(block)](block, self)


# --------------------------------------------------------------------------
# Inline renderers


def render_text(node: Text, ctx: Context) -> str:
    return ctx.escape(node.text)


def render_soft_break(node: SoftBreak, ctx: Context) -> str:
    return "\n"


def render_hard_break(node: HardBreak, ctx: Context) -> str:
    return node.markup + "\n"


def render_code(node: Code, ctx: Context) -> str:
    return node.fence + node.text + node.fence


def render_raw_html(node: RawHtml, ctx: Context) -> str:
    """The markup; made inert (see :mod:`.inert`) when the context says so."""
    return inert_html(node.html) if ctx.inert else node.html


def destination(url: str) -> str:
    """A link destination, in angle brackets when it holds spaces or parentheses.

    Liquid tags (``{{ site.baseurl }}``) are expanded before Markdown is read,
    so the spaces inside them do not count.
    """
    outside = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", url)
    if re.search(r"[ <>()]", outside) and "\n" not in url:
        return "<" + re.sub(r"([<>\\])", r"\\\1", url) + ">"
    return url


def _title(title: str | None) -> str:
    if title is None:
        return ""
    return ' "' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'


def escape_alt(alt: str, special: str = "") -> str:
    """Alt text as written between ``![`` and ``]``: backslashes, brackets, the ``special``
    characters and a ``<`` that would open a tag escaped (an engine showing alt text as a
    caption would pass a tag through)."""
    return TAG_START.sub("\\\\<", re.sub(f"([\\\\\\[\\]{re.escape(special)}])", r"\\\1", alt))


def render_image(node: Image, ctx: Context) -> str:
    """The image; in an inert context, an address that runs script is left out (the alt text stays)."""
    src = "" if ctx.inert and script_url(node.src, picture=True) else node.src
    return f"![{escape_alt(node.alt)}]({destination(src)}{_title(node.title)})"


def render_strong(node: Strong, ctx: Context) -> str:
    return node.marker + ctx.inlines(node.children) + node.marker


def render_emphasis(node: Emphasis, ctx: Context) -> str:
    return node.marker + ctx.inlines(node.children) + node.marker


def render_link(node: Link, ctx: Context) -> str:
    """The link; in an inert context, one to script is written as its text."""
    if ctx.inert and runs_script(node.href):
        return ctx.inlines(node.children)
    if (
        node.title is None
        and len(node.children) == 1
        and isinstance(node.children[0], Text)
        and node.children[0].text == node.href
        and re.match(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$", node.href)
    ):
        return f"<{node.href}>"
    return f"[{ctx.inlines(node.children)}]({destination(node.href)}{_title(node.title)})"


# --------------------------------------------------------------------------
# Block renderers (leaf blocks; containers are flattened by ``render_blocks``)


def tidy_edges(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Runs without white space at the edges of their lines.

    CommonMark drops it anyway, except that four leading spaces make a code
    block and two trailing ones a hard break: written out, it would change
    what the post shows.
    """
    out = list(inlines)
    # A line break at either end of a paragraph shows nothing; written out it would not read back.
    while out and (isinstance(out[0], (SoftBreak, HardBreak)) or (isinstance(out[0], Text) and not out[0].text.strip(" \t"))):
        out.pop(0)
    while out and (isinstance(out[-1], (SoftBreak, HardBreak)) or (isinstance(out[-1], Text) and not out[-1].text.strip(" \t"))):
        out.pop()
    for index, inline in enumerate(out):
        if not isinstance(inline, Text):
            continue
        text = inline.text
        if index == 0 or isinstance(out[index - 1], (SoftBreak, HardBreak)):
            text = text.lstrip(" \t")
        if index == len(out) - 1 or isinstance(out[index + 1], (SoftBreak, HardBreak)):
            text = text.rstrip(" \t")
        out[index] = Text(text)
    return tuple(inline for inline in out if not (isinstance(inline, Text) and not inline.text))


def render_paragraph_text(inlines: tuple[Inline, ...], ctx: Context) -> str:
    text = ctx.inlines(tidy_edges(inlines))
    return "\n".join(ctx.escape_line(line) if inlines else line for line in text.split("\n"))


def render_heading(node: Heading, ctx: Context) -> str:
    marks = "#" * node.level
    text = ctx.inlines(tidy_edges(node.children))
    if re.search(r"(?:^|[ \t])#+$", text):
        text = text[:-1] + "\\#"  # a trailing " #" would read as the heading's closing marks
    return marks + (" " if node.spaced else "") + text


def render_paragraph(node: Paragraph, ctx: Context) -> str:
    return render_paragraph_text(node.children, ctx)


def render_figure(node: Figure, ctx: Context) -> str:
    """The image, then its caption on the next line, joined as :attr:`Figure.caption_break`
    says (``attach_captions`` makes it a hard break, so the caption shows under the image)."""
    image = ctx.renderers[Image](node.image, ctx)
    if node.caption:
        return image + node.caption_break + "\n" + render_paragraph_text(node.caption, ctx)
    return image


def render_rule(node: Rule, ctx: Context) -> str:
    return node.markup


def render_code_block(node: CodeBlock, ctx: Context) -> str:
    return f"{node.fence}{node.info}\n{node.text}\n{node.fence}" if node.text else f"{node.fence}{node.info}\n{node.fence}"


def render_html_block(node: HtmlBlock, ctx: Context) -> str:
    return inert_html(node.html) if ctx.inert else node.html


def render_raw_block(node: RawBlock, ctx: Context) -> str:
    return node.text


def render_repost(node: Repost, ctx: Context) -> str:
    """The note as it was written, or (read from another engine's quote) as exporters write it."""
    if node.html:
        return inert_html(node.html) if ctx.inert else node.html
    channel = f"<br>\n来源：{html.escape(node.channel)}" if node.channel else ""
    return f"<blockquote><p>转载：{html.escape(node.via)}{channel}</p></blockquote>"


def render_quote(node: Quote, ctx: Context) -> str:
    inner = render_blocks(node.children, ctx)
    return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))


def render_list(node: ListBlock, ctx: Context) -> str:
    items = []
    for item in node.items:
        inner = render_blocks(item.children, ctx)
        pad = " " * (len(item.marker) + 1)
        lines = inner.split("\n")
        body = "\n".join([lines[0], *((pad + line) if line else "" for line in lines[1:])])
        items.append(f"{item.marker} {body}" if body else item.marker)
    return ("\n\n" if node.loose else "\n").join(items)


def leaves(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks as written (as the block parser left them): containers replaced by what they hold."""
    for block in blocks:
        if type(block) not in CONTAINER_TYPES or isinstance(block, Quote):  # most blocks
            yield block
        elif isinstance(block, Footer):
            yield block.rule
            yield from leaves(block.children)
        elif isinstance(block, CONTAINERS):
            yield from leaves(block.children)


def joint(previous: Block, block: Block) -> str:
    """What goes between two blocks: a line end where ``break_before`` says the block
    continued the line above, a blank line otherwise."""
    joined = getattr(block, "break_before", None)
    # Only a line of a paragraph can continue on the next line; after an
    # HTML block it would be swallowed into the HTML.
    continues = joined is not None and isinstance(previous, (Paragraph, Figure, Heading)) and not (
        isinstance(previous, Heading) and previous.spaced
    )
    return f"{joined}\n" if continues else "\n\n"


def render_blocks(blocks: tuple[Block, ...], ctx: Context) -> str:
    """Blocks joined as the source joined them (see :func:`joint`)."""
    out: list[str] = []
    previous: Block | None = None
    for block in leaves(blocks):
        if previous is not None:
            out.append(joint(previous, block))
        out.append(ctx.block(block))
        previous = block
    return "".join(out)


def render_front_matter(post: Post) -> str:
    front = post.front_matter
    if not front.present:
        return ""
    raw = front.raw if not front.raw or front.raw.endswith("\n") else front.raw + "\n"
    return f"{front.fence}\n{raw}{front.fence}\n"


DEFAULT_RENDERERS: Mapping[type, Callable[[Any, Context], str]] = MappingProxyType(
    {
        Text: render_text,
        SoftBreak: render_soft_break,
        HardBreak: render_hard_break,
        Code: render_code,
        RawHtml: render_raw_html,
        Image: render_image,
        Strong: render_strong,
        Emphasis: render_emphasis,
        Link: render_link,
        Heading: render_heading,
        Paragraph: render_paragraph,
        Figure: render_figure,
        Rule: render_rule,
        CodeBlock: render_code_block,
        HtmlBlock: render_html_block,
        RawBlock: render_raw_block,
        Repost: render_repost,
        Quote: render_quote,
        ListBlock: render_list,
    }
)
