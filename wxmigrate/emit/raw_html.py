"""Raw HTML made into Markdown, for engines that drop raw HTML (Hugo without ``unsafe``).

An HTML block becomes paragraphs of its visible text (a new paragraph at each
block element, a hard break at each ``<br>``, bold kept for ``<strong>`` and
``<b>``) and figures for its images; inline HTML becomes its text and images.
Scripts, styles and comments show nothing in a browser and are left out.
The repost note becomes a Markdown quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs
from lxml import html as lxml_html  # type: ignore[import-untyped]

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
    RawHtml,
    Repost,
    Strong,
    Text,
)
from .metadata import repost_quote

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
    return lxml_html.fragment_fromstring(markup, create_parent="div")


def _runs(element: Any, bold: bool = False) -> Iterator[Inline | None]:
    """Inline runs of an element; None marks a paragraph boundary, Text("\\n") a line break."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag in _HIDDEN_TAGS:
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
            yield from _runs(child, inner)
        if tag in _BLOCK_TAGS:
            yield None
    if element.tail and element.getparent() is not None:
        yield Strong((Text(element.tail),)) if bold else Text(element.tail)


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

    for run in _runs(_fragment(markup)):
        if run is None:
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
    return list(_clean([run for run in runs if run is not None], strip=False))


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
