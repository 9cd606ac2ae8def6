"""Whether a still PNG in memory is whole, proved without Pillow decoding its pixels.

A ``--deep`` check of a PNG used to run Pillow's ``verify()`` (every chunk's
CRC) and then decode it with ``load()``.  Decoding a PNG is inflating its
zlib stream and undoing each row's filter; undoing a filter cannot fail once
the row's filter byte is one of the five the format defines.  So a PNG whose

- chunks are all whole, named as Pillow accepts them and their CRCs right, up to IEND;
- image data is one run of IDAT chunks, followed by IEND alone;
- zlib stream inflates, to its end and its checksum, to exactly the bytes the
  IHDR promises (rows of each Adam7 pass when interlaced);
- rows each open with a filter byte from 0 to 4

is one that ``verify()`` and ``load()`` both pass.  :func:`png_decodes` checks
exactly that, and says True only then.  False means "not proved", never
"broken": the caller then asks Pillow, whose verdict and words the report
gives, as before.  So this changes how fast a whole PNG is found whole, and
nothing a report says.  ``tests/test_verify_decode_shortcuts.py`` holds it to that over
generated and damaged files: whenever this says True, Pillow agrees.

At header level Pillow's ``verify()`` only walks the chunks checking their CRCs:
:func:`png_chunks_whole` checks the first two conditions alone, and a PNG they hold
for is not verified again by Pillow.

The inflating and the CRCs are done by ISA-L (``isal``: inflating about twice and
CRCs four times as fast as zlib) when it is installed, by the standard library's zlib
otherwise.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import Any

_decompressobj: Callable[[], Any]
_crc32: Callable[[Any], int]
try:
    from isal.isal_zlib import crc32 as _crc32, decompressobj as _decompressobj
except ImportError:  # pragma: no cover - isal is a dependency; zlib serves where it has no wheel
    _decompressobj, _crc32 = zlib.decompressobj, zlib.crc32

#: Channels of each colour type, and the bit depths the format allows with it (those Pillow
#: opens, ``PngImagePlugin._MODES``).
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
#: Adam7's passes: first column and row, then the steps between them.
_ADAM7 = (
    (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)
)
#: A chunk name Pillow reads on (``PngImagePlugin.is_cid``).
_NAME = re.compile(rb"\w\w\w\w")
#: The animation chunks: an APNG is left to Pillow.
_ANIMATION = frozenset({b"acTL", b"fcTL", b"fdAT"})
#: A PNG's signature and the start of its header chunk, of the 13 bytes the format gives it.
PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"
#: Bytes an image may inflate to and still be checked here (a larger one is left to Pillow,
#: which holds its pixels anyway).
MAX_INFLATED = 64 << 20


def png_decodes(data: bytes, *, inflater: Callable[[], Any] | None = None) -> bool:
    """True when the PNG ``data``, which Pillow has opened, is proved whole (see the
    module's text); False when not.

    ``inflater`` makes the zlib decompressor (by default ISA-L's or zlib's ``decompressobj``).
    """
    header = _header(data)
    if header is None:
        return False
    stream = _image_data(data)
    if stream is None:
        return False
    width, height, bits, interlaced = header
    rows = _rows(width, height, bits, interlaced)
    expected = sum(count * stride for stride, count in rows)
    if expected > MAX_INFLATED:
        return False
    decompressor = (inflater or _decompressobj)()
    try:
        raw = decompressor.decompress(b"".join(stream), expected + 1)
    except Exception:  # noqa: BLE001 - zlib's and ISA-L's errors alike: not proved
        return False
    if len(raw) != expected or not decompressor.eof:
        return False
    start = 0
    for stride, count in rows:
        end = start + stride * count
        if max(raw[start:end:stride]) > 4:
            return False  # a filter byte no decoder knows
        start = end
    return True


def _header(data: bytes) -> tuple[int, int, int, bool] | None:
    """Width, height, bits per pixel and interlacing from a valid IHDR, or None."""
    if len(data) < 45 or not data.startswith(PNG_START):
        return None
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    depth, colour, compression, filtering, interlace = data[24:29]
    if depth not in PNG_DEPTHS.get(colour, ()) or compression or filtering or interlace > 1:
        return None
    if not width or not height:
        return None
    return width, height, _CHANNELS[colour] * depth, bool(interlace)


def png_chunks_whole(data: bytes) -> bool:
    """True when every chunk of the PNG ``data`` (which Pillow has opened) up to IEND is
    whole, named as Pillow reads on and of the right CRC, and its IDAT chunks are one run
    that IEND follows: then Pillow's ``verify()``, which checks exactly the CRCs, passes;
    False when not proved."""
    return _image_data(data) is not None


def _image_data(data: bytes) -> list[memoryview] | None:
    """The IDAT chunks' data, when :func:`png_chunks_whole` holds; else None."""
    size = len(data)
    view = memoryview(data)
    offset = 8
    parts: list[memoryview] = []
    while offset + 8 <= size:
        kind = data[offset + 4 : offset + 8]
        end = offset + 12 + int.from_bytes(data[offset : offset + 4], "big")
        if end > size or not _NAME.fullmatch(kind):
            return None
        if kind == b"IEND":
            return parts or None
        if _crc32(view[offset + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            return None
        if kind == b"IDAT":
            parts.append(view[offset + 8 : end - 4])
        elif parts or kind in _ANIMATION:
            return None  # a chunk after the image data (Pillow reads it), or an animation
        offset = end
    return None


def _rows(width: int, height: int, bits: int, interlaced: bool) -> list[tuple[int, int]]:
    """(bytes in a row with its filter byte, rows) of each pass over the image."""
    if interlaced:
        sizes = [
            ((width - x + dx - 1) // dx, (height - y + dy - 1) // dy) for x, y, dx, dy in _ADAM7
        ]
    else:
        sizes = [(width, height)]
    return [(1 + (w * bits + 7) // 8, h) for w, h in sizes if w and h]


__all__ = ["MAX_INFLATED", "PNG_DEPTHS", "PNG_START", "png_chunks_whole", "png_decodes"]
