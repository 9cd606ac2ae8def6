"""The image check's shortcuts never change a finding.

A plain JPEG, PNG or GIF has its header read without Pillow (:mod:`wxmigrate.verify.headers`,
held to Pillow's ``Image.open`` in ``test_verify_headers.py``).  A PNG proved whole by :func:`wxmigrate.verify.png.png_decodes` is not decoded by Pillow
(``--deep``), one whose chunks :func:`~wxmigrate.verify.png.png_chunks_whole` proves
sound is not verified by Pillow (header level), and a still JPEG is decoded at an eighth
of its size first.  Both may only ever say
"whole" where Pillow's full decode agrees; anything else goes to Pillow as before.  These
tests hold both to that over made and damaged files, with ISA-L's inflater and zlib's.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFile

from wxmigrate.verify import check, check_bytes
from wxmigrate.verify.png import MAX_INFLATED, png_chunks_whole, png_decodes

from .test_verify_sites import image_bytes, picture

INFLATERS: dict[str, Callable[[], Any]] = {"zlib": zlib.decompressobj}
try:
    from isal import isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency
    pass
else:
    INFLATERS["isal"] = isal_zlib.decompressobj


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(mode: str, size: tuple[int, int], *, interlace: bool = False) -> bytes:
    """A PNG Pillow writes, of busy pixels in ``mode``."""
    stream = io.BytesIO()
    picture(size).convert(mode).save(stream, "PNG", interlace=interlace)
    return stream.getvalue()


def handmade_png(width: int, height: int, rows: bytes, *, trailer: bytes = b"") -> bytes:
    """An 8-bit greyscale PNG of ``rows`` (each a filter byte and ``width`` bytes), CRCs right."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + body + trailer + chunk(b"IEND", b"")


def pillow_decodes(data: bytes, *, load: bool = True) -> bool:
    """Whether Pillow's ``verify()`` and (with ``load``) ``load()`` pass, as the check ran them."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        if load:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Exception:  # noqa: BLE001 - any failure is "not whole"
        return False
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved
    return True


def pillow_opens(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format == "PNG"
    except Exception:  # noqa: BLE001 - any failure is "not opened"
        return False


@pytest.mark.parametrize("inflater", sorted(INFLATERS))
@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "I;16"])
@pytest.mark.parametrize("interlace", [False, True])
@pytest.mark.parametrize("size", [(1, 1), (3, 7), (17, 5), (40, 33)])
def test_whole_pngs_are_proved_whole(inflater: str, mode: str, interlace: bool, size: tuple[int, int]) -> None:
    data = png(mode, size, interlace=interlace)
    assert pillow_decodes(data)
    assert png_decodes(data, inflater=INFLATERS[inflater])


def test_what_is_not_proved_is_left_to_pillow() -> None:
    """An animation, a chunk after the image data, an unknown filter byte, a stream that
    stops short or runs on, and an image too large to inflate here: none is proved whole."""
    rows = b"".join(b"\x00" + bytes(range(8)) for _ in range(4))
    assert png_decodes(handmade_png(8, 4, rows))
    assert not png_decodes(image_bytes("PNG", size=(8, 4), frames=2))
    assert not png_decodes(handmade_png(8, 4, rows, trailer=chunk(b"tEXt", b"a\x00b")))
    assert not png_decodes(handmade_png(8, 4, rows[:-9] + b"\x05" + rows[-8:]))
    assert not png_decodes(handmade_png(8, 4, rows[:-1]))
    assert not png_decodes(handmade_png(8, 4, rows + b"\x00"))
    huge = struct.pack(">IIBBBBB", 8192, 8192, 8, 6, 0, 0, 0)
    assert 8192 * (1 + 8192 * 4) > MAX_INFLATED
    assert not png_decodes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", huge) + chunk(b"IDAT", b"") + chunk(b"IEND", b""))


def test_a_bad_filter_byte_is_still_found_by_pillow() -> None:
    """The file the shortcut refuses for its filter byte is one Pillow finds broken."""
    rows = b"".join(b"\x00" + bytes(range(8)) for _ in range(4))
    broken = handmade_png(8, 4, rows[:-9] + b"\x05" + rows[-8:])
    assert not pillow_decodes(broken)
    assert check_bytes(broken, deep=True).status != "ok"


def damage(data: bytes, how: int, at: int, value: int, span: int) -> bytes:
    """``data`` cut, overwritten, shortened inside, or changed inside its first IDAT with the
    chunk's CRC made right again (so only the zlib stream or the rows can tell)."""
    at %= len(data)
    if how == 0:
        return data[:at]
    if how == 1:
        return data[:at] + bytes([value]) + data[at + 1 :]
    if how == 2:
        return data[:at] + data[at + span :]
    start = data.find(b"IDAT")
    length = int.from_bytes(data[start - 4 : start], "big")
    if start < 0 or not length:
        return data
    where = start + 4 + at % length
    changed = bytearray(data)
    changed[where] = value
    crc = zlib.crc32(bytes(changed[start : start + 4 + length]))
    changed[start + 4 + length : start + 8 + length] = crc.to_bytes(4, "big")
    return bytes(changed)


SOUND_PNGS = [png(mode, (12, 9), interlace=interlace) for mode in ("L", "P", "RGB", "RGBA") for interlace in (False, True)]

#: The arguments of :func:`damage` after the file, as Hypothesis draws them.
DAMAGE = {
    "how": st.integers(0, 3),
    "at": st.integers(0, 10_000),
    "value": st.integers(0, 255),
    "span": st.integers(1, 40),
}


@given(which=st.sampled_from(range(len(SOUND_PNGS))), inflater=st.sampled_from(sorted(INFLATERS)), **DAMAGE)
def test_a_damaged_png_proved_whole_is_one_pillow_decodes(
    which: int, how: int, at: int, value: int, span: int, inflater: str
) -> None:
    data = damage(SOUND_PNGS[which], how, at, value, span)
    if png_decodes(data, inflater=INFLATERS[inflater]):
        assert pillow_decodes(data)
    if png_chunks_whole(data) and pillow_opens(data):  # it is asked only of a PNG Pillow opened
        assert pillow_decodes(data, load=False)


def without_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the check open every file with Pillow (:mod:`~wxmigrate.verify.headers` unused),
    and verify and decode every PNG and JPEG with it, as it did before."""
    monkeypatch.setattr(check, "read_header", lambda data: None)
    monkeypatch.setattr(check, "png_decodes", lambda data: False)
    monkeypatch.setattr(check, "png_chunks_whole", lambda data: False)

    def refuse(image: Image.Image) -> None:
        raise OSError("shortcut off")

    monkeypatch.setattr(check, "_load_reduced", refuse)


SOUND_FILES = [
    image_bytes("JPEG", size=(64, 48)),
    image_bytes("JPEG", size=(9, 5)),
    image_bytes("GIF", size=(20, 14)),
    image_bytes("GIF", size=(20, 14), frames=3),
    *SOUND_PNGS,
]


@given(which=st.sampled_from(range(len(SOUND_FILES))), deep=st.booleans(), **DAMAGE)
def test_a_check_finds_what_it_found_without_the_shortcuts(
    which: int, how: int, at: int, value: int, span: int, deep: bool
) -> None:
    """The same finding, status and words, with the shortcuts on and off, for any damage."""
    data = SOUND_FILES[which]
    data = damage(data, how, at, value, span) if data.startswith(b"\x89PNG") else damage(data, how % 3, at, value, span)
    with_them = check_bytes(data, deep=deep)
    with pytest.MonkeyPatch.context() as monkeypatch:
        without_shortcuts(monkeypatch)
        assert check_bytes(data, deep=deep) == with_them


def test_the_shortcuts_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A whole PNG is neither verified nor decoded by Pillow, and a whole JPEG is decoded
    reduced only."""
    loads: list[tuple[str, tuple[int, int]]] = []
    original = Image.Image.load

    def counted(self: Image.Image) -> Any:
        loads.append((str(self.format), self.size))
        return original(self)

    def never(self: Image.Image) -> None:
        raise AssertionError("Pillow's verify() was called")

    from PIL import PngImagePlugin

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", never)
    whole_png, whole_jpeg = png("RGB", (40, 30)), image_bytes("JPEG", size=(64, 48))
    monkeypatch.setattr(Image.Image, "load", counted)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    assert check_bytes(whole_png).status == "ok"
    assert check_bytes(whole_png, deep=True).status == "ok"
    assert loads == []
    assert check_bytes(whole_jpeg, deep=True).status == "ok"
    assert loads == [("JPEG", (8, 6))]
