"""The images of a review page: each found by its address, shown as a thumbnail or marked.

A rendered post's ``<img>`` never keeps the address the post gave it.  An image the
run found a file for, and that decodes (``ok``, or ``mismatched``/``truncated``: a
browser still shows it), points at that file, relative to the page, so the review
works opened from disk; every other image (missing, broken, remote, or one the run
did not look at) becomes a marked box with its address as text.  Nothing is ever
loaded from another host, and audio and video are marked, not played.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from ..migrate import ImageUse
from ..parse.inline import unescape_markdown
from ..verify.resolve import clean

#: Statuses whose file a browser shows: the review gives it a thumbnail.
SHOWN = frozenset({"ok", "mismatched", "truncated"})
_SPACE = re.compile(r"\s+")
#: Elements that load what their ``src``, ``srcset`` or ``poster`` names.
_MEDIA = frozenset({"audio", "video", "source", "picture", "track"})


def _key(address: str) -> str:
    """An address as written in Markdown and as rendered compared alike: percent-encoding
    undone, Liquid (``{{ site.baseurl }}``), line breaks and white space dropped, ``/`` for ``\\``."""
    return _SPACE.sub("", clean(unquote(address)))


def _name(address: str) -> str:
    return _key(address).rpartition("/")[2]


class Pictures:
    """A post's images (what the run found of each), looked up by any address the post uses."""

    def __init__(self, uses: Iterable[ImageUse], page_folder: Path) -> None:
        self.uses = tuple(uses)
        self._folder = os.path.abspath(page_folder)
        self._by_key: dict[str, ImageUse] = {}
        by_name: dict[str, list[ImageUse]] = {}
        for use in self.uses:
            for address in (unescape_markdown(use.src), use.link):
                if address:
                    self._by_key.setdefault(_key(address), use)
                    by_name.setdefault(_name(address), []).append(use)
        #: A file name only one image of the post has (a link the renderer spelled otherwise).
        self._by_name = {name: found[0] for name, found in by_name.items() if len({id(u) for u in found}) == 1}

    def find(self, address: str) -> ImageUse | None:
        """The image a rendered ``src`` shows, or None when the run did not look at it."""
        return self._by_key.get(_key(address)) or self._by_name.get(_name(address))

    def href(self, use: ImageUse) -> str | None:
        """The image's file, relative to the page and percent-encoded; None when it is not shown."""
        if use.file is None or use.status not in SHOWN:
            return None
        relative = os.path.relpath(os.path.abspath(use.file), self._folder)
        return quote(PurePosixPath(Path(relative)).as_posix())


def status_words(status: str) -> str:
    """What a reader is told of an image's status."""
    return {
        "ok": "ok",
        "remote": "remote: not loaded",
        "missing": "missing: no file found",
        "refused": "refused: not read (outside the site)",
        "unchecked": "not checked by the run: not loaded",
    }.get(status, status)


def image_html(use: ImageUse | None, address: str, href: str | None, alt: str = "") -> str:
    """One image as the review shows it: a thumbnail with its status, or a marked box."""
    status = use.status if use is not None else ("remote" if _remote(address) else "unchecked")
    caption = f'<span class="image-status">{html.escape(status_words(status))}</span>'
    label = html.escape(alt or address)
    if href is not None:
        picture = f'<img src="{html.escape(href)}" alt="{html.escape(alt)}" loading="lazy">'
    else:
        picture = f'<span class="image-box">{label}</span>'
    return (
        f'<span class="image image-{html.escape(status)}" title="{html.escape(address)}">'
        f"{picture}{caption}</span>"
    )


def _remote(address: str) -> bool:
    return bool(re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", address.strip()))


def replace_media(markup: str, pictures: Pictures) -> str:
    """Sanitised ``markup`` with each ``<img>`` made a review image and each audio or
    video element a marked box (see the module doc)."""
    if "<img" not in markup and not any(f"<{tag}" in markup for tag in _MEDIA):
        return markup
    from lxml import html as lxml_html

    holder = lxml_html.fragment_fromstring(markup, create_parent="div")
    for element in list(holder.iter("img", *_MEDIA)):
        if element.getparent() is None:
            continue
        address = element.get("src") or ""
        if element.tag == "img":
            use = pictures.find(address)
            replacement = image_html(use, address, pictures.href(use) if use else None, element.get("alt") or "")
        else:
            words = html.escape(f"{element.tag} not played: {address or 'no address'}")
            replacement = f'<span class="image image-media"><span class="image-box">{words}</span></span>'
        _replace(element, lxml_html.fragment_fromstring(replacement))
    serialized: str = lxml_html.tostring(holder, encoding="unicode")
    return serialized[serialized.index(">") + 1 : serialized.rindex("</")]


def _replace(element: Any, replacement: Any) -> None:
    """Put ``replacement`` where ``element`` stands, keeping the text that follows it."""
    replacement.tail = element.tail
    parent = element.getparent()
    parent.replace(element, replacement)
