"""A header read without Pillow (:mod:`wxmigrate.verify.headers`) is the one Pillow reads.

:func:`read_header` may only ever give a format, size and frame count where Pillow's
``Image.open`` succeeds with exactly those; anything else must come back None, for Pillow
to open.  These tests hold it to that over files Pillow writes (with the metadata real
exports carry), damaged copies of them, and handmade headers at each edge the reader
draws; ``test_verify_decode_shortcuts.py`` checks that a whole check finds the same with
and without it.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from wxmigrate.verify import check, check_bytes
from wxmigrate.verify.check import DEFAULT_LIMITS, pillow_limits
from wxmigrate.verify.headers import PNG_BEFORE_IMAGE, PNG_TEXT_LIMIT, read_header

from .test_verify_decode_shortcuts import DAMAGE, chunk, damage
from .test_verify_sites import image_bytes, picture

ICC = b"\x00" * 128 + b"acsp" + b"\x00" * 124  # a stand-in profile: Pillow stores it unread


def saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    stream = io.BytesIO()
    image.save(stream, fmt, **options)
    return stream.getvalue()


def pillow_header(data: bytes) -> tuple[str, int, int, int] | None:
    """What ``Image.open`` finds, as the check opens files (its limits applied), or None
    when it raises."""
    try:
        with pillow_limits(DEFAULT_LIMITS), Image.open(io.BytesIO(data)) as image:
            return (str(image.format), *image.size, int(getattr(image, "n_frames", 1)))
    except Exception:  # noqa: BLE001 - any failure is "not opened"
        return None


def gif_animation(*, disposal: int = 0, transparency: int | None = None, loop: int | None = None) -> bytes:
    frames = [picture((20, 14), shade).convert("P") for shade in range(3)]
    options: dict[str, object] = {"save_all": True, "append_images": frames[1:], "disposal": disposal}
    if transparency is not None:
        options["transparency"] = transparency
    if loop is not None:
        options["loop"] = loop
    return saved(frames[0], "GIF", **options)


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "an exporter")
    return saved(picture((9, 7)), "PNG", pnginfo=info)


def exif() -> Image.Exif:
    data = Image.Exif()
    data[0x0110] = "a camera"
    return data


#: Files as Pillow writes them, each with what ``read_header`` must say of it (None: left to Pillow).
MADE: dict[str, tuple[bytes, tuple[str, int, int, int] | None]] = {
    "jpeg rgb": (image_bytes("JPEG", size=(33, 21)), ("JPEG", 33, 21, 1)),
    "jpeg grey": (saved(picture((16, 9)).convert("L"), "JPEG"), ("JPEG", 16, 9, 1)),
    "jpeg cmyk (Adobe segment)": (saved(picture((16, 9)).convert("CMYK"), "JPEG"), ("JPEG", 16, 9, 1)),
    "jpeg progressive": (saved(picture((40, 30)), "JPEG", progressive=True), ("JPEG", 40, 30, 1)),
    "jpeg with dpi": (saved(picture((12, 8)), "JPEG", dpi=(300, 300)), ("JPEG", 12, 8, 1)),
    "jpeg with an ICC profile": (saved(picture((12, 8)), "JPEG", icc_profile=ICC), ("JPEG", 12, 8, 1)),
    "jpeg with a comment": (saved(picture((12, 8)), "JPEG", comment=b"a note"), ("JPEG", 12, 8, 1)),
    "jpeg with restart markers": (saved(picture((64, 64)), "JPEG", restart_marker_blocks=1), ("JPEG", 64, 64, 1)),
    "jpeg with Exif": (saved(picture((12, 8)), "JPEG", exif=exif()), None),
    "mpo": (saved(picture((12, 8)), "MPO", save_all=True, append_images=[picture((12, 8), 1)]), None),
    "png rgb": (image_bytes("PNG", size=(30, 20)), ("PNG", 30, 20, 1)),
    **{
        f"png {mode}": (saved(picture((9, 7)).convert(mode), "PNG"), ("PNG", 9, 7, 1))
        for mode in ("1", "L", "LA", "P", "RGBA", "I;16")
    },
    "png interlaced": (saved(picture((9, 7)), "PNG", interlace=True), ("PNG", 9, 7, 1)),
    "png with dpi": (saved(picture((9, 7)), "PNG", dpi=(144, 144)), ("PNG", 9, 7, 1)),
    "png palette with transparency": (saved(picture((9, 7)).convert("P"), "PNG", transparency=3), ("PNG", 9, 7, 1)),
    "png grey with transparency": (saved(picture((9, 7)).convert("L"), "PNG", transparency=7), ("PNG", 9, 7, 1)),
    "png rgb with transparency": (saved(picture((9, 7)), "PNG", transparency=(1, 2, 3)), ("PNG", 9, 7, 1)),
    "png with text": (png_with_text(), ("PNG", 9, 7, 1)),
    "png with an ICC profile": (saved(picture((9, 7)), "PNG", icc_profile=ICC), None),
    "png animated": (image_bytes("PNG", size=(9, 7), frames=2), None),
    "gif still": (image_bytes("GIF", size=(20, 14)), ("GIF", 20, 14, 1)),
    "gif animated": (gif_animation(), ("GIF", 20, 14, 3)),
    "gif looping": (gif_animation(loop=0), ("GIF", 20, 14, 3)),
    "gif disposed to background": (gif_animation(disposal=2, transparency=0), ("GIF", 20, 14, 3)),
    "gif disposed to previous": (gif_animation(disposal=3), ("GIF", 20, 14, 3)),
    "gif with a comment": (saved(picture((20, 14)).convert("P"), "GIF", comment=b"a note"), ("GIF", 20, 14, 1)),
    "webp": (image_bytes("WEBP"), None),
}


@pytest.mark.parametrize("name", sorted(MADE))
def test_a_made_file_is_read_as_pillow_reads_it(name: str) -> None:
    data, expected = MADE[name]
    assert read_header(data) == expected
    if expected is not None:
        assert pillow_header(data) == expected


SOUND = [data for data, expected in MADE.values() if expected is not None]


@given(which=st.sampled_from(range(len(SOUND))), **DAMAGE)
def test_a_damaged_file_read_is_one_pillow_opens_so(which: int, how: int, at: int, value: int, span: int) -> None:
    data = damage(SOUND[which], how % 3, at, value, span)
    read = read_header(data)
    if read is not None:
        assert pillow_header(data) == read


def jpeg_with(segment: bytes, *, before_tables: bool = True) -> bytes:
    """A whole JPEG with ``segment`` (marker and all) right after its start of image."""
    data = image_bytes("JPEG", size=(16, 8))
    return data[:2] + segment + data[2:] if before_tables else data


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def frame_header(*, bits: int = 8, layers: int = 3, size: tuple[int, int] = (16, 8)) -> bytes:
    width, height = size
    return segment(0xC0, struct.pack(">BHHB", bits, height, width, layers) + b"\x01\x22\x00" * layers)


@pytest.mark.parametrize(
    "name, data",
    [
        ("a fill byte between segments", jpeg_with(b"\xff")),
        ("a byte that is no marker", jpeg_with(b"\x00")),
        ("a marker without a length", jpeg_with(b"\xff\xd0")),
        ("a segment shorter than its length field", jpeg_with(b"\xff\xfe\x00\x01")),
        ("a quantization table cut short", jpeg_with(segment(0xDB, b"\x00" + bytes(63)))),
        ("a 16-bit table cut short", jpeg_with(segment(0xDB, b"\x10" + bytes(64)))),
        ("a 12-bit frame", jpeg_with(frame_header(bits=12))),
        ("a frame of two components", jpeg_with(frame_header(layers=2))),
        ("a frame header too short", jpeg_with(segment(0xC0, b"\x08\x00\x08\x00"))),
        ("a JFIF header too short", jpeg_with(segment(0xE0, b"JFIF\x00\x01"))),
        ("an Adobe header too short", jpeg_with(segment(0xEE, b"Adobe\x00"))),
        ("a piece of an ICC profile too short", jpeg_with(segment(0xE2, b"ICC_PROFILE\x00\x01"))),
        ("a Photoshop block", jpeg_with(segment(0xED, b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00"))),
        ("a multi-picture index", jpeg_with(segment(0xE2, b"MPF\x00" + bytes(8)))),
        ("an Exif block", jpeg_with(segment(0xE1, b"Exif\x00\x00" + bytes(8)))),
        ("no start of scan", image_bytes("JPEG", size=(16, 8))[:200]),
    ],
)
def test_a_jpeg_header_out_of_the_plain_is_left_to_pillow(name: str, data: bytes) -> None:
    assert read_header(data) is None


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("a frame header of zero width", jpeg_with(frame_header(size=(0, 8))), ("JPEG", 16, 8, 1)),
        ("a second frame header wins", jpeg_with(frame_header(size=(99, 77))), ("JPEG", 16, 8, 1)),
        ("a JFIF header just long enough", jpeg_with(segment(0xE0, b"JFIF\x00\x01\x02")), ("JPEG", 16, 8, 1)),
        ("an APP3 segment", jpeg_with(segment(0xE3, b"anything")), ("JPEG", 16, 8, 1)),
        ("an empty comment", jpeg_with(segment(0xFE, b"")), ("JPEG", 16, 8, 1)),
    ],
)
def test_a_jpeg_header_at_an_edge_is_read_as_pillow_reads_it(name: str, data: bytes, expected: object) -> None:
    """The last frame header before the scan gives the size, as in Pillow; a segment just
    long enough for Pillow is taken."""
    assert read_header(data) == expected == pillow_header(data)


def png_with(*chunks: bytes, colour: int = 2, depth: int = 8, filtering: int = 0, width: int = 4) -> bytes:
    """A PNG of ``width``×2 pixels whose ``chunks`` come between its header and image data."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, 2, depth, colour, 0, filtering, 0))
    rows = (b"\x00" + bytes((width * channels * depth + 7) // 8)) * 2
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    "name, data",
    [
        ("a chunk of a wrong CRC", png_with(chunk(b"sRGB", b"\x00")[:-1] + b"\x00")),
        ("a chunk running past the end", png_with()[:40]),
        ("an unknown filter method", png_with(filtering=1)),
        ("a bit depth the colour type does not take", png_with(depth=4)),
        ("no image data", png_with()[:33] + chunk(b"IEND", b"")),
        ("a gamma too short", png_with(chunk(b"gAMA", b"\x00\x01"))),
        ("a transparency too short for RGB", png_with(chunk(b"tRNS", b"\x00\x01"))),
        ("a zero width", png_with(width=0)),
        ("compressed text", png_with(chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"v")))),
        ("an ICC profile", png_with(chunk(b"iCCP", b"p\x00\x00" + zlib.compress(ICC)))),
        ("an animation", png_with(chunk(b"acTL", struct.pack(">II", 2, 0)))),
        ("a chunk of no known kind", png_with(chunk(b"abCD", b""))),
        ("text past the limit", png_with(chunk(b"tEXt", b"k\x00" + bytes(PNG_TEXT_LIMIT)))),
    ],
)
def test_a_png_header_out_of_the_plain_is_left_to_pillow(name: str, data: bytes) -> None:
    assert read_header(data) is None


@pytest.mark.parametrize("kind", sorted(PNG_BEFORE_IMAGE))
def test_each_chunk_taken_is_read_by_pillow_at_its_least_length(kind: bytes) -> None:
    """A chunk :data:`PNG_BEFORE_IMAGE` takes, at the least length it takes, is one Pillow opens past."""
    data = png_with(chunk(kind, bytes(PNG_BEFORE_IMAGE[kind])))
    assert read_header(data) == ("PNG", 4, 2, 1) == pillow_header(data)
    if PNG_BEFORE_IMAGE[kind] == 0 and kind != b"PLTE":
        assert not hasattr(PngImagePlugin.PngStream, f"chunk_{kind.decode()}")  # skipped unread


def gif(*, screen: tuple[int, int] = (8, 8), frame: tuple[int, int, int, int] = (0, 0, 8, 8)) -> bytes:
    """A still GIF of two colours on a ``screen``, its one frame at ``frame`` (left, top, width, height)."""
    left, top, width, height = frame
    palette = b"\x00\x00\x00\xff\xff\xff"
    head = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + palette
    image = b"," + struct.pack("<HHHHB", left, top, width, height, 0) + b"\x02\x02\x4c\x01\x00"
    return head + image + b";"


@pytest.mark.parametrize(
    "name, data",
    [
        ("a frame past the screen", gif(frame=(4, 0, 8, 8))),
        ("a frame of no width", gif(frame=(0, 0, 0, 8))),
        ("a screen of no height", gif(screen=(8, 0))),
        ("no trailer", gif()[:-1]),
    ],
)
def test_a_gif_header_out_of_the_plain_is_left_to_pillow(name: str, data: bytes) -> None:
    assert read_header(data) is None


def test_a_gif_frame_inside_the_screen_is_read_as_pillow_reads_it() -> None:
    data = gif(screen=(10, 9), frame=(2, 1, 8, 8))
    assert read_header(data) == ("GIF", 10, 9, 1) == pillow_header(data)
    grown = gif(frame=(4, 0, 8, 8))
    assert pillow_header(grown) == ("GIF", 12, 8, 1)  # why a frame past the screen is left to Pillow


def test_a_bomb_is_left_to_pillow_for_its_words() -> None:
    """A header over Pillow's pixel limit is read, but the check opens it with Pillow,
    whose warning, turned into an error, the report quotes."""
    data = png_with(width=1 << 26)
    assert read_header(data) == ("PNG", 1 << 26, 2, 1)
    found = check_bytes(data)
    assert found.status == "bomb"
    assert "could be decompression bomb" in found.detail


def test_a_plain_file_is_checked_without_opening_it_with_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    """At header level a whole JPEG, PNG or GIF is found ok without ``Image.open``."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("Image.open was called")

    monkeypatch.setattr(check.Image, "open", never)
    for fmt, data in (("JPEG", image_bytes("JPEG")), ("PNG", image_bytes("PNG")), ("GIF", gif_animation())):
        found = check_bytes(data)
        assert (found.status, found.format) == ("ok", fmt)
