"""verify() on sites the tests build: every status, orphans, duplicates, placeholders, JSON.

The image helpers here are shared by the other ``test_verify_*`` modules.
"""

from __future__ import annotations

import io
import json
import random
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from wxmigrate.verify import STATUSES, Limits, Report, to_data, to_json, to_table, verify

#: The package, not the function the package ``wxmigrate`` calls by its name.
wxmigrate_verify = sys.modules["wxmigrate.verify"]

# -- images the tests make


def picture(size: tuple[int, int] = (24, 16), shade: int = 0) -> Image.Image:
    """A small RGB picture with busy, deterministic pixels (so encoders cannot shrink it to nothing)."""
    width, height = size
    return Image.frombytes("RGB", size, random.Random(shade).randbytes(width * height * 3))


def image_bytes(fmt: str, *, size: tuple[int, int] = (24, 16), frames: int = 1, shade: int = 0) -> bytes:
    """An image encoded as ``fmt``; ``frames`` > 1 makes an animation (GIF, WebP, PNG)."""
    stream = io.BytesIO()
    pictures = [picture(size, shade + index) for index in range(frames)]
    if fmt == "GIF":
        pictures = [item.convert("P") for item in pictures]
    extra = {"save_all": True, "append_images": pictures[1:]} if frames > 1 else {}
    pictures[0].save(stream, fmt, **extra)
    return stream.getvalue()


def png_claiming(width: int, height: int, idat: bytes = b"\x00garbage") -> bytes:
    """A PNG whose header claims ``width``×``height`` over a tiny (here undecodable) body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="40px" height="30"></svg>'
LAZY_SVG_URI = (
    "data:image/svg+xml,%3C%3Fxml version='1.0' encoding='UTF-8'%3F%3E%3Csvg width='1px' height='1px' "
    "viewBox='0 0 1 1' version='1.1' xmlns='http://www.w3.org/2000/svg' "
    "xmlns:xlink='http://www.w3.org/1999/xlink'%3E%3Ctitle%3E%3C/title%3E%3Cg stroke='none' "
    "stroke-width='1' fill='none' fill-rule='evenodd' fill-opacity='0'%3E%3Cg "
    "transform='translate(-249.000000, -126.000000)' fill='%23FFFFFF'%3E%3Crect x='249' y='126' "
    "width='1' height='1'%3E%3C/rect%3E%3C/g%3E%3C/g%3E%3C/svg%3E"
)


def write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path``, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def post_text(body: str, *, front: str = "") -> str:
    """A post with a title in its front matter, ``front`` lines, then ``body``."""
    return f"---\nlayout: post\ntitle: 社区新闻\n{front}---\n\n{body}"


def make_site(root: Path, posts: dict[str, str], files: dict[str, bytes | str]) -> Path:
    """A Jekyll site at ``root`` with ``_posts/NAME`` posts and other files."""
    write(root / "_config.yml", 'title: 测试站\nbaseurl: ""\n')
    for name, text in posts.items():
        write(root / "_posts" / name, text)
    for name, data in files.items():
        write(root / name, data)
    return root


EXPORT = "exports/2022-05-01社区开展植树活动"
DEMO_EXPORT = "exports/2022-09-02导出"

#: Lines of the post below, by what their image shows.
LINES = {
    "ok": 8,
    "animated": 9,
    "empty": 10,
    "truncated-jpeg": 11,
    "truncated-png": 12,
    "text": 13,
    "svg-as-png": 14,
    "jpeg-as-png": 15,
    "bomb": 16,
    "remote": 17,
    "unsafe": 18,
    "missing": 19,
    "split": 20,
    "placeholder": 23,
}


@pytest.fixture
def damaged_site(tmp_path: Path) -> Path:
    """A site with one image of each kind of damage, an orphan and a duplicate."""
    jpeg = image_bytes("JPEG")
    body = "\n".join(
        [
            "春天到了，社区居民一起种下了二十棵树。",
            "![]({{site.baseurl}}/postimg/ok.jpeg)",
            "![]({{ site.baseurl }}/postimg/anim.gif)",
            "![](/postimg/empty.jpeg)",
            "![](/postimg/cut.jpeg)",
            "![](/postimg/cut.png)",
            "![](/postimg/notes.jpeg)",
            "![](/postimg/vector.png)",
            "![](/postimg/photo.png)",
            "![](/postimg/huge.png)",
            "![](https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEf123/640?wx_fmt=jpeg)",
            "![](../../outside.png)",
            "![](/postimg/gone.jpeg)",
            "![](2022-05-01",
            "社区开展植树活动\\\\tree.jpeg)",
            "活动结束后大家合影留念。",
            f"![]({LAZY_SVG_URI})",
            "",
        ]
    )
    return make_site(
        tmp_path / "site",
        {"2022-05-01-植树.md": post_text(body, front="header-img: img/head.png\n")},
        {
            "postimg/ok.jpeg": jpeg,
            "postimg/copy-of-ok.jpeg": jpeg,
            "postimg/anim.gif": image_bytes("GIF", frames=3),
            "postimg/empty.jpeg": b"",
            "postimg/cut.jpeg": image_bytes("JPEG", size=(64, 48))[:900],
            "postimg/cut.png": image_bytes("PNG", size=(64, 48))[:700],
            "postimg/notes.jpeg": "这不是图片，只是一段文字。\n",
            "postimg/vector.png": SVG,
            "postimg/photo.png": image_bytes("JPEG", shade=3),
            "postimg/huge.png": png_claiming(100_000, 100_000),
            "postimg/unused.png": image_bytes("PNG", shade=5),
            "img/head.png": image_bytes("PNG", size=(60, 20)),
            f"{EXPORT}/tree.jpeg": image_bytes("JPEG", shade=7),
        },
    )


def by_line(report: Report) -> dict[int, str]:
    return {result.line: result.status for result in report.images}


def test_every_status_is_found(damaged_site: Path) -> None:
    """Each damaged image gets its own status, and each status word is one of the nine."""
    report = verify(damaged_site)
    statuses = by_line(report)
    expected = {
        LINES["ok"]: "ok",
        LINES["animated"]: "ok",
        LINES["empty"]: "empty",
        LINES["truncated-jpeg"]: "truncated",
        LINES["truncated-png"]: "truncated",
        LINES["text"]: "undecodable",
        LINES["svg-as-png"]: "mismatched",
        LINES["jpeg-as-png"]: "mismatched",
        LINES["bomb"]: "bomb",
        LINES["remote"]: "remote",
        LINES["unsafe"]: "unsafe",
        LINES["missing"]: "missing",
        LINES["split"]: "ok",
        LINES["placeholder"]: "ok",
        4: "ok",  # header-img, line 4 of the file
    }
    assert expected == statuses
    assert set(statuses.values()) == set(STATUSES)


def test_details_of_good_images(damaged_site: Path) -> None:
    """Format, size, frames, bytes and hash are read from the bytes."""
    report = verify(damaged_site)
    animated = next(result for result in report.images if result.line == LINES["animated"])
    assert (animated.format, animated.width, animated.height, animated.frames) == ("GIF", 24, 16, 3)
    header = next(result for result in report.images if result.key == "header-img")
    assert (header.path, header.format, header.width, header.height) == ("img/head.png", "PNG", 60, 20)
    svg = next(result for result in report.images if result.line == LINES["svg-as-png"])
    assert (svg.format, svg.width, svg.height) == ("SVG", 40, 30)
    ok = next(result for result in report.images if result.line == LINES["ok"])
    assert ok.bytes == (damaged_site / "postimg/ok.jpeg").stat().st_size
    assert ok.sha256 is not None and len(ok.sha256) == 64


def test_split_backslash_path_is_found_by_name_in_the_export_folder(damaged_site: Path) -> None:
    """A path split over lines with backslashes resolves by file name, and is flagged for relinking."""
    report = verify(damaged_site)
    split = next(result for result in report.images if result.line == LINES["split"])
    assert split.path == f"{EXPORT}/tree.jpeg"
    assert split.by_name
    assert [result.line for result in report.relinks()] == [LINES["split"]]


def test_orphans_and_duplicates(damaged_site: Path) -> None:
    """Unused files in image folders are orphans; equal bytes under two names are duplicates."""
    report = verify(damaged_site)
    assert report.orphans == ("postimg/copy-of-ok.jpeg", "postimg/unused.png")
    assert [duplicate.paths for duplicate in report.duplicates] == [
        ("postimg/copy-of-ok.jpeg", "postimg/ok.jpeg")
    ]
    assert report.image_folders == ("postimg", "img")


def test_placeholder_is_noted(damaged_site: Path) -> None:
    """WeChat's lazy-loading SVG stand-in is noted as a placeholder."""
    report = verify(damaged_site)
    noted = [result.line for result in report.images if result.note == "placeholder"]
    assert noted == [LINES["placeholder"]]


def test_user_placeholder_by_file_and_by_hash(damaged_site: Path, tmp_path: Path) -> None:
    """A stand-in given as a file or as a hash is noted like a known one."""
    stand_in = write(tmp_path / "notice.png", (damaged_site / "img/head.png").read_bytes())
    by_file = verify(damaged_site, placeholders=[stand_in])
    digest = next(result.sha256 for result in by_file.images if result.key == "header-img")
    assert digest is not None
    by_hash = verify(damaged_site, placeholders=[digest])
    for report in (by_file, by_hash):
        header = next(result for result in report.images if result.key == "header-img")
        assert header.note == "placeholder"


def test_json_shape(damaged_site: Path) -> None:
    """The JSON report has exactly the issue's fields, plus ``note``."""
    data = json.loads(to_json(verify(damaged_site)))
    assert sorted(data) == ["duplicates", "images", "orphans"]
    fields = ["post", "line", "src", "path", "status", "format", "width", "height", "frames", "bytes", "sha256", "note"]
    assert all(list(image) == fields for image in data["images"])
    assert data["images"][0]["post"] == "_posts/2022-05-01-植树.md"
    assert data["duplicates"][0]["paths"] == ["postimg/copy-of-ok.jpeg", "postimg/ok.jpeg"]
    assert to_data(verify(damaged_site)) == data


def test_table_lists_counts_and_problems(damaged_site: Path) -> None:
    """The table counts statuses and names each problem as post:line."""
    table = to_table(verify(damaged_site))
    assert "  ok                5\n" in table
    assert f"_posts/2022-05-01-植树.md:{LINES['bomb']}: bomb: postimg/huge.png" in table
    assert f"_posts/2022-05-01-植树.md:{LINES['missing']}: missing: /postimg/gone.jpeg" in table
    assert "orphans (in an image folder, used by no post): 2" in table


def test_configurable_limits_make_a_bomb(damaged_site: Path) -> None:
    """Lowering the pixel limit turns an ordinary picture into a bomb."""
    report = verify(damaged_site, limits=Limits(max_pixels=100))
    assert by_line(report)[LINES["ok"]] == "bomb"


def test_progress_is_reported(damaged_site: Path) -> None:
    """The progress callback sees every reference, ending at the total."""
    calls: list[tuple[int, int]] = []
    report = verify(damaged_site, progress=lambda done, total: calls.append((done, total)))
    total = len(report.images)
    assert calls == [(done, total) for done in range(1, total + 1)]


@pytest.mark.parametrize("window", [1, 2, 3])
def test_the_same_report_whatever_the_window(damaged_site: Path, window: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """One process checks the files of a window of references, then makes their results: the
    report and the progress told are the same however many references a window holds."""
    whole = verify(damaged_site)
    monkeypatch.setattr(wxmigrate_verify, "WINDOW", window)
    calls: list[tuple[int, int]] = []
    windowed = verify(damaged_site, progress=lambda done, total: calls.append((done, total)))
    assert windowed == whole
    assert calls == [(done, len(whole.images)) for done in range(1, len(whole.images) + 1)]


def test_one_post_and_its_site(damaged_site: Path) -> None:
    """Verifying one post finds its site root and reports the same images."""
    post = damaged_site / "_posts" / "2022-05-01-植树.md"
    assert by_line(verify(post)) == by_line(verify(damaged_site))


def test_unreadable_post_is_an_error_and_others_go_on(damaged_site: Path) -> None:
    """A post that cannot be read is listed; the other posts are still verified."""
    write(damaged_site / "_posts" / "2022-05-02-坏.md", b"---\ntitle: \xff\xfe\n---\n")
    report = verify(damaged_site)
    assert len(report.errors) == 1 and "2022-05-02-坏.md:2:" in report.errors[0]
    assert by_line(report)[LINES["ok"]] == "ok"
    assert not report.clean


def test_clean_site(tmp_path: Path) -> None:
    """A site whose images are all fine is clean, with nothing orphaned."""
    site = make_site(
        tmp_path,
        {"2022-06-01-好.md": post_text("![](/postimg/a.png)\n![](postimg/b.webp)\n")},
        {"postimg/a.png": image_bytes("PNG"), "postimg/b.webp": image_bytes("WEBP", frames=2)},
    )
    report = verify(site)
    assert report.clean
    assert report.counts() == {"ok": 2}
    webp = report.lookup("_posts/2022-06-01-好.md", "postimg/b.webp")
    assert webp is not None and (webp.format, webp.frames) == ("WEBP", 2)


def test_assets_folder_is_searched(tmp_path: Path) -> None:
    """``assets`` folders outside the site are searched by file name."""
    site = make_site(tmp_path / "site", {"2022-06-02-图.md": post_text("![](D:\\导出\\pic.jpeg)\n")}, {})
    elsewhere = write(tmp_path / "downloads" / "pic.jpeg", image_bytes("JPEG"))
    assert verify(site).images[0].status == "missing"
    found = verify(site, assets=[elsewhere.parent]).images[0]
    assert (found.status, found.path, found.by_name) == ("ok", elsewhere.as_posix(), True)
