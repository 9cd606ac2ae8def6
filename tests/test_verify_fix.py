"""fix_assets: relink, copy in, true extensions, downloads behind a fake fetcher; nothing deleted."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from wxmigrate.verify import FetchError, UrlFetcher, fix_assets, verify
from wxmigrate.verify.relink import Edit, apply_edits

from .test_verify_sites import image_bytes, make_site, post_text

POST = "2022-08-01-秋收.md"
SPLIT = "![](2022-08-01\n秋收\\\\field.jpeg)"


def site_with(tmp_path: Path, body: str, files: dict[str, bytes | str], *, front: str = "") -> Path:
    return make_site(tmp_path / "site", {POST: post_text(body, front=front)}, files)


def snapshot(root: Path) -> dict[str, str]:
    """Every file's hash, to show nothing was lost or changed behind our back."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_export_image_is_copied_in_and_relinked(tmp_path: Path) -> None:
    """An image reached by name in an export folder is copied to the image folder and relinked."""
    site = site_with(
        tmp_path,
        f"田里一片金黄。\n![]({{{{site.baseurl}}}}/postimg/a.png){SPLIT}\n收割机开进了田间。\n",
        {"postimg/a.png": image_bytes("PNG"), "exports/2022-08-01秋收/field.jpeg": image_bytes("JPEG")},
    )
    before = snapshot(site)
    result = fix_assets(verify(site))
    assert result.failures == ()
    assert [change.action for change in result.changes] == ["copy", "relink"]
    text = (site / "_posts" / POST).read_text("utf-8")
    assert "![]({{site.baseurl}}/postimg/a.png)![]({{site.baseurl}}/postimg/field.jpeg)\n收割机" in text
    after = snapshot(site)
    assert {name: digest for name, digest in before.items() if name != f"_posts/{POST}"}.items() <= after.items()
    assert after["postimg/field.jpeg"] == before["exports/2022-08-01秋收/field.jpeg"]
    assert verify(site).clean


def test_backup_holds_the_original(tmp_path: Path) -> None:
    """The post's original is kept in the backup folder, byte for byte."""
    site = site_with(tmp_path, f"{SPLIT}\n", {"exports/2022-08-01秋收/field.jpeg": image_bytes("JPEG")})
    original = (site / "_posts" / POST).read_bytes()
    result = fix_assets(verify(site))
    assert result.backup is not None
    assert (Path(result.backup) / "_posts" / POST).read_bytes() == original
    assert (site / "_posts" / POST).read_bytes() != original


def test_mislabelled_image_gets_its_true_extension(tmp_path: Path) -> None:
    """A PNG named .jpeg is copied to .png (the original stays) and the post relinked."""
    site = site_with(tmp_path, "![](/postimg/photo.jpeg)\n", {"postimg/photo.jpeg": image_bytes("PNG")})
    result = fix_assets(verify(site))
    assert [str(change) for change in result.changes] == [
        "postimg/photo.png: extension: postimg/photo.jpeg -> postimg/photo.png",
        f"_posts/{POST}:6: relink: /postimg/photo.jpeg -> {{{{ site.baseurl }}}}/postimg/photo.png",
    ]
    assert (site / "postimg" / "photo.jpeg").read_bytes() == (site / "postimg" / "photo.png").read_bytes()
    report = verify(site)
    assert report.counts() == {"ok": 1}
    assert report.orphans == ("postimg/photo.jpeg",)


def test_front_matter_is_relinked_without_liquid(tmp_path: Path) -> None:
    """A front-matter image is relinked to a plain site-relative path."""
    site = site_with(
        tmp_path, "正文。\n", {"img/head.jpeg": image_bytes("PNG")}, front='header-img: "img/head.jpeg"\n'
    )
    fix_assets(verify(site))
    assert 'header-img: "img/head.png"\n' in (site / "_posts" / POST).read_text("utf-8")


def test_newlines_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    """A CRLF post with a BOM keeps both after relinking; only the reference changes."""
    site = site_with(tmp_path, "", {"exports/2022-08-01秋收/field.jpeg": image_bytes("JPEG")})
    path = site / "_posts" / POST
    text = post_text(f"第一段。\n{SPLIT}\n第二段。\n").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    fix_assets(verify(site))
    expected = post_text("第一段。\n![]({{ site.baseurl }}/postimg/field.jpeg)\n第二段。\n").replace("\n", "\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    """With ``dry_run`` the changes are listed and no file is touched."""
    site = site_with(tmp_path, f"{SPLIT}\n", {"exports/2022-08-01秋收/field.jpeg": image_bytes("JPEG")})
    before = snapshot(site)
    result = fix_assets(verify(site), dry_run=True)
    assert [change.action for change in result.changes] == ["copy", "relink"]
    assert (snapshot(site), result.backup) == (before, None)


def test_damaged_images_are_left_alone(tmp_path: Path) -> None:
    """Truncated, empty and missing images are not copied or relinked: they need a good copy."""
    site = site_with(
        tmp_path,
        "![](/postimg/empty.png)\n![](x/cut.jpeg)\n![](/postimg/none.png)\n",
        {"postimg/empty.png": b"", "exports/d/cut.jpeg": image_bytes("JPEG", size=(64, 48))[:500]},
    )
    before = snapshot(site)
    result = fix_assets(verify(site))
    assert (result.changes, snapshot(site)) == ((), before)


def test_non_images_and_bombs_are_left_alone(tmp_path: Path) -> None:
    """An HTML page named .jpeg, a scripted SVG named .png and a bomb: no copy under a true
    extension, no relink, nothing written."""
    from .test_verify_sites import png_claiming

    site = site_with(
        tmp_path,
        "![](/postimg/page.jpeg)\n![](/postimg/evil.png)\n![](/postimg/bomb.png)\n",
        {
            "postimg/page.jpeg": b"<!DOCTYPE html><html><body>404</body></html>",
            "postimg/evil.png": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "postimg/bomb.png": png_claiming(50000, 50000),
        },
    )
    before = snapshot(site)
    report = verify(site)
    assert [image.status for image in report.images] == ["undecodable", "unsafe", "bomb"]
    result = fix_assets(report)
    assert (result.changes, result.failures, snapshot(site)) == ((), (), before)


def test_an_existing_file_of_the_same_name_is_never_overwritten(tmp_path: Path) -> None:
    """When the image folder already has other bytes under the name, the copy gets a new name."""
    site = site_with(
        tmp_path,
        "![](/postimg/a.png)\n![](exports/d/a.png)\n",
        {"postimg/a.png": image_bytes("PNG"), "exports/d/a.png": image_bytes("PNG", shade=9)},
    )
    before = snapshot(site)
    fix_assets(verify(site))
    after = snapshot(site)
    assert after["postimg/a.png"] == before["postimg/a.png"]
    assert after["postimg/a-2.png"] == before["exports/d/a.png"]
    assert "![]({{ site.baseurl }}/postimg/a-2.png)" in (site / "_posts" / POST).read_text("utf-8")


class FakeFetcher:
    """Serves fixed bytes per URL and records what was asked."""

    def __init__(self, answers: dict[str, bytes]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def fetch(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.answers:
            raise FetchError(url, "not found (fake)")
        return self.answers[url]


def test_remote_images_are_downloaded_only_with_a_fetcher(tmp_path: Path) -> None:
    """Remote images stay remote by default; a fetcher downloads them under their id and true extension."""
    url = "https://mmbiz.qpic.cn/mmbiz_jpg/AbC123/640?wx_fmt=jpeg"
    site = site_with(tmp_path, f"![]({url})\n![](//wx.qlogo.cn/mmhead/Zz9/0)\n", {"postimg/.keep": b""})
    assert fix_assets(verify(site)).changes == ()
    fetcher = FakeFetcher({url: image_bytes("PNG")})
    result = fix_assets(verify(site), fetcher=fetcher)
    assert fetcher.asked == [url, "https://wx.qlogo.cn/mmhead/Zz9/0"]
    assert [change.action for change in result.changes] == ["fetch", "relink"]
    assert result.failures == (f"_posts/{POST}:7: not found (fake)",)
    assert (site / "postimg" / "AbC123.png").read_bytes() == image_bytes("PNG")
    statuses = [result.status for result in verify(site).images]
    assert statuses == ["ok", "remote"]


def test_a_damaged_download_is_not_saved(tmp_path: Path) -> None:
    """A download that is not a sound image is refused with a message."""
    url = "https://mmbiz.qpic.cn/mmbiz_png/Q1/640"
    site = site_with(tmp_path, f"![]({url})\n", {})
    result = fix_assets(verify(site), fetcher=FakeFetcher({url: b"<html>blocked</html>"}))
    assert result.changes == ()
    assert "undecodable" in result.failures[0] and "not saved" in result.failures[0]


def test_url_fetcher_without_network_says_so() -> None:
    """With nothing listening, the real fetcher raises a FetchError that names the problem."""
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="cannot download .*network connection"):
        UrlFetcher(timeout=2).fetch(f"http://127.0.0.1:{port}/a.png")


def test_edits_find_the_reference_at_its_line() -> None:
    """An edit changes the occurrence at its line, not an equal one above it."""
    text = "![](a.png)\n正文\n![](a.png)\n"
    assert apply_edits(text, [Edit(3, "a.png", "b.png")]) == ("![](a.png)\n正文\n![](b.png)\n", [])
    assert apply_edits(text, [Edit(1, "zz.png", "b.png")])[1] == [Edit(1, "zz.png", "b.png")]


def test_write_failures_are_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A post or image that cannot be written is one failure line; the run goes on."""
    from wxmigrate.verify import fix, relink

    def refuse(path: Path, data: bytes) -> bool:
        raise PermissionError(13, "Permission denied")

    def refuse_copy(source: Path, target: Path) -> bool:
        raise PermissionError(13, "Permission denied")

    site = site_with(
        tmp_path,
        "![](/postimg/photo.jpeg)\n![](old/a.png)\n",
        {"postimg/photo.jpeg": image_bytes("PNG"), "postimg/a.png": image_bytes("PNG", shade=4)},
    )
    monkeypatch.setattr(relink, "atomic_write", refuse)
    monkeypatch.setattr(fix, "copy_file", refuse_copy)
    result = fix_assets(verify(site))
    assert result.failures == (
        f"_posts/{POST}:6: Permission denied",
        f"_posts/{POST}:0: cannot rewrite: Permission denied",
    )
