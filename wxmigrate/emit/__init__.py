"""Emitters: the model written out for a static-site engine.

An :class:`Engine` is a small frozen object saying only what differs between
engines: where posts and images go, how an image path becomes a URL, how
text is escaped, and which render functions it overrides.  A new engine is
one module and one entry in :data:`ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import ConfigError
from ..model import Post
from .markdown import DEFAULT_RENDERERS, Context, escape_text, render_post


@attrs.frozen
class Engine:
    """What one static-site engine needs from the Markdown emitter."""

    name: str
    #: Folder of the posts, relative to the site root.
    posts_folder: str
    #: Default folder of the images, relative to the site root.
    images_folder: str
    #: Turns ``folder/name`` (relative to the site root) into the URL written in posts.
    image_url: Callable[[str], str]
    escape: Callable[[str], str] = escape_text
    renderers: Mapping[type, Callable[[Any, Context], str]] = attrs.field(factory=dict)

    def context(self) -> Context:
        return Context(escape=self.escape, renderers={**DEFAULT_RENDERERS, **self.renderers})


from . import jekyll  # noqa: E402  (the registry needs Engine defined)

ENGINES: Mapping[str, Engine] = MappingProxyType({jekyll.ENGINE.name: jekyll.ENGINE})


def get_engine(name: str | Engine) -> Engine:
    """The engine called ``name``; raises :class:`ConfigError` listing the known ones."""
    if isinstance(name, Engine):
        return name
    try:
        return ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(ENGINES))
        raise ConfigError(f"unknown engine {name!r}; expected one of: {known}") from None


def to_markdown(post: Post, engine: str | Engine = "jekyll") -> str:
    """The post as Markdown for ``engine``, front matter included."""
    return render_post(post, get_engine(engine).context())


__all__ = ["ENGINES", "Engine", "get_engine", "to_markdown"]
