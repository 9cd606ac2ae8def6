"""What a post is called and dated in any layout: slug, date, tags, and the rest of its metadata.

Posts arrive from many exporters: Jekyll's ``_posts/2021-06-20-slug.md``, a
docsify backup's ``account/标题.md``, an Obsidian clipping with ``created:``,
a feed archive under ``2023/2023-11/``.  :func:`post_meta` reads what any of
them says about a post into one :class:`PostMeta`, which engine profiles turn
into their own front matter and file names.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from .model import Post, block_inlines, walk_blocks
from .parse import plain_text

#: Front-matter keys read as the post's date, first present wins.
DATE_KEYS = ("date", "published", "created", "pubDate", "pubdate")
#: Front-matter keys read as its summary.
DESCRIPTION_KEYS = ("description", "summary", "abstract", "excerpt", "subtitle")
#: Keys that only mean something to the engine they were written for (routing,
#: templates), or that :class:`PostMeta` carries under its own name.
ENGINE_KEYS = frozenset(
    {
        "layout",
        "permalink",
        "slug",
        "url",
        "aliases",
        "template",
        "draft",
        "weight",
        "title",
        "tags",
        "tag",
        "categories",
        "category",
        "author",
        "authors",
        "taxonomies",
        "extra",
        "wechat",
        "save_as",
        "status",
        *DATE_KEYS,
        *DESCRIPTION_KEYS,
    }
)

_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?!\d)")
_TIME_AFTER = re.compile(r"[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_DATED_STEM = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-?")


@attrs.frozen
class PostMeta:
    """A post's metadata, whatever layout it came from."""

    title: str
    slug: str
    date: _dt.date | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    description: str = ""
    #: The source's other front-matter keys, kept for the engines that allow them.
    extra: Mapping[str, Any] = attrs.field(factory=dict)
    #: The repost note, cards, provenance and credits (see :mod:`wxmigrate.emit.metadata`).
    wechat: Mapping[str, Any] = attrs.field(factory=dict)


def slugify(text: str, limit: int = 60) -> str:
    """A file and URL name: letters and digits of any script, words joined by ``-``.

    CJK titles keep their characters (every engine here serves them), but
    punctuation, spaces and anything a URL would need escaped become ``-``.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    slug = re.sub(r"[^\w]+|_+", "-", text).strip("-")
    return slug[:limit].strip("-") or "post"


def _as_list(value: Any) -> tuple[str, ...]:
    """Tags, categories or authors as names, whatever the front matter made them: a list,
    ``"a, b"``, one value (``5``, ``true``), or a mapping (``{a, b}`` is YAML for one of keys)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in re.split(r"[,，]", value) if part.strip())
    if isinstance(value, Mapping):
        value = list(value)
    if isinstance(value, (list, tuple)):
        # A listed name is one name, commas and all; a nested list or mapping gives its names.
        names = (name for item in value for name in ((item,) if isinstance(item, str) else _as_list(item)))
        return tuple(name.strip() for name in names if name.strip())
    if isinstance(value, bool):
        return ("true" if value else "false",)
    return (str(value),)


def _clean_author(name: str) -> str:
    """An Obsidian wiki link ``[[name]]`` is the name."""
    return re.sub(r"^\[\[(.*)\]\]$", r"\1", name.strip())


def parse_date(value: Any) -> _dt.date | None:
    """A date or date-time from a front-matter value or text (``2021-06-20``, ``2021年6月20日 10:00``)."""
    if isinstance(value, _dt.datetime):
        return value
    if isinstance(value, _dt.date):
        return value
    if value is None:
        return None
    text = str(value)
    match = _DATE_IN_TEXT.search(text)
    if match is None:
        return None
    try:
        day = _dt.date(*map(int, match.groups()))
    except ValueError:
        return None
    time = _TIME_AFTER.match(text, match.end())
    if time is None:
        return day
    hour, minute, second = int(time.group(1)), int(time.group(2)), int(time.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day
    return _dt.datetime(day.year, day.month, day.day, hour, minute, second)


def post_date(post: Post, path: Path | None, body_lines: int = 6) -> _dt.date | None:
    """The post's date: its front matter, its file or folder name, or a date line near the top."""
    for key in DATE_KEYS:
        found = parse_date(post.front_matter.get(key))
        if found is not None:
            return found
    meta = getattr(post, "meta", None)  # the exporter's byline, read by the parser
    found = parse_date(getattr(meta, "date", None))
    if found is not None:
        return found
    if path is not None:
        for part in (path.stem, path.parent.name):
            found = parse_date(part)
            if found is not None:
                return found
    for index, block in enumerate(walk_blocks(post.blocks)):
        if index >= body_lines:
            break
        found = parse_date(plain_text(block_inlines(block)))
        if found is not None:
            return found
    return None


def post_slug(post: Post, path: Path | None) -> str:
    """The post's slug: its front matter's, or its file name without the date (the
    folder's name for a bundle's ``index.md``), or its title."""
    given = post.front_matter.get("slug")
    if isinstance(given, str) and given.strip():
        return slugify(given)
    if path is not None:
        stem = path.parent.name if path.stem in ("index", "_index", "README") else path.stem
        stem = _DATED_STEM.sub("", stem)
        if stem:
            return slugify(stem)
    return slugify(post.title)


def post_meta(
    post: Post, path: Path | None, *, wechat: Mapping[str, Any] | None = None
) -> PostMeta:
    """Everything the engines need to name, date and describe ``post``."""
    front = post.front_matter
    description = next((str(front.get(key)) for key in DESCRIPTION_KEYS if front.get(key)), "")
    authors = tuple(
        _clean_author(name) for name in _as_list(front.get("authors") or front.get("author"))
    )
    extra = {
        key: value
        for key, value in front.data.items()
        if key not in ENGINE_KEYS and value is not None
    }
    return PostMeta(
        title=post.title or post.front_matter_title or (path.stem if path is not None else ""),
        slug=post_slug(post, path),
        date=post_date(post, path),
        tags=_as_list(front.get("tags") or front.get("tag")),
        categories=_as_list(front.get("categories") or front.get("category")),
        authors=authors,
        description=description.strip(),
        extra=extra,
        wechat=dict(wechat or {}),
    )


def date_text(value: _dt.date | None, *, time: bool = True, separator: str = " ") -> str:
    """``2021-06-20`` or ``2021-06-20 10:00:00`` (``separator`` between day and time)."""
    if value is None:
        return ""
    if isinstance(value, _dt.datetime) and time:
        return value.strftime(f"%Y-%m-%d{separator}%H:%M:%S")
    return value.strftime("%Y-%m-%d")


def unique(path: str, taken: set[str]) -> str:
    """``path``, or ``path`` with ``-2``, ``-3``… before its suffix when another post has it."""
    candidate, number = path, 1
    pure = PurePosixPath(path)
    while candidate.lower() in taken:
        number += 1
        if pure.name in ("index.md", "index.markdown"):
            candidate = str(pure.parent.with_name(f"{pure.parent.name}-{number}") / pure.name)
        else:
            candidate = str(pure.with_name(f"{pure.stem}-{number}{pure.suffix}"))
    taken.add(candidate.lower())
    return candidate


_DIGEST_TAIL = re.compile(r"-[0-9a-f]{8}$")


def name_key(name: str) -> str:
    """What image file names that could be given one output path have in common: the
    name without its extension or a ``-<sha8>`` tail, in NFC, case folded."""
    stem, dot, _suffix = unicodedata.normalize("NFC", name).casefold().rpartition(".")
    return _DIGEST_TAIL.sub("", stem if dot else _suffix)


class Contested(Exception):
    """Raised, in a worker of a parallel run, for an image whose output path depends on
    which post claims it first: the post is repaired again in order, in the main process."""


__all__ = [
    "PostMeta",
    "Contested",
    "date_text",
    "name_key",
    "parse_date",
    "post_date",
    "post_meta",
    "post_slug",
    "slugify",
    "unique",
]
