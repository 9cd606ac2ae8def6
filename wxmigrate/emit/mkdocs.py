"""MkDocs with Material's blog plugin: ``docs/blog/posts/SLUG.md``, images in ``docs/blog/images/``.

Image links are relative to the post file; MkDocs rewrites them for each
page's URL, so they resolve under any ``site_url``.  The blog plugin needs a
``date`` on every post.  Python-Markdown reads the posts (see
:mod:`.pelican` for the escapes that differ).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..layout import PostMeta
from . import Engine
from .frontmatter import dump_yaml
from .parsers import (
    PYTHON_MARKDOWN_RENDERERS,
    escape_python_markdown,
    escape_python_markdown_line,
)
from .profiles import common_fields, two_space_line_breaks


def post_file(meta: PostMeta) -> str:
    return f"docs/blog/posts/{meta.slug}.md"


def front_matter(meta: PostMeta) -> dict[str, Any]:
    return common_fields(meta)


def scaffold(title: str) -> dict[str, str]:
    config = {
        "site_name": title,
        "theme": {"name": "material", "language": "zh"},
        "plugins": ["blog"],
        # sane_lists: an ordered list starts at its first number (Python-Markdown numbers
        # every list from 1 otherwise).
        "markdown_extensions": ["tables", "sane_lists"],
    }
    return {
        "mkdocs.yml": dump_yaml(config),
        "docs/index.md": f"# {title}\n",
        "docs/blog/index.md": "# 文章\n",
    }


def detect(root: Path) -> bool:
    return (root / "mkdocs.yml").is_file()


ENGINE: Engine = Engine(
    name="mkdocs",
    posts_folder="docs/blog/posts",
    images_folder="docs/blog/images",
    image_url=lambda path: path,
    escape=escape_python_markdown,
    escape_line=escape_python_markdown_line,
    renderers=PYTHON_MARKDOWN_RENDERERS,
    prepare=two_space_line_breaks,
    relative_links=True,
    post_file=post_file,
    front_matter=front_matter,
    scaffold=scaffold,
    config_file="mkdocs.yml",
    detect=detect,
    content_root="docs/blog/posts",
    static_root="docs",
)
