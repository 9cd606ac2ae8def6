"""Image formats: what a file's name promises and what its bytes are.

Pillow names most formats; this module adds what Pillow cannot open (SVG,
HTML error pages saved under an image name, HEIF without a plugin), maps
extensions and ``data:`` media types to format names, and checks cheaply
whether a file still has its end.
"""

from __future__ import annotations

import re
from typing import IO

import attrs

#: Extension (lower case, no dot) -> the format its bytes should be.
EXTENSION_FORMATS: dict[str, str] = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "jpe": "JPEG",
    "jfif": "JPEG",
    "png": "PNG",
    "apng": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
    "bmp": "BMP",
    "tif": "TIFF",
    "tiff": "TIFF",
    "ico": "ICO",
    "svg": "SVG",
    "avif": "AVIF",
    "heic": "HEIF",
    "heif": "HEIF",
}

#: Format -> the extension a fixed file gets.  ``jpeg`` rather than ``jpg``
#: because WeChat itself (``wx_fmt=jpeg``) and its exporters name files so.
TRUE_EXTENSIONS: dict[str, str] = {
    "JPEG": "jpeg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tiff",
    "ICO": "ico",
    "SVG": "svg",
    "AVIF": "avif",
    "HEIF": "heic",
}

#: Pillow format names that browsers treat as another (an MPO is a JPEG
#: with extra pictures appended).
_ALIASES = {"MPO": "JPEG"}

_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r\f"
_SVG = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_HTML = re.compile(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)


def declared_format(name: str) -> str | None:
    """The format a file name's extension promises, or None for no or an unknown extension."""
    base = name.replace("\\", "/").rpartition("/")[2]
    stem, dot, suffix = base.rpartition(".")
    return EXTENSION_FORMATS.get(suffix.lower()) if dot and stem else None


def media_type_format(media_type: str) -> str | None:
    """The format a ``data:`` media type such as ``image/svg+xml`` promises."""
    subtype = media_type.strip().lower().partition("/")[2].partition("+")[0]
    return EXTENSION_FORMATS.get(subtype)


def browser_format(pillow_format: str | None) -> str | None:
    """Pillow's format name as browsers see it (MPO is JPEG)."""
    if pillow_format is None:
        return None
    return _ALIASES.get(pillow_format, pillow_format)


def sniff(head: bytes) -> str | None:
    """The format the first bytes of a file announce, or None when they announce none.

    Only magic numbers: whether the rest decodes is for Pillow to say.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"BM"):
        return "BMP"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head.startswith(b"\x00\x00\x01\x00"):
        return "ICO"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "HEIF"
    if _looks_like_text(head) and _SVG.search(head) and not _HTML.search(head):
        return "SVG"
    return None


def describe_non_image(head: bytes) -> str:
    """A few words on bytes that are not an image, for the report's detail."""
    if _looks_like_text(head):
        if _HTML.search(head):
            return "an HTML page, not an image (a saved error or hot-link page?)"
        return "text, not an image"
    return "bytes of no image format known to Pillow"


def _looks_like_text(head: bytes) -> bool:
    sample = head.lstrip(b"\xef\xbb\xbf")[:512]
    if not sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(sample) - 3:
            return False
    return sum(byte in _TEXT_BYTES or byte >= 0x80 for byte in sample) >= 0.95 * len(sample)


@attrs.frozen
class Ending:
    """How a file ends: ``cut`` says why it looks cut short (None when it does not);
    ``certain`` when no decode could prove it whole."""

    cut: str | None = None
    certain: bool = False


def check_end(fmt: str, stream: IO[bytes], head: bytes, tail: bytes, size: int) -> Ending:
    """Whether a file of format ``fmt`` still has its end, from a few bytes only.

    PNG chunk headers are walked to the IEND chunk, and a WebP's RIFF header
    must not promise more bytes than the file has: either failing is certain
    truncation.  A JPEG must end with EOI (FF D9) and a GIF with its trailer
    (3B), zero padding allowed; a JPEG may also carry data after its EOI
    (some cameras append some).  When those markers are missing the caller
    decodes the image to decide.
    """
    end = tail.rstrip(b"\x00")
    if fmt == "PNG":
        return _png_ending(stream, size)
    if fmt == "WEBP" and len(head) >= 8:
        promised = int.from_bytes(head[4:8], "little") + 8
        if promised > size:
            return Ending(f"WebP header promises {promised} bytes, file has {size}", certain=True)
    if fmt == "JPEG" and not end.endswith(b"\xff\xd9") and b"\xff\xd9" not in tail:
        return Ending("no JPEG end-of-image marker (FF D9)")
    if fmt == "GIF" and not end.endswith(b";"):
        return Ending("no GIF trailer (3B)")
    return Ending()


def _png_ending(stream: IO[bytes], size: int) -> Ending:
    """Walk the chunk headers (8 bytes each, data skipped) to a complete IEND chunk."""
    offset = 8
    while offset + 8 <= size:
        stream.seek(offset)
        header = stream.read(8)
        kind = header[4:8]
        offset += 12 + int.from_bytes(header[:4], "big")
        if offset > size:
            name = kind.decode("latin-1")
            return Ending(f"PNG {name} chunk runs past the end of the file", certain=True)
        if kind == b"IEND":
            return Ending()
    return Ending("no PNG IEND chunk", certain=True)


def gif_frames(data: bytes) -> int | None:
    """The frames Pillow's ``n_frames`` counts in a GIF, from its block structure; None
    when this walk is not sure (:func:`gif_layout`)."""
    layout = gif_layout(data)
    return None if layout is None else layout.frames


@attrs.frozen
class GifLayout:
    """A GIF's frames and where its first frame lies, from :func:`gif_layout`."""

    frames: int
    #: The first frame's left, top, width and height on the logical screen.
    first: tuple[int, int, int, int]


def gif_layout(data: bytes) -> GifLayout | None:
    """A GIF's frame count and first frame, from its block structure; None when this walk
    is not sure.

    Pillow finds each frame by seeking through the whole file; counting the image
    descriptors over the bytes in memory gives the same number much faster.  The walk is
    sure only of a GIF whose every block lies whole inside ``data`` up to its trailer
    (3B): a truncated file, an unknown block byte, an extension whose first sub-block is
    empty (Pillow then reads the next block as sub-blocks) or a graphic control block
    shorter than its four bytes (Pillow raises on it) is left to Pillow.
    """
    if not data.startswith((b"GIF87a", b"GIF89a")) or len(data) < 13:
        return None
    size = len(data)
    position: int | None = 13 + _palette_size(data[10])
    frames = 0
    first = (0, 0, 0, 0)
    while position is not None and position < size:
        tag = data[position]
        position += 1
        if tag == 0x3B:  # the trailer
            return GifLayout(frames, first) if frames else None
        if tag == 0x21:  # an extension: its label, then sub-blocks
            if position + 1 >= size:
                return None
            first_block = data[position + 1]
            if first_block == 0 or (data[position] == 0xF9 and first_block < 4):
                return None
            position = _after_sub_blocks(data, position + 1)
        elif tag == 0x2C:  # an image: its descriptor, palette, code size, then sub-blocks
            if position + 9 > size:
                return None
            if not frames:
                first = _descriptor(data, position)
            position += 9 + _palette_size(data[position + 8]) + 1
            position = _after_sub_blocks(data, position)
            frames += 1
        else:
            return None
    return None


def _descriptor(data: bytes, at: int) -> tuple[int, int, int, int]:
    """An image descriptor's left, top, width and height (little-endian 16-bit each)."""
    return (
        int.from_bytes(data[at : at + 2], "little"),
        int.from_bytes(data[at + 2 : at + 4], "little"),
        int.from_bytes(data[at + 4 : at + 6], "little"),
        int.from_bytes(data[at + 6 : at + 8], "little"),
    )


def _palette_size(flags: int) -> int:
    """The bytes of the colour table that a GIF screen's or image's ``flags`` announce."""
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _after_sub_blocks(data: bytes, position: int) -> int | None:
    """Where the sub-blocks starting at ``position`` end (past their empty one), or None
    when they run past the end of ``data``."""
    size = len(data)
    while position < size:
        length = data[position]
        position += 1 + length
        if length == 0:
            return position
    return None


_SVG_SIZE = re.compile(rb"""\b(width|height)\s*=\s*["']\s*([\d.]+)\s*(px)?\s*["']""", re.IGNORECASE)
_SVG_VIEWBOX = re.compile(
    rb"""\bviewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""", re.IGNORECASE
)


def svg_size(head: bytes) -> tuple[int | None, int | None]:
    """Width and height an SVG's root element declares (its viewBox as a fallback)."""
    match = _SVG.search(head)
    if match is None:
        return None, None
    start = match.start()
    tag = head[start : head.find(b">", start) + 1 or len(head)]
    sizes = {name.lower(): value for name, value, _ in _SVG_SIZE.findall(tag)}
    width, height = sizes.get(b"width"), sizes.get(b"height")
    if width is None or height is None:
        box = _SVG_VIEWBOX.search(tag)
        if box is not None:
            width, height = width or box.group(1), height or box.group(2)
    return _int(width), _int(height)


def _int(value: bytes | None) -> int | None:
    if value is None:
        return None
    try:
        return round(float(value))
    except ValueError:
        return None


#: Bytes of an SVG read to look for script; a larger SVG is not published unread.
SVG_SCAN_LIMIT = 8 << 20
_SVG_HAZARDS = re.compile(
    rb"<\s*(script|foreignobject|iframe|embed|object|handler|listener)\b"  # elements that run or embed
    rb"|[\s\"'/](on[a-z]+)\s*="  # event handler attributes (onload=, onclick=…)
    rb"|(j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|v\s*b\s*s\s*c\s*r\s*i\s*p\s*t|data\s*:\s*text/html)\s*:?"
    rb"|<!(entity)",  # entities can spell any of the above
    re.IGNORECASE,
)
_CHARACTER_REFERENCE = re.compile(rb"&#(x[0-9a-f]+|[0-9]+);?", re.IGNORECASE)


def svg_hazard(data: bytes) -> str | None:
    """What in an SVG's bytes could run script when a browser opens it, or None when nothing.

    Scripts, event handlers, ``javascript:`` URLs (also spelt with character
    references), embedded HTML (``foreignObject``) and entity declarations
    count; browsers run an SVG's script when it is opened as a page.
    """
    if len(data) > SVG_SCAN_LIMIT:
        return f"an SVG over {SVG_SCAN_LIMIT >> 20} MB, not scanned for script"
    text = _CHARACTER_REFERENCE.sub(_character, data)
    found = _SVG_HAZARDS.search(text)
    if found is None:
        return None
    what = next(group for group in found.groups() if group is not None)
    return f"an SVG that can run script ({what.decode('latin-1').lower()})"


def _character(match: re.Match[bytes]) -> bytes:
    """The ASCII character a numeric character reference stands for (others unchanged)."""
    value = match.group(1)
    number = int(value[1:], 16) if value[:1] in (b"x", b"X") else int(value)
    return bytes([number]) if number < 128 else match.group(0)
