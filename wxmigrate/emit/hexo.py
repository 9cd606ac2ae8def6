"""Hexo: posts in ``source/_posts/SLUG.md``, images in ``source/images/``, root-relative URLs.

hexo-renderer-marked prepends the site's ``root`` to image paths that start
with ``/`` (its ``prependRoot`` option, on by default), so ``/images/NAME``
resolves under any ``root``.  Hexo runs Nunjucks over posts before Markdown,
so ``{{``, ``{%`` and ``{#`` in text get a backslash between their braces.
marked strikes ``~one~`` through, so every ``~`` in text is escaped (see
:mod:`.parsers`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..layout import PostMeta, date_text
from . import Engine
from .frontmatter import dump_yaml
from .profiles import common_fields, escape_template_braces

#: The packages a generated Hexo site needs (``npm install`` in the site).
PACKAGES = {
    "hexo": "^8.1.2",
    "hexo-renderer-marked": "^7.0.1",
    "hexo-renderer-ejs": "^2.0.0",
    "hexo-generator-index": "^4.0.0",
}


def image_url(path: str) -> str:
    return "/" + path.removeprefix("source/")


def post_file(meta: PostMeta) -> str:
    return f"source/_posts/{meta.slug}.md"


def front_matter(meta: PostMeta) -> dict[str, Any]:
    # A date string, read in the site's time zone; a YAML date would be read as UTC.
    return {**common_fields(meta), "date": date_text(meta.date)}


LAYOUT = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title><%= page.title || config.title %></title>
</head>
<body>
<%- body %>
</body>
</html>
"""

POST = """<article>
<h1><%= page.title %></h1>
<p><time datetime="<%= page.date.format('YYYY-MM-DD') %>"><%= page.date.format('YYYY-MM-DD') %></time></p>
<%- page.content %>
</article>
"""

INDEX = """<ul>
<% page.posts.each(function (post) { %><li><a href="<%- url_for(post.path) %>"><%= post.title %></a></li>
<% }) %></ul>
"""


def scaffold(title: str) -> dict[str, str]:
    config = {
        "title": title,
        "language": "zh-CN",
        "url": "http://example.com",
        "root": "/",
        "permalink": ":year/:month/:day/:title/",
        "source_dir": "source",
        "public_dir": "public",
        "theme": "wxmigrate",
        # Keep the text as written: no curly quotes made of straight ones.
        "marked": {"smartypants": False},
    }
    package = {
        "name": "site",
        "version": "0.0.0",
        "private": True,
        "hexo": {"version": PACKAGES["hexo"].lstrip("^")},
        "dependencies": PACKAGES,
    }
    return {
        "_config.yml": dump_yaml(config),
        "package.json": json.dumps(package, indent=2) + "\n",
        "themes/wxmigrate/layout/layout.ejs": LAYOUT,
        "themes/wxmigrate/layout/post.ejs": POST,
        "themes/wxmigrate/layout/index.ejs": INDEX,
    }


def detect(root: Path) -> bool:
    return (root / "source" / "_posts").is_dir() or (
        (root / "_config.yml").is_file() and (root / "scaffolds").is_dir()
    )


ENGINE: Engine = Engine(
    name="hexo",
    posts_folder="source/_posts",
    images_folder="source/images",
    image_url=image_url,
    escape=escape_template_braces,
    post_file=post_file,
    front_matter=front_matter,
    scaffold=scaffold,
    config_file="_config.yml",
    detect=detect,
    content_root="source/_posts",
    static_root="source",
)
