"""Front matter of plain ``key: value`` lines, read without a YAML parser.

Most posts' front matter is a few lines such as ``title: 社区新闻`` and
``date: 2016-01-01``.  Building a YAML parser and its constructor for each
costs more than reading the rest of the post; :func:`flat_mapping` reads
such lines directly and gives exactly what :func:`~wxmigrate.front_yaml.load_yaml`
gives (the same keys, values and types, no findings), or None for anything
it is not sure of, which the YAML loader then reads as before.

What it is sure of: lines that are blank or ``key: value``, each key plain ASCII
(a letter or ``_`` first) and given once, each value empty, quoted (``"…"``
without ``\\`` or ``"`` inside, ``'…'`` without ``'``) or a plain scalar on one
line (no indicator first, no ``: ``, `` #``, tab or character YAML refuses in
it) that YAML's own resolver calls text, a date ``YYYY-MM-DD``, a decimal
integer, a boolean or null; or a key with nothing after it, then ``- item``
lines at one indentation (``tags:`` then ``  - 新闻``), each item such a value.
A float, any other date or number form, a quote with an escape, a comment, a
line indented otherwise, a flow collection, an anchor or a tag is left to the
loader.  ``tests/test_flat_yaml.py`` compares both readings.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:[ ]+(.*?))?[ ]*")
#: An item of a block sequence under a key: its indentation, then its value.
_ITEM = re.compile(r"([ ]*)-(?:[ ]+(.*?))?[ ]*")
#: A plain scalar the loader reads as these lines do: no indicator first, no ``: ``,
#: `` #`` or tab inside, not ending in ``:``.
_PLAIN = re.compile(r"(?![-?:,\[\]{}#&*!|>'\"%@`])(?:[^\t:#]|:(?=[^ \t])|(?<=[^ \t])#)*(?<!:)")
#: What YAML's reader refuses (its own pattern), and what it reads as a tab, a line break
#: beyond ``\n`` or a byte-order mark.
_REFUSED = yaml.reader.Reader.NON_PRINTABLE
_SPECIAL = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
#: A quoted scalar without escapes or its own quote inside: the text between the quotes.
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Up to 18 digits: a longer number may be past what Python converts (the loader keeps it as text).
_INTEGER = re.compile(r"0|[1-9][0-9]{0,17}")
_RESOLVER = yaml.resolver.Resolver()
_PLAIN_TAG = (True, False)
_TAG = "tag:yaml.org,2002:"


def flat_mapping(raw: str) -> dict[str, Any] | None:
    """The mapping ``raw``'s ``key: value`` lines (and ``- item`` lines) hold, or None when it
    is not only such lines."""
    if _SPECIAL.search(raw) or _REFUSED.search(raw):
        return None
    mapping: dict[str, Any] = {}
    last: str | None = None  # the last key, while it may take a sequence's items
    indent = ""
    for line in raw.split("\n"):
        if not line:
            continue
        if last is not None:
            item = _ITEM.fullmatch(line)
            items = mapping[last]
            if item is not None and (items is None or item.group(1) == indent):
                indent = item.group(1)
                value = _value(item.group(2) or "")
                if value is _UNSURE:
                    return None
                if items is None:
                    items = mapping[last] = []
                items.append(value)
                continue
            last = None
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key, written = match.groups()
        if key in mapping or _tag(key) != "str":
            return None
        value = _value(written or "")
        if value is _UNSURE:
            return None
        mapping[key] = value
        if not written:
            last = key  # ``tags:`` then ``- a`` lines: a list, when any follow
    return mapping or None


_UNSURE = object()


def _value(written: str) -> Any:
    """The value the loader makes of the scalar ``written`` (plain or quoted), or
    :data:`_UNSURE`."""
    if not written:
        return None
    quoted = _QUOTED.fullmatch(written)
    if quoted is not None:
        return quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    if not _PLAIN.fullmatch(written):
        return _UNSURE
    tag = _tag(written)
    if tag == "str":
        return written
    if tag == "null":
        return None
    if tag == "bool":
        return yaml.SafeLoader.bool_values[written.lower()]
    if tag == "int" and _INTEGER.fullmatch(written):
        return int(written)
    if tag == "timestamp" and _DATE.fullmatch(written):
        try:
            return _dt.date(int(written[:4]), int(written[5:7]), int(written[8:]))
        except ValueError:
            return _UNSURE  # the loader keeps it as text, with a warning
    return _UNSURE


def _tag(scalar: str) -> str:
    """What YAML's resolver calls a plain scalar: ``str``, ``int``, ``timestamp``…"""
    return str(_RESOLVER.resolve(yaml.ScalarNode, scalar, _PLAIN_TAG)).removeprefix(_TAG)


__all__ = ["flat_mapping"]
