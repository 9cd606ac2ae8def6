"""``verify(site, jobs=2)``: workers read the posts and check the files; the report is ``jobs=1``'s.

tests/test_jobs.py compares whole ``wxmigrate verify --jobs`` runs on the
benchmark's site; here the posts are the awkward ones: scanned and parsed
posts side by side, posts that cannot be read, a post that is a link out of
the site, and files shared by posts that land in different workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wxmigrate import pool
from wxmigrate.verify import verify
from wxmigrate.verify.scan import scan

from .test_verify_sites import image_bytes, make_site, post_text

SCANNED = "**粗体**\n![](/postimg/a.png)▲图\n![](exports/2022-05-01活动/b.jpeg)\n"
PARSED = "```\n![](/postimg/in-code.png)\n```\n\n- ![](/postimg/a.png)\n- ![](/postimg/c.gif)\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    posts = {f"2022-05-{day:02d}-p.md": post_text(SCANNED if day % 2 else PARSED, front="author: 转载\n")
             for day in range(1, 12)}
    posts["2022-06-01-broken.md"] = "---\ntitle: [unclosed\n---\n![](/postimg/a.png)\n"
    root = make_site(
        tmp_path / "site",
        posts,
        {
            "postimg/a.png": image_bytes("PNG"),
            "postimg/c.gif": image_bytes("GIF", frames=3),
            "postimg/unused.png": image_bytes("PNG", shade=9),
            "exports/2022-05-01活动/b.jpeg": image_bytes("JPEG")[:200],
        },
    )
    (root / "_posts" / "2022-06-02-bad-bytes.md").write_bytes(b"---\ntitle: x\n---\n\xff\xfe\x00bad")
    outside = tmp_path / "outside.md"
    outside.write_text(post_text(SCANNED), encoding="utf-8")
    (root / "_posts" / "2022-06-03-link.md").symlink_to(outside)
    return root


@pytest.mark.parametrize("deep", [False, True])
def test_jobs_2_gives_the_report_of_jobs_1(site: Path, monkeypatch: pytest.MonkeyPatch, deep: bool) -> None:
    monkeypatch.setattr(pool, "CHUNK", 2)  # posts and files spread over both workers
    one = verify(site, deep=deep)
    two = verify(site, deep=deep, jobs=2)
    assert two == one
    assert one.errors and one.orphans and one.posts_read == 11
    assert {image.status for image in one.images} >= {"ok", "truncated"}


def test_the_site_has_scanned_and_parsed_posts(site: Path) -> None:
    """Both readings are compared above: some posts are scanned, some left to the parser."""
    decided = [scan(path) is not None for path in sorted((site / "_posts").glob("2022-05-*.md"))]
    assert any(decided) and not all(decided)
