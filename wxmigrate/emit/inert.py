"""Raw HTML and front-matter text made inert for the Markdown output: script removed, the rest kept byte for byte.

Jekyll (kramdown), Hugo with ``unsafe = true``, Hexo and Eleventy pass a post's raw
HTML through to the page, so the Markdown wxmigrate writes must carry no script.
The HTML output sanitizes raw HTML against an allow-list and serializes it again
(:func:`.html.sanitize_html`); that cannot be done here, where safe HTML (a styled
table, ``<img src=https://…>``, ``<details>``) must stay exactly as written.  So
:func:`inert_html` is a deny-list that cuts out only what can run script:

- a ``<script>`` or ``<style>`` element goes whole, its code with it (a browser
  shows neither; one never closed runs to the end of the markup, as in a browser);
- every other element that runs code, loads a document, submits a form or changes
  the page (:data:`SCRIPT_ELEMENTS`: ``iframe``, ``object``, ``embed``, ``base``,
  ``meta``, ``link``, ``svg``, ``math``, ``form``, ``button``, ``noscript``, …) loses
  its tags, not its text;
- ``on*`` handlers, ``srcdoc``, ``http-equiv``, ``formaction``, a ``style`` holding
  ``expression(…)`` or a script URL, and any URL attribute whose scheme
  (read as a browser reads it: entities decoded, controls and white space dropped,
  case folded) is ``javascript:``, ``vbscript:``, ``livescript:`` or ``data:``
  (an image's ``data:`` only in ``<img src>``) are removed.

Tags are found as an HTML5 tokenizer finds them (attribute values may hold ``>``,
an unclosed tag runs to the end), and also at every ``<`` inside another tag, a
comment or a raw-text element, so that no reading of the markup (a browser's, an
engine's after joining blocks) finds a tag that was not checked.  Cutting can join
pieces into a new tag (``<scr<script>…</script>ipt>``), so the cut repeats until
nothing is left to cut.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import tomllib
import yaml

from ..model import Image
from .urls import SCRIPT_SCHEMES, read_url, url_scheme

#: Elements that hold code, removed with their content.
CODE_ELEMENTS = frozenset({"script", "style"})
#: Elements whose tags are removed (their text stays): they run code, load another
#: document, submit data, change the page's base or refresh it, or are read
#: differently by HTML parsers (the ground of mutation XSS).
SCRIPT_ELEMENTS = frozenset(
    {
        "applet", "base", "basefont", "button", "embed", "form", "frame", "frameset", "iframe",
        "input", "isindex", "keygen", "link", "math", "meta", "noembed", "noframes", "noscript",
        "object", "param", "plaintext", "portal", "select", "svg", "template", "textarea", "title",
        "xmp", "animate", "set", "handler", "listener",
    }
)  # fmt: skip
#: Attributes that hold a URL, in any element of HTML, SVG or MathML.
URL_ATTRIBUTES = frozenset(
    {
        "action", "background", "cite", "codebase", "data", "dynsrc", "href", "longdesc", "lowsrc",
        "manifest", "ping", "poster", "profile", "src", "usemap", "xlink:href", "classid", "archive",
        "icon",
    }
)  # fmt: skip
#: Attributes removed whatever they hold: HTML in an attribute, a refresh, a form's target.
_ALWAYS_REMOVED = frozenset({"srcdoc", "http-equiv", "formaction"})
#: What makes a ``style`` attribute run script (old IE's ``expression``, bindings, script URLs).
_SCRIPT_STYLE = re.compile(r"expression|javascript:|vbscript:|livescript:|behavior|binding|@import")

_SPACE = "\t\n\f\r "
_TAG = re.compile(rf"<(/?)([A-Za-z][^{_SPACE}/><]*)")
_ATTRIBUTE = re.compile(
    rf"""[{_SPACE}/]*([^{_SPACE}/>][^{_SPACE}/=>]*)(?:[{_SPACE}]*=[{_SPACE}]*("[^"]*"?|'[^']*'?|[^{_SPACE}>]*))?"""
)
#: The rest of a tag after its name, as an HTML5 tokenizer reads it: up to a ``>`` outside
#: quotes, or to the end when there is none.
_TAG_REST = re.compile(rf"(?:{_ATTRIBUTE.pattern})*[{_SPACE}/]*>?")
#: A ``<`` that opens a tag, a comment or a declaration.
TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
#: Passes of cutting before the markup is given up on and escaped whole.
_MAX_PASSES = 32

Cut = tuple[int, int]


def _names(name: str) -> set[str]:
    """The element names a reader may see in a tag name: as written, as CommonMark reads
    it (up to the first character not a letter, digit or ``-``), without a namespace prefix."""
    lower = name.lower()
    prefix = re.match(r"[a-z][a-z0-9-]*", lower)
    return {lower, lower.rpartition(":")[2], prefix.group() if prefix else lower}


def _attributes(markup: str, start: int, end: int) -> Iterator[tuple[str, str, Cut]]:
    """The attributes of a tag between ``start`` (after its name) and ``end``: (name, value, span)."""
    for match in _ATTRIBUTE.finditer(markup, start, end):
        value = match.group(2) or ""
        if value[:1] in "\"'":
            value = value[1:-1] if len(value) > 1 and value[-1] == value[0] else value[1:]
        yield match.group(1).lower(), value, match.span()


def _script_attribute(tag: str, name: str, value: str) -> bool:
    """Whether one attribute of element ``tag`` can run script."""
    if name.startswith("on") or name in _ALWAYS_REMOVED:
        return True
    if name == "style":
        return bool(_SCRIPT_STYLE.search(_css(value)))
    picture = tag == "img" and name in ("src", "srcset")
    if name in ("srcset", "imagesrcset"):
        return any(script_url(part.strip(), picture=picture) for part in value.split(","))
    return name in URL_ATTRIBUTES and script_url(value, picture=picture)


def _css(value: str) -> str:
    """A ``style`` value as CSS reads it: character references and CSS escapes (``\\65``)
    decoded, comments and other backslashes removed, lower case."""
    def character(match: re.Match[str]) -> str:
        return chr(min(int(match.group(1), 16), 0x10FFFF))

    text = re.sub(r"\\([0-9a-fA-F]{1,6})[ \t\n]?", character, html.unescape(value))
    return re.sub(r"\\|/\*.*?\*/", "", text, flags=re.DOTALL).lower()


def script_url(url: str, *, picture: bool = False) -> bool:
    """Whether ``url`` runs script (see :func:`.urls.url_scheme`); with ``picture`` (an image's
    address), a ``data:image/…`` one does not: a browser runs no script of an image it
    shows, SVG included (WeChat's placeholders are ``data:image/svg+xml``)."""
    scheme = url_scheme(url)
    return scheme in SCRIPT_SCHEMES and not (picture and read_url(url).startswith("data:image/"))


_END_TAGS = {name: re.compile(rf"</{name}[{_SPACE}/>]", re.IGNORECASE) for name in CODE_ELEMENTS}


_COMMENT = re.compile(r"<!--.*?(?:--!?>|$)", re.DOTALL)


def _element_end(markup: str, name: str, start: int, limit: int) -> int:
    """Where a code element opened before ``start`` ends: after its end tag, or at ``limit``
    when it is not closed before (a browser runs it all as code, and shows none of it)."""
    close = _END_TAGS[name].search(markup, start, limit)
    if close is None:
        return limit
    end = markup.find(">", close.end() - 1, limit)
    return limit if end < 0 else end + 1


def _comment_ends(markup: str) -> list[tuple[int, int]]:
    """Each comment's start and where its closing ``-->`` starts (the end of the markup
    when it has none)."""
    spans = []
    for match in _COMMENT.finditer(markup):
        text = match.group()
        closing = len(text) - (4 if text.endswith("--!>") else 3 if text.endswith("-->") else 0)
        spans.append((match.start(), match.start() + max(closing, 4)))
    return spans


class _Tangled(Exception):
    """Markup whose tags overlap so much that checking each would take more than linear time."""


def _cuts(markup: str) -> Iterator[Cut]:
    """Every span that must go, tag by tag (spans may overlap).

    Tags are read from every ``<``, inside other tags too; markup where that reading
    costs more than a few times its length raises :class:`_Tangled`.
    """
    budget = 4 * len(markup) + 4096
    comments = _comment_ends(markup) if "<!--" in markup else []
    for match in _TAG.finditer(markup):
        closing, name = match.group(1), match.group(2)
        rest = _TAG_REST.match(markup, match.end())
        end = rest.end() if rest else match.end()
        names = _names(name)
        code = names & CODE_ELEMENTS
        if code and not closing:
            # A code element inside a comment ends with it: the comment stays closed.
            within = bisect.bisect_right(comments, (match.start(), len(markup))) - 1
            limit = comments[within][1] if within >= 0 and comments[within][1] > match.start() else len(markup)
            end = max(min(end, limit), _element_end(markup, min(code), end, limit))
        budget -= end - match.start()
        if budget < 0:
            raise _Tangled
        if code or names & SCRIPT_ELEMENTS:
            yield match.start(), end
        else:
            tag = name.lower()
            for attribute, value, span in _attributes(markup, match.end(), end):
                if _script_attribute(tag, attribute, value):
                    yield span


def _cut_once(markup: str) -> str:
    """The markup with every span that overlaps no earlier one cut."""
    out: list[str] = []
    position = 0
    for start, end in sorted(_cuts(markup)):
        if start >= position:
            out.append(markup[position:start])
            position = end
    out.append(markup[position:])
    return "".join(out)


def inert_html(markup: str) -> str:
    """Raw HTML with everything that can run script cut out (see the module doc); markup
    holding none is given back as it is."""
    if "<" not in markup:
        return markup
    try:
        for _ in range(_MAX_PASSES):
            cut = _cut_once(markup)
            if cut == markup:
                return markup
            markup = cut
    except _Tangled:
        pass
    return markup.replace("<", "&lt;")  # cut after cut, or tags in tags past counting: show it as text


def alt_text(alt: str) -> str:
    """Image alt text without the tags in it, as CommonMark shows alt text (tags left out, their text kept)."""
    return re.sub(r"<(?:!--.*?--|/?[A-Za-z][^<>]*)>", "", alt, flags=re.DOTALL) if "<" in alt else alt


def inert_image(image: Image) -> Image:
    """The image without a script address (its alt text stays) or tags in its alt text."""
    src = "" if script_url(image.src, picture=True) else image.src
    alt = alt_text(image.alt)
    return image if (src, alt) == (image.src, image.alt) else attrs.evolve(image, src=src, alt=alt)


# --------------------------------------------------------------------------
# Front matter: themes print its values unescaped (``{{ page.title }}``)


def tagged_strings(value: Any) -> Iterator[str]:
    """The strings in a front-matter value (mappings and lists walked, keys too) that hold a
    ``<`` that opens a tag."""
    if isinstance(value, str):
        if TAG_START.search(value):
            yield value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from tagged_strings(key)
            yield from tagged_strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from tagged_strings(inner)


def holds_tag(value: Any) -> bool:
    """Whether a front-matter value holds a ``<`` that opens a tag (see :func:`tagged_strings`)."""
    return next(tagged_strings(value), None) is not None


def inert_text(text: str) -> str:
    """Text with each ``<`` that would open a tag written ``&lt;``: a template printing it
    unescaped shows the ``<``, a template escaping it shows ``&lt;``; neither runs it."""
    return TAG_START.sub("&lt;", text)


def inert_value(value: Any) -> Any:
    """A front-matter value with :func:`inert_text` applied to every string in it."""
    if isinstance(value, str):
        return inert_text(value)
    if isinstance(value, Mapping):
        return {inert_value(key): inert_value(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [inert_value(inner) for inner in value]
    return value


def inert_raw(raw: str, fence: str, data: Mapping[str, Any]) -> str | None:
    """The front matter's text with each tag-opening ``<`` written ``&lt;``, when that text
    still reads as ``data`` (the inert values); None when it does not (a YAML value that
    now opens with ``&`` reads as an anchor): the caller writes ``data`` anew."""
    text = inert_text(raw)
    try:
        if fence == "---":
            loaded = yaml.safe_load(text) if text.strip() else {}
        elif fence == "+++":
            loaded = tomllib.loads(text)
        else:
            return text  # Pelican's metadata lines are plain text
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        return None
    return text if loaded == data else None


__all__ = [
    "CODE_ELEMENTS",
    "SCRIPT_ELEMENTS",
    "URL_ATTRIBUTES",
    "alt_text",
    "holds_tag",
    "inert_html",
    "inert_raw",
    "inert_text",
    "inert_value",
    "script_url",
    "tagged_strings",
]
