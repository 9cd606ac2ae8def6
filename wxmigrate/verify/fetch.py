"""Downloading remote images, behind a small interface so tests can use a fake.

Nothing is ever downloaded unless a :class:`Fetcher` is passed to
:func:`~wxmigrate.verify.fix.fix_assets` (``wxmigrate verify --fetch``).
:class:`UrlFetcher` is the real one (standard library only); without a
network it raises :class:`FetchError` with a message that says so.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

import attrs

from ..errors import WxMigrateError
from .formats import TRUE_EXTENSIONS
from .resolve import REMOTE_HOSTS, clean


class FetchError(WxMigrateError, OSError):
    """A remote image could not be downloaded."""

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(url, 0, detail)


class Fetcher(Protocol):
    """Something that turns a URL into the bytes it serves."""

    def fetch(self, url: str) -> bytes:
        """The bytes at ``url``; raise :class:`FetchError` when they cannot be had."""
        ...


@attrs.frozen
class UrlFetcher:
    """Downloads over HTTP(S) with :mod:`urllib`, bounded in time and size.

    No ``Referer`` is sent: WeChat answers a foreign referer with a stand-in
    notice image instead of the picture.
    """

    timeout: float = 20.0
    max_bytes: int = 50 * 1024 * 1024
    user_agent: str = "wxmigrate (image verification)"

    def fetch(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data: bytes = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise FetchError(url, f"the server answered {error.code} {error.reason}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise FetchError(
                url,
                f"cannot download ({reason}); is there a network connection? the reference is left as it is",
            ) from None
        if len(data) > self.max_bytes:
            raise FetchError(url, f"larger than {self.max_bytes} bytes; not downloaded")
        return data


def remote_url(src: str) -> str | None:
    """The http(s) URL a remote reference means, or None when it is no http(s) image."""
    text = clean(src)
    if text.startswith("//"):
        text = "https:" + text
    elif text.split("/", 1)[0].lower() in REMOTE_HOSTS:
        text = "https://" + text
    return text if re.match(r"^https?://", text, re.IGNORECASE) else None


def file_name(url: str, fmt: str) -> str:
    """A file name for a downloaded image: the picture's id from the URL plus its true extension.

    WeChat URLs end in a size (``…/mmbiz_jpg/ID/640?wx_fmt=jpeg``), so the
    segment before a purely numeric last one is the id.
    """
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    while len(segments) > 1 and segments[-1].isdigit():
        segments.pop()
    stem = re.sub(
        r"[^A-Za-z0-9_-]+", "_", (segments[-1] if segments else "").rsplit(".", 1)[0]
    ).strip("_")
    return f"{stem or 'image'}.{TRUE_EXTENSIONS.get(fmt, fmt.lower())}"
