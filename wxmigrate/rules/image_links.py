"""Rules for image links: split paths, backslashes, links to the site's image folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from posixpath import basename
from typing import Any, cast

import attrs

from ..model import (
    Block,
    Emphasis,
    Figure,
    Image,
    Inline,
    Link,
    Paragraph,
    Post,
    Strong,
    inline_lines,
    walk_inlines,
)
from ..verify.placeholders import is_placeholder
from .base import Change, Options, rule, short
from .features import has_image, has_inlines
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
    """The run with ``fix`` applied to its images; the very run when none changed (no copy
    of each bold run and link the runner would take for new)."""
    if isinstance(inline, Image):
        return fix(inline)
    if isinstance(inline, (Strong, Emphasis, Link)):
        children = tuple(_fix_images(child, fix) for child in inline.children)
        if all(new is old for new, old in zip(children, inline.children)):
            return inline
        return attrs.evolve(inline, children=children)
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
        return [attrs.evolve(cast(Any, block), children=new_children)], changes

    return map_leaves(post, edit)


#: A path that names a picture file (with a query, as WeChat's addresses have).
_PICTURE_FILE = re.compile(r"\.(?:png|jpe?g|gif|webp|avif|bmp|svg|tiff?)(?:[?#][^\s]*)?$", re.IGNORECASE)


@rule(generic=True, applies=has_image(lambda image: "\n" in image.src), per_block=True)
def join_split_image_path(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Join an image path the exporter split over several lines.

    ``![](2021-06-20⏎标题前半⏎标题后半\\\\HASH.jpeg)`` -> ``![](2021-06-20标题前半标题后半\\\\HASH.jpeg)``.
    Safe in any post: no link destination holds a line end, so CommonMark shows such an
    image as text; in a post no exporter wrote, only a joined path with a backslash or a
    picture's file name is taken for one (``![](/url⏎"title")`` is a title, not a path).
    """

    def fix(image: Image) -> Image:
        if "\n" not in image.src:
            return image
        joined = re.sub(r"[ \t]*\n[ \t]*", "", image.src)
        if post.generic and "\\" not in joined and not _PICTURE_FILE.search(joined):
            return image
        return attrs.evolve(image, src=joined)

    return map_images(post, "join_split_image_path", fix)


#: A backslash CommonMark reads as an escape of punctuation (``\\_``), not as a path's
#: (a doubled backslash, as exporters write Windows paths, is a path's too).
_MARKDOWN_ESCAPE = re.compile(r"(?<!\\)\\[!-/:-@\[\]^_`{-~]")


@rule(generic=True, applies=has_image(lambda image: "\\" in image.src), per_block=True)
def replace_backslashes_in_image_path(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Turn Windows backslashes in a local image path into slashes.

    ``![](folder\\\\HASH.jpeg)`` -> ``![](folder/HASH.jpeg)``.  Safe in any post: a backslash
    left in a URL's path finds no file on a web server; in a post no exporter wrote, a path
    whose backslash escapes punctuation (``a\\_b.png``) is left as CommonMark reads it.
    """

    def fix(image: Image) -> Image:
        if "\\" not in image.src or "\n" in image.src or not is_local(image.src):
            return image
        if post.generic and _MARKDOWN_ESCAPE.search(image.src):
            return image
        return attrs.evolve(image, src=re.sub(r"\\+", "/", image.src))

    return map_images(post, "replace_backslashes_in_image_path", fix)


@rule(generic=True, applies=has_inlines(Image), per_block=True)
def relink_local_images(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Point a local image at its file in the site's image folder, in the engine's URL form.

    ``![](2021-06-20标题/HASH.jpeg)`` -> ``![]({{ site.baseurl }}/postimg/HASH.jpeg)`` (Jekyll).
    An image whose file cannot be found keeps its link and is reported.  Safe in any post:
    it relinks only to files the site has, and ``repair`` asks it to (``Options.assets``)
    only for links that do not already reach their file, unless the posts are laid out anew.
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


_ESCAPED_QUERY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);(?=[=_])")


def unescape_query(url: str) -> str:
    """Undo an HTML-to-Markdown converter's ``&name;`` damage in a URL's query."""
    return _ESCAPED_QUERY.sub(r"&\1", url)


@rule(applies=has_image(lambda image: _ESCAPED_QUERY.search(image.src) is not None), per_block=True)
def unescape_image_queries(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Repair image URLs whose query an HTML converter mangled into entities.

    ``640?wx_fmt=png&from;=appmsg&wx;_lazy=1`` -> ``640?wx_fmt=png&from=appmsg&wx_lazy=1``
    """

    def fix(image: Image) -> Image:
        fixed = unescape_query(image.src)
        return image if fixed == image.src else attrs.evolve(image, src=fixed)

    return map_images(post, "unescape_image_queries", fix)


@rule(applies=has_image(lambda image: image.title == ""), per_block=True)
def drop_empty_image_titles(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove an image's empty title, which some engines print as an empty tooltip.

    ``![](a.png "")`` -> ``![](a.png)``
    """

    def fix(image: Image) -> Image:
        return attrs.evolve(image, title=None) if image.title == "" else image

    return map_images(post, "drop_empty_image_titles", fix)


def _without_placeholders(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """The runs with placeholder images removed, at any depth; links and bold left empty go too."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Image) and is_placeholder(inline.src):
            continue
        if isinstance(inline, (Strong, Emphasis, Link)):
            children = _without_placeholders(inline.children)
            if not children and inline.children:
                continue
            inline = attrs.evolve(inline, children=children) if children != inline.children else inline
        out.append(inline)
    return tuple(out)


def _placeholders(inline: Inline) -> list[Image]:
    return [i for i in walk_inlines((inline,)) if isinstance(i, Image) and is_placeholder(i.src)]


@rule(removes_images=True, applies=has_image(lambda image: is_placeholder(image.src)), per_block=True)
def drop_placeholder_images(post: Post, options: Options) -> tuple[Post, list[Change]]:
    """Remove lazy-load placeholders exported as images (they never show a picture).

    ``![Image](data:image/svg+xml,%3Csvg…)`` -> removed; so is
    ``![Image](https://mp.weixin.qq.com/s/www.w3.org/2000/svg'…)``, and a link left empty by it.
    """

    def edit(block: Block) -> tuple[list[Block], list[Change]]:
        if isinstance(block, Figure) and is_placeholder(block.image.src):
            return [], [Change("drop_placeholder_images", post.path, block.lines[0], short(block.image.src), "")]
        children = getattr(block, "children", None)
        if children is None or not any(_placeholders(i) for i in children):
            return [block], []
        kept = _without_placeholders(children)
        changes = [
            Change("drop_placeholder_images", post.path, line, short(image.src), "")
            for inline, line in inline_lines(block) for image in _placeholders(inline)
        ]
        if not kept and isinstance(block, Paragraph):
            return [], changes
        return [attrs.evolve(cast(Any, block), children=kept)], changes

    return map_leaves(post, edit)
