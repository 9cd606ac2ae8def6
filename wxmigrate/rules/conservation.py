"""What must survive repair: the article's letters and digits, in order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html as lxml_html
from lxml.etree import ParserError

from ..chars import clean_text
from ..model import (
    CONTAINERS,
    Block,
    Code,
    CodeBlock,
    HtmlBlock,
    ListBlock,
    Post,
    Quote,
    RawBlock,
    Repost,
    Text,
    block_inlines,
    walk_inlines,
)
from ..parse.structure import read_repost_quote

_INVENTED_CLOSING = re.compile(r"(?:</body>\s*)?</html>\s*$")
_NOT_ALNUM = re.compile(r"[\W_]+")
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


def html_text(markup: str) -> str:
    """The text a browser would show for an HTML fragment (tags and attributes left out)."""
    if not markup.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(clean_text(markup), create_parent="div")
    except (ParserError, ValueError):
        return markup
    # A script's or a style's code is not text a browser shows.
    text = "".join(root.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]"))
    # lxml runs an unclosed <textarea>/<title> to the end of the document and hands
    # back the closing tags it wrote as text: they are not the post's.
    return _INVENTED_CLOSING.sub("", text)


def _article_parts(blocks: tuple[Block, ...]) -> Iterator[str]:
    """The text of the article's blocks, in order.  The repost note is metadata, whichever
    form it takes (raw HTML, or the quote written for engines that drop raw HTML)."""
    for block in blocks:
        if isinstance(block, Repost) or (isinstance(block, Quote) and read_repost_quote(block)):
            continue
        if isinstance(block, (CodeBlock, RawBlock)):
            yield block.text
        elif isinstance(block, HtmlBlock):
            # Image markup shown as text inside HTML is markup, not the author's words.
            yield _MARKDOWN_IMAGE.sub(r"\1", html_text(block.html))
        for inline in walk_inlines(block_inlines(block)):
            if isinstance(inline, (Text, Code)):
                yield inline.text
        if isinstance(block, CONTAINERS):
            yield from _article_parts(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield item.marker  # an ordered list's numbers show, as ``1.`` written in HTML does
                yield from _article_parts(item.children)


def article_text(post: Post) -> str:
    """Every letter and digit of the post's blocks, in order (markup and the repost note left out)."""
    return "".join(map(block_article_text, post.blocks))


def block_article_text(block: Block) -> str:
    """Every letter and digit of one block, nested blocks included: a post's article text
    is its top-level blocks' joined (no part of it depends on the blocks around)."""
    return letters_and_digits("".join(_article_parts((block,))))


def letters_and_digits(text: str) -> str:
    """The letters and digits of a text, in order (what the conservation check compares)."""
    # ``[\W_]`` is exactly what ``str.isalnum`` rejects; one substitution instead of a call per character.
    return _NOT_ALNUM.sub("", text)
