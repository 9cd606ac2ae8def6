"""Markdown as CommonMark shows it, block by block, sanitised like wxmigrate's HTML output.

Both columns of a review page are rendered here: the original post (with the broken
markup a reader saw) and the repaired one.  markdown-it-py renders each top-level
block on its own, so that a rule's change can be shown beside the block it touched;
the HTML then goes through :func:`wxmigrate.emit.html.sanitize_html` (the posts are
other people's content) and its images through :mod:`wxmigrate.review.pictures`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs

from ..emit.html import sanitize_html
from ..errors import WxMigrateError
from ..read import split_front_matter
from .pictures import Pictures, replace_media


@attrs.frozen
class Shown:
    """One block of a post as a browser shows it: its source lines and its safe HTML."""

    first: int
    last: int
    html: str


@attrs.frozen
class Split:
    """A post's text cut into the front matter, as written, and the body."""

    head: str
    body: str
    #: The file line of the body's first line.
    body_line: int
    title: str


def split_post(text: str, name: str) -> Split:
    """The front matter (shown as text) and the body of ``text``; broken front matter is body."""
    try:
        source = split_front_matter(text, name)
    except WxMigrateError:
        return Split("", text, 1, "")
    title = source.front_matter.data.get("title") if source.front_matter.present else None
    return Split(source.head, source.body, source.body_line, title if isinstance(title, str) else "")


_PARSER: Any = None


def _parser() -> Any:
    """CommonMark with GFM tables and strikethrough, as the render guard reads posts
    (imported on first use: the command must start fast)."""
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return _PARSER


#: The site's address in a Jekyll post, which Jekyll expands (to nothing, by default)
#: before its Markdown is read.
_SITE_ADDRESS = re.compile(r"\{\{\s*site\.(?:baseurl|url)\s*\}\}")


def markdown_blocks(body: str, body_line: int, pictures: Pictures) -> list[Shown]:
    """Each top-level block of ``body`` rendered and sanitised, with its file lines
    (``{{ site.baseurl }}`` expanded first, as Jekyll does)."""
    parser = _parser()
    env: dict[str, Any] = {}
    tokens = parser.parse(_SITE_ADDRESS.sub("", body), env)
    shown = []
    for group in _top_level(tokens):
        first, last = group[0].map or (0, 0)
        markup = parser.renderer.render(group, parser.options, env)
        shown.append(Shown(body_line + first, body_line + max(first, last - 1), safe_html(markup, pictures)))
    return shown


def _top_level(tokens: Sequence[Any]) -> list[list[Any]]:
    """The tokens grouped by top-level block (an opening token to its closing one)."""
    groups: list[list[Any]] = []
    depth = 0
    for token in tokens:
        if depth == 0:
            groups.append([])
        groups[-1].append(token)
        depth += token.nesting
    return groups


def safe_html(markup: str, pictures: Pictures) -> str:
    """``markup`` sanitised, every image and media element replaced by what the review shows."""
    return replace_media(sanitize_html(markup), pictures)
