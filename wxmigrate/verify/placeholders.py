"""Known stand-in images: bytes that are not the picture a post meant to show.

WeChat serves stand-ins in place of real pictures: a 1×1 transparent SVG
written where a lazily loaded image had not loaded yet when the page was
saved, and a notice image when a picture is hot-linked from another site.
They decode fine, so only their content hash tells them apart.  Users add
their own with ``--placeholder`` (an image file, a folder of them, or a
SHA-256 in hex).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from ..errors import ConfigError
from .site import walk_files


def is_placeholder(src: str) -> bool:
    """Whether an image address is WeChat's lazy-loading stand-in, not a picture:
    an inline SVG, or that SVG's namespace resolved against the article's address
    (``https://mp.weixin.qq.com/s/www.w3.org/2000/svg'…``)."""
    flat = src.replace("\n", "")
    return flat.startswith("data:image/svg") or "www.w3.org/2000/svg" in flat


#: SHA-256 of a stand-in image -> what it is.
KNOWN_PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        # The bytes of WeChat's lazy-loading stand-in, the
        # ``data:image/svg+xml,%3C%3Fxml version='1.0' …`` URI exporters keep
        # when the page was saved before its images loaded.
        "84237a5288961782d2866cb0aed99ba8dad86ec6809a7e4ce5842cba1fcda5a7": (
            "WeChat's 1×1 transparent SVG lazy-loading stand-in"
        ),
    }
)

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def placeholder_hashes(extra: Iterable[str | Path] = ()) -> dict[str, str]:
    """The known stand-ins plus ``extra``: SHA-256 strings, image files, or folders of them."""
    known = dict(KNOWN_PLACEHOLDERS)
    for item in extra:
        text = str(item)
        if _SHA256.match(text):
            known[text.lower()] = "given as a hash"
            continue
        path = Path(item)
        if path.is_dir():
            files = list(walk_files(path))
        elif path.is_file():
            files = [path]
        else:
            raise ConfigError(
                f"placeholder {text!r} is neither a SHA-256, an image file nor a folder"
            )
        for file in files:
            known[hashlib.sha256(file.read_bytes()).hexdigest()] = f"like {file.name}"
    return known
