"""Raw HTML made into Markdown, for engines that drop raw HTML (Hugo without ``unsafe``).

An HTML block becomes paragraphs of its visible text (a new paragraph at each
block element, a hard break at each ``<br>``, bold kept for ``<strong>`` and
``<b>``) and figures for its images; a table that is a plain grid (two rows and
two columns or more, no spans) becomes a GFM table; inline HTML becomes its
text and images.
Scripts, styles and comments show nothing in a browser and are left out.
The repost note becomes a Markdown quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ..chars import clean_text
from ..model import (
    CONTAINERS,
    Block,
    Figure,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    ListBlock,
    Paragraph,
    Post,
    RawBlock,
    RawHtml,
    Repost,
    Strong,
    Text,
)
from ..parse.inline import merge_texts
from .markdown import destination, escape_text
from .metadata import repost_quote
from .profiles import escape_template_braces

#: Elements whose start or end begins a new paragraph.
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
    }
)
_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_BOLD_TAGS = frozenset({"strong", "b"})


def _fragment(markup: str) -> Any:
    """The markup parsed as an HTML fragment; lxml is imported here, on first use, as only
    a post for an engine that drops raw HTML needs it."""
    from lxml import html as lxml_html

    return lxml_html.fragment_fromstring(clean_text(markup), create_parent="div")


def _runs(element: Any, bold: bool = False, *, tables: bool = False) -> Iterator[Inline | RawBlock | None]:
    """Inline runs of an element; None marks a paragraph boundary, Text("\\n") a line break;
    with ``tables``, a simple table is one :class:`RawBlock` (a GFM table)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    rows = _table_rows(element) if tables and tag == "table" else None
    if rows is not None:
        yield None
        yield RawBlock(gfm_table(rows))
        yield None
    elif not tag or tag in _HIDDEN_TAGS:
        pass  # comments and processing instructions have no string tag; neither shows
    elif tag == "br":
        yield Text("\n")
    elif tag == "img":
        src = element.get("src") or element.get("data-src")
        if src:
            yield Image(src=src, alt=element.get("alt") or "")
    else:
        if tag in _BLOCK_TAGS:
            yield None
        inner = bold or tag in _BOLD_TAGS
        if element.text:
            yield Strong((Text(element.text),)) if inner else Text(element.text)
        for child in element:
            yield from _runs(child, inner, tables=tables)
        if tag in _BLOCK_TAGS:
            yield None
    if element.tail and element.getparent() is not None:
        yield Strong((Text(element.tail),)) if bold else Text(element.tail)


def _table_rows(table: Any) -> list[list[Any]] | None:
    """The cells of a table row by row, when it is a grid GFM can write: two rows and
    two columns or more, no cell spanning others, no table inside."""
    if table.xpath(".//table"):
        return None
    rows = [row.xpath("./td|./th") for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]
    rows = [cells for cells in rows if cells]
    if len(rows) < 2 or max(len(cells) for cells in rows) < 2:
        return None
    for cells in rows:
        for cell in cells:
            if (cell.get("colspan") or "1").strip() != "1" or (cell.get("rowspan") or "1").strip() != "1":
                return None
    return rows


def _cell(cell: Any) -> str:
    """A cell's runs as one line of Markdown, escaped as Hugo's text is (``|`` too; bold kept
    where it renders)."""
    runs = [Text(" ") if run is None or (isinstance(run, Text) and run.text == "\n") else run for run in _runs(cell)]
    parts: list[str] = []
    for inline in _clean(list(merge_texts([run for run in runs if not isinstance(run, RawBlock)])), strip=True):
        if isinstance(inline, Image):
            parts.append(f"![{escape_text(inline.alt)}]({destination(inline.src)})")
        elif isinstance(inline, Strong):
            text = "".join(child.text for child in inline.children if isinstance(child, Text))
            shown = escape_template_braces(text)
            flanked = text[:1].isalnum() and text[-1:].isalnum()  # CommonMark reads it as bold
            parts.append(f"**{shown}**" if flanked else shown)
        elif isinstance(inline, Text):
            parts.append(escape_template_braces(inline.text))
    return "".join(parts).replace("|", "\\|").strip()


def gfm_table(rows: list[list[Any]]) -> str:
    """A GFM table of the cells: the first row is its header, short rows padded."""
    width = max(len(cells) for cells in rows)
    lines = []
    for index, cells in enumerate(rows):
        texts = [_cell(cell) for cell in cells] + [""] * (width - len(cells))
        lines.append("| " + " | ".join(texts) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _clean(inlines: list[Inline], *, strip: bool) -> tuple[Inline, ...]:
    """Runs with white space collapsed as a browser would, empty runs left out."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text):
            text = re.sub(r"\s+", " ", inline.text)
            if text.strip() or (text and not strip):
                out.append(Text(text))
        elif isinstance(inline, Strong):
            children = _clean(list(inline.children), strip=True)
            if children:
                out.append(Strong(children))
        else:
            out.append(inline)
    if strip and out and isinstance(out[0], Text):
        out[0] = Text(out[0].text.lstrip())
    if strip and out and isinstance(out[-1], Text):
        out[-1] = Text(out[-1].text.rstrip())
    return tuple(inline for inline in out if not (isinstance(inline, Text) and not inline.text))


def html_blocks(markup: str) -> list[Block]:
    """The blocks a reader sees in an HTML block: paragraphs of text, lines, and figures."""
    blocks: list[Block] = []
    line: list[Inline] = []
    joint: str | None = None

    def flush(next_joint: str | None) -> None:
        nonlocal line, joint
        inlines = _clean(line, strip=True)
        if len(inlines) == 1 and isinstance(inlines[0], Image):
            blocks.append(Figure(inlines[0]))
            joint = None
        elif inlines:
            blocks.append(Paragraph(inlines, break_before=joint if blocks else None))
            joint = next_joint
        line = []

    for run in _runs(_fragment(markup), tables=True):
        if isinstance(run, RawBlock):
            flush(None)
            blocks.append(run)
            joint = None
        elif run is None:
            flush(None)
            joint = None
        elif isinstance(run, Text) and run.text == "\n":
            flush("  ")
        else:
            line.append(run)
    flush(None)
    return blocks


def html_inlines(markup: str) -> list[Inline]:
    """The runs a reader sees in inline HTML: its text and images, on one line."""
    runs = [
        Text(" ") if isinstance(run, Text) and run.text == "\n" else run
        for run in _runs(_fragment(markup))
    ]
    return list(_clean([run for run in runs if isinstance(run, (Text, Strong, Image))], strip=False))


def _inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, RawHtml):
            out.extend(html_inlines(inline.html))
        elif hasattr(inline, "children"):
            out.append(attrs.evolve(inline, children=_inlines(inline.children)))  # type: ignore[arg-type]
        else:
            out.append(inline)
    return tuple(out)


def _blocks(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Repost):
            out.append(repost_quote(block))
        elif isinstance(block, HtmlBlock):
            out.extend(attrs.evolve(new, lines=block.lines) for new in html_blocks(block.html))
        elif isinstance(block, Figure):
            out.append(attrs.evolve(block, caption=_inlines(block.caption)))
        elif isinstance(block, (Paragraph, Heading)):
            children = _inlines(block.children)
            if children or not block.children:
                out.append(attrs.evolve(block, children=children))
        elif isinstance(block, ListBlock):
            items = tuple(
                attrs.evolve(item, children=_blocks(item.children)) for item in block.items
            )
            out.append(attrs.evolve(block, items=items))
        elif isinstance(block, CONTAINERS):
            out.append(attrs.evolve(block, children=_blocks(block.children)))
        else:
            out.append(block)
    return tuple(out)


def without_raw_html(post: Post) -> Post:
    """The post with every piece of raw HTML made into Markdown (see the module doc)."""
    blocks = _blocks(post.blocks)
    return post if blocks == post.blocks else attrs.evolve(post, blocks=blocks)


__all__ = ["html_blocks", "html_inlines", "without_raw_html"]
