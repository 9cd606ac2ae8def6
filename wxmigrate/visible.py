"""What a reader sees: render a post with a strict CommonMark engine and count what looks broken.

Used by the tests (and available to users) to judge repaired output the way
a reader of the built pages would: asterisks shown as text, empty or nested
bold, ``#`` lines that are not headings, image links that do not render or
point at no file, and how many paragraphs the post renders as.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import attrs
from lxml import html
from markdown_it import MarkdownIt

from .read import split_front_matter

_LIQUID = re.compile(r"\{\{[^}]*\}\}|\{%[^%]*%\}")
_IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(([^)]*)\)", re.DOTALL)
_MARKDOWN = MarkdownIt("commonmark")


@attrs.frozen
class Defects:
    """Counts of what a reader would see broken in one rendered post."""

    literal_asterisks: int
    empty_strong: int
    nested_strong: int
    unspaced_headings: int
    broken_image_links: int
    unrendered_images: int
    unresolved_images: tuple[str, ...]
    paragraphs: int
    strong: int

    @property
    def total(self) -> int:
        return (
            self.literal_asterisks + self.empty_strong + self.nested_strong + self.unspaced_headings
            + self.broken_image_links + self.unrendered_images + len(self.unresolved_images)
        )


def render(markdown: str) -> html.HtmlElement:
    """The post body (front matter and Liquid left out) rendered by CommonMark, as a tree."""
    body = _LIQUID.sub("", split_front_matter(markdown).body)
    return html.fromstring("<div>" + _MARKDOWN.render(body) + "</div>")


def _resolves(src: str, roots: tuple[Path, ...]) -> bool:
    if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.IGNORECASE):
        return True  # remote: asset verification judges those
    path = unquote(src.split("?")[0].split("#")[0]).lstrip("/")
    return any((root / path).is_file() for root in roots)


def defects(markdown: str, *, roots: tuple[Path, ...] = ()) -> Defects:
    """Count what is visibly broken when ``markdown`` is rendered.  Image sources are
    looked up under each of ``roots`` (the output site, the post's folder)."""
    body = _LIQUID.sub("", split_front_matter(markdown).body)
    tree = render(markdown)
    stars = sum(
        (text or "").count("*")
        for element in tree.iter()
        if element.tag not in ("code", "pre")
        for text in (element.text, element.tail)
    )
    strong = list(tree.iter("strong"))
    links = _IMAGE_LINK.findall(body)
    sources = tree.xpath("//img/@src")
    return Defects(
        literal_asterisks=stars,
        empty_strong=sum(1 for s in strong if not s.text_content().strip()),
        nested_strong=sum(1 for s in strong if s.getparent() is not None and s.getparent().tag == "strong"),
        unspaced_headings=len(re.findall(r"^#{1,6}[^#\s]", body, re.MULTILINE)),
        broken_image_links=sum(1 for link in links if "\n" in link or "\\" in link),
        unrendered_images=max(0, len(links) - len(sources)),
        unresolved_images=tuple(src for src in sources if roots and not _resolves(src, roots)),
        paragraphs=len(list(tree.iter("p"))),
        strong=len(strong),
    )
