"""Model -> Markdown: one render function per node type.

The emitter is faithful: it writes what the model says, damage included
(an unrepaired ``#Title`` comes out as ``#Title``), so that parsing its
output gives back the same model.  Text is escaped just enough that no
character of it is read as markup by a CommonMark engine (or by kramdown,
which also reads ``|`` at a line start as a table).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..model import (
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

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_START = re.compile(
    r"^(?:(#)|(>)|([-+*])(?=[ \t]|$)|(\d{1,9})([.)])(?=[ \t]|$)|(=+|-+)[ \t]*$|(\|)|(~~~))"
)


_URL = re.compile(r"https?://[^\s<>()\[\]]+")


def escape_text(text: str) -> str:
    r"""Escape characters CommonMark would read as inline markup.

    ``_`` inside a bare URL is left alone: it cannot open emphasis there, and an
    escaped ``\_\_biz`` would be copied wrongly by readers.
    """
    in_url = {index for match in _URL.finditer(text) for index in range(match.start(), match.end())}
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "_" and index in in_url:
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
    return "".join(out)


def escape_line_start(markdown: str) -> str:
    """Escape a block-level marker at the start of a line of paragraph text.

    A leading ``#`` is escaped even without a space after it: kramdown and other
    lenient parsers read a WeChat hashtag (``#话题#``) as a heading.
    """
    match = _LINE_START.match(markdown)
    if not match:
        return markdown
    if match.group(4) is not None:  # "1. " -> "1\. "
        return match.group(4) + "\\" + markdown[len(match.group(4)) :]
    return "\\" + markdown


@attrs.frozen
class Context:
    """What render functions need besides the node: the engine's choices."""

    escape: Callable[[str], str] = escape_text
    renderers: Mapping[type, Callable[[Any, Context], str]] = attrs.field(factory=dict)

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
    return node.html


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


def render_image(node: Image, ctx: Context) -> str:
    alt = node.alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({destination(node.src)}{_title(node.title)})"


def render_strong(node: Strong, ctx: Context) -> str:
    return "**" + ctx.inlines(node.children) + "**"


def render_emphasis(node: Emphasis, ctx: Context) -> str:
    return node.marker + ctx.inlines(node.children) + node.marker


def render_link(node: Link, ctx: Context) -> str:
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
    return "\n".join(escape_line_start(line) if inlines else line for line in text.split("\n"))


def render_heading(node: Heading, ctx: Context) -> str:
    marks = "#" * node.level
    text = ctx.inlines(tidy_edges(node.children))
    if re.search(r"(?:^|[ \t])#+$", text):
        text = text[:-1] + "\\#"  # a trailing " #" would read as the heading's closing marks
    return marks + (" " if node.spaced else "") + text


def render_paragraph(node: Paragraph, ctx: Context) -> str:
    return render_paragraph_text(node.children, ctx)


#: Between an image and its caption: a hard break, so the caption shows under the
#: image rather than beside it (a plain line end would let it flow next to a
#: narrow picture).  Two spaces, because kramdown and Python-Markdown have no
#: backslash hard break; every engine's parser reads two spaces as ``<br>``.
CAPTION_BREAK = "  \n"


def render_figure(node: Figure, ctx: Context) -> str:
    image = ctx.renderers[Image](node.image, ctx)
    if node.caption:
        return image + CAPTION_BREAK + render_paragraph_text(node.caption, ctx)
    return image


def render_rule(node: Rule, ctx: Context) -> str:
    return node.markup


def render_code_block(node: CodeBlock, ctx: Context) -> str:
    return f"{node.fence}{node.info}\n{node.text}\n{node.fence}" if node.text else f"{node.fence}{node.info}\n{node.fence}"


def render_html_block(node: HtmlBlock, ctx: Context) -> str:
    return node.html


def render_raw_block(node: RawBlock, ctx: Context) -> str:
    return node.text


def render_repost(node: Repost, ctx: Context) -> str:
    """The note as it was written, or (read from another engine's quote) as exporters write it."""
    if node.html:
        return node.html
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


def leaves(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """The blocks as written: containers replaced by what they hold."""
    for block in blocks:
        if isinstance(block, Footer):
            yield block.rule
            yield from leaves(block.children)
        elif isinstance(block, CONTAINERS) and not isinstance(block, Quote):
            yield from leaves(block.children)
        else:
            yield block


def render_blocks(blocks: tuple[Block, ...], ctx: Context) -> str:
    """Blocks joined as the source joined them: a line end where ``break_before``
    says the block continued the line above, a blank line otherwise."""
    out: list[str] = []
    previous: Block | None = None
    for block in leaves(blocks):
        text = ctx.block(block)
        if out:
            joint = getattr(block, "break_before", None)
            # Only a line of a paragraph can continue on the next line; after an
            # HTML block it would be swallowed into the HTML.
            continues = joint is not None and isinstance(previous, (Paragraph, Figure, Heading)) and not (
                isinstance(previous, Heading) and previous.spaced
            )
            out.append(f"{joint}\n" if continues else "\n\n")
        out.append(text)
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


def render_post(post: Post, ctx: Context) -> str:
    """The whole post: front matter, a blank line, the blocks, a final newline."""
    body = render_blocks(post.blocks, ctx)
    front = render_front_matter(post)
    text = front + ("\n" if front and body else "") + body + ("\n" if body else "")
    return text.replace("\n", post.newline) if post.newline != "\n" else text
