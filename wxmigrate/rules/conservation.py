"""What must survive repair: the article's letters and digits, in order."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html as lxml_html
from lxml.etree import ParserError

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


def html_text(markup: str) -> str:
    """The text a browser would show for an HTML fragment (tags and attributes left out)."""
    if not markup.strip():
        return ""
    try:
        text = str(lxml_html.fragment_fromstring(markup, create_parent="div").text_content())
    except (ParserError, ValueError):
        return markup
    # lxml runs an unclosed <script>/<style>/<textarea>/<title> to the end of the
    # document and hands back the closing tags it wrote as text: they are not the post's.
    return _INVENTED_CLOSING.sub("", text)


def _article_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Blocks of the article: the repost note is metadata, whichever form it takes
    (raw HTML, or the quote written for engines that drop raw HTML)."""
    for block in blocks:
        if isinstance(block, Repost) or (isinstance(block, Quote) and read_repost_quote(block)):
            continue
        yield block
        if isinstance(block, CONTAINERS):
            yield from _article_blocks(block.children)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _article_blocks(item.children)


def article_text(post: Post) -> str:
    """Every letter and digit of the post's blocks, in order (markup and the repost note left out)."""
    parts: list[str] = []
    for block in _article_blocks(post.blocks):
        if isinstance(block, CodeBlock) or isinstance(block, RawBlock):
            parts.append(block.text)
        elif isinstance(block, HtmlBlock):
            parts.append(html_text(block.html))
        for inline in walk_inlines(block_inlines(block)):
            if isinstance(inline, (Text, Code)):
                parts.append(inline.text)
    return "".join(char for char in "".join(parts) if char.isalnum())
