"""Small photo-like images for the benchmarks, and cheap ways to make many distinct files of them.

Encoding an image with Pillow costs about a millisecond; a benchmark site
of 10,000 posts holds some 70,000 image files.  So :func:`encoded` makes
a few pictures once, and :func:`distinct` makes each file's bytes unique
(a comment segment or chunk naming the file, which every decoder skips):
no two files are duplicates, and none costs an encoding.
"""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image


def picture(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A photo-like picture: a smooth gradient with a little noise (compresses like real images)."""
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return Image.blend(base, noise, 0.15)


def encode(pictures: list[Image.Image], fmt: str) -> bytes:
    """``pictures`` as one file of format ``fmt`` (JPEG, PNG, GIF, WEBP); several frames make an animation."""
    if fmt == "GIF":
        pictures = [frame.convert("P") for frame in pictures]
    extra = {"save_all": True, "append_images": pictures[1:]} if len(pictures) > 1 else {}
    stream = io.BytesIO()
    pictures[0].save(stream, fmt, **extra)
    return stream.getvalue()


def encoded(fmt: str, count: int, *, seed: int, sizes: tuple[int, int] = (80, 240)) -> list[bytes]:
    """``count`` different files of format ``fmt``, ``sizes[0]`` to ``sizes[1]`` pixels wide, 4:3.

    One GIF in four is animated (three frames).
    """
    rng = random.Random(f"{fmt}-{seed}")
    files = []
    for index in range(count):
        width = rng.randrange(sizes[0], sizes[1] + 1)
        size = (width, width * 3 // 4)
        frames = 3 if fmt == "GIF" and index % 4 == 1 else 1
        files.append(encode([picture(size, rng) for _ in range(frames)], fmt))
    return files


def distinct(data: bytes, fmt: str, label: str) -> bytes:
    """``data`` (a JPEG, PNG or GIF file) with a comment holding ``label``: other bytes, the same picture."""
    text = label.encode("utf-8")[:250]
    if fmt == "JPEG":  # a COM segment right after SOI
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]
    if fmt == "PNG":  # a tEXt chunk right after IHDR (8-byte signature + 25-byte chunk)
        body = b"tEXt" + b"Comment\0" + text
        chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
        return data[:33] + chunk + data[33:]
    if fmt == "GIF":  # a comment extension after the header, screen descriptor and global colour table
        flags = data[10]
        end = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
        return data[:end] + b"\x21\xfe" + bytes([len(text)]) + text + b"\x00" + data[end:]
    raise ValueError(f"cannot mark a {fmt} file")
