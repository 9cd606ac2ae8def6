"""check_file / check_bytes: real formats, damage and hostile files, with images the tests make."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFile

from wxmigrate.verify import STATUSES, Limits, check_bytes, check_file

from .test_verify_sites import SVG, image_bytes, png_claiming, write


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF"])
def test_good_image(fmt: str) -> None:
    """A sound image is ok, with its real format and size."""
    found = check_bytes(image_bytes(fmt, size=(30, 20)), declared=fmt)
    assert (found.status, found.format, found.width, found.height, found.frames) == ("ok", fmt, 30, 20, 1)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "PNG"])
def test_animation_frames_are_counted(fmt: str) -> None:
    """Animated GIF, WebP and PNG report their frame count, at header level and deep."""
    data = image_bytes(fmt, frames=3)
    assert check_bytes(data).frames == 3
    assert check_bytes(data, deep=True).status == "ok"


def test_empty() -> None:
    """Zero bytes are empty, whatever the name says."""
    found = check_bytes(b"", declared="JPEG")
    assert (found.status, found.bytes) == ("empty", 0)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("kept", [0.3, 0.6, 0.9])
@pytest.mark.parametrize("deep", [False, True])
def test_truncated_is_found_at_both_levels(fmt: str, kept: float, deep: bool) -> None:
    """A file cut short is truncated, with or without a deep decode."""
    data = image_bytes(fmt, size=(64, 48))
    assert check_bytes(data[: int(len(data) * kept)], declared=fmt, deep=deep).status == "truncated"


@given(cut=st.integers(min_value=8, max_value=10_000), fmt=st.sampled_from(["JPEG", "PNG", "GIF"]))
def test_any_cut_is_truncated(cut: int, fmt: str) -> None:
    """Cutting a JPEG, PNG or GIF anywhere past its signature makes it truncated."""
    data = image_bytes(fmt, size=(64, 48))
    cut = min(cut, len(data) - 3)  # the last bytes are the end marker's own
    assert check_bytes(data[:cut]).status == "truncated"


@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    """Any bytes at all get one of the nine statuses."""
    assert check_bytes(data, declared="PNG").status in STATUSES


@pytest.mark.parametrize("head", [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP"])
def test_signature_then_garbage_never_crashes(head: bytes) -> None:
    """A real signature followed by garbage is truncated or undecodable, never a crash."""
    assert check_bytes(head + bytes(range(256)) * 4).status in {"truncated", "undecodable"}


def test_trailing_data_after_the_end_marker_is_ok() -> None:
    """Bytes after a JPEG's end marker (as some cameras append) do not make it truncated."""
    data = image_bytes("JPEG")
    assert check_bytes(data + b"\x00" * 16).status == "ok"
    assert check_bytes(data + b"extra camera data" * 10).status == "ok"


def test_text_named_jpeg_is_undecodable() -> None:
    """A text file named .jpeg is undecodable, and the detail says it is text."""
    found = check_bytes("只是一段说明文字，不是图片。\n".encode(), declared="JPEG")
    assert (found.status, found.format) == ("undecodable", None)
    assert "text" in found.detail


def test_html_page_named_png_is_undecodable() -> None:
    """An HTML error page saved as .png is undecodable, and said to be HTML."""
    found = check_bytes(b"<!DOCTYPE html><html><body>403</body></html>", declared="PNG")
    assert found.status == "undecodable"
    assert "HTML" in found.detail


def test_svg_named_png_is_mismatched() -> None:
    """An SVG named .png is mismatched; named .svg it is ok, with its declared size."""
    assert (check_bytes(SVG, declared="PNG").status, check_bytes(SVG).format) == ("mismatched", "SVG")
    found = check_bytes(SVG, declared="SVG")
    assert (found.status, found.width, found.height) == ("ok", 40, 30)


SCRIPTED_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "foreignobject": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    "javascript": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="&#106;ava&#x73;cript:alert(1)">x</a></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY e "x">]><svg xmlns="http://www.w3.org/2000/svg">&e;</svg>',
}


@pytest.mark.parametrize("what", sorted(SCRIPTED_SVGS))
def test_svg_that_can_run_script_is_unsafe(what: str) -> None:
    """Script, event handlers, foreign HTML, ``javascript:`` spelt with character references,
    entity declarations: unsafe whatever the name, with what was found."""
    for declared in ("SVG", "PNG"):
        found = check_bytes(SCRIPTED_SVGS[what], declared=declared)
        assert (found.status, found.format) == ("unsafe", "SVG")
        assert f"({what})" in found.detail


def test_plain_svg_is_not_unsafe() -> None:
    """Shapes, text and a fragment link are fine (``onion`` is not an event handler)."""
    data = b'<svg xmlns="http://www.w3.org/2000/svg"><a href="#x"><text class="onion">on=</text></a></svg>'
    assert check_bytes(data, declared="SVG").status == "ok"


def test_jpeg_named_png_is_mismatched() -> None:
    """The format comes from the bytes: JPEG bytes under a .png name are mismatched."""
    found = check_bytes(image_bytes("JPEG"), declared="PNG")
    assert (found.status, found.format) == ("mismatched", "JPEG")
    assert "named as PNG, bytes are JPEG" in found.detail
    assert check_bytes(image_bytes("JPEG"), declared=None).status == "ok"


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000)])
@pytest.mark.parametrize("deep", [False, True])
def test_header_bomb_is_never_decoded(size: tuple[int, int], deep: bool) -> None:
    """A PNG claiming a huge size is a bomb, judged from its header alone.

    Its body is garbage, so a decode would have made it ``undecodable``.
    """
    assert check_bytes(png_claiming(*size), deep=deep).status == "bomb"


def test_limits_are_configurable() -> None:
    """Pixel, frame and total-pixel limits each turn an ordinary image into a bomb."""
    data = image_bytes("GIF", size=(20, 20), frames=3)
    assert check_bytes(data).status == "ok"
    assert check_bytes(data, limits=Limits(max_pixels=399)).status == "bomb"
    assert check_bytes(data, limits=Limits(max_frames=2)).status == "bomb"
    assert check_bytes(data, limits=Limits(max_total_pixels=1000)).status == "bomb"


def test_text_chunk_bomb() -> None:
    """A PNG whose text chunk inflates past Pillow's limit is a bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    good = image_bytes("PNG")
    text = chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(b"a" * 8_000_000, 9))
    assert check_bytes(good[:33] + text + good[33:]).status == "bomb"


def test_deep_decode_finds_a_broken_body() -> None:
    """A PNG whose chunks are intact but whose pixels do not inflate passes the header
    check and fails the deep one."""
    data = png_claiming(24, 16)
    assert check_bytes(data).status == "ok"
    assert check_bytes(data, deep=True).status == "undecodable"


def test_pillow_settings_are_restored() -> None:
    """Checking applies its own limits and puts Pillow's settings back afterwards."""
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # a caller's choice that would hide truncation
    try:
        data = image_bytes("JPEG", size=(64, 48))
        assert check_bytes(data[:1000], limits=Limits(max_pixels=10_000)).status == "truncated"
        assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == (saved[0], True)
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def test_check_file(tmp_path: Path) -> None:
    """Files are checked like bytes; an unreadable one is missing."""
    path = write(tmp_path / "a.png", image_bytes("PNG"))
    assert check_file(path, declared="PNG").status == "ok"
    assert check_file(tmp_path / "nothing.png").status == "missing"


def test_details_hold_no_memory_address() -> None:
    """Pillow names an in-memory stream by its address; a report must read the same every run."""
    checked = check_bytes(b"GIF89a" + b"\x00" * 5, declared="GIF", deep=True)
    assert checked.status == "truncated"
    assert "cannot identify image file" in checked.detail and "0x" not in checked.detail


def damaged_files() -> list[tuple[str, bytes]]:
    """Sound, cut, mislabelled, bomb-like and junk files of the formats verification meets."""
    files = [("empty.png", b""), ("junk.jpg", b"<html>not an image</html>"), ("bomb.png", png_claiming(50_000, 50_000))]
    for fmt in ("JPEG", "PNG", "GIF", "WEBP"):
        data = image_bytes(fmt, size=(40, 30), frames=3 if fmt in ("GIF", "PNG") else 1)
        files.append((f"sound.{fmt.lower()}", data))
        files.append((f"named-as-other.{'png' if fmt != 'PNG' else 'jpg'}", data))
        files.extend((f"cut-{kept}.{fmt.lower()}", data[: int(len(data) * kept)]) for kept in (0.05, 0.3, 0.9))
        files.append((f"padded.{fmt.lower()}", data + b"\x00" * 2000))
    return files


@pytest.mark.parametrize("deep", [False, True])
def test_a_file_checked_in_memory_is_checked_as_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deep: bool
) -> None:
    """Small files are read once and checked in memory: the same findings, details included,
    as checking them on disk (what larger files get)."""
    from wxmigrate.verify import check

    paths = [write(tmp_path / name, data) for name, data in damaged_files()]
    declared = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
    in_memory = [check_file(path, declared=declared[path.suffix[1:]], deep=deep) for path in paths]
    monkeypatch.setattr(check, "IN_MEMORY", -1)
    on_disk = [check_file(path, declared=declared[path.suffix[1:]], deep=deep) for path in paths]
    assert in_memory == on_disk
    assert {found.status for found in on_disk} >= {"ok", "empty", "truncated", "mismatched", "undecodable", "bomb"}


def test_a_file_that_cannot_be_read_is_missing_with_the_reason(tmp_path: Path) -> None:
    """No file there, or a folder where the image should be: missing, with the system's words
    (each small file is read through its descriptor: a folder opens, then refuses the read)."""
    folder = tmp_path / "photo.jpg"
    folder.mkdir()
    assert check_file(folder, declared="JPEG") == check_file(str(folder), declared="JPEG")
    assert (check_file(folder).status, check_file(folder).detail) == ("missing", "cannot read: Is a directory")
    gone = check_file(tmp_path / "gone.png")
    assert (gone.status, gone.detail) == ("missing", "cannot read: No such file or directory")


def test_a_file_is_read_whole_however_the_system_hands_it_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read may return fewer bytes than asked: the rest is read on, and the check is the
    same as of the bytes in memory."""
    import os

    data = image_bytes("PNG", size=(40, 30))
    path = write(tmp_path / "sound.png", data)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda handle, size: real_read(handle, min(size, 7)))
    assert check_file(path, declared="PNG", deep=True) == check_bytes(data, declared="PNG", deep=True)
