"""Hugo: page bundles ``content/posts/SLUG/index.md`` with their images beside them.

Images in the bundle are linked by file name, so they resolve under any
``baseURL``.  Hugo's Markdown (goldmark) omits raw HTML unless the site sets
``markup.goldmark.renderer.unsafe``, so nothing here depends on it: raw HTML
found in a post becomes Markdown (its text, its images, its line breaks)
before writing, and the repost note is a Markdown quote.  Text holding
``{{`` is written ``{\\{`` so that Hugo does not read a shortcode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..layout import PostMeta
from . import Engine
from .frontmatter import dump_toml
from .parsers import HEADING_ATTRIBUTE_RENDERERS
from .profiles import common_fields, escape_template_braces
from .raw_html import without_raw_html


def post_file(meta: PostMeta) -> str:
    return f"content/posts/{meta.slug}/index.md"


def front_matter(meta: PostMeta) -> dict[str, Any]:
    return common_fields(meta)


BASEOF = """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }}{{ end }}</title>
</head>
<body>
{{ block "main" . }}{{ end }}
</body>
</html>
"""

SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
</article>
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
"""


def scaffold(title: str) -> dict[str, str]:
    config = {
        "baseURL": "/",
        "title": title,
        "languageCode": "zh-cn",
        # CJK text has no spaces between words: summaries and reading time need this.
        "hasCJKLanguage": True,
        "taxonomies": {"tag": "tags", "category": "categories"},
        # Keep the text as written: no curly quotes or dashes made of straight quotes and "--".
        "markup": {"goldmark": {"extensions": {"typographer": False}}},
    }
    return {
        "hugo.toml": dump_toml(config),
        "layouts/_default/baseof.html": BASEOF,
        "layouts/_default/single.html": SINGLE,
        "layouts/_default/list.html": LIST,
        "layouts/index.html": LIST,
    }


def detect(root: Path) -> bool:
    if any((root / name).is_file() for name in ("hugo.toml", "hugo.yaml", "hugo.json")):
        return True
    config = root / "config.toml"
    return (root / "content").is_dir() and (
        (root / "archetypes").is_dir()
        or (config.is_file() and "base_url" not in config.read_text(errors="replace"))
    )


ENGINE: Engine = Engine(
    name="hugo",
    posts_folder="content/posts",
    images_folder="static/images",
    image_url=lambda path: path,
    escape=escape_template_braces,
    renderers=HEADING_ATTRIBUTE_RENDERERS,
    colocated=True,
    relative_links=True,
    post_file=post_file,
    front_matter=front_matter,
    prepare=without_raw_html,
    scaffold=scaffold,
    config_file="hugo.toml",
    detect=detect,
    content_root="content",
    static_root="static",
    skip_names=("_index.md",),
)
