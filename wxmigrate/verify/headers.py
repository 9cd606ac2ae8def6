"""What Pillow's ``Image.open`` would find in a plain JPEG, PNG or GIF, read without it.

Opening an image with Pillow reads its header through a file object a few bytes at a
time, each segment or chunk handed to the plugin's reader: of a header-level ``verify``
of a site's thousands of small files, that was the largest part of each check.  For a
file in memory laid out plainly, the same facts are a few slices away.

:func:`read_header` gives a file's format, width, height and frames, exactly as
``Image.open`` gives them (``format``, ``size`` and ``n_frames``), and only for a
header whose reading by Pillow is sure to succeed with those values:

- **JPEG**: segments one after the other from the start of image to the start of scan,
  each whole; every segment of a kind Pillow only stores or skips, or reads without
  fail when long enough (a JFIF or Adobe header, an ICC profile's piece, the quantization
  tables, the frame header of 8-bit samples in 1, 3 or 4 components).  A JPEG with
  Exif (Pillow reads its resolution from it), a multi-picture index (Pillow opens
  an MPO), a Photoshop block, or anything between segments, is left to Pillow.
- **PNG**: its header chunk whole and right (a size, a bit depth and colour type
  Pillow reads), then up to the image data only chunks whose reading cannot fail
  (:data:`PNG_BEFORE_IMAGE`, and plain text up to :data:`PNG_TEXT_LIMIT`), each whole
  and of the right CRC.  Compressed text, ICC profiles, Exif and animations are left to
  Pillow.
- **GIF**: its blocks sound to the trailer (:func:`~.formats.gif_layout`) and its first
  frame inside the logical screen (Pillow would grow the screen, checking for bombs).

None means "not sure", never "broken": the caller then opens the file with Pillow,
whose findings and words the report gives, as before.  ``tests/test_verify_headers.py``
holds it to that over made, damaged and handmade files: whenever this gives a header,
Pillow opens the file with the same format, size and frames.
"""

from __future__ import annotations

import struct
import zlib

from .formats import gif_layout
from .png import PNG_DEPTHS, PNG_START

#: A header's Pillow format name, width, height and frames (as Pillow's ``n_frames``).
Header = tuple[str, int, int, int]

#: JPEG frame headers (SOF0–SOF15 but DHT, JPG and DAC; and DHP), all read by Pillow's ``SOF``.
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xDE})
#: JPEG segments Pillow reads past or only stores: DHT, DAC, DNL, DRI, EXP, COM.
_JPEG_SKIPPED = frozenset({0xC4, 0xCC, 0xDC, 0xDD, 0xDF, 0xFE})
_JPEG_SCAN = 0xDA
_JPEG_TABLES = 0xDB
#: A segment's marker (FF, then its kind) and length; a frame header's precision, height,
#: width and components.
_SEGMENT = struct.Struct(">BBH")
_FRAME = struct.Struct(">BHHB")
#: APPn segments whose reading by Pillow needs at least so many bytes, by their opening.
_APP_NEEDS = {(0xE0, b"JFIF"): 7, (0xE2, b"ICC_PROFILE\x00"): 14, (0xEE, b"Adobe"): 7}
#: APPn segments left to Pillow, by their opening.
_APP_REFUSED = ((0xE1, b"Exif\x00\x00"), (0xE2, b"MPF\x00"), (0xED, b"Photoshop 3.0\x00"))

#: Chunks before the image data that Pillow reads without fail once this long, or
#: (those with no reader in Pillow) only skips.  ``tRNS`` is checked apart.
PNG_BEFORE_IMAGE = {
    b"PLTE": 0, b"sRGB": 1, b"gAMA": 4, b"pHYs": 9, b"cHRM": 32,
    b"bKGD": 0, b"sBIT": 0, b"hIST": 0, b"tIME": 0, b"sPLT": 0,
}
#: Bytes of ``tEXt`` chunks taken before the image data: Pillow refuses past 64 MB of text.
PNG_TEXT_LIMIT = 1 << 20


def read_header(data: bytes) -> Header | None:
    """The format, width, height and frames ``Image.open`` finds in ``data``, when its
    reading is sure (see the module's text); None when not."""
    if data.startswith(b"\xff\xd8\xff"):
        size = _jpeg_size(data)
        return None if size is None else ("JPEG", *size, 1)
    if data.startswith(PNG_START):
        size = _png_size(data)
        return None if size is None else ("PNG", *size, 1)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _gif_header(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of the last frame header before the start of scan, every segment
    up to it being one Pillow reads without fail."""
    end_of_data = len(data)
    offset = 2
    size: tuple[int, int] | None = None
    while offset + 4 <= end_of_data:
        lead, marker, length = _SEGMENT.unpack_from(data, offset)
        start, end = offset + 4, offset + 2 + length
        if lead != 0xFF or length < 2 or end > end_of_data:
            return None  # no marker, a length under its own two bytes, or past the end
        if marker == _JPEG_SCAN:
            return size if size is not None and min(size) > 0 else None
        if marker in _JPEG_FRAMES:
            if length < 8:
                return None
            bits, height, width, layers = _FRAME.unpack_from(data, start)
            if bits != 8 or layers not in (1, 3, 4):
                return None
            size = (width, height)
        elif marker == _JPEG_TABLES:
            if not _tables_whole(data, start, end):
                return None
        elif 0xE0 <= marker <= 0xEF:
            if not _plain_app(marker, data, start, end):
                return None
        elif marker not in _JPEG_SKIPPED:
            return None  # a marker without a length, or one Pillow does not know
        offset = end
    return None


def _tables_whole(data: bytes, start: int, end: int) -> bool:
    """Whether a DQT segment's tables (64 values of one or two bytes each) fill it whole."""
    while start < end:
        start += 1 + (64 if data[start] < 16 else 128)
        if start > end:
            return False
    return True


def _plain_app(marker: int, data: bytes, start: int, end: int) -> bool:
    """Whether Pillow reads this APPn segment without fail and without more to do."""
    for (kind, opening) in _APP_REFUSED:
        if marker == kind and data.startswith(opening, start, end):
            return False
    for (kind, opening), needs in _APP_NEEDS.items():
        if marker == kind and data.startswith(opening, start, end):
            return end - start >= needs
    return True


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header, every chunk before its image data being one
    Pillow reads without fail."""
    if len(data) < 33 or zlib.crc32(data[12:29]) != int.from_bytes(data[29:33], "big"):
        return None
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    depth, colour, _compression, filtering = data[24:28]
    if depth not in PNG_DEPTHS.get(colour, ()) or filtering or not width or not height:
        return None
    offset = 33
    text = 0
    while offset + 8 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            return width, height
        end = offset + 12 + length
        if end > len(data):
            return None
        if zlib.crc32(data[offset + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            return None
        if kind == b"tRNS":
            if length < {0: 2, 2: 6}.get(colour, 0):
                return None
        elif kind == b"tEXt":
            text += length
            if text > PNG_TEXT_LIMIT:
                return None
        elif length < PNG_BEFORE_IMAGE.get(kind, 1 << 32):
            return None  # a chunk Pillow reads that could fail, or one too short
        offset = end
    return None


def _gif_header(data: bytes) -> Header | None:
    """The logical screen's size and the frames, when the blocks are sound and the first
    frame, not empty, lies inside the screen."""
    width = int.from_bytes(data[6:8], "little")
    height = int.from_bytes(data[8:10], "little")
    layout = gif_layout(data)
    if layout is None or not width or not height:
        return None
    left, top, frame_width, frame_height = layout.first
    if not frame_width or not frame_height or left + frame_width > width or top + frame_height > height:
        return None
    return "GIF", width, height, layout.frames


__all__ = ["PNG_BEFORE_IMAGE", "PNG_TEXT_LIMIT", "Header", "read_header"]
