"""What must survive repair: the article's letters and digits, in order."""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import ParserError

from ..model import (
    Code,
    CodeBlock,
    HtmlBlock,
    Post,
    RawBlock,
    Text,
    block_inlines,
    walk_blocks,
    walk_inlines,
)


def html_text(markup: str) -> str:
    """The text a browser would show for an HTML fragment (tags and attributes left out)."""
    if not markup.strip():
        return ""
    try:
        return str(lxml_html.fragment_fromstring(markup, create_parent="div").text_content())
    except (ParserError, ValueError):
        return markup


def article_text(post: Post) -> str:
    """Every letter and digit of the post's blocks, in order (markup left out)."""
    parts: list[str] = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, CodeBlock) or isinstance(block, RawBlock):
            parts.append(block.text)
        elif isinstance(block, HtmlBlock):
            parts.append(html_text(block.html))
        for inline in walk_inlines(block_inlines(block)):
            if isinstance(inline, (Text, Code)):
                parts.append(inline.text)
    return "".join(char for char in "".join(parts) if char.isalnum())
