"""No hostile input carries script, or a request to another host, into a review page.

Every vector of ``tests/hostile_vectors.py`` is a post of one site; the site is
repaired with ``--review`` and each page is checked as the HTML output is
(``test_html_safety.safety_problems``, which reads it with lxml and with Python's
own tokenizer), the review's own frame aside: its head must be exactly the
review's (the inline style and the policy), its body only sanitised content.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]

from wxmigrate.migrate import repair_site
from wxmigrate.review import Review
from wxmigrate.review.shell import POLICY, STYLE

from .hostile_vectors import VECTORS, Vector
from .test_html import words
from .test_html_safety import safety_problems


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each vector's review page, by vector id (the index under ``"index"``)."""
    root = tmp_path_factory.mktemp("hostile-review")
    posts = root / "site" / "_posts"
    posts.mkdir(parents=True)
    for number, vector in enumerate(VECTORS, 1):
        (posts / f"2022-01-01-v{number:03d}.md").write_text(vector.text, encoding="utf-8")
    review = Review(root / "review")
    result = repair_site(root / "site", out=root / "out", dry_run=True, on_post=review.add)
    review.finish(result, dry_run=True)
    by_name = {path.name.split("-", 1)[1]: path for path in (root / "review" / "posts").iterdir()}
    found = {vector.id: by_name[f"2022-01-01-v{number:03d}.html"] for number, vector in enumerate(VECTORS, 1)}
    return {**found, "index": root / "review" / "index.html"}


def _body(page: lxml_html.HtmlElement) -> str:
    body = page.find("body")
    return (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)


@pytest.mark.parametrize("vector", [*VECTORS, None], ids=lambda vector: vector.id if vector else "index")
def test_hostile_vector_review_page_is_safe(pages: dict[str, Path], vector: object) -> None:
    """The page's body passes the HTML output's safety check; its head is the review's own;
    nothing in it would be loaded from another host."""
    text = pages[getattr(vector, "id", "index")].read_text(encoding="utf-8")
    assert re.findall(r"<\s*/?\s*script", text, re.IGNORECASE) == []
    page = lxml_html.document_fromstring(text)
    head = page.find("head")
    assert [(element.tag, dict(element.attrib)) for element in head if element.tag == "meta"] == [
        ("meta", {"charset": "utf-8"}),
        ("meta", {"http-equiv": "Content-Security-Policy", "content": POLICY}),
        ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        ("meta", {"name": "generator", "content": "wxmigrate review"}),
    ]
    assert [element.tag for element in head] == ["meta", "meta", "meta", "meta", "title", "style"]
    assert head.find("style").text == STYLE
    body = _body(page)
    assert safety_problems(body) == []
    addresses = page.xpath("//@src | //@srcset | //@poster | //@data | //@action")
    assert [value for value in addresses if re.match(r"\s*(?:[a-zA-Z][\w+.-]*:|//)", value)] == []


@pytest.mark.parametrize("vector", [v for v in VECTORS if v.visible], ids=lambda vector: vector.id)
def test_hostile_post_text_still_shows_on_the_repaired_side(pages: dict[str, Path], vector: Vector) -> None:
    """The safety check above is not passed by dropping the posts: their sentences show."""
    page = lxml_html.parse(str(pages[vector.id])).getroot()
    shown = words(page.xpath("string(//section[contains(@class,'repaired')])"))
    for sentence in vector.visible:
        assert words(sentence) in shown
