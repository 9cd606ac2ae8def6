"""Model -> HTML: a fragment per post, or a standalone page, built with lxml.

:func:`to_html` builds an lxml tree node by node (one render function per
node type, in :data:`BLOCK_RENDERERS` and :data:`INLINE_RENDERERS`) and lets
lxml serialize it, so every text and attribute value is escaped by the
serializer, never by hand.

Raw HTML found in a post (:class:`~wxmigrate.model.HtmlBlock`,
:class:`~wxmigrate.model.RawHtml`, a repost note's markup) and the HTML that
markdown-it makes of a :class:`~wxmigrate.model.RawBlock` is *sanitized*, not
dropped: it is parsed with lxml and only an allow-list of tags and attributes
is kept.  Script-capable elements go with their content, unknown elements are
unwrapped (their text stays), every URL is checked against a list of safe
schemes.  A final pass fixes what an HTML5 parser would otherwise restructure
(a block inside a paragraph, a link inside a link, a broken table), so the
output parses back to the same tree.  See ``docs/html.md``.
"""

from __future__ import annotations

import datetime
import functools
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs
from lxml import etree
from lxml import html as lxml_html

from ..model import (
    AccountCard,
    Block,
    Byline,
    Code,
    CodeBlock,
    Credits,
    Cruft,
    Emphasis,
    Figure,
    Footer,
    HardBreak,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    ListBlock,
    ListItem,
    OriginalCard,
    OriginalLink,
    Paragraph,
    Post,
    Provenance,
    Quote,
    RawBlock,
    RawHtml,
    Repost,
    Rule,
    SoftBreak,
    Strong,
    Text,
)
from ..chars import clean_text
from ..errors import boundary
from ..parse import title_heading
from ..parse.inline import unescape_markdown
from .urls import SAFE_SCHEMES, is_safe_url, runs_script

if TYPE_CHECKING:  # imported when a table is first rendered (:func:`_markdown`)
    from markdown_it import MarkdownIt

#: An lxml element (lxml ships no type information).
Element = Any

# --------------------------------------------------------------------------
# Characters and URLs

_LIQUID_OUTPUT = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_SPACE_OUTSIDE_QUOTES = re.compile(r"(\"[^\"]*\"|'[^']*')|\s+")


def safe_url(url: str) -> str | None:
    """``url`` as it goes into an attribute, or None when it is not safe.

    The check is made on the value written, after every change made to it.
    """
    value = _attribute_url(url)
    return value if is_safe_url(value) else None


def _safe_srcset(value: str) -> str | None:
    value = clean_text(value)
    candidates = [part.strip().split()[0] for part in value.split(",") if part.strip()]
    return value if all(is_safe_url(candidate) for candidate in candidates) else None


def _attribute_url(url: str) -> str:
    """A URL as it goes into an attribute: what a browser would read from it.

    Browsers drop tabs and newlines inside a URL and spaces around it (a path
    the exporter split over lines works in a browser); doing it here keeps
    libxml2's serializer from writing them as ``%0A``.  That serializer also
    percent-encodes spaces in ``href`` and ``src``, which would break a
    Liquid output tag, so spaces inside ``{{ … }}`` (outside quoted strings)
    are dropped: ``{{ site.baseurl }}`` and ``{{site.baseurl}}`` mean the same.
    ``<`` and ``>`` are percent-encoded, as a browser would: the serializer
    writes a URL starting with ``<!--`` unescaped (for server-side includes).
    """
    url = re.sub(r"[\t\n\r]", "", clean_text(url)).strip("\x00- ")
    url = url.replace("<", "%3C").replace(">", "%3E")

    def squeeze(match: re.Match[str]) -> str:
        return _SPACE_OUTSIDE_QUOTES.sub(lambda inner: inner.group(1) or "", match.group())

    return _LIQUID_OUTPUT.sub(squeeze, url)


# --------------------------------------------------------------------------
# Sanitizing raw HTML

#: Removed together with everything inside them: they run code, load other
#: documents, change the page or hold text a reader never sees.
DROPPED_TAGS = frozenset(
    {
        "applet", "base", "basefont", "canvas", "datalist", "embed", "frame",
        "frameset", "head", "iframe", "input", "isindex", "keygen", "link", "math", "meta",
        "noembed", "noframes", "noscript", "object", "optgroup", "option", "param", "plaintext",
        "portal", "script", "select", "style", "svg", "template", "textarea", "title", "xmp",
    }
)  # fmt: skip

_GLOBAL_ATTRIBUTES = frozenset({"title", "lang", "dir", "style"})
_CITE = frozenset({"cite"})
_CELL = frozenset({"colspan", "rowspan"})
#: Tags kept, with the attributes each may keep besides the global ones.
#: Any other tag is unwrapped: its content stays, the element goes (``form``
#: among them).
ALLOWED_TAGS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        **{tag: frozenset() for tag in (
            "abbr", "article", "aside", "b", "bdi", "br", "caption", "code", "dd", "dfn", "div",
            "dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
            "h6", "header", "hr", "i", "kbd", "mark", "p", "pre", "s", "samp", "section",
            "small", "span", "strong", "sub", "summary", "sup", "tbody", "tfoot", "thead", "tr",
            "u", "ul", "var",
        )},
        "a": frozenset({"href"}),
        "audio": frozenset({"src", "controls", "loop", "muted", "preload"}),
        "bdo": frozenset(),
        "blockquote": _CITE,
        "col": frozenset({"span"}),
        "colgroup": frozenset({"span"}),
        "del": frozenset({"cite", "datetime"}),
        "details": frozenset({"open"}),
        "img": frozenset({"src", "srcset", "sizes", "alt", "width", "height"}),
        "ins": frozenset({"cite", "datetime"}),
        "li": frozenset({"value"}),
        "ol": frozenset({"start", "reversed", "type"}),
        "q": _CITE,
        "table": frozenset(),
        "td": _CELL,
        "th": _CELL | {"scope"},
        "time": frozenset({"datetime"}),
        "video": frozenset(
            {"src", "poster", "controls", "loop", "muted", "playsinline", "preload", "width", "height"}
        ),
    }
)  # fmt: skip
_URL_ATTRIBUTES = frozenset({"href", "src", "poster", "cite"})
_NUMBER_ATTRIBUTES = frozenset({"width", "height", "colspan", "rowspan", "span", "start", "value"})
#: The only inline style kept: alignment, which markdown-it writes on table cells.
_SAFE_STYLE = re.compile(
    r"\s*text-align\s*:\s*(?:left|right|center|justify)\s*;?\s*", re.IGNORECASE
)
_DOCUMENT_TAGS = re.compile(r"</?(?:html|head|body)(?:[\s/][^>]*)?>", re.IGNORECASE)


def _parse_fragment(markup: str) -> Element:
    """Raw HTML parsed into a ``<div>`` holding it.

    ``<html>``, ``<head>`` and ``<body>`` tags are taken out first: they mean
    nothing inside a post, and libxml2 drops whatever follows ``</html>``.
    Taking them out can join text into a new tag; that tag is sanitized like
    any other.
    """
    document = lxml_html.document_fromstring(
        "<!DOCTYPE html><html><head></head><body>" + _DOCUMENT_TAGS.sub("", clean_text(markup))
    )
    body = document.body
    container = lxml_html.Element("div")
    container.text = body.text
    container.extend(list(body))
    return container


def _sanitize(parent: Element, keep: str = "") -> None:
    """Sanitize ``parent``'s descendants in place; elements named ``keep`` stay as they are."""
    parent.text = parent.text and clean_text(parent.text)
    for child in list(parent):
        # The parser decodes references: "&#1;" is a control character again.
        child.tail = child.tail and clean_text(child.tail)
        if not isinstance(child.tag, str):  # comments, processing instructions
            child.drop_tree()
            continue
        tag = child.tag.lower()
        if keep and tag == keep:
            continue
        if tag.rpartition(":")[2] in DROPPED_TAGS:
            child.drop_tree()
            continue
        if tag in ("video", "audio") and not child.get("src"):
            _take_source(child)
        _sanitize(child, keep)
        if tag not in ALLOWED_TAGS:
            child.drop_tag()
        else:
            _sanitize_attributes(child, tag)


def _take_source(media: Element) -> None:
    """Give a ``<video>`` or ``<audio>`` the address of its first ``<source>``.

    ``<source>`` itself is not kept: libxml2 writes it with an end tag, which
    HTML5 does not allow.  The address is checked with the media element's.
    """
    for source in media.iter("source"):
        if source.get("src"):
            media.set("src", source.get("src"))
            return


def _sanitize_attributes(element: Element, tag: str) -> None:
    if tag == "img" and not element.get("src") and element.get("data-src"):
        element.set("src", element.get("data-src"))  # WeChat's lazy-loading markup
    allowed = _GLOBAL_ATTRIBUTES | ALLOWED_TAGS[tag]
    for name, value in list(element.attrib.items()):
        safe = _safe_attribute(name, value) if name in allowed else None
        if safe is None:
            del element.attrib[name]
        else:
            element.set(name, safe)
    if tag == "a" and element.get("href") is None:
        element.drop_tag()
    elif tag == "img" and not element.get("src"):
        _replace_with_text(element, element.get("alt") or "")


def _safe_attribute(name: str, value: str) -> str | None:
    """The value an allowed attribute keeps, or None when it must go."""
    if name in _URL_ATTRIBUTES:
        return safe_url(value)
    if name == "srcset":
        return _safe_srcset(value)
    value = clean_text(value)
    if name in _NUMBER_ATTRIBUTES:
        return value.strip() if re.fullmatch(r"\s*-?\d{1,6}\s*", value) else None
    if name == "style":
        return value if _SAFE_STYLE.fullmatch(value) else None
    return value


def _replace_with_text(element: Element, text: str) -> None:
    element.text = text
    for child in list(element):
        element.remove(child)
    element.drop_tag()


def sanitize_html(markup: str) -> str:
    """Raw HTML with everything outside the allow-list removed, serialized again."""
    fragment = _parse_fragment(markup)
    _sanitize(fragment)
    _tidy(fragment)
    return _inner_html(fragment)


# --------------------------------------------------------------------------
# Keeping the tree what an HTML5 parser would build

#: Elements that may stand inside a paragraph.
_PHRASING = frozenset(
    {
        "a", "abbr", "audio", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i",
        "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "time", "u", "var", "video",
    }
)  # fmt: skip
#: Elements that may hold phrasing content only.  HTML5 lets ``<a>`` hold
#: blocks, but libxml2 closes it at one, so links are held to phrasing too.
_PHRASING_ONLY = (_PHRASING - {"audio", "del", "ins", "video"}) | {
    "p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "summary",
}  # fmt: skip
#: For each table element holding table parts, the parts it may hold directly.
_TABLE_CHILDREN: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "table": frozenset({"caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr"}),
        "colgroup": frozenset({"col"}),
        "thead": frozenset({"tr"}),
        "tbody": frozenset({"tr"}),
        "tfoot": frozenset({"tr"}),
        "tr": frozenset({"td", "th"}),
    }
)
#: For each table part, the elements it may sit in.
_TABLE_PARENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        part: frozenset(holder for holder, parts in _TABLE_CHILDREN.items() if part in parts)
        for part in set().union(*_TABLE_CHILDREN.values())
    }
)


#: List items and the only elements they may sit in (libxml2 and HTML5
#: parsers both close or move an item found elsewhere).
_ITEM_PARENTS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"li": frozenset({"ul", "ol"}), "dt": frozenset({"dl"}), "dd": frozenset({"dl"})}
)
#: Lists, and the item that wraps any other element found directly in them
#: (libxml2 closes a list at some, ``<pre>`` for one).
_LIST_WRAPPERS: Mapping[str, str] = MappingProxyType({"ul": "li", "ol": "li", "dl": "dd"})


@attrs.frozen
class _Scope:
    """Where an element stands, as far as an HTML5 parser's restructuring goes."""

    phrasing: bool = False
    in_link: bool = False

    def enter(self, tag: str) -> _Scope:
        phrasing, in_link = self.phrasing or tag in _PHRASING_ONLY, self.in_link or tag == "a"
        if (phrasing, in_link) == (self.phrasing, self.in_link):
            return self  # most elements change nothing: no new scope for each
        return _Scope(phrasing, in_link)

    def misplaced(self, tag: str) -> bool:
        """Whether a parser would close or move an element ``tag`` standing here."""
        return (self.phrasing and tag not in _PHRASING) or (self.in_link and tag == "a")


#: Passes of :func:`_unwrap_misplaced` allowed; two or three settle any real
#: post.  The cap only guards against a loop: safety never depends on tidying.
_MAX_TIDY_PASSES = 64


def _tidy(root: Element) -> None:
    """Make ``root``'s tree one an HTML5 parser would build from its serialization."""
    for _ in range(_MAX_TIDY_PASSES):
        # Unwrapping can misplace what was nested inside, so repeat until settled.
        if not _unwrap_misplaced(root, _Scope()):
            break
    for pre in root.iter("pre"):
        if (pre.text or "").startswith("\n"):
            pre.text = "\n" + pre.text  # the parser eats one newline right after <pre>
    for item in root.iter("li"):
        if item.text is None and not len(item):
            item.text = ""  # libxml2 leaves out the end tag of an empty item


def _unwrap_misplaced(parent: Element, scope: _Scope) -> bool:
    """Unwrap what an HTML5 parser would move or report (blocks in phrasing
    content, links in links, list items and table parts outside their place);
    whether anything was."""
    changed = False
    for child in list(parent):
        tag = child.tag
        changed |= _unwrap_misplaced(child, scope.enter(tag))
        if tag == "table" and not _is_well_formed_table(child):
            _flatten(child)
        elif scope.misplaced(tag) or (
            tag in _ITEM_PARENTS and parent.tag not in _ITEM_PARENTS[tag]
        ):
            child.drop_tag()
        elif tag in _TABLE_PARENTS and parent.tag not in _TABLE_PARENTS[tag]:
            _flatten(child)
        elif parent.tag in _LIST_WRAPPERS and tag not in _ITEM_PARENTS and tag != "div":
            _wrap(child, _LIST_WRAPPERS[parent.tag])
        else:
            continue
        changed = True
    return changed


def _wrap(element: Element, tag: str) -> None:
    """Put ``element`` inside a new ``tag`` element standing where it stood."""
    wrapper = lxml_html.Element(tag)
    element.addprevious(wrapper)
    wrapper.tail, element.tail = element.tail, None
    wrapper.append(element)


def _is_well_formed_table(table: Element) -> bool:
    """Whether every table element holds only its allowed parts and whitespace
    (an HTML5 parser moves anything else out of the table)."""
    for holder in (table, *table.iterdescendants(*_TABLE_CHILDREN)):
        if any(text and text.strip() for text in (holder.text, *(child.tail for child in holder))):
            return False
        if any(child.tag not in _TABLE_CHILDREN[holder.tag] for child in holder):
            return False
    return True


def _flatten(element: Element) -> None:
    """Unwrap a table (part) and every table inside it, keeping cells' text apart."""
    separators = {"td": " ", "th": " ", "caption": " ", "tr": "\n"}
    for part in [*element.iterdescendants("table", *_TABLE_PARENTS), element]:
        part.tail = (part.tail or "") + separators.get(part.tag, "")
        part.drop_tag()


# --------------------------------------------------------------------------
# Rendering context


@attrs.frozen
class Context:
    """What render functions need besides the node and the element to append to."""

    #: Image src (as written in the post) -> something with a width and height.
    assets: Mapping[str, Any] = attrs.field(factory=dict)
    lazy: bool = True
    #: A tag name no post can guess, marking where the model's own inline runs
    #: go inside raw HTML while it is parsed.
    slot: str = attrs.field(factory=lambda: "wxslot" + secrets.token_hex(8))

    def blocks(self, parent: Element, blocks: Iterable[Block]) -> None:
        append_blocks(parent, blocks, self)

    def inlines(self, parent: Element, inlines: Iterable[Inline]) -> None:
        append_inlines(parent, tuple(inlines), self)


def dimensions(value: Any) -> tuple[int, int] | None:
    """Width and height from a verified asset: an object with ``.width`` and
    ``.height``, or a ``(width, height[, format])`` tuple."""
    width: Any = getattr(value, "width", None)
    height: Any = getattr(value, "height", None)
    if width is None and isinstance(value, (tuple, list)) and len(value) >= 2:
        width, height = value[0], value[1]
    if _is_size(width) and _is_size(height):
        return width, height
    return None


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _sub(parent: Element, tag: str, attributes: Mapping[str, str] | None = None) -> Element:
    element = etree.SubElement(parent, tag)
    for name, value in (attributes or {}).items():
        element.set(name, clean_text(value))
    return element


def append_text(parent: Element, text: str) -> None:
    """Append text after ``parent``'s last child (or into it when it has none)."""
    text = clean_text(text)
    if not text:
        return
    last = _last_child(parent)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _sanitized(markup: str, ctx: Context, keep: str = "") -> Element:
    """Raw HTML parsed and sanitized, its images finished like the model's own."""
    fragment = _parse_fragment(markup)
    _sanitize(fragment, keep)
    for image in fragment.iter("img"):
        _finish_image(image, image.get("src"), ctx)
    return fragment


def _adopt(parent: Element, fragment: Element) -> None:
    """Move a parsed fragment's content into ``parent``."""
    append_text(parent, fragment.text or "")
    for child in list(fragment):
        parent.append(child)


def _finish_image(image: Element, src: str, ctx: Context) -> None:
    if ctx.lazy:
        image.set("loading", "lazy")
    if image.get("width") is None and image.get("height") is None:
        size = dimensions(ctx.assets.get(src, ctx.assets.get(image.get("src"))))
        if size:
            image.set("width", str(size[0]))
            image.set("height", str(size[1]))


# --------------------------------------------------------------------------
# Inline renderers: each appends its node to ``parent``


def render_text(node: Text, parent: Element, ctx: Context) -> None:
    append_text(parent, node.text)


def render_soft_break(node: SoftBreak, parent: Element, ctx: Context) -> None:
    append_text(parent, "\n")


def render_hard_break(node: HardBreak, parent: Element, ctx: Context) -> None:
    _sub(parent, "br")


def render_code(node: Code, parent: Element, ctx: Context) -> None:
    _sub(parent, "code").text = clean_text(node.text)


def render_raw_html(node: RawHtml, parent: Element, ctx: Context) -> None:
    append_inlines(parent, (node,), ctx)


def render_image(node: Image, parent: Element, ctx: Context) -> None:
    """An ``<img>``; an image whose URL is unsafe becomes its alt text."""
    src = safe_url(unescape_markdown(node.src))
    if src is None:
        append_text(parent, node.alt)
        return
    attributes = {"src": src, "alt": node.alt}
    if node.title is not None:
        attributes["title"] = node.title
    _finish_image(_sub(parent, "img", attributes), node.src, ctx)


def render_strong(node: Strong, parent: Element, ctx: Context) -> None:
    ctx.inlines(_sub(parent, "strong"), node.children)


def render_emphasis(node: Emphasis, parent: Element, ctx: Context) -> None:
    ctx.inlines(_sub(parent, "em"), node.children)


def render_link(node: Link, parent: Element, ctx: Context) -> None:
    """An ``<a>``; a link whose URL is unsafe keeps its text and loses the link."""
    href = safe_url(unescape_markdown(node.href))
    if href is None:
        ctx.inlines(parent, node.children)
        return
    attributes = {"href": href}
    if node.title is not None:
        attributes["title"] = node.title
    ctx.inlines(_sub(parent, "a", attributes), node.children)


INLINE_RENDERERS: Mapping[type, Callable[[Any, Element, Context], None]] = MappingProxyType(
    {
        Text: render_text,
        SoftBreak: render_soft_break,
        HardBreak: render_hard_break,
        Code: render_code,
        RawHtml: render_raw_html,
        Image: render_image,
        Strong: render_strong,
        Emphasis: render_emphasis,
        Link: render_link,
    }
)


def append_inlines(parent: Element, inlines: tuple[Inline, ...], ctx: Context) -> None:
    """Append inline runs; runs mixed with raw HTML go through :func:`_append_mixed`."""
    if any(isinstance(inline, RawHtml) for inline in inlines):
        _append_mixed(parent, inlines, ctx)
        return
    for inline in inlines:
        INLINE_RENDERERS[type(inline)](inline, parent, ctx)


def _append_mixed(parent: Element, inlines: tuple[Inline, ...], ctx: Context) -> None:
    """Raw HTML pieces parsed together, the model's own runs built into slots.

    Exporters write ``<span>`` and ``</span>`` as separate runs around text, so
    the pieces only make sense parsed as one; the runs in between are marked by
    empty slot elements, filled after sanitizing (so their text is never parsed
    as markup) and then unwrapped.
    """
    markup = "".join(
        inline.html
        if isinstance(inline, RawHtml)
        else f"<{ctx.slot} data-index={index}></{ctx.slot}>"
        for index, inline in enumerate(inlines)
    )
    fragment = _sanitized(markup, ctx, keep=ctx.slot)
    for slot in list(fragment.iter(ctx.slot)):
        inline = inlines[int(slot.get("data-index"))]
        slot.attrib.clear()
        INLINE_RENDERERS[type(inline)](inline, slot, ctx)
        slot.drop_tag()
    _adopt(parent, fragment)


# --------------------------------------------------------------------------
# Block renderers


def render_heading(node: Heading, parent: Element, ctx: Context) -> None:
    ctx.inlines(_sub(parent, f"h{min(max(node.level, 1), 6)}"), node.children)


def render_paragraph(node: Paragraph, parent: Element, ctx: Context) -> None:
    ctx.inlines(_sub(parent, "p"), node.children)


def render_figure(node: Figure, parent: Element, ctx: Context) -> None:
    figure = _sub(parent, "figure")
    render_image(node.image, figure, ctx)
    if node.caption:
        ctx.inlines(_sub(figure, "figcaption"), node.caption)


def render_rule(node: Rule, parent: Element, ctx: Context) -> None:
    _sub(parent, "hr")


def render_code_block(node: CodeBlock, parent: Element, ctx: Context) -> None:
    language = re.sub(r"[^\w#+.-]", "", node.info.split()[0]) if node.info.split() else ""
    code = _sub(
        _sub(parent, "pre"), "code", {"class": f"language-{language}"} if language else None
    )
    code.text = clean_text(node.text)


def render_html_block(node: HtmlBlock, parent: Element, ctx: Context) -> None:
    _adopt(parent, _sanitized(node.html, ctx))


@functools.lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """markdown-it, made (and imported: about 16 ms) when a post first has a table to render:
    ``repair`` imports this module for every run, most of which render none."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render_raw_block(node: RawBlock, parent: Element, ctx: Context) -> None:
    """Markdown the model keeps whole (tables): rendered by markdown-it, then sanitized."""
    render_html_block(HtmlBlock(_markdown().render(node.text)), parent, ctx)


def render_list(node: ListBlock, parent: Element, ctx: Context) -> None:
    first = node.items[0].marker if node.items else "-"
    if first[:1].isdigit():
        listing = _sub(parent, "ol")
        start = int(re.sub(r"\D", "", first) or "1")
        if start != 1:
            listing.set("start", str(start))
    else:
        listing = _sub(parent, "ul")
    for item in node.items:
        render_list_item(item, listing, ctx)


def render_list_item(node: ListItem, parent: Element, ctx: Context) -> None:
    item = _sub(parent, "li")
    if len(node.children) == 1 and isinstance(node.children[0], Paragraph):
        ctx.inlines(item, node.children[0].children)  # a tight item: no <p>
    else:
        ctx.blocks(item, node.children)


def render_quote(node: Quote, parent: Element, ctx: Context) -> None:
    ctx.blocks(_sub(parent, "blockquote"), node.children)


def render_repost(node: Repost, parent: Element, ctx: Context) -> None:
    """The repost note's own words, sanitized, in an ``<aside>`` that also
    carries the fields (``via`` may be the corrected account name)."""
    aside = _sub(
        parent, "aside", {"class": "wx-repost", "data-via": node.via, "data-channel": node.channel}
    )
    fragment = _sanitized(node.html, ctx)
    if fragment.text_content().strip():
        _adopt(aside, fragment)
        return
    paragraph = _sub(aside, "p")
    append_text(paragraph, f"转载：{node.via}")
    _sub(paragraph, "br")
    append_text(paragraph, f"来源：{node.channel}")


def _fields(parent: Element, fields: Iterable[tuple[str, str | None]], css_class: str) -> None:
    """A ``<dl>`` of the fields that have a value, in order."""
    present = [(name, value) for name, value in fields if value]
    if not present:
        return
    listing = _sub(parent, "dl", {"class": css_class})
    for name, value in present:
        _sub(listing, "dt").text = clean_text(name)
        _sub(listing, "dd").text = clean_text(value or "")


def render_account_card(node: AccountCard, parent: Element, ctx: Context) -> None:
    aside = _sub(parent, "aside", {"class": "wx-account"})
    _sub(_sub(aside, "p", {"class": "wx-card-name"}), "strong").text = clean_text(node.name)
    _fields(aside, (("微信号", node.wechat_id), ("功能介绍", node.intro)), "wx-card-fields")


def render_original_card(node: OriginalCard, parent: Element, ctx: Context) -> None:
    aside = _sub(parent, "aside", {"class": "wx-original"})
    if node.avatar:
        render_image(
            Image(src=node.avatar, alt=node.name),
            _sub(aside, "p", {"class": "wx-card-avatar"}),
            ctx,
        )
    name = _sub(aside, "p", {"class": "wx-card-name"})
    append_text(name, "以下文章来源于")
    _sub(name, "cite").text = clean_text(node.name)
    if node.author:
        append_text(name, "，作者")
        _sub(name, "span", {"class": "wx-card-author"}).text = clean_text(node.author)
    if node.intro:
        _sub(aside, "p", {"class": "wx-card-intro"}).text = clean_text(node.intro)


def render_provenance(node: Provenance, parent: Element, ctx: Context) -> None:
    attributes = {"class": "wx-provenance", "data-kind": node.kind, "data-name": node.name}
    if not all(isinstance(child, Paragraph) for child in node.children):
        # Paragraph content cannot hold blocks: fall back to a <div>.
        ctx.blocks(_sub(parent, "div", attributes), node.children)
        return
    paragraph = _sub(parent, "p", attributes)
    for index, child in enumerate(node.children):
        if index:
            _sub(paragraph, "br")
        if isinstance(child, Paragraph):
            ctx.inlines(paragraph, child.children)


def render_credits(node: Credits, parent: Element, ctx: Context) -> None:
    _fields(parent, node.roles, "wx-credits")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?")


def render_byline(node: Byline, parent: Element, ctx: Context) -> None:
    """The byline's fields in source order: 原创, author, account, date."""
    paragraph = _sub(parent, "p", {"class": "wx-byline"})
    fields = (
        ("wx-byline-original", "原创" if node.original else None),
        ("wx-byline-author", node.author),
        ("wx-byline-account", node.account),
    )
    for css_class, value in fields:
        if value:
            append_text(paragraph, " " if len(paragraph) else "")
            _sub(paragraph, "span", {"class": css_class}).text = clean_text(value)
    if node.date:
        append_text(paragraph, " " if len(paragraph) else "")
        time = _sub(paragraph, "time")
        time.text = clean_text(node.date)
        if _ISO_DATE.fullmatch(node.date.strip()):
            time.set("datetime", node.date.strip())


def render_original_link(node: OriginalLink, parent: Element, ctx: Context) -> None:
    paragraph = _sub(parent, "p", {"class": "wx-original-link"})
    append_text(paragraph, "原文链接：")
    render_link(Link((Text(node.url),), node.url), paragraph, ctx)


def render_cruft(node: Cruft, parent: Element, ctx: Context) -> None:
    ctx.blocks(_sub(parent, "div", {"class": "wx-cruft", "data-kind": node.kind}), node.children)


def render_footer(node: Footer, parent: Element, ctx: Context) -> None:
    render_rule(node.rule, parent, ctx)
    ctx.blocks(_sub(parent, "footer", {"class": "wx-footer"}), node.children)


BLOCK_RENDERERS: Mapping[type, Callable[[Any, Element, Context], None]] = MappingProxyType(
    {
        Heading: render_heading,
        Paragraph: render_paragraph,
        Figure: render_figure,
        Rule: render_rule,
        CodeBlock: render_code_block,
        HtmlBlock: render_html_block,
        RawBlock: render_raw_block,
        ListBlock: render_list,
        Quote: render_quote,
        Repost: render_repost,
        AccountCard: render_account_card,
        OriginalCard: render_original_card,
        Provenance: render_provenance,
        Credits: render_credits,
        Byline: render_byline,
        OriginalLink: render_original_link,
        Cruft: render_cruft,
        Footer: render_footer,
    }
)


def append_blocks(parent: Element, blocks: Iterable[Block], ctx: Context) -> None:
    """Append blocks, one line each in the output.

    A paragraph line that the source joined to the one above with a hard
    break continues that ``<p>`` after a ``<br>``; a plain line end starts a
    new ``<p>`` (exporters write one paragraph per line, with no blank line).
    """
    previous: Element | None = None
    for block in blocks:
        if isinstance(block, Paragraph) and block.break_before and previous is not None:
            _sub(previous, "br")
            ctx.inlines(previous, block.children)
            continue
        last = _last_child(parent)
        BLOCK_RENDERERS[type(block)](block, parent, ctx)
        added = _children_after(parent, last)
        for element in added:
            element.tail = element.tail or "\n"
        previous = added[-1] if isinstance(block, Paragraph) and added else None


def _last_child(parent: Element) -> Element | None:
    """The last child of ``parent``, or None; found from the end (lxml counts children one by
    one: ``len(parent)`` for each block would make a long post quadratic)."""
    try:
        return parent[-1]
    except IndexError:
        return None


def _children_after(parent: Element, last: Element | None) -> list[Element]:
    """The children of ``parent`` after ``last`` (all of them when ``last`` is None)."""
    added: list[Element] = []
    child = _first_child(parent) if last is None else last.getnext()
    while child is not None:
        added.append(child)
        child = child.getnext()
    return added


def _first_child(parent: Element) -> Element | None:
    try:
        return parent[0]
    except IndexError:
        return None


# --------------------------------------------------------------------------
# Whole posts


@boundary(lambda post, *_, **__: post.path)
def to_html(
    post: Post,
    *,
    standalone: bool = False,
    assets: Mapping[str, Any] | None = None,
    lazy: bool = True,
) -> str:
    """The post as an HTML fragment, or with ``standalone`` a whole page.

    ``assets`` maps an image's ``src`` as written in the post to what asset
    verification learned of it (an object with ``width`` and ``height``, or a
    ``(width, height)`` tuple); those images get ``width`` and ``height``.
    ``lazy`` adds ``loading="lazy"`` to every image.
    """
    ctx = Context(assets=assets or {}, lazy=lazy)
    body = lxml_html.Element("div")
    ctx.blocks(body, post.blocks)
    _tidy(body)
    if not standalone:
        return _inner_html(body)
    return _page(post, body)


def _serialize(element: Element, **options: str) -> str:
    """lxml's serialization, guarded against its one unescaped case.

    libxml2 copies ``<!--…-->`` inside an attribute value as it is (a
    server-side-include convention), ``&`` and ``<`` included, so a reader
    would decode references the value never meant.  A zero-width space inside
    ``<!--`` (only hostile or garbled input has one in an attribute) makes it
    escape the value like any other.
    """
    # Found by XPath: looking at every element from Python would cost more than serializing.
    for node in element.xpath("descendant-or-self::*[@*[contains(., '<!--')]]"):
        for name, value in list(node.attrib.items()):
            if "<!--" in value:
                node.set(name, value.replace("<!--", "<!-\u200b-"))
    serialized: str = lxml_html.tostring(element, encoding="unicode", **options)
    return serialized


def _inner_html(container: Element) -> str:
    """What a ``<div>`` holds, serialized: the div's own tags cut off."""
    serialized = _serialize(container)
    start, end = serialized.index(">") + 1, serialized.rindex("</")
    return serialized[start:end]


def _page(post: Post, content: Element) -> str:
    page = lxml_html.Element("html")
    page.set("lang", "zh-CN")
    head = _sub(page, "head")
    _sub(head, "meta", {"charset": "utf-8"})
    _sub(head, "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"})
    _sub(head, "title").text = clean_text(post.title)
    for name, value in page_metadata(post):
        _sub(head, "meta", {"name": name, "content": value})
    for element in head:
        element.tail = "\n"
    article = _sub(_sub(page, "body"), "article", {"class": "wx-post"})
    article.text = "\n"
    _page_header(post, article)
    article.append(content)
    content.drop_tag()
    return _serialize(page, doctype="<!DOCTYPE html>") + "\n"


def _page_header(post: Post, article: Element) -> None:
    """A header with the date, and the title when the body does not open with it."""
    date = _front_matter_text(post, "date")
    has_heading = title_heading(post) is not None
    if has_heading and not date:
        return
    header = _sub(article, "header", {"class": "wx-post-header"})
    header.tail = "\n"
    if not has_heading:
        _sub(header, "h1").text = clean_text(post.title)
    if date:
        value = post.front_matter.get("date")
        time = _sub(_sub(header, "p"), "time")
        time.text = clean_text(date)
        if isinstance(value, (datetime.date, datetime.datetime)):
            time.set("datetime", value.isoformat())


#: Front-matter keys read for each page ``<meta>``, first present wins.
META_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "description": ("description", "abstract", "excerpt", "summary", "subtitle"),
        "author": ("author", "authors"),
        "date": ("date", "published", "created"),
        "keywords": ("tags", "keywords"),
    }
)


def page_metadata(post: Post) -> Iterator[tuple[str, str]]:
    """``(name, content)`` of the page's ``<meta>`` elements: from the front
    matter, else (author, date) from what the parser read in the post."""
    for name, keys in META_KEYS.items():
        found = [value for value in (_front_matter_text(post, key) for key in keys) if value]
        fallback = getattr(post.meta, name, None) if name in ("author", "date") else None
        if found or fallback:
            yield name, found[0] if found else str(fallback)


def _front_matter_text(post: Post, key: str) -> str:
    value = post.front_matter.get(key)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value if item is not None)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (dict, bool)):
        return ""
    return str(value).strip()


__all__ = [
    "ALLOWED_TAGS",
    "BLOCK_RENDERERS",
    "DROPPED_TAGS",
    "INLINE_RENDERERS",
    "META_KEYS",
    "SAFE_SCHEMES",
    "Context",
    "clean_text",
    "dimensions",
    "is_safe_url",
    "page_metadata",
    "runs_script",
    "safe_url",
    "sanitize_html",
    "to_html",
]
