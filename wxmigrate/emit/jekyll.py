"""Jekyll: posts in ``_posts/``, images in the site's image folder, URLs through Liquid.

Jekyll runs Liquid before kramdown reads the Markdown, so text that holds
``{{`` or ``{%`` is written with an entity for the brace (kramdown turns it
back into ``{``); image URLs are ``{{ site.baseurl }}/FOLDER/NAME``.
"""

from __future__ import annotations

from . import Engine
from .markdown import escape_text


def image_url(path: str) -> str:
    return "{{ site.baseurl }}/" + path.lstrip("/")


def escape(text: str) -> str:
    return escape_text(text).replace("{{", "&#123;{").replace("{%", "&#123;%")


ENGINE = Engine(
    name="jekyll",
    posts_folder="_posts",
    images_folder="postimg",
    image_url=image_url,
    escape=escape,
)
