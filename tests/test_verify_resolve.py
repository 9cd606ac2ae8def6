"""Resolving image references: Liquid, split and backslashed paths, remote, inline, unsafe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wxmigrate.verify import find_site, verify
from wxmigrate.verify.references import Reference
from wxmigrate.verify.resolve import clean, resolve_all

from .test_verify_sites import image_bytes, make_site, post_text, write


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("{{site.baseurl}}/postimg/a.png", "/postimg/a.png"),
        ("{{ site.baseurl }}/postimg/a.png", "/postimg/a.png"),
        ("{{ '/img/a.png' | relative_url }}", "/img/a.png"),
        ('{% if x %}{{ "/img/b.png" | absolute_url }}{% endif %}', "/img/b.png"),
        ("2022-05-01\n社区开展植树活动\\\\tree.jpeg", "2022-05-01社区开展植树活动//tree.jpeg"),
        ("  <postimg/a b.png>  ", "postimg/a b.png"),
    ],
)
def test_clean(written: str, meant: str) -> None:
    """References are cleaned the way the exporter meant them."""
    assert clean(written) == meant


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site with images in postimg/, next to the post, and in an export folder."""
    return make_site(
        tmp_path / "site",
        {"2022-07-01-图片.md": post_text("正文。\n")},
        {
            "postimg/a.png": image_bytes("PNG"),
            "_posts/beside.png": image_bytes("PNG"),
            "exports/2022-07-01导出/only-here.jpeg": image_bytes("JPEG"),
            "exports/2022-07-01导出/a.png": image_bytes("PNG", shade=2),
        },
    )


def resolve(site: Path, *sources: str, key: str | None = None) -> list[tuple[str, str | None, bool]]:
    """(kind, path relative to the site, found by name) for each reference."""
    layout = find_site(site)
    post = str(layout.posts[0])
    resolved, _ = resolve_all(layout, [Reference(post, 1, source, key) for source in sources])
    found = list(resolved)
    return [(item.kind, item.path and layout.relative(item.path), item.by_name) for item in found]


def test_local_forms(site: Path) -> None:
    """Root-relative, Liquid, percent-escaped, post-relative and site-relative paths all resolve directly."""
    assert resolve(
        site,
        "{{site.baseurl}}/postimg/a.png",
        "/postimg/a.png?v=2#top",
        "/post%69mg/a.png",
        "beside.png",
        "postimg/a.png",
        "../postimg/a.png",
    ) == [
        ("local", "postimg/a.png", False),
        ("local", "postimg/a.png", False),
        ("local", "postimg/a.png", False),
        ("local", "_posts/beside.png", False),
        ("local", "postimg/a.png", False),
        ("local", "postimg/a.png", False),
    ]


def test_by_name(site: Path) -> None:
    """What is not where it points is found by name: the site's own copy first, then exports."""
    assert resolve(
        site,
        "2022-07-01\n导出\\\\only-here.jpeg",
        "C:\\Users\\编辑\\Desktop\\2022-07-01导出\\a.png",
        "/elsewhere/a.png",
    ) == [
        ("local", "exports/2022-07-01导出/only-here.jpeg", True),
        ("local", "postimg/a.png", True),
        ("local", "postimg/a.png", True),
    ]


def test_remote_and_inline(site: Path) -> None:
    """http(s), protocol-relative and bare WeChat hosts are remote; data: URIs are inline."""
    kinds = [kind for kind, _, _ in resolve(
        site,
        "http://wx.qlogo.cn/mmhead/abc/0",
        "https://example.org/a.png",
        "//mmbiz.qpic.cn/mmbiz_png/abc/640",
        "mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png",
        "data:image/png;base64,iVBORw0KGgo=",
    )]
    assert kinds == ["remote", "remote", "remote", "remote", "inline"]


def test_missing(site: Path) -> None:
    """A reference nothing answers to is missing, and says where it looked."""
    layout = find_site(site)
    resolved, _ = resolve_all(layout, [Reference(str(layout.posts[0]), 3, "/postimg/none.png")])
    found = list(resolved)
    assert found[0].kind == "missing"
    assert "postimg" in found[0].detail and "exports" in found[0].detail


def test_escaping_paths_are_unsafe(site: Path, tmp_path: Path) -> None:
    """Paths that lead outside the site, as written or as a file: URI, are unsafe."""
    write(tmp_path / "secret.png", image_bytes("PNG"))
    assert [kind for kind, _, _ in resolve(
        site, "../../secret.png", "file:///etc/hostname", f"file://{tmp_path / 'secret.png'}"
    )] == ["unsafe", "unsafe", "unsafe"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_out_of_the_site_is_unsafe(site: Path, tmp_path: Path) -> None:
    """A link inside the site to a file outside it is unsafe, reached directly or by name."""
    secret = write(tmp_path / "secret.png", image_bytes("PNG"))
    (site / "postimg" / "link.png").symlink_to(secret)
    (site / "exports" / "2022-07-01导出" / "named.png").symlink_to(secret)
    assert [kind for kind, _, _ in resolve(site, "/postimg/link.png", "x/named.png")] == ["unsafe", "unsafe"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_inside_the_site_is_followed(site: Path) -> None:
    """A link to another file of the site resolves to that file."""
    (site / "postimg" / "alias.png").symlink_to(site / "postimg" / "a.png")
    assert resolve(site, "/postimg/alias.png") == [("local", "postimg/a.png", False)]


def test_front_matter_images_are_site_relative(tmp_path: Path) -> None:
    """Front-matter image keys (flat, lists and nested) are verified from the site root."""
    front = "header-img: img/head.png\ncover: [img/c1.png, img/c2.png]\nheader:\n  teaser: img/t.png\n"
    site = make_site(
        tmp_path,
        {"2022-07-02-封面.md": post_text("正文。\n", front=front)},
        {f"img/{name}.png": image_bytes("PNG") for name in ("head", "c1", "c2", "t")},
    )
    report = verify(site)
    assert [(result.key, result.line, result.path) for result in report.images] == [
        ("header-img", 4, "img/head.png"),
        ("cover", 5, "img/c1.png"),
        ("cover", 5, "img/c2.png"),
        ("header", 6, "img/t.png"),
    ]
