"""Plain CommonMark: any folder of Markdown posts, kept in its own layout, images linked relatively.

This is the profile for a folder no engine claims (a docsify backup, an
Obsidian vault, a feed archive): posts keep their paths, front matter stays
as written, and image links are relative to the post file, so the folder
reads right in any Markdown viewer.  Re-laid out, posts go to ``SLUG.md``
at the root and images to ``images/``.
"""

from __future__ import annotations

from typing import Any

from ..layout import PostMeta
from . import Engine
from .profiles import common_fields


def front_matter(meta: PostMeta) -> dict[str, Any]:
    return common_fields(meta)


ENGINE: Engine = Engine(
    name="plain",
    posts_folder="",
    images_folder="images",
    image_url=lambda path: path,
    relative_links=True,
    front_matter=front_matter,
    metadata="keep",
)
