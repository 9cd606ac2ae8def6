"""URLs as a browser reads them: which scheme a disguised URL has, whether it is safe, whether it runs script.

Shared by the HTML output (:mod:`.html`), the inert Markdown output (:mod:`.inert`,
:mod:`.markdown`) and the repair rules; kept apart from :mod:`.html` so that what only
reads a URL does not import lxml and markdown-it.
"""

from __future__ import annotations

import html
import re

from ..chars import clean_text

#: Schemes a link or image may use; any other scheme (javascript:, vbscript:,
#: data:, file:, …) is refused.  URLs without a scheme are relative and safe.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "ftps"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
#: Removed before looking for a scheme.  Browsers only strip ASCII tab and
#: newline inside a URL and C0 controls and space around it; removing more
#: (every whitespace, invisible formatting characters) can only make the check
#: stricter.
_IGNORED_IN_SCHEME = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]"
)
_LIQUID_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
#: The Liquid a URL may hold: the site's own address, a quoted path through
#: ``relative_url``/``absolute_url``, links to other posts.  Any other tag may
#: expand to anything (``{{ page.x }}``, ``| url_decode``) once Jekyll runs.
_SAFE_LIQUID = re.compile(
    r"\{\{\s*site\.(?:baseurl|url)\s*\}\}"
    r"|\{\{\s*(['\"])([^'\"{}%]*)\1\s*\|\s*(?:relative_url|absolute_url)\s*\}\}"
    r"|\{%\s*(?:link|post_url)\s[^'\"{}%]*%\}"
)


def is_safe_url(url: str) -> bool:
    """Whether ``url`` is relative or uses a scheme in :data:`SAFE_SCHEMES`.

    Character references are decoded (repeatedly, so ``&amp;#x61;`` counts as
    ``a``), and characters HTML forbids, whitespace, control characters and
    Liquid tags (which Jekyll may expand to nothing) removed before the scheme
    is read, so ``jav&#x61;script:``, `` JaVaScRiPt:``, ``java\\tscript:`` and
    ``java{{x}}script:`` are all refused.  Liquid other than the site's
    address and links (see :data:`_SAFE_LIQUID`) is refused too.
    """
    text = _decoded(url)
    for tag in _LIQUID_TAG.finditer(text):
        match = _SAFE_LIQUID.fullmatch(tag.group())
        if match is None or (match.group(2) and not is_safe_url(match.group(2))):
            return False
    match = _SCHEME.match(_scheme_text(text))
    return match is None or match.group(1) in SAFE_SCHEMES


def _decoded(url: str) -> str:
    """The URL with character references decoded (repeatedly) and forbidden characters gone."""
    text = clean_text(url)
    for _ in range(8):
        decoded = clean_text(html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return text


def _scheme_text(decoded: str) -> str:
    """A decoded URL as a browser reads its scheme: Liquid, white space and controls gone."""
    return _IGNORED_IN_SCHEME.sub("", _LIQUID_TAG.sub("", decoded)).lower()


#: Schemes that run script when a link is followed (``data:`` unless it is a picture).
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data"})


def read_url(url: str) -> str:
    """``url`` as a browser reads its scheme, however disguised: character references
    decoded, Liquid (which may expand to anything), white space and controls removed,
    lower case."""
    return _scheme_text(_decoded(url))


def url_scheme(url: str) -> str:
    """The scheme a browser reads from ``url`` (see :func:`read_url`), or "" when it has none."""
    match = _SCHEME.match(read_url(url))
    return match.group(1) if match else ""


_PICTURE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|avif|bmp)[;,]")


def is_picture(url: str) -> bool:
    """Whether ``url`` is a ``data:`` address of a raster picture (which runs nothing)."""
    return bool(_PICTURE.match(read_url(url)))


def runs_script(url: str) -> bool:
    """Whether following ``url`` would run script: a ``javascript:``, ``vbscript:`` or
    non-image ``data:`` address, however disguised (see :func:`url_scheme`).  Narrower
    than :func:`is_safe_url`: ``irc:`` or ``localhost:5001/x`` are links a post may hold,
    not script."""
    scheme = url_scheme(url)
    return scheme in SCRIPT_SCHEMES and not (scheme == "data" and is_picture(url))


__all__ = ["SAFE_SCHEMES", "SCRIPT_SCHEMES", "is_picture", "is_safe_url", "read_url", "runs_script", "url_scheme"]
