"""Rules for image links: split paths, backslashes, links to the site's image folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from posixpath import basename

import attrs

from ..model import Block, Emphasis, Figure, Image, Inline, Link, Post, Strong, inline_lines
from .base import Change, Options, rule, short
from .walk import map_leaves

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def is_local(src: str) -> bool:
    """Whether an image source is a file of the site (not a URL)."""
    return not _SCHEME.match(_LIQUID.sub("", src).strip())


def file_name(src: str) -> str:
    """The file name an image source points at (Liquid, query and fragment left out)."""
    path = _LIQUID.sub("", src)
    path = re.sub(r"\s*\n\s*", "", path).replace("\\", "/")
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    return basename(path.rstrip("/"))


def _fix_images(inline: Inline, fix: Callable[[Image], Image]) -> Inline:
    if isinstance(inline, Image):
        return fix(inline)
    if isinstance(inline, (Strong, Emphasis, Link)):
        return attrs.evolve(inline, children=tuple(_fix_images(child, fix) for child in inline.children))
    return inline


def map_images(post: Post, name: str, fix: Callable[[Image], Image]) -> tuple[Post, list[Change]]:
    """Apply ``fix`` to every image, recording a change for each one it alters."""

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        changes: list[Change] = []

        def record(line: int) -> Callable[[Image], Image]:
            def fixed(image: Image) -> Image:
                new = fix(image)
                if new != image:
                    changes.append(Change(name, post.path, line, short(image.src), short(new.src)))
                return new

            return fixed

        if isinstance(block, Figure):
            image = record(block.lines[0])(block.image)
            new_block: Block = attrs.evolve(block, image=image) if image != block.image else block
            return [new_block], changes
        children = getattr(block, "children", None)
        if children is None:
            return [block], changes
        new_children = tuple(_fix_images(inline, record(line)) for inline, line in inline_lines(block))
        if new_children == children:
            return [block], changes
        return [attrs.evolve(block, children=new_children)], changes

    return map_leaves(post, edit)


@rule()
def join_split_image_path(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Join an image path the exporter split over several lines.

    ``![](2021-06-20⏎标题前半⏎标题后半\\\\HASH.jpeg)`` -> ``![](2021-06-20标题前半标题后半\\\\HASH.jpeg)``
    """

    def fix(image: Image) -> Image:
        if "\n" not in image.src:
            return image
        return attrs.evolve(image, src=re.sub(r"[ \t]*\n[ \t]*", "", image.src))

    return map_images(post, "join_split_image_path", fix)


@rule()
def replace_backslashes_in_image_path(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Turn Windows backslashes in a local image path into slashes.

    ``![](folder\\\\HASH.jpeg)`` -> ``![](folder/HASH.jpeg)``
    """

    def fix(image: Image) -> Image:
        if "\\" not in image.src or "\n" in image.src or not is_local(image.src):
            return image
        return attrs.evolve(image, src=re.sub(r"\\+", "/", image.src))

    return map_images(post, "replace_backslashes_in_image_path", fix)


@rule()
def relink_local_images(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Point a local image at its file in the site's image folder, in the engine's URL form.

    ``![](2021-06-20标题/HASH.jpeg)`` -> ``![]({{ site.baseurl }}/postimg/HASH.jpeg)`` (Jekyll).
    An image whose file cannot be found keeps its link and is reported.
    """
    if not options.assets:
        return post, []

    def fix(image: Image) -> Image:
        if "\n" in image.src or not is_local(image.src):
            return image
        target = options.assets.get(file_name(image.src))
        if target is None:
            return image
        return attrs.evolve(image, src=options.engine.image_url(target))

    return map_images(post, "relink_local_images", fix)
