"""What must survive repair: the article's letters and digits, in order."""

from __future__ import annotations

from ..model import Code, CodeBlock, Post, RawBlock, block_inlines, walk_blocks, walk_inlines, Text, HtmlBlock


def article_text(post: Post) -> str:
    """Every letter and digit of the post's blocks, in order (markup left out)."""
    parts: list[str] = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, CodeBlock):
            parts.append(block.text)
        elif isinstance(block, (RawBlock, HtmlBlock)):
            parts.append(block.text if isinstance(block, RawBlock) else block.html)
        for inline in walk_inlines(block_inlines(block)):
            if isinstance(inline, (Text, Code)):
                parts.append(inline.text)
    return "".join(char for char in "".join(parts) if char.isalnum())
