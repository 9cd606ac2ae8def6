"""The review of the demo site, looked at in a real browser (headless Chromium over WebDriver).

Two post pages and the index are opened from disk, as a user would open them, and
checked for what a person would check: both columns are there, every local image
on them has loaded, the repaired side shows no literal ``**``, the broken and the
missing image are marked (and not shown as pictures), the remote avatar is not
loaded, and the index links to each page.  Skipped, with the reason, only where
Debian's ``chromium`` and ``chromium-driver`` are not installed; CI installs them
and sets ``WXMIGRATE_REQUIRE_BROWSER=1``, which turns that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from wxmigrate.cli import run

from .browser import browser, missing
from .helpers import DEMO_SITE

#: What a person looks at on a post page, collected in the page once its images are in.
LOOK = """
const images = [...document.images];
images.forEach(image => { image.loading = "eager"; });
Promise.all(images.map(image => image.decode().catch(() => null))).then(() => done({
    columns: [...document.querySelectorAll(".columns > .column")].map(column => column.className),
    repairedText: document.querySelector(".column.repaired").innerText,
    originalText: document.querySelector(".column.original").innerText,
    images: images.map(image => ({src: image.getAttribute("src"), width: image.naturalWidth})),
    marked: [...document.querySelectorAll(".image")].map(box => ({
        classes: box.className, text: box.innerText, pictures: box.querySelectorAll("img").length})),
    changes: document.querySelectorAll(".changes li").length,
}));
"""


def _need_browser() -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("WXMIGRATE_REQUIRE_BROWSER"):
        pytest.fail(f"WXMIGRATE_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review of a copy of the demo site with one image broken and one missing."""
    _need_browser()
    root = tmp_path_factory.mktemp("browser")
    site = root / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / "assets" / "wx" / "field04.jpeg").write_bytes(b"not a picture at all")
    second = next((site / "_posts").glob("2022-04-18-*.md"))
    second.write_text(second.read_text(encoding="utf-8") + "\n![缺图](/assets/wx/gone.png)\n", encoding="utf-8")
    code = run(["repair", str(site), "--out", str(root / "out"), "--review", str(root / "review"), "--quiet"])
    assert code == 1  # one image broken, one missing: problems left
    return root / "review"


def _look(review: Path, page: Path) -> dict[str, Any]:
    with browser(review.parent / "profile") as opened:
        opened.open(page)
        found: dict[str, Any] = opened.run_async(LOOK)
        return found


@pytest.mark.parametrize("post", ["2022-03-05-春耕时节", "2022-04-18-社区图书角开放"])
def test_a_post_page_shows_both_columns_and_its_images(review: Path, post: str) -> None:
    """Both columns, every picture loaded, no literal ``**`` repaired, problems marked."""
    page = next((review / "posts").glob(f"*-{post}.html"))
    seen = _look(review, page)
    assert seen["columns"] == ["column original", "column repaired"]
    assert seen["images"], "the demo posts have pictures"
    assert [image for image in seen["images"] if image["width"] == 0] == []
    assert all(not image["src"].startswith(("http:", "https:", "//")) for image in seen["images"])
    assert "**" not in seen["repairedText"]
    assert "**" in seen["originalText"]  # the broken bold a reader saw
    assert seen["changes"] > 0
    remote = [box for box in seen["marked"] if "image-remote" in box["classes"]]
    if post.startswith("2022-03-05"):
        broken = [box for box in seen["marked"] if "image-undecodable" in box["classes"]]
        assert broken and all(box["pictures"] == 0 and "undecodable" in box["text"] for box in broken)
        assert remote and all(box["pictures"] == 0 and "not loaded" in box["text"] for box in remote)
    else:
        gone = [box for box in seen["marked"] if "image-missing" in box["classes"]]
        assert gone and all(box["pictures"] == 0 and "missing" in box["text"] for box in gone)


def test_the_index_lists_each_post_and_links_to_its_page(review: Path) -> None:
    """The index opened from disk: one row per post, each linking to a page that exists."""
    with browser(review.parent / "profile-index") as opened:
        opened.open(review / "index.html")
        links = opened.run("return [...document.querySelectorAll('table.posts a')].map(a => a.href)")
        shot = opened.screenshot()
    assert len(links) == 2
    assert all(Path(_file_path(link)).is_file() for link in links)
    assert shot.startswith(b"\x89PNG") and len(shot) > 10_000


def _file_path(url: str) -> str:
    return unquote(urlsplit(url).path)
