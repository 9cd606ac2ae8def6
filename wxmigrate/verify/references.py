"""Every image reference of a post: body images and front-matter image keys, with lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from ..model import Post, images
from ..parse import front_matter_line
from ..read import Source

#: Front-matter keys themes use for a post's images (header, cover, social card).
IMAGE_KEYS = (
    "header-img",
    "header_img",
    "header-image",
    "cover",
    "cover_image",
    "cover-image",
    "image",
    "images",
    "thumbnail",
    "thumb",
    "featured_image",
    "feature_image",
    "featured-image",
    "banner",
    "og_image",
    "teaser",
)

#: Keys inside a nested front-matter mapping (``image: {path: …}``, ``header: {teaser: …}``).
_NESTED_KEYS = (*IMAGE_KEYS, "path", "src", "url", "feature", "overlay_image", "image_path")


@attrs.frozen
class Reference:
    """One image reference: where it is written and what it says."""

    #: The post's path, as loaded.
    post: str
    line: int
    #: Exactly as written.
    src: str
    #: The front-matter key it came from, or None for the body.
    key: str | None = None


def references(post: Post) -> Iterator[Reference]:
    """The post's image references: front matter first, then the body in source order."""
    yield from front_matter_references(post.path, post)
    for image, line in images(post):
        yield Reference(post.path, line, image.src)


def front_matter_references(path: str, source: Source | Post) -> Iterator[Reference]:
    """The image references in the front matter of a post (read or loaded) at ``path``."""
    for key, value in source.front_matter.data.items():
        if key in IMAGE_KEYS or key == "header":
            line = front_matter_line(source, key)
            for src in _strings(value, nested=key == "header"):
                yield Reference(path, line, src, key)


def _strings(value: Any, *, nested: bool = False) -> Iterator[str]:
    """Image paths in a front-matter value: a string, a list of them, or a mapping of image keys."""
    if isinstance(value, str) and not nested:
        if value.strip():
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in _NESTED_KEYS:
                yield from _strings(item)
