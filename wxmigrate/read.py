"""File -> text and front matter, losslessly.

:func:`read_text` decodes a post's bytes (UTF-8, with or without a BOM, or
UTF-16 with a BOM) and says where decoding failed; :func:`split_front_matter`
separates the YAML (or TOML) front matter from the body with a real parser
in safe mode, keeping the raw text so edits can touch a single line.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import re
import sys
from pathlib import Path
from typing import Any

import attrs
import yaml

from .errors import EncodingError, FrontMatterError, ReadError
from .model import FrontMatter

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    tomllib = None

_FENCES = {"---": "yaml", "+++": "toml"}
#: A first line that says front matter was meant: ``key: value`` or ``key = value``.
_KEY_LINE = re.compile(r"[ \t]*[\w\"'-][^\n:=]*[:=]")


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


def read_text(path: str | Path) -> str:
    """Read and decode a post file; raise :class:`ReadError` or :class:`EncodingError`."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise ReadError(name, 0, "is a folder, expected a Markdown post file") from None
    except OSError as error:
        raise ReadError(name, 0, f"cannot read: {error.strerror or error}") from None
    return decode(data, name)


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Decode bytes as UTF-8 (or UTF-16 with a BOM), naming the line of the first bad byte."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            line = data[: error.start].decode("utf-16", "replace").count("\n") + 1
            raise EncodingError(name, line, "invalid UTF-16 despite its byte-order mark") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise EncodingError(
            name,
            line,
            f"byte 0x{data[error.start]:02x} is not UTF-8; expected a UTF-8 text file "
            "(convert it first, e.g. with iconv -f GB18030 -t UTF-8)",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise EncodingError(name, line, "holds a NUL character; expected a text file")
    return text


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
    data = _load(raw, _FENCES[fence], name)
    if data is None:
        # The fences hold a line of text, not data: Markdown (a rule, a setext heading).
        return Source(name, FrontMatter(), text, 1, newline)
    front = FrontMatter(raw=raw, data=data, fence=fence, present=True)
    return Source(name, front, text[body_start:], body_line, newline, text[:body_start])


def _load(raw: str, kind: str, name: str) -> dict[str, Any] | None:
    """The front matter's data; None when YAML reads it as a single scalar (not front matter)."""
    if kind == "toml":
        if tomllib is None:  # pragma: no cover
            raise FrontMatterError(name, 1, "TOML front matter needs Python 3.11 or newer")
        try:
            return dict(tomllib.loads(raw))
        except tomllib.TOMLDecodeError as error:
            line = getattr(error, "lineno", 0) or 0
            raise FrontMatterError(name, line + 1, f"front matter is not valid TOML: {error}") from None
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise FrontMatterError(
            name, line, f"front matter is not valid YAML ({problem}); expected `key: value` lines"
        ) from None
    if data is None:
        return {}
    if isinstance(data, (str, int, float)):
        return None
    if not isinstance(data, dict):
        raise FrontMatterError(
            name, 2, f"front matter is a YAML {type(data).__name__}, expected a mapping of keys"
        )
    return {str(key): value for key, value in data.items()}


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
        return _dt.date(year, month, day).isoformat()
    return text
