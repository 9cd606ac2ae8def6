"""Zola: ``content/posts/SLUG/index.md`` with colocated images, TOML front matter.

Zola refuses front-matter keys it does not know, so everything but title,
date, description and the taxonomies goes under ``[extra]`` (the repost and
card fields too, as ``[extra.wechat]``).  Its Markdown is pulldown-cmark;
``{{`` and ``{%`` in text get a backslash so no shortcode is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..layout import PostMeta
from . import Engine
from .frontmatter import TOML, dump_toml
from .parsers import HEADING_ATTRIBUTE_RENDERERS
from .profiles import escape_template_braces, one_or_list


def post_file(meta: PostMeta) -> str:
    return f"content/posts/{meta.slug}/index.md"


def front_matter(meta: PostMeta) -> dict[str, Any]:
    return {
        "title": meta.title,
        "date": meta.date,
        "description": meta.description,
        "taxonomies": {"tags": list(meta.tags), "categories": list(meta.categories)},
        "extra": {"author": one_or_list(meta.authors), **meta.extra, "wechat": dict(meta.wechat)},
    }


BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
</head>
<body>
{% block content %}{% endblock content %}
</body>
</html>
"""

PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock title %}
{% block content %}
<article>
<h1>{{ page.title }}</h1>
{% if page.date %}<p><time datetime="{{ page.date | date(format="%Y-%m-%d") }}">{{ page.date | date(format="%Y-%m-%d") }}</time></p>{% endif %}
{{ page.content | safe }}
</article>
{% endblock content %}
"""

SECTION = """{% extends "base.html" %}
{% block content %}
<ul>
{% for page in section.pages %}<li><a href="{{ page.permalink | safe }}">{{ page.title }}</a></li>
{% endfor %}</ul>
{% endblock content %}
"""

TAXONOMY_LIST = """{% extends "base.html" %}
{% block content %}
<ul>{% for term in terms %}<li><a href="{{ term.permalink | safe }}">{{ term.name }}</a></li>{% endfor %}</ul>
{% endblock content %}
"""

TAXONOMY_SINGLE = """{% extends "base.html" %}
{% block content %}
<h1>{{ term.name }}</h1>
<ul>{% for page in term.pages %}<li><a href="{{ page.permalink | safe }}">{{ page.title }}</a></li>{% endfor %}</ul>
{% endblock content %}
"""


def scaffold(title: str) -> dict[str, str]:
    config = {
        "base_url": "/",
        "title": title,
        "default_language": "zh",
        "taxonomies": [{"name": "tags"}, {"name": "categories"}],
    }
    return {
        "config.toml": dump_toml(config),
        "content/posts/_index.md": dump_section("文章"),
        "templates/base.html": BASE,
        "templates/index.html": SECTION,
        "templates/section.html": SECTION,
        "templates/page.html": PAGE,
        "templates/taxonomy_list.html": TAXONOMY_LIST,
        "templates/taxonomy_single.html": TAXONOMY_SINGLE,
    }


def dump_section(title: str) -> str:
    return TOML.text(TOML.front_matter({"title": title, "sort_by": "date"}))


def detect(root: Path) -> bool:
    config = root / "config.toml"
    return (root / "zola.toml").is_file() or (
        config.is_file() and "base_url" in config.read_text(errors="replace")
    )


ENGINE: Engine = Engine(
    name="zola",
    posts_folder="content/posts",
    images_folder="static/images",
    image_url=lambda path: path,
    escape=escape_template_braces,
    renderers=HEADING_ATTRIBUTE_RENDERERS,
    front_matter_format=TOML,
    colocated=True,
    relative_links=True,
    post_file=post_file,
    front_matter=front_matter,
    fields_key=("extra", "wechat"),
    scaffold=scaffold,
    config_file="config.toml",
    detect=detect,
    content_root="content",
    static_root="static",
    skip_names=("_index.md",),
)
