"""Emitters: the model written out for a static-site engine.

An :class:`Engine` is a small frozen profile saying only what differs between
engines: where posts and images go and what they are called, how an image
path becomes a URL, the front-matter format and fields, how text is escaped,
which render functions it overrides, where the repost note and cards go, and
the minimal files a new site needs.  A new engine is one module and one entry
in :data:`ENGINES`; see ``docs/engines.md``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import ConfigError, boundary
from ..layout import PostMeta
from ..model import Block, FrontMatter, Paragraph, Post
from .frontmatter import YAML, FrontMatterFormat
from .markdown import DEFAULT_RENDERERS, Context, escape_line_start, escape_text

Renderer = Callable[[Any, Context], str]


def _identity(post: Post) -> Post:
    return post


def _no_scaffold(title: str) -> Mapping[str, str]:
    return {}


def _never(root: Path) -> bool:
    return False


@attrs.frozen
class Engine:
    """What one static-site engine needs from the emitter."""

    name: str
    #: Folder of the posts, relative to the site root.
    posts_folder: str
    #: Default folder of the images, relative to the site root.
    images_folder: str
    #: Turns the path :meth:`image_path` gives into the URL written in posts.
    image_url: Callable[[str], str]
    #: Escapes text for the engine's Markdown parser (see :mod:`.parsers`).
    escape: Callable[[str], str] = escape_text
    #: Escapes the start of each line of paragraph text, after :attr:`escape`.
    escape_line: Callable[[str], str] = escape_line_start
    renderers: Mapping[type, Renderer] = attrs.field(factory=dict)
    front_matter_format: FrontMatterFormat = YAML
    #: Images go next to their post (page bundles, colocated assets).
    colocated: bool = False
    #: Image links are relative to the post file; else site paths through :attr:`image_url`.
    relative_links: bool = False
    #: A re-laid-out post's file, relative to the site root, from its metadata.
    post_file: Callable[[PostMeta], str] = lambda meta: f"{meta.slug}.md"
    #: A re-laid-out post's front matter, from its metadata.
    front_matter: Callable[[PostMeta], dict[str, Any]] = lambda meta: {"title": meta.title}
    #: Turns an image path into a front-matter value (``header-img``, ``cover``); None: :attr:`image_url`.
    front_matter_image_url: Callable[[str], str] | None = None
    #: Where the repost note and cards go unless told (see :mod:`.metadata`).
    metadata: str = "both"
    #: The front-matter key path the repost and card fields go under.
    fields_key: tuple[str, ...] = ("wechat",)
    #: A last change to the model before writing (what the engine cannot show).
    prepare: Callable[[Post], Post] = _identity
    #: Files of a minimal site, path -> text, given the site's title.
    scaffold: Callable[[str], Mapping[str, str]] = _no_scaffold
    #: The file that says a folder is a site of this engine (written by :attr:`scaffold`).
    config_file: str = ""
    #: Whether a folder is a site of this engine.
    detect: Callable[[Path], bool] = _never
    #: Folder under a site of this engine that holds its posts.
    content_root: str = ""
    #: Post file names that are not posts (section indexes).
    skip_names: tuple[str, ...] = ()
    #: Folder under a site of this engine that a site-absolute link (``/images/a.png``) is
    #: served from (Hugo's and Zola's ``static``, Hexo's ``source``); "" for the site root.
    static_root: str = ""

    def context(self) -> Context:
        return Context(
            escape=self.escape,
            renderers={**DEFAULT_RENDERERS, **self.renderers},
            escape_line=self.escape_line,
        )

    def image_target(self, name: str, post_file: str, folder: str) -> str:
        """Where an image file goes, relative to the site root."""
        if self.colocated:
            return posixpath.join(posixpath.dirname(post_file), name)
        return posixpath.join(folder, name) if folder else name

    def image_path(self, target: str, post_file: str) -> str:
        """What :attr:`image_url` is given for an image at ``target`` used by ``post_file``."""
        if self.relative_links:
            return posixpath.relpath(target, posixpath.dirname(post_file) or ".")
        return target

    def front_matter_image(self, path: str) -> str:
        """A front-matter image value for the path :meth:`image_path` gives."""
        return (self.front_matter_image_url or self.image_url)(path)

    def front_matter_text(self, front: FrontMatter) -> str:
        """The front matter as the file opens: the post's own fenced text, kept as it is, or
        (for an engine whose metadata has no fences) rewritten in this engine's format."""
        if front.present and front.fence and not self.front_matter_format.fence:
            front = self.front_matter_format.front_matter(front.data)
        return self.front_matter_format.text(front)


from . import eleventy, hexo, hugo, jekyll, mkdocs, pelican, plain, zola
from .verbatim import head_as_source, render_body

ENGINES: Mapping[str, Engine] = MappingProxyType(
    {
        engine.name: engine
        for engine in (
            jekyll.ENGINE,
            hugo.ENGINE,
            hexo.ENGINE,
            zola.ENGINE,
            pelican.ENGINE,
            mkdocs.ENGINE,
            eleventy.ENGINE,
            plain.ENGINE,
        )
    }
)


def get_engine(name: str | Engine) -> Engine:
    """The engine called ``name``; raises :class:`ConfigError` listing the known ones."""
    if isinstance(name, Engine):
        return name
    try:
        return ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(f"unknown engine {name!r}; expected one of: {known}") from None


def detect_engine(root: Path) -> Engine | None:
    """The engine whose site ``root`` is, or None (a plain folder of Markdown)."""
    for engine in ENGINES.values():
        if engine.detect(root):
            return engine
    return None


@boundary(lambda post, *_, **__: post.path)
def to_markdown(post: Post, engine: str | Engine = "jekyll") -> str:
    """The post as Markdown for ``engine``, front matter included, after the engine's
    :attr:`~Engine.prepare` (what it cannot show, such as raw HTML for Hugo, rewritten).

    What no rule changed is written as it stands in the source (see :mod:`.verbatim`):
    an unchanged post comes out byte for byte.  A post not parsed from a source (built in
    code) is written with its script cut out (see :mod:`.inert`), as the repair rule
    ``neutralize_script`` would have done; so are its front matter and any written anew.
    """
    engine = get_engine(engine)
    post = engine.prepare(post)
    # A post built in code has had no repair: script is cut out as it is written.
    context = attrs.evolve(engine.context(), inert=post.origin is None)
    body = render_body(post, context, reads_otherwise=_reads_otherwise(post, engine))
    text = body.text if body.ends_as_source or not body.text else body.text + "\n"
    source_head = head_as_source(post) if engine.front_matter_format.fence else None
    front = source_head if source_head is not None else engine.front_matter_text(post.front_matter)
    if front:
        # A body that opens as in the source brings the lines that followed its front matter.
        brings_blank = body.opens_as_source and (source_head is not None or text.startswith("\n"))
        joined = "" if brings_blank else "\n"
        text = front + (joined + text if text else "")
    elif not (body.opens_as_source and post.origin is not None and not post.origin.head):
        text = unfenced(text)  # (a source that opened so was read as body, and is written so)
    return text.replace("\n", post.newline) if post.newline != "\n" else text


def _reads_otherwise(post: Post, engine: Engine) -> Callable[[Block, str], bool] | None:
    """Whether ``engine`` reads a block's source text otherwise than it was meant, for a post
    not written for ``engine`` itself: an exporter's (written for CommonMark) or another
    engine's.  It does when it would write that text otherwise than a CommonMark writer
    (template braces, kramdown's ``|``, Python-Markdown's escapes) or, in a paragraph, a
    line's start (``#话题#``, ``: 定义``)."""
    origin = post.origin
    if origin is None or (post.generic and origin.engine == engine.name):
        return None  # written for this very reader: every block stands as written
    escape, escape_line = engine.escape, engine.escape_line

    def otherwise(block: Block, text: str) -> bool:
        if escape is not escape_text and escape(text) != escape_text(text):
            return True
        lines = (line.lstrip(" \t") for line in text.split("\n"))
        return isinstance(block, Paragraph) and any(escape_line(line) != line for line in lines)

    return otherwise


def unfenced(body: str) -> str:
    """A body that cannot be read as the opening of front matter: with no front
    matter before it, a first line ``---`` (a rule) or ``+++`` would be one."""
    first, newline, rest = body.partition("\n")
    if first.rstrip() == "---":
        return "***" + newline + rest
    if first.rstrip() == "+++":
        return "\\" + body
    return body


__all__ = ["ENGINES", "Engine", "detect_engine", "get_engine", "to_markdown"]
