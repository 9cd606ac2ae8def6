"""Remote images recognised from their address: WeChat pictures, avatars, proxied pictures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wxmigrate.verify import fix_assets, recognise, to_json, to_table, verify

from .test_verify_fix import POST, FakeFetcher, site_with
from .test_verify_sites import image_bytes

WECHAT = "https://mmbiz.qpic.cn/mmbiz_jpg/AbC123/640?wx_fmt=jpeg&from=appmsg"
PROXIED = "https://images.weserv.nl/?url=https%3A%2F%2Fmmbiz.qpic.cn%2Fmmbiz_png%2FPr0xy%2F640%3Fwx_fmt%3Dpng"
AVATAR = "http://wx.qlogo.cn/mmhead/Q3auHgzw/0"


@pytest.mark.parametrize(
    ("src", "kind", "fmt"),
    [
        (WECHAT, "wechat", "JPEG"),
        ("//mmbiz.qpic.cn/sz_mmbiz_png/X/640", "wechat", "PNG"),  # no wx_fmt: the folder says
        ("mmbiz.qpic.cn/mmbiz_gif/X/0?wx_fmt=other", "wechat", "GIF"),  # wx_fmt says nothing
        ("https://mmbiz.qpic.cn/mmbiz/X/0", "wechat", None),
        ("https://mmbiz.qpic.cn/mmbiz_png/X/640?wx_fmt=webp", "wechat", "WEBP"),  # what is served wins
        (AVATAR, "wechat-avatar", None),
        ("https://res.wx.qq.com/t/wx_fed/we-emoji/res/v1.3.10/assets/Expression/Expression_64@2x.png", "wechat", "PNG"),
        (PROXIED, "proxied", "PNG"),
        ("https://wsrv.nl/?url=mmbiz.qpic.cn/mmbiz_jpg/Y/640?wx_fmt=jpeg", "proxied", "JPEG"),
    ],
)
def test_recognise(src: str, kind: str, fmt: str | None) -> None:
    hotlink = recognise(src)
    assert hotlink is not None
    assert (hotlink.kind, hotlink.format) == (kind, fmt)


@pytest.mark.parametrize(
    "src", ["https://example.com/a.png", "postimg/a.png", "https://images.weserv.nl/?w=300", "data:image/png;base64,AA=="]
)
def test_other_addresses_are_no_hotlinks(src: str) -> None:
    assert recognise(src) is None


def test_proxied_names_the_pictures_own_address() -> None:
    hotlink = recognise(PROXIED)
    assert hotlink is not None
    assert hotlink.origin == "https://mmbiz.qpic.cn/mmbiz_png/Pr0xy/640?wx_fmt=png"
    assert hotlink.proxy == "images.weserv.nl"
    assert "WeChat image (PNG by its address) through the images.weserv.nl proxy" in hotlink.describe()


def test_verify_reports_hotlinks(tmp_path: Path) -> None:
    """Verification reports each as remote, with the format its address names and what it is."""
    site = site_with(tmp_path, f"![]({WECHAT})\n![]({PROXIED})\n![]({AVATAR})\n![](https://example.com/b.png)\n", {})
    report = verify(site)
    rows = [(r.status, r.format, r.note) for r in report.images]
    assert rows == [
        ("remote", "JPEG", "wechat"),
        ("remote", "PNG", "proxied"),
        ("remote", None, "wechat-avatar"),
        ("remote", None, None),
    ]
    data = json.loads(to_json(report))
    assert data["images"][0]["format"] == "JPEG" and data["images"][0]["note"] == "wechat"
    table = to_table(report)
    assert f"_posts/{POST}:6: remote: {WECHAT} (WeChat image (JPEG by its address), hot-linked" in table


def test_verify_notes_a_lazy_loading_stand_in_address(tmp_path: Path) -> None:
    """WeChat's SVG stand-in resolved against the article's address is no picture: noted as a placeholder."""
    stand_in = "https://mp.weixin.qq.com/s/www.w3.org/2000/svg'%20xmlns:xlink='http://www.w3.org/1999/xlink'%3E"
    site = site_with(tmp_path, f"![]({stand_in})\n", {})
    report = verify(site)
    assert [(r.status, r.note) for r in report.images] == [("remote", "placeholder")]
    assert report.placeholders() == report.images
    assert "lazy-loading stand-in" in to_table(report)


def test_a_proxied_picture_is_fetched_through_its_proxy_and_named_by_its_id(tmp_path: Path) -> None:
    site = site_with(tmp_path, f"![]({PROXIED})\n", {"postimg/.keep": b""})
    fetcher = FakeFetcher({PROXIED: image_bytes("PNG")})
    result = fix_assets(verify(site), fetcher=fetcher)
    assert fetcher.asked == [PROXIED]
    assert [change.action for change in result.changes] == ["fetch", "relink"]
    assert (site / "postimg" / "Pr0xy.png").read_bytes() == image_bytes("PNG")
    assert [r.status for r in verify(site).images] == ["ok"]
