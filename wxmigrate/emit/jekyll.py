"""Jekyll: posts in ``_posts/DATE-SLUG.md``, images in the site's image folder, URLs through Liquid.

Jekyll runs Liquid before kramdown reads the Markdown, so text that holds
``{{`` or ``{%`` is written with an entity for the brace (kramdown turns it
back into ``{``); image URLs are ``{{ site.baseurl }}/FOLDER/NAME``, so the
site builds under any ``baseurl``.  kramdown shows raw HTML, so the repost
note stays as the exporter wrote it unless ``--metadata`` says otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from ..layout import PostMeta
from ..model import Image
from . import Engine
from .frontmatter import dump_yaml
from .markdown import Context, escape_alt, render_image
from .parsers import KRAMDOWN_RENDERERS, escape_kramdown, escape_kramdown_line
from .profiles import common_fields, hide_liquid_braces


def image_url(path: str) -> str:
    return "{{ site.baseurl }}/" + path.lstrip("/")


def escape(text: str) -> str:
    """Text for Jekyll: plain for kramdown (see :mod:`.parsers`), hidden from Liquid."""
    return hide_liquid_braces(escape_kramdown(text))


def render_kramdown_image(node: Image, ctx: Context) -> str:
    """An image whose alt text has no bare ``|``: kramdown would read its line as a table row."""
    return "![" + escape_alt(node.alt, "|") + render_image(attrs.evolve(node, alt=""), ctx)[2:]


def post_file(meta: PostMeta) -> str:
    assert meta.date is not None, "Jekyll names posts by date; the caller supplies one"
    return f"_posts/{meta.date:%Y-%m-%d}-{meta.slug}.md"


def front_matter(meta: PostMeta) -> dict[str, Any]:
    return {"layout": "post", **common_fields(meta)}


LAYOUT = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{{ page.title | default: site.title | escape }}</title>
</head>
<body>
{{ content }}
</body>
</html>
"""

POST_LAYOUT = """---
layout: default
---
<article>
<h1>{{ page.title | escape }}</h1>
<p><time datetime="{{ page.date | date: "%Y-%m-%d" }}">{{ page.date | date: "%Y-%m-%d" }}</time></p>
{{ content }}
</article>
"""

INDEX = """---
layout: default
---
<ul>
{% for post in site.posts %}<li><a href="{{ post.url | relative_url }}">{{ post.title | escape }}</a></li>
{% endfor %}</ul>
"""


def scaffold(title: str) -> dict[str, str]:
    return {
        "_config.yml": dump_yaml(
            {
                "title": title,
                "baseurl": "",
                "permalink": "/:year/:month/:day/:title/",
                "markdown": "kramdown",
                # Keep the text as written: no curly quotes, dashes or guillemets made of
                # straight quotes, "--", "..." and "<<" (as Hexo's and Hugo's sites do).
                "kramdown": {
                    "smart_quotes": "apos,apos,quot,quot",
                    "typographic_symbols": {
                        "hellip": "...",
                        "mdash": "---",
                        "ndash": "--",
                        "laquo": "<<",
                        "raquo": ">>",
                        "laquo_space": "<< ",
                        "raquo_space": " >>",
                    },
                },
            }
        ),
        "_layouts/default.html": LAYOUT,
        "_layouts/post.html": POST_LAYOUT,
        "index.html": INDEX,
    }


def detect(root: Path) -> bool:
    return (root / "_posts").is_dir()


ENGINE: Engine = Engine(
    name="jekyll",
    posts_folder="_posts",
    images_folder="postimg",
    image_url=image_url,
    escape=escape,
    escape_line=escape_kramdown_line,
    renderers={**KRAMDOWN_RENDERERS, Image: render_kramdown_image},
    post_file=post_file,
    front_matter=front_matter,
    # Liquid does not run in front matter: themes prefix the site path themselves.
    front_matter_image_url=lambda path: path,
    metadata="keep",
    scaffold=scaffold,
    config_file="_config.yml",
    detect=detect,
    content_root="_posts",
)
