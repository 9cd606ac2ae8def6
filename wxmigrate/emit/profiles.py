"""What several engine profiles share: common front-matter fields, brace escapes, Python-Markdown fixes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..layout import PostMeta
from ..model import CONTAINERS, Block, HardBreak, ListBlock, Paragraph, Post
from .markdown import Context, escape_text


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


def escape_template_braces(text: str) -> str:
    """Escape text for engines that read ``{{``, ``{%`` and ``{#`` before Markdown (Hugo
    shortcodes, Hexo's Nunjucks, Zola shortcodes): a backslash between the two characters
    hides the pair from the template engine, and CommonMark drops it again."""
    return _TEMPLATE_OPENER.sub("{\\\\", escape_text(text))


_BACKSLASHED = re.compile(r"((?:\\\\)*)\\([<&])")


def escape_python_markdown(text: str) -> str:
    """Escape text for Python-Markdown (Pelican, MkDocs), which has no ``\\<`` or ``\\&``
    escape (it would show the backslash): entities say the same thing to every parser."""
    entities = {"<": "&lt;", "&": "&amp;"}
    return _BACKSLASHED.sub(lambda m: m.group(1) + entities[m.group(2)], escape_text(text))


def render_two_space_break(node: HardBreak, ctx: Context) -> str:
    """A hard break as two spaces: Python-Markdown has no backslash hard break."""
    return "  \n"


#: Renderer overrides for engines that read Markdown with Python-Markdown.
PYTHON_MARKDOWN_RENDERERS: Mapping[type, Callable[[Any, Context], str]] = {
    HardBreak: render_two_space_break
}


def two_space_line_breaks(post: Post) -> Post:
    """Lines joined by a backslash hard break joined by two spaces instead (Python-Markdown
    knows only those)."""

    def fix(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        out: list[Block] = []
        for block in blocks:
            if isinstance(block, Paragraph) and block.break_before == "\\":
                block = attrs.evolve(block, break_before="  ")
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
    "one_or_list",
    "two_space_line_breaks",
]
