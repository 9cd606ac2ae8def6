"""Rules for raw HTML an HTML-to-Markdown converter left in the post.

WeChat wraps text in ``<span style=…>`` and ``<section>``; converters leave
some of those wrappers (and whole styled tables) in the Markdown.  These
rules remove the wrappers and the styling, keeping every character of text
and every structural tag (tables, ``<sub>``, ``<sup>``, ``<video>``).
"""

from __future__ import annotations

import re

import attrs
from lxml import etree
from lxml import html as lxml_html

from ..chars import clean_text
from ..emit.html import runs_script
from ..model import Block, HtmlBlock, Inline, Link, Post, RawHtml
from ..parse.blocks import parse_blocks, split_lines
from ..parse.dialects import UNNESTED_BOLD
from ..parse.inline import merge_texts
from .base import Change, Options, rule, short
from .conservation import article_text
from .features import has_blocks, has_inlines
from .walk import edit_inlines, map_leaves

#: Tags that only style text: unwrapped, their text kept.
WRAPPERS = frozenset({"span", "font", "section", "o:p", "mp-style-type", "mpprofile"})
#: Inline emphasis tags: one nested in the same tag is dropped (``<strong><strong>``).
_EMPHASIS = frozenset({"strong", "b", "em", "i"})
_TAG = re.compile(r"^</?([A-Za-z][A-Za-z0-9:-]*)")
#: Attributes that only style: dropped from HTML blocks.
_STYLING = re.compile(r"^(?:style|class|id|width|height|valign|align|bgcolor|border|cellpadding|cellspacing|"
                      r"data-.*|cid|mdtype|leaf|textstyle|md-inline|nodeleaf|powered-by)$")


#: What marks an HTML block as a converter's leftover of WeChat's editor (not
#: HTML the author wrote on purpose, which no rule touches).
_LEFTOVER = re.compile(r"""\sstyle\s*=|<(?:section|span|font)\b|\sdata-(?:selectable|colwidth|tools)""", re.IGNORECASE)


#: Elements with no closing tag.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s[^<>]*?)?(/?)>")


def _closed(markup: str) -> bool:
    """Whether every element opened in ``markup`` is closed in it (tags counted, not parsed)."""
    depth = 0
    for closing, name, self_closing in _ANY_TAG.findall(re.sub(r"<!--.*?-->", "", markup, flags=re.DOTALL)):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
    return depth == 0


_GLUED_HEADING = re.compile(r">[ \t]*(#{1,6}(?:[ \t].*|[ \t]*))$")


def _markdown_start(markup: str) -> int | None:
    """Where Markdown starts after the HTML is closed: at a line that is not HTML,
    or at a heading glued after the closing tag (``</table>### 危害``)."""
    offset = 0
    for index, line in enumerate(markup.split("\n")):
        starts = [offset] if index and not line.lstrip().startswith("<") else []
        glued = _GLUED_HEADING.search(line)
        if glued:
            starts.append(offset + glued.start(1))
        for start in starts:
            html = markup[:start].rstrip()
            if html.endswith(">") and _closed(html):
                return start
        offset += len(line) + 1
    return None


@rule(reveals_images=True, applies=has_blocks(HtmlBlock), per_block=True)
def split_markdown_from_html_blocks(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Give Markdown written right under a closed HTML block its own block.

    CommonMark reads every line up to a blank one as part of the HTML block,
    so ``<table>…</table>⏎## 漏洞验证`` shows ``## 漏洞验证`` (or ``![](a.png)``)
    as text.  -> ``<table>…</table>``, a blank line, ``## 漏洞验证``.
    """

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if not isinstance(block, HtmlBlock):
            return [block], []
        start = _markdown_start(block.html)
        if start is None:
            return [block], []
        html, markdown = block.html[:start].rstrip(), block.html[start:]
        first = block.lines[0] + block.html.count("\n", 0, start)
        rest = parse_blocks(split_lines(markdown, first_line=first), nested_bold=post.dialect not in UNNESTED_BOLD)
        html_block = attrs.evolve(block, html=html, lines=(block.lines[0], max(block.lines[0], first - 1)))
        before, after = (article_text(attrs.evolve(post, blocks=blocks)) for blocks in ((block,), (html_block, *rest)))
        if before != after:
            return [block], []  # the HTML did not end where its tags said: leave it
        change = Change("split_markdown_from_html_blocks", post.path, first,
                        short(html[-30:] + "⏎" + markdown), short(html[-30:] + "⏎⏎" + markdown))
        return [html_block, *rest], [change]

    return map_leaves(post, edit)


def _tag_name(markup: str) -> str | None:
    match = _TAG.match(markup)
    return match.group(1).lower() if match else None


@rule(applies=has_inlines(RawHtml), per_block=True)
def unwrap_styling_tags(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove leftover styling tags around text (``<span style=…>``, ``<section>``, ``<font>``).

    ``<span style="font-size: 16px;">正文</span>`` -> ``正文``
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        kept = [i for i in inlines if not (isinstance(i, RawHtml) and _tag_name(i.html) in WRAPPERS)]
        return merge_texts(kept) if len(kept) != len(inlines) else inlines

    return edit_inlines(post, options, "unwrap_styling_tags", edit)


def clean_html(markup: str) -> str:
    """The HTML with styling wrappers unwrapped and styling attributes removed."""
    root = lxml_html.fragment_fromstring(clean_text(markup), create_parent="div")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for name in list(element.attrib):
            if _STYLING.match(name):
                del element.attrib[name]
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element is root:
            continue
        parent = element.getparent()
        nested = parent is not None and element.tag.lower() in _EMPHASIS and parent.tag == element.tag
        if element.tag.lower() in WRAPPERS or nested:
            element.drop_tag()
    parts = [root.text or ""] + [
        etree.tostring(child, encoding="unicode", method="html") for child in root
    ]
    return "".join(parts).strip()


@rule(applies=has_blocks(HtmlBlock), per_block=True)
def strip_html_styling(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove styling from HTML blocks (tables kept as tables): ``style``, ``class``,
    ``data-*`` attributes, ``<span>``/``<section>`` wrappers and doubled ``<strong>``.

    ``<td style="…"><section><span>甲</span></section></td>`` -> ``<td>甲</td>``
    """

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if not isinstance(block, HtmlBlock) or not _LEFTOVER.search(block.html):
            return [block], []
        try:
            cleaned = clean_html(block.html)
        except (etree.ParserError, ValueError):
            return [block], []
        if cleaned == block.html:
            return [block], []
        change = Change("strip_html_styling", post.path, block.lines[0], short(block.html), short(cleaned))
        return [attrs.evolve(block, html=cleaned)], [change]

    return map_leaves(post, edit)


@rule(generic=True, applies=has_inlines(Link), per_block=True)
def unlink_javascript_links(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Turn links that would run script into their plain text (``javascript:``, ``vbscript:``,
    ``data:``, also disguised as ``jav&#x61;script:``).

    ``[阅读原文](javascript:void(0);)`` -> ``阅读原文``.  Safe in any post: only script
    schemes are unlinked (``irc:``, ``localhost:5001/x`` stay links).
    """

    def edit(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for inline in inlines:
            if isinstance(inline, Link) and runs_script(inline.href):
                out.extend(inline.children)
            else:
                out.append(inline)
        return merge_texts(out) if len(out) != len(inlines) or out != list(inlines) else inlines

    return edit_inlines(post, options, "unlink_javascript_links", edit)
