"""What each engine's Markdown parser reads that CommonMark does not, and text written so it does not.

:func:`.markdown.escape_text` and :func:`.markdown.escape_line_start` make text
plain for CommonMark.  The engines' parsers read more: the functions here take
that output and escape only what one parser family would still read as markup,
leaving what is already escaped alone.  What each parser was found to do, with
the real engines, is in ``docs/engines.md`` ("What each engine's parser reads").

- **GFM** (goldmark for Hugo, marked for Hexo, markdown-it for Eleventy,
  pulldown-cmark for Zola): strikethrough, with one ``~`` for marked and
  pulldown-cmark, so every ``~`` is escaped (but in a bare URL, which goldmark
  and marked make a link, backslash and all).  Tables' delimiter rows and
  definitions (``: ``) are escaped for every engine by ``escape_line_start``.
- **kramdown** (Jekyll, GFM input): any line with an unescaped ``|`` is a
  table row, ``{:`` opens an attribute list or an extension (``{::comment}``),
  ``$$`` math, ``~~`` strikethrough, a line of ``^`` ends a block, ``<`` before
  a CJK letter opens an HTML tag, ``\\\\`` ending a line is a line break, ``1)``
  is no list marker, and ``\\&`` is no escape.
- **Python-Markdown** (Pelican with ``extra``, MkDocs): no ``\\<``, ``\\&``,
  ``\\=``, ``\\~`` escapes (entities instead), ``{…}`` after a run or on a
  block's last line is an attribute list, a ``#`` ending a heading a closing
  mark, list items need four spaces of indentation and a blank line after an
  item of several blocks, and ``1)`` is no list marker.
- Headings: kramdown, goldmark, pulldown-cmark and Python-Markdown take a
  ``{…}`` ending one for its attributes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..model import HardBreak, Heading, ListBlock
from .markdown import Context, escape_line_start, escape_text, render_blocks, render_heading

#: A bare URL: goldmark and marked make it a link, escapes and all.
_BARE_URL = r"https?://[^\s<>()\[\]]+"


@functools.cache
def _pattern(hit: str, in_urls: bool) -> re.Pattern[str]:
    skip = r"\\." if in_urls else rf"\\.|{_BARE_URL}"
    return re.compile(rf"(?P<hit>{hit})|{skip}", re.DOTALL)


@functools.cache
def _hits(hit: str) -> re.Pattern[str]:
    return re.compile(hit, re.DOTALL)


def respell(
    markdown: str, hit: str, replace: Callable[[str], str], *, in_urls: bool = True
) -> str:
    """``markdown`` with each match of the regular expression ``hit`` replaced, outside
    backslash escapes (a ``hit`` that starts with a backslash matches an escape itself)
    and, unless ``in_urls``, outside bare URLs."""
    if not _hits(hit).search(markdown):
        return markdown  # nothing to replace anywhere (most text): no match is looked at

    def one(match: re.Match[str]) -> str:
        found = match.group("hit")
        return match.group(0) if found is None else replace(found)

    return _pattern(hit, in_urls).sub(one, markdown)


def _entity(char: str) -> str:
    return f"&#{ord(char)};"


# --------------------------------------------------------------------------
# GFM: goldmark (Hugo), marked (Hexo), markdown-it (Eleventy), pulldown-cmark (Zola)


def escape_gfm(text: str) -> str:
    """Text for a CommonMark parser with GFM's strikethrough: every ``~`` escaped
    (marked and pulldown-cmark strike ``~one~`` through), but in a bare URL."""
    return respell(escape_text(text), "~", lambda tilde: "\\~", in_urls=False)


# --------------------------------------------------------------------------
# kramdown (Jekyll)

_KRAMDOWN = (
    r"\\&"  # kramdown has no \& escape: it would show the backslash
    r"|\|"  # a line holding an unescaped | is a table row
    r"|\{(?=:)"  # {: attributes, {:: extensions
    r"|\$\$+"  # math
    r"|~~+"  # GFM input's strikethrough (and ~~~ fences)
    r"|<(?=[_\u00c0-\U0010ffff])"  # an HTML tag: kramdown's tag names take any letter
)


def _kramdown_spelling(found: str) -> str:
    if found == "\\&":
        return "&amp;"
    if found[0] == "$":
        return "\\$" * len(found)
    if found[0] == "~":
        # kramdown's own input has no \~ escape; an entity is plain in both inputs.
        return "~" + _entity("~") * (len(found) - 1)
    return "\\" + found


def escape_kramdown(text: str) -> str:
    """Text for kramdown as Jekyll runs it (GFM input): CommonMark's escapes, and
    ``|``, ``{:``, ``$$``, ``~~`` and ``<`` before any letter made plain."""
    return respell(escape_text(text), _KRAMDOWN, _kramdown_spelling)


_BLOCK_END = re.compile(r"\^[ \t]*$")
#: An escaped backslash ending a line: kramdown reads ``\\`` there as a line break.
_TRAILING_BACKSLASH = re.compile(r"(?<!\\)((?:\\\\)*)\\\\$")


def escape_kramdown_line(markdown: str) -> str:
    """A line of paragraph text for kramdown: a line of only ``^`` would end the block,
    and a backslash at its end (written ``\\\\``) would be a line break."""
    if _BLOCK_END.match(markdown):
        return _entity("^") + markdown[1:]
    markdown = _TRAILING_BACKSLASH.sub(lambda m: m.group(1) + _entity("\\"), markdown)
    return escape_line_start(markdown)


# --------------------------------------------------------------------------
# Python-Markdown (Pelican, MkDocs)

_PYTHON_MARKDOWN = (
    r"\\[<&]"  # no \< or \& escape in Python-Markdown
    r"|\{(?=:?[ ]*[^}\n ][^}\n]*\})"  # attr_list: {: .x}, {#id}, {.x}
)


def escape_python_markdown(text: str) -> str:
    """Escape text for Python-Markdown (Pelican, MkDocs), which has no ``\\<`` or ``\\&``
    escape (it would show the backslash): entities say the same thing to every parser.
    A brace group that ``attr_list`` would read as attributes gets ``\\{``."""
    entities = {"\\<": "&lt;", "\\&": "&amp;"}
    return respell(
        escape_text(text), _PYTHON_MARKDOWN, lambda found: entities.get(found, "\\" + found)
    )


def escape_python_markdown_line(markdown: str) -> str:
    """The start of a line for Python-Markdown: CommonMark's line escapes, with an
    entity where Python-Markdown has no backslash escape (``=``, ``~``, and ``|``, an
    escape only while the tables extension is on)."""
    return respell(escape_line_start(markdown), r"\\[=~|]", lambda found: _entity(found[1]))


def render_two_space_break(node: HardBreak, ctx: Context) -> str:
    """A hard break as two spaces: Python-Markdown has no backslash hard break."""
    return "  \n"


def _render_list(node: ListBlock, ctx: Context, *, indent: int) -> str:
    """A list with ``1.`` for ``1)`` (kramdown and Python-Markdown know no other ordered
    marker) and what an item holds below its first line indented by at least ``indent``."""
    items = []
    for item in node.items:
        marker = re.sub(r"^(\d+)\)$", r"\1.", item.marker)
        pad = " " * max(indent, len(marker) + 1)
        lines = render_blocks(item.children, ctx).split("\n")
        body = "\n".join([lines[0], *((pad + line) if line else "" for line in lines[1:])])
        items.append(f"{marker} {body}" if body else marker)
    # Python-Markdown reads an item right after a blank line inside the one above as that
    # item's text (or its nested list's); with a blank line between items it does not.
    loose = node.loose or any("\n\n" in item for item in items)
    return ("\n\n" if loose else "\n").join(items)


def render_kramdown_list(node: ListBlock, ctx: Context) -> str:
    """A list as kramdown reads one: ``1)`` written ``1.``."""
    return _render_list(node, ctx, indent=0)


def render_indented_list(node: ListBlock, ctx: Context) -> str:
    """A list as Python-Markdown reads one: what an item holds below its first line
    indented by four spaces (two would end the item), ``1)`` written ``1.``, and items
    apart when one holds several blocks."""
    return _render_list(node, ctx, indent=4)


# --------------------------------------------------------------------------
# Headings: kramdown, goldmark, pulldown-cmark and Python-Markdown read a {…} that ends one


def render_heading_without_attributes(node: Heading, ctx: Context) -> str:
    """A heading whose text ends with ``}``, its braces written ``&#123;``: kramdown
    (``{#id}``), goldmark, pulldown-cmark and Python-Markdown's ``attr_list`` would take
    the last ``{…}`` for the heading's attributes and not show it (pulldown-cmark
    even when the brace is backslash-escaped)."""
    markdown = render_heading(node, ctx)
    if not markdown.rstrip().endswith("}"):
        return markdown
    return respell(markdown, r"\{", lambda brace: _entity(brace))


def render_python_markdown_heading(node: Heading, ctx: Context) -> str:
    """A heading for Python-Markdown, which also takes a ``#`` ending the text for a
    closing mark (``## #话题#``), space before it or not."""
    markdown = render_heading_without_attributes(node, ctx)
    return respell(markdown, r"#$", lambda mark: "\\#") if node.children else markdown


#: Renderer overrides for parsers that read attributes at the end of a heading.
HEADING_ATTRIBUTE_RENDERERS: Mapping[type, Callable[[Any, Context], str]] = {
    Heading: render_heading_without_attributes
}

#: Renderer overrides for kramdown (Jekyll).
KRAMDOWN_RENDERERS: Mapping[type, Callable[[Any, Context], str]] = {
    **HEADING_ATTRIBUTE_RENDERERS,
    ListBlock: render_kramdown_list,
}

#: Renderer overrides for engines that read Markdown with Python-Markdown.
PYTHON_MARKDOWN_RENDERERS: Mapping[type, Callable[[Any, Context], str]] = {
    HardBreak: render_two_space_break,
    ListBlock: render_indented_list,
    Heading: render_python_markdown_heading,
}


__all__ = [
    "HEADING_ATTRIBUTE_RENDERERS",
    "KRAMDOWN_RENDERERS",
    "PYTHON_MARKDOWN_RENDERERS",
    "escape_gfm",
    "escape_kramdown",
    "escape_kramdown_line",
    "escape_python_markdown",
    "escape_python_markdown_line",
    "render_heading_without_attributes",
    "render_indented_list",
    "render_kramdown_list",
    "render_python_markdown_heading",
    "respell",
]
