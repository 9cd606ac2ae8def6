"""What a remote image is: a hot-linked WeChat picture, an avatar, or one behind an image proxy.

WeChat's addresses say what they hold: ``mmbiz.qpic.cn/mmbiz_jpg/ID/640?wx_fmt=jpeg``
names its format twice (``wx_fmt`` wins, as it is what the server sends),
``wx.qlogo.cn/mmhead/…`` is an account's avatar, and mirrors that could not
hot-link WeChat went through a proxy such as ``images.weserv.nl/?url=…``.
Nothing here touches the network: it reads the address.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

import attrs

from .formats import EXTENSION_FORMATS, declared_format

Kind = Literal["wechat", "wechat-avatar", "proxied"]

#: Hosts of WeChat's article pictures.
WECHAT_IMAGE_HOSTS = frozenset({"mmbiz.qpic.cn", "mmecoa.qpic.cn", "mmbiz.qlogo.cn"})
#: WeChat's static files (emoji, icons): their names carry their extension.
WECHAT_STATIC_HOSTS = frozenset({"res.wx.qq.com"})
#: Hosts of WeChat's avatars (accounts' and readers').
WECHAT_AVATAR_HOSTS = frozenset({"wx.qlogo.cn", "thirdwx.qlogo.cn"})
#: Image proxies that take the real address in a ``url`` query parameter.
PROXY_HOSTS = frozenset({"images.weserv.nl", "wsrv.nl"})

_PATH_FORMAT = re.compile(r"^/(?:mmbiz|sz_mmbiz|mmecoa)_([a-z]+)/")


@attrs.frozen
class Hotlink:
    """A remote image recognised from its address."""

    kind: Kind
    #: The format the address names (``wx_fmt``, or the ``mmbiz_png`` folder), or None.
    format: str | None
    #: The picture's own address: the proxied one for ``proxied``.
    origin: str
    #: The proxy's host for ``proxied``.
    proxy: str | None = None

    def describe(self) -> str:
        """A few words for people: ``WeChat image (JPEG by its address), hot-linked``."""
        fmt = f" ({self.format} by its address)" if self.format else ""
        if self.kind == "proxied":
            inner = recognise(self.origin)
            what = "WeChat image" if inner is not None and inner.kind == "wechat" else "image"
            return f"{what}{fmt} through the {self.proxy} proxy: {self.origin}"
        if self.kind == "wechat-avatar":
            return f"WeChat avatar{fmt}, hot-linked"
        return f"WeChat image{fmt}, hot-linked (WeChat may refuse it on other sites)"


def _url(src: str) -> str:
    text = src.strip()
    if text.startswith("//"):
        return "https:" + text
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        return "https://" + text
    return text


def wechat_format(url: str) -> str | None:
    """The format a WeChat address names: ``wx_fmt=png`` -> ``PNG``; else its folder
    (``mmbiz_gif/…?wx_fmt=other`` -> ``GIF``); None when neither says."""
    return _named_format(urlsplit(_url(url)))


def _named_format(parts: SplitResult) -> str | None:
    """:func:`wechat_format` of an address already taken apart."""
    values = parse_qs(parts.query).get("wx_fmt")
    named = EXTENSION_FORMATS.get(values[0].lower()) if values else None
    folder = _PATH_FORMAT.match(parts.path)
    return named or (EXTENSION_FORMATS.get(folder.group(1)) if folder else None)


def recognise(src: str) -> Hotlink | None:
    """The hot-link an image address is, or None for an address that is none of these."""
    url = _url(src)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if host in PROXY_HOSTS:
        inner = parse_qs(parts.query).get("url")
        if not inner:
            return None
        origin = _url(unquote(inner[0]) if "%" in inner[0] and "://" not in inner[0] else inner[0])
        found = recognise(origin)
        return Hotlink("proxied", found.format if found else None, origin, host)
    if host in WECHAT_AVATAR_HOSTS or (host in WECHAT_IMAGE_HOSTS and "/mmhead/" in parts.path):
        return Hotlink("wechat-avatar", _named_format(parts), url)
    if host in WECHAT_IMAGE_HOSTS:
        return Hotlink("wechat", _named_format(parts), url)
    if host in WECHAT_STATIC_HOSTS:
        return Hotlink("wechat", declared_format(parts.path), url)
    return None


__all__ = [
    "PROXY_HOSTS",
    "WECHAT_AVATAR_HOSTS",
    "WECHAT_IMAGE_HOSTS",
    "WECHAT_STATIC_HOSTS",
    "Hotlink",
    "recognise",
    "wechat_format",
]
