"""File -> text and front matter, losslessly.

:func:`read_text` decodes a post's bytes (UTF-8, with or without a BOM,
UTF-16 or UTF-32 with a BOM, GB18030 when that reads as Chinese, or the
encoding given) and says where decoding failed, by line and byte offset;
:func:`split_front_matter` separates the YAML (or TOML) front matter from
the body with a real parser in safe mode (:mod:`.front_yaml`), keeping the
raw text so edits can touch a single line.  Every input has a size limit,
so that reading is bounded in time and memory whatever the file holds.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import os
import re
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any, BinaryIO

import attrs
import yaml

from .errors import ConfigError, EncodingError, FrontMatterError, LimitError, ReadError
from .front_yaml import MAX_DEPTH, load_yaml, plain
from .model import Finding, FrontMatter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    tomllib = None

#: Post files larger than this are refused before they are read (a post is rarely 1 MiB).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Front matter longer than this (in characters) is refused before it is parsed.
MAX_FRONT_MATTER_CHARS = 256 * 1024

_FENCES = {"---": "yaml", "+++": "toml"}
#: A first line that says front matter was meant: ``key: value`` or ``key = value``.
_KEY_LINE = re.compile(r"[ \t]*[\w\"'-][^\n:=]*[:=]")
#: PyYAML's problem for a tag the safe loader has no constructor for (``!!python/object``…).
_UNKNOWN_TAG = re.compile(r"could not determine a constructor for the tag '([^']*)'")


@attrs.frozen
class Source:
    """A post's decoded text, split into front matter and body."""

    path: str
    front_matter: FrontMatter
    body: str
    #: 1-based line number of the body's first line in the file.
    body_line: int
    newline: str
    #: The text before the body (the front matter and its fences), as written.
    head: str = ""
    #: What reading the front matter noticed (a date that is not one, a key given twice).
    findings: tuple[Finding, ...] = ()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)
#: What Chinese text is mostly made of: ideographs, CJK and fullwidth punctuation, quotes and dashes.
_CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2010-\u2027\u00b7]")
#: How much of a file's text the GB18030 guess looks at.
_SAMPLE_CHARS = 64 * 1024


#: Told what a post file was read as: its status (taken when opened) and its bytes.
Seen = Callable[[os.stat_result, bytes], None]


def read_text(path: str | Path, *, encoding: str | None = None, seen: Seen | None = None) -> str:
    """Read and decode a post file (see :func:`decode`); ``seen`` is told what was read.

    Raise :class:`ReadError` when it cannot be read, :class:`LimitError` when it is
    larger than :data:`MAX_FILE_BYTES` (checked before reading), :class:`EncodingError`.
    """
    name = str(path)
    try:
        with open(path, "rb") as file:
            found = os.fstat(file.fileno())
            if found.st_size > MAX_FILE_BYTES:
                raise _too_big(name, found.st_size)
            data = _read_post_bytes(file, name, found.st_size)
    except IsADirectoryError:
        raise ReadError(name, 0, "is a folder, expected a Markdown post file") from None
    except OSError as error:
        raise ReadError(name, 0, f"cannot read: {error.strerror or error}") from None
    if seen is not None:
        seen(found, data)
    return decode(data, name, encoding=encoding)


def read_stream(stream: BinaryIO, name: str, *, encoding: str | None = None) -> str:
    """Read and decode a post from ``stream`` (standard input), at most :data:`MAX_FILE_BYTES`."""
    return decode(_read_post_bytes(stream, name), name, encoding=encoding)


def _read_post_bytes(stream: BinaryIO, name: str, size: int = MAX_FILE_BYTES) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of ``stream``, whose file has ``size`` bytes (:class:`LimitError`
    past that).  A first read of ``size + 1`` bytes spares allocating the most a post may have for
    each post; a file that has grown since its size was taken is read on, as far as the limit."""
    data = stream.read(min(size, MAX_FILE_BYTES) + 1)
    if size < len(data) <= MAX_FILE_BYTES:
        data += stream.read(MAX_FILE_BYTES + 1 - len(data))
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(name)
    return data


def _too_big(name: str, size: int | None = None) -> LimitError:
    """The error for a post past :data:`MAX_FILE_BYTES` (of ``size`` bytes, when known)."""
    what = f"is {size:,} bytes, more than" if size is not None else "has more than"
    return LimitError(name, 0, f"{what} the {MAX_FILE_BYTES:,} bytes a post may have; not read")


def check_encoding(encoding: str) -> str:
    """The codec's canonical name; :class:`ConfigError` when Python knows no such text encoding."""
    try:
        "".encode(encoding)  # a LookupError for unknown names and for codecs such as base64
    except LookupError:
        raise ConfigError(
            f"unknown encoding {encoding!r}; expected a text encoding such as utf-8 or gb18030"
        ) from None
    return codecs.lookup(encoding).name


def decode(data: bytes, name: str = "<bytes>", *, encoding: str | None = None) -> str:
    """Decode a post's bytes and say where decoding failed (line and byte offset).

    With ``encoding``, as that; else by its byte-order mark (UTF-8, UTF-16, UTF-32),
    else as UTF-8, else as GB18030 when that reads as Chinese text (Windows tools
    save Chinese as GBK, which GB18030 contains).  A NUL character is refused:
    the file is binary, or its encoding is not the one guessed.
    """
    if encoding is not None:
        codec = check_encoding(encoding)
        text = _strict(data, codec, name, f"is not {codec}, the encoding given")
        return _without_nul(text.removeprefix("\ufeff"), data, codec, name)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data, codec, name, f"is not {codec.removesuffix('-sig')} despite the byte-order mark")
            return _without_nul(text.removeprefix("\ufeff"), data, codec, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        chinese = _as_chinese(data)
        if chinese is None:
            raise _not_decoded(
                data, error.start, name, "is not UTF-8; expected a UTF-8 text file "
                "(for another encoding give --encoding NAME, or convert it: iconv -f NAME -t UTF-8)"
            ) from None
        return _without_nul(chinese, data, "gb18030", name)
    return _without_nul(text, data, "utf-8", name)


def _strict(data: bytes, codec: str, name: str, problem: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise _not_decoded(data, error.start, name, problem) from None


def _not_decoded(data: bytes, offset: int, name: str, problem: str) -> EncodingError:
    """``path:LINE: byte 0x.. at offset N <problem>``, the line counted in the bytes before it."""
    line = _line_of(data[:offset].decode("latin-1"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # its newlines are two bytes
        line = _line_of(data[:offset].decode("utf-16", "replace"))
    return EncodingError(name, line, f"byte 0x{data[offset]:02x} at offset {offset} {problem}")


def _as_chinese(data: bytes) -> str | None:
    """``data`` decoded as GB18030 when most of its non-ASCII characters are Chinese
    characters or punctuation from the common GB2312 set; else None."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    sample = text[:_SAMPLE_CHARS]
    ascii_count = len(sample.encode("ascii", "ignore"))
    others = len(sample) - ascii_count
    common = (len(sample.encode("gb2312", "ignore")) - ascii_count) // 2
    chinese = len(_CHINESE.findall(sample))
    return text if others and min(common, chinese) >= 0.9 * others else None


def _without_nul(text: str, data: bytes, codec: str, name: str) -> str:
    """``text``, unless it holds a NUL character: then :class:`EncodingError` at its line and byte offset."""
    index = text.find("\x00")
    if index < 0:
        return text
    width = 4 if "32" in codec else 2 if "16" in codec else 1  # bytes of a NUL character
    start = next((len(bom) for bom, _ in _BOMS if data.startswith(bom)), 0)
    offset = data.find(b"\x00" * width, start)
    while offset >= 0 and (offset - start) % width:
        offset = data.find(b"\x00" * width, offset + 1)
    raise EncodingError(
        name, _line_of(text[:index]), f"NUL character at offset {offset}; expected a text file, not binary data"
    )


def _line_of(before: str) -> int:
    """The line a character is on, given the text before it (``\\r\\n``, ``\\r`` and ``\\n`` end lines)."""
    return before.count("\n") + before.count("\r") - before.count("\r\n") + 1


def detect_newline(text: str) -> str:
    """The file's newline: ``\\r\\n`` when most lines end so, else ``\\n``."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def split_front_matter(text: str, name: str = "<string>") -> Source:
    """Separate the front matter from the body; raise :class:`FrontMatterError` when broken."""
    newline = detect_newline(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, _, _ = text.partition("\n")
    fence = first.rstrip()
    if fence not in _FENCES:
        return Source(name, FrontMatter(), text, 1, newline)
    closing = re.compile(rf"^{re.escape(fence)}[ \t]*$", re.MULTILINE)
    match = closing.search(text, len(first) + 1)
    if match is None:
        if not _KEY_LINE.match(text[len(first) + 1 :]):
            return Source(name, FrontMatter(), text, 1, newline)  # a rule, or ``+++`` as text
        raise FrontMatterError(
            name, 1, f"front matter opened with {fence!r} is never closed; expected a line {fence!r}"
        )
    raw = text[len(first) + 1 : match.start()]
    body_start = match.end() + 1 if match.end() < len(text) else match.end()
    body_line = text[:body_start].count("\n") + 1
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        raise LimitError(
            name, 2, f"front matter is {len(raw):,} characters long, more than the {MAX_FRONT_MATTER_CHARS:,} wxmigrate reads"
        )
    data, findings = _load(raw, _FENCES[fence], name)
    if data is None:
        # The fences hold a line of text, not data: Markdown (a rule, a setext heading).
        return Source(name, FrontMatter(), text, 1, newline)
    front = FrontMatter(raw=raw, data=data, fence=fence, present=True)
    return Source(name, front, text[body_start:], body_line, newline, text[:body_start], findings)


def _load(raw: str, kind: str, name: str) -> tuple[dict[str, Any] | None, tuple[Finding, ...]]:
    """The front matter's data and findings; None when YAML reads it as a single scalar (not front matter)."""
    if kind == "toml":
        return _load_toml(raw, name), ()
    try:
        loaded = load_yaml(raw, name) if raw.strip() else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if problem == "exceeded maximum nesting depth":  # libyaml's own limit, past ours
            raise LimitError(name, line, f"front matter nests more than {MAX_DEPTH} levels deep") from None
        unknown = _UNKNOWN_TAG.match(problem)
        if unknown:
            tag = unknown.group(1).replace("tag:yaml.org,2002:", "!!")
            raise FrontMatterError(
                name, line, f"front matter has the tag {tag}, which is not read: "
                "front matter holds plain data (text, numbers, dates, lists, mappings), never objects"
            ) from None
        raise FrontMatterError(
            name, line, f"front matter is not valid YAML ({problem}); expected `key: value` lines"
        ) from None
    if loaded is None or loaded.data is None:
        return {}, ()
    data = loaded.data
    if isinstance(data, (str, int, float)):
        return None, ()
    if not isinstance(data, dict):
        raise FrontMatterError(
            name, 2, f"front matter is a YAML {type(data).__name__}, expected a mapping of keys"
        )
    return data, loaded.findings


def _load_toml(raw: str, name: str) -> dict[str, Any]:
    if tomllib is None:  # pragma: no cover
        raise FrontMatterError(name, 1, "TOML front matter needs Python 3.11 or newer")
    try:
        data = tomllib.loads(raw)
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise LimitError(name, 2, f"front matter nests more than {MAX_DEPTH} levels deep") from None
    except ValueError as error:  # TOMLDecodeError, or a number longer than Python converts
        line = getattr(error, "lineno", 0) or 0
        raise FrontMatterError(name, line + 1, f"front matter is not valid TOML: {error}") from None
    if _depth(data) > MAX_DEPTH:
        raise LimitError(name, 2, f"front matter nests more than {MAX_DEPTH} levels deep")
    return dict(plain(data))


def _depth(value: Any) -> int:
    """How deeply lists and tables nest in ``value`` (walked without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth + 1)
            stack.extend((inner, depth + 1) for inner in (item.values() if isinstance(item, dict) else item))
    return deepest


def iso_date(value: Any) -> str | None:
    """A front-matter date as ISO 8601 text, or None when there is none."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d"):
        try:
            return _dt.datetime.strptime(text, pattern).isoformat()
        except ValueError:
            continue
    match = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        year, month, day = map(int, match.groups())
        try:
            return _dt.date(year, month, day).isoformat()
        except ValueError:  # 2020年13月45日: not a day, kept as written
            return text
    return text
