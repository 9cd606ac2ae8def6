"""What several engine profiles share: common front-matter fields, template-brace escapes, Python-Markdown's line breaks."""

from __future__ import annotations

import re
from typing import Any

import attrs

from ..layout import PostMeta
from ..model import CONTAINERS, Block, Figure, ListBlock, Paragraph, Post
from .parsers import PYTHON_MARKDOWN_RENDERERS, escape_gfm, escape_python_markdown


def one_or_list(values: tuple[str, ...]) -> str | list[str] | None:
    """One value as a string, several as a list, none as None (left out of the front matter)."""
    if not values:
        return None
    return values[0] if len(values) == 1 else list(values)


def common_fields(meta: PostMeta) -> dict[str, Any]:
    """The fields most engines read under these names, then the source's own keys, then ``wechat``."""
    return {
        "title": meta.title,
        "date": meta.date,
        "author": one_or_list(meta.authors),
        "categories": list(meta.categories),
        "tags": list(meta.tags),
        "description": meta.description,
        **meta.extra,
        "wechat": dict(meta.wechat),
    }


_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def hide_template_braces(markdown: str) -> str:
    """Escaped text with ``{{``, ``{%`` and ``{#`` hidden from engines that read them before
    Markdown (Hugo shortcodes, Hexo's Nunjucks, Zola shortcodes): a backslash between the
    two characters hides the pair from the template engine, and CommonMark drops it again."""
    return _TEMPLATE_OPENER.sub("{\\\\", markdown)


def escape_template_braces(text: str) -> str:
    """Escape text for Hugo, Hexo and Zola: GFM parsers (see :mod:`.parsers`) behind a
    template language that reads ``{{``, ``{%`` and ``{#``."""
    return hide_template_braces(escape_gfm(text))


def hide_liquid_braces(markdown: str) -> str:
    """Escaped text with ``{{`` and ``{%`` hidden from Liquid (Jekyll, Eleventy): an
    entity for the first brace, which the Markdown parser turns back into ``{``."""
    return markdown.replace("{{", "&#123;{").replace("{%", "&#123;%")


def two_space_line_breaks(post: Post) -> Post:
    """Lines joined by a backslash hard break joined by two spaces instead (Python-Markdown
    knows only those)."""

    def fix(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            if isinstance(block, Paragraph) and block.break_before == "\\":
                block = attrs.evolve(block, break_before="  ")
            elif isinstance(block, Figure) and block.caption and block.caption_break == "\\":
                block = attrs.evolve(block, caption_break="  ")
            elif isinstance(block, ListBlock):
                items = tuple(
                    attrs.evolve(item, children=fix(item.children)) for item in block.items
                )
                block = attrs.evolve(block, items=items)
            elif isinstance(block, CONTAINERS):
                block = attrs.evolve(block, children=fix(block.children))
            out.append(block)
        return tuple(out)

    blocks = fix(post.blocks)
    return post if blocks == post.blocks else attrs.evolve(post, blocks=blocks)


__all__ = [
    "PYTHON_MARKDOWN_RENDERERS",
    "common_fields",
    "escape_python_markdown",
    "escape_template_braces",
    "hide_liquid_braces",
    "hide_template_braces",
    "one_or_list",
    "two_space_line_breaks",
]
