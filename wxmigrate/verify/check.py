"""Check one image's bytes with Pillow: format, size, frames, decoding, truncation, bombs.

:func:`check_file` and :func:`check_bytes` never raise for bad input: every
damaged, mislabelled or hostile file comes back as a :class:`FileCheck`
with one of the statuses of :data:`~wxmigrate.verify.report.STATUSES`.

Truncation is found at both levels.  By default (header level) the header is
read (by :mod:`.headers` for a plain JPEG, PNG or GIF in memory, by Pillow for
any other file), Pillow's ``verify()`` is run where it checks anything, and the
file's end is checked for its format's end (:func:`~.formats.check_end`): a
PNG's chunks are walked to IEND and a WebP's RIFF length compared with its size, which settles
truncation; a JPEG or GIF without its end marker is decoded, and the decoder
decides between ``truncated`` and ``ok`` (data after the marker is legal).
With ``deep=True`` every frame is decoded.

An SVG is not decoded but scanned for script (:func:`~.formats.svg_hazard`):
one that could run script when opened is ``unsafe``.

Bombs are never decoded: Pillow's pixel limit is set to
:attr:`Limits.max_pixels` while checking (its warning is turned into an
error), and frame counts and total pixels are checked before any decoding.
"""

from __future__ import annotations

import hashlib
import io
import operator
import os
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import attrs
from PIL import Image, ImageFile, UnidentifiedImageError

from .formats import (
    SVG_SCAN_LIMIT,
    Ending,
    browser_format,
    check_end,
    describe_non_image,
    gif_frames,
    sniff,
    svg_hazard,
    svg_size,
)
from .headers import read_header
from .png import png_chunks_whole, png_decodes
from .report import Status

_HEAD = 4096
_TAIL = 1024
_CHUNK = 1 << 20
#: Files up to this size are read once and checked in memory: Pillow reads a file in many
#: small pieces, each a call into the file; a larger file is checked on disk, a chunk at a time.
IN_MEMORY = 8 << 20


@attrs.frozen
class Limits:
    """How large an image may be before it is treated as a decompression bomb."""

    #: Pixels in one frame (Pillow's own default, about 89 megapixels).
    max_pixels: int = 89_478_485
    #: Frames in one animated image.
    max_frames: int = 5_000
    #: Pixels over all frames, which bounds the time a ``deep`` decode takes.
    max_total_pixels: int = 1_000_000_000


#: The limits used when none are given.
DEFAULT_LIMITS = Limits()


@attrs.frozen
class FileCheck:
    """What the bytes of one image are and whether they decode."""

    status: Status
    format: str | None = None
    width: int | None = None
    height: int | None = None
    frames: int | None = None
    bytes: int = 0
    sha256: str | None = None
    #: A few words for people: why the status is what it is.
    detail: str = ""


#: A :class:`FileCheck` as the plain values it is made from, in order.
CHECK_VALUES = operator.attrgetter(*(field.name for field in attrs.fields(FileCheck)))

#: The limits :func:`pillow_limits` applies now, innermost last.
_APPLIED: list[Limits] = []


@contextmanager
def pillow_limits(limits: Limits) -> Iterator[None]:
    """Apply ``limits`` to Pillow for the duration, and make truncated images fail.

    Pillow keeps these settings in module globals; they are restored on exit.  Inside a
    run of checks that applied the same ``limits`` already (each check applies them too)
    nothing is done again: saving and restoring the warning filters costs a check's worth.
    """
    if _APPLIED and _APPLIED[-1] == limits:
        yield
        return
    saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Pillow only warns between one and two times its limit: a bomb either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _APPLIED.append(limits)
            try:
                yield
            finally:
                _APPLIED.pop()
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def check_file(
    path: str | Path,
    *,
    declared: str | None = None,
    deep: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> FileCheck:
    """Check the image file at ``path``; ``declared`` is the format its name promises."""
    try:
        data = _read_small(path)
        with pillow_limits(limits):
            if data is None:
                with open(path, "rb") as file:
                    return check_stream(file, declared=declared, deep=deep, limits=limits)
            # Named as the file opened by ``open()`` is: Pillow's words may quote the stream.
            stream = _Loaded(data, f"<_io.BufferedReader name={os.fspath(path)!r}>")
            return _check(stream, _facts(data), declared=declared, deep=deep, limits=limits)
    except OSError as error:
        return FileCheck("missing", detail=f"cannot read: {error.strerror or error}")


def _read_small(path: str | Path) -> bytes | None:
    """The bytes of the file at ``path``, or None when it holds more than :data:`IN_MEMORY`.

    Read through its descriptor: ``open()`` would add a buffered stream's status calls, a
    terminal check and seeks to each of a site's thousands of small files."""
    handle = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(handle).st_size
        if size > IN_MEMORY:
            return None
        chunks: list[bytes] = []
        while chunk := os.read(handle, size + 1 if not chunks else _CHUNK):
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(handle)


class _Loaded(io.BytesIO):
    """A file's bytes in memory, shown as the file was (Pillow names the stream in some
    messages, which a report quotes)."""

    def __init__(self, data: bytes, shown: str) -> None:
        super().__init__(data)
        self._shown = shown

    def __repr__(self) -> str:
        return self._shown


def check_bytes(
    data: bytes, *, declared: str | None = None, deep: bool = False, limits: Limits = DEFAULT_LIMITS
) -> FileCheck:
    """Check an image held in memory (a ``data:`` URI, a download)."""
    with pillow_limits(limits):
        return _check(io.BytesIO(data), _facts(data), declared=declared, deep=deep, limits=limits)


def check_stream(
    stream: IO[bytes],
    *,
    declared: str | None = None,
    deep: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> FileCheck:
    """Check the image in a seekable binary stream, from its start.

    Call inside :func:`pillow_limits` for ``limits.max_pixels`` to reach Pillow.
    """
    return _check(stream, _read(stream), declared=declared, deep=deep, limits=limits)


#: A file's size, SHA-256, first and last bytes (:func:`_read`).
_Facts = tuple[int, str, bytes, bytes]


def _check(
    stream: IO[bytes], facts: _Facts, *, declared: str | None, deep: bool, limits: Limits
) -> FileCheck:
    """Check the image in ``stream``, whose :data:`_Facts` are known already."""
    size, digest, head, tail = facts
    if size == 0:
        return FileCheck("empty", bytes=0, sha256=digest, detail="0 bytes")
    found = _inspect(stream, head, tail, size, deep=deep, limits=limits)
    # Made anew rather than evolved: one of these for each of a site's thousands of files.
    found = FileCheck(
        found.status, found.format, found.width, found.height, found.frames,
        bytes=size, sha256=digest, detail=found.detail,
    )
    if found.status == "ok" and declared and found.format and declared != found.format:
        return attrs.evolve(
            found, status="mismatched", detail=f"named as {declared}, bytes are {found.format}"
        )
    return found


def _facts(data: bytes) -> _Facts:
    """:func:`_read`'s facts of bytes in memory, without going through them a chunk at a time."""
    return len(data), hashlib.sha256(data).hexdigest(), data[:_HEAD], data[-_TAIL:]


def _read(stream: IO[bytes]) -> _Facts:
    """Size, SHA-256, first and last bytes, in one pass."""
    digest = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    while chunk := stream.read(_CHUNK):
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        tail = (tail + chunk)[-_TAIL:]
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest(), head, tail


def _inspect(
    stream: IO[bytes], head: bytes, tail: bytes, size: int, *, deep: bool, limits: Limits
) -> FileCheck:
    magic = sniff(head)
    if magic == "SVG":
        width, height = svg_size(head)
        stream.seek(0)
        hazard = svg_hazard(stream.read(SVG_SCAN_LIMIT + 1))
        if hazard is not None:
            return FileCheck("unsafe", "SVG", width, height, 1, detail=f"{hazard}; not safe to publish")
        return FileCheck(
            "ok", "SVG", width, height, 1, detail="SVG (not decoded: Pillow has no SVG support)"
        )
    ending = check_end(magic, stream, head, tail, size) if magic else Ending()
    decode = bool(deep or ending.cut) and not ending.certain
    try:
        header = _header(stream, limits, verify=not ending.certain, decode=decode)
    # Any exception a hostile file provokes in a decoder is a finding, not a crash.
    except Exception as error:  # noqa: BLE001
        status, detail = _classify(error, ending.cut)
        if status == "undecodable" and isinstance(error, UnidentifiedImageError):
            detail = f"{magic} bytes that Pillow cannot open" if magic else describe_non_image(head)
        return FileCheck(status, magic, detail=detail)
    found = header.found
    if found.status != "ok":
        return found
    if ending.certain:
        return attrs.evolve(found, status="truncated", detail=ending.cut or "")
    problem = header.problem
    if problem is None and not header.verified:
        problem = _attempt(_verify, stream, found)
    if problem is None and decode and not header.decoded:
        problem = _attempt(_decode, stream, found)
    if problem is not None:
        status, detail = _classify(problem, ending.cut)
        return attrs.evolve(found, status=status, detail=detail)
    return found


@attrs.frozen
class _Header:
    """What one open of the image learnt: the check so far, whether Pillow's ``verify()``
    ran and whether every frame was decoded, and what either raised."""

    found: FileCheck
    verified: bool = False
    decoded: bool = False
    problem: Exception | None = None


#: Pillow's formats whose ``verify()`` is ImageFile's, which checks nothing: such an image
#: is not opened again to be verified, and is decoded on the open that read its header.
_NOTHING_TO_VERIFY = frozenset({"JPEG", "GIF"})


def _header(stream: IO[bytes], limits: Limits, *, verify: bool, decode: bool) -> _Header:
    """Open the image, read its size and frame count (a bomb is found here, undecoded) and,
    for a still image, run Pillow's ``verify()`` on the same open file; with ``decode``, an
    image of :data:`_NOTHING_TO_VERIFY` that Pillow has not seeked yet is decoded on it too
    (as a new open would decode it)."""
    if isinstance(stream, io.BytesIO):
        read = _header_read(stream.getvalue(), limits, verify=verify, decode=decode)
        if read is not None:
            return read
    stream.seek(0)
    with Image.open(stream) as image:
        fmt = browser_format(image.format)
        width, height = image.size
        walked = _walked_frames(image, stream)
        frames = walked if walked is not None else int(getattr(image, "n_frames", 1))
        found = FileCheck(
            "ok", fmt, width, height, frames, detail=_dimensions(width, height, frames)
        )
        bomb = _bomb(found, limits)
        if bomb is not None:
            return _Header(bomb)
        if image.format in _NOTHING_TO_VERIFY:
            if decode and image.format == "JPEG" and frames == 1:
                if _attempt(_load_reduced, image) is None:
                    return _Header(found, verified=True, decoded=True)
                return _Header(found, verified=True)  # decoded again, whole, for Pillow's words
            # Counting a GIF's frames with Pillow seeked it: it is decoded on a new open.
            if decode and (walked is not None or image.format == "JPEG"):
                problem = _attempt(_load_frames, image, frames)
                return _Header(found, verified=True, decoded=True, problem=problem)
            return _Header(found, verified=True)
        if verify and frames == 1 and image.format == "PNG" and isinstance(stream, io.BytesIO):
            # Proved whole, or its chunks proved sound, without Pillow (:mod:`.png`).
            if decode and png_decodes(stream.getvalue()):
                return _Header(found, verified=True, decoded=True)
            if not decode and png_chunks_whole(stream.getvalue()):
                return _Header(found, verified=True)
        # ``verify()`` must come right after opening: counting frames moved an animation on.
        if verify and frames == 1:
            return _Header(found, verified=True, problem=_attempt(image.verify))
    return _Header(found)


def _header_read(data: bytes, limits: Limits, *, verify: bool, decode: bool) -> _Header | None:
    """What :func:`_header` finds, found without opening the image with Pillow
    (:func:`~.headers.read_header`): for a plain JPEG or GIF not to be decoded, and a plain
    PNG whose chunks (pixels, with ``decode``) are proved sound; None for any other file,
    which Pillow then opens."""
    if decode and not data.startswith(b"\x89PNG"):
        return None  # decoded by Pillow, on the image it opens
    header = read_header(data)
    if header is None:
        return None
    fmt, width, height, frames = header
    if Image.MAX_IMAGE_PIXELS is not None and width * height > Image.MAX_IMAGE_PIXELS:
        return None  # a bomb in Pillow's words
    found = FileCheck("ok", fmt, width, height, frames, detail=_dimensions(width, height, frames))
    bomb = _bomb(found, limits)
    if bomb is not None:
        return _Header(bomb)
    if fmt != "PNG":
        return _Header(found, verified=True)  # as for Pillow's open: :data:`_NOTHING_TO_VERIFY`
    if not verify:
        return _Header(found)
    if decode:
        return _Header(found, verified=True, decoded=True) if png_decodes(data) else None
    return _Header(found, verified=True) if png_chunks_whole(data) else None


def _load_reduced(image: Image.Image) -> None:
    """Decode a still JPEG at an eighth of its size (Pillow's ``draft``).

    libjpeg reads and decodes every coefficient of the file at any scale: only the
    inverse transform is smaller.  So a JPEG that decodes so decodes whole too, and a
    whole JPEG takes a fraction of the time; one that fails is decoded again at full size,
    whose failure and words the report gives (``tests/test_verify_decode_shortcuts.py``
    compares the two over damaged files).
    """
    width, height = image.size
    image.draft(image.mode, ((width + 7) // 8, (height + 7) // 8))
    image.load()


def _walked_frames(image: Image.Image, stream: IO[bytes]) -> int | None:
    """A GIF in memory's frame count, by walking its blocks (:func:`~.formats.gif_frames`)
    rather than by Pillow seeking every frame; None for any other image, or when the walk is
    not sure."""
    if image.format == "GIF" and isinstance(stream, io.BytesIO):
        return gif_frames(stream.getvalue())
    return None


def _bomb(found: FileCheck, limits: Limits) -> FileCheck | None:
    """``found`` as a bomb when its frames or total pixels exceed ``limits``."""
    frames = found.frames or 1
    total = (found.width or 0) * (found.height or 0) * frames
    if frames > limits.max_frames:
        return attrs.evolve(
            found, status="bomb", detail=f"{frames} frames, limit {limits.max_frames}"
        )
    if total > limits.max_total_pixels:
        detail = f"{total} pixels over all frames, limit {limits.max_total_pixels}"
        return attrs.evolve(found, status="bomb", detail=detail)
    return None


def _attempt(action: Callable[..., object], *args: Any) -> Exception | None:
    """Run ``action``; return the exception it raised, if any (hostile files raise anything)."""
    try:
        action(*args)
    except Exception as error:  # noqa: BLE001
        return error
    return None


def _verify(stream: IO[bytes], found: FileCheck) -> None:
    """Pillow's own integrity check (chunk checksums for PNG), without decoding pixels."""
    stream.seek(0)
    with Image.open(stream) as image:
        image.verify()


def _decode(stream: IO[bytes], header: FileCheck) -> None:
    """Decode every frame (the header check bounded their number and size)."""
    stream.seek(0)
    with Image.open(stream) as image:
        _load_frames(image, header.frames or 1)


def _load_frames(image: Image.Image, frames: int) -> None:
    """Decode the first ``frames`` frames of an open image."""
    for frame in range(frames):
        image.seek(frame)
        image.load()


#: The repr of an in-memory stream Pillow puts in some messages (``<_io.BytesIO object at 0x…>``):
#: an address that differs from run to run, so it is left out of reports.
_STREAM_REPR = re.compile(r" ?<_io\.\w+ object at 0x[0-9a-f]+>")


def _classify(error: Exception, cut: str | None) -> tuple[Status, str]:
    """The status a Pillow failure means; ``cut`` says why the file looked cut short."""
    message = _STREAM_REPR.sub("", str(error)) or type(error).__name__
    if isinstance(error, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return "bomb", message
    if isinstance(error, ValueError) and "too large" in message.lower():
        return "bomb", message  # e.g. a PNG text chunk that inflates past Pillow's limit
    if cut or isinstance(error, EOFError) or "truncat" in message.lower():
        return "truncated", f"{cut}: {message}" if cut else message
    return "undecodable", message


def _dimensions(width: int, height: int, frames: int) -> str:
    size = f"{width}×{height}"
    return f"{size}, {frames} frames" if frames > 1 else size
