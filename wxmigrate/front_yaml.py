"""YAML front matter read safely and in bounded time, whatever the file holds.

:func:`load_yaml` is PyYAML's safe loader (libyaml's when it is installed)
with limits checked before anything is built: one pass over the parser's
events measures how deep the document nests and how many values its aliases
would expand to (a "billion laughs" document is a few lines that expand to
billions), so neither a :class:`RecursionError` nor an hour of work can
follow.  What the safe loader would fail on but a person meant as text stays
the text as written, with a warning: ``date: 2020-13-45``, a number longer
than Python converts.  Every key is a string (``1: x`` is the key ``"1"``),
and every value is one the emitters can write back: ``!!binary`` stays its
Base64 text, a set is a list, nothing is a tuple.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

import attrs
import yaml

from .errors import FrontMatterError, LimitError
from .flat_yaml import flat_mapping
from .model import Finding

#: How deeply sequences and mappings may nest in front matter.
MAX_DEPTH = 64
#: How many values front matter may hold once its aliases are expanded.
MAX_VALUES = 50_000

#: Front matter's first line is line 2 of the file (line 1 is the fence).
_FIRST_LINE = 2
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"


@attrs.frozen
class Loaded:
    """What YAML made of front matter, and what it noticed on the way."""

    data: Any
    findings: tuple[Finding, ...] = ()


def load_yaml(raw: str, name: str) -> Loaded:
    """Load ``raw``; raise :class:`LimitError` past a limit, :class:`FrontMatterError` for an
    alias inside itself, :class:`yaml.YAMLError` when it is not YAML.

    Plain ``key: value`` lines are read without the parser (:func:`.flat_yaml.flat_mapping`),
    to the same data, when they are too few to pass :data:`MAX_VALUES` (:func:`_few_lines`);
    more are left to the loader, which refuses them past the limit."""
    flat = flat_mapping(raw) if _few_lines(raw) else None
    if flat is not None:
        return Loaded(flat)
    if not within_limits(raw):
        check_limits(raw, name)
    loader = _Loader(raw)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    return Loaded(plain(data), tuple(loader.findings))


def check_limits(raw: str, name: str) -> None:
    """Refuse front matter that nests deeper than :data:`MAX_DEPTH` or expands past
    :data:`MAX_VALUES` values, aliases expanded, from its events alone (nothing is built)."""
    expanded: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth) of its node
    frames = [_Frame(None)]  # the collections open around the current event
    for event in yaml.parse(raw, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            frames.append(_Frame(event.anchor))
            values, depth, anchor = 0, 0, None
        elif isinstance(event, yaml.CollectionEndEvent):
            frame = frames.pop()
            values, depth, anchor = frame.values + 1, frame.depth + 1, frame.anchor
        elif isinstance(event, yaml.AliasEvent):
            if any(frame.anchor == event.anchor for frame in frames):
                line = event.start_mark.line + _FIRST_LINE
                raise FrontMatterError(name, line, f"alias *{event.anchor} is inside the value it names")
            values, depth = expanded.get(event.anchor, (1, 0))
            anchor = None
        elif isinstance(event, yaml.ScalarEvent):
            values, depth, anchor = 1, 0, event.anchor
        else:
            continue
        if anchor is not None:
            expanded[anchor] = (values, depth)
        frames[-1].add(values, depth)
        line = event.start_mark.line + _FIRST_LINE
        if len(frames) - 1 + depth > MAX_DEPTH:
            raise LimitError(name, line, f"front matter nests more than {MAX_DEPTH} levels deep")
        if sum(frame.values for frame in frames) > MAX_VALUES:
            raise LimitError(
                name, line, f"front matter holds more than {MAX_VALUES} values once its aliases are expanded"
            )


#: What can expand front matter past what its lines show: a flow collection, an alias.
_EXPANDING = re.compile(r"[\[{*]")
#: A line whose value is one quoted scalar (``- "[[作者]]"``, as Obsidian writes links): its
#: indentation, indicators and key, then the scalar, to the end of the line.
_QUOTED_VALUE = re.compile(
    r"""^([ \t]*(?:[-?][ \t]+)*(?:[^\s'"#\[\]{}*&!|>%@`,?:-][^'"\n]*?:[ \t]+)?)"""
    r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*')[ \t]*$""",
    re.MULTILINE,
)
#: Where each line's content starts: after its indentation and block indicators (``-``, ``?``, ``:``).
_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)


def _few_lines(raw: str) -> bool:
    """Whether ``raw`` has too few lines to pass :data:`MAX_VALUES` in block form without
    aliases (three values a line at most, see :func:`within_limits`)."""
    return 3 * (raw.count("\n") + 1) + 1 <= MAX_VALUES


def within_limits(raw: str) -> bool:
    """Whether ``raw`` is within both limits of :func:`check_limits` by its look alone, so
    that it is parsed once, not twice (most front matter is).

    Without flow collections or aliases, collections nest only in block form, where a
    collection inside another starts further right, or (a sequence in a mapping) at the
    same column but then holds only what starts further right: ``2 * (c + 1)`` levels at
    most for ``c``, the widest indentation and indicators of any line.  A line holds at most
    two values, an empty one for each indicator and a collection for each indicator and
    one more: ``3 * c + 3`` values a line at most.  A line's value quoted whole is left out
    first, when every quote of ``raw`` is in one (else a quoted scalar may run over lines):
    a flow collection or an alias starts a value, never one inside a scalar.
    """
    if not _few_lines(raw):
        return False
    lines = raw.count("\n") + 1
    unquoted = _QUOTED_VALUE.sub(r"\1_", raw)
    if unquoted != raw and ('"' in unquoted or "'" in unquoted):
        unquoted = raw
    if _EXPANDING.search(unquoted):
        return False
    widest = max(map(len, _PREFIX.findall(raw)))
    return 2 * (widest + 1) < MAX_DEPTH and lines * (3 * widest + 3) + 1 <= MAX_VALUES


@attrs.define
class _Frame:
    """A collection being read: its anchor, and the values and depth found in it so far."""

    anchor: str | None
    values: int = 0
    depth: int = 0

    def add(self, values: int, depth: int) -> None:
        self.values += values
        self.depth = max(self.depth, depth)


def plain(value: Any) -> Any:
    """``value`` as plain data: string keys, lists for every sequence, a time as its text."""
    if isinstance(value, dict):
        return {key if isinstance(key, str) else _as_text(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(item) for item in value]
    if isinstance(value, _dt.time):
        return value.isoformat()
    return value


def _as_text(value: Any) -> str:
    """A value as YAML writes it in one line (``true``, ``2020-01-01``, ``[a, b]``)."""
    text: str = yaml.safe_dump(plain(value), default_flow_style=True, width=10_000, allow_unicode=True)
    return text.removesuffix("\n...\n").strip()


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader, keeping what it cannot construct as text and noting duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.findings: list[Finding] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        """Keys as text; a key written twice keeps its last value (as Jekyll reads it), with a warning."""
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep)  # type: ignore[no-any-return]  # its error
        own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE)
        self.flatten_mapping(node)
        first_own = len(node.value) - own  # merged pairs come first
        mapping: dict[str, Any] = {}
        written: set[str] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            key = self._key(key_node)
            if index >= first_own:
                if key in written:
                    self._warn("duplicate-key", key_node, f"key {key!r} is given again; its last value is kept")
                written.add(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_set(self, node: yaml.MappingNode) -> Any:
        """A set (``!!set {a, b}``) as the list of its members, in order."""
        members: list[str] = []
        yield members
        members.extend(self.construct_mapping(node))

    def construct_yaml_binary(self, node: yaml.ScalarNode) -> str:
        """``!!binary`` data as its Base64 text: front matter is text, and stays writable."""
        return str(self.construct_scalar(node))

    def _key(self, node: yaml.Node) -> str:
        key = self.construct_object(node, deep=True)
        if isinstance(key, str):
            return key
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)  # as written: `1`, `true`, `2020-01-01`
        return _as_text(key)

    def _warn(self, code: str, node: yaml.Node, message: str) -> None:
        self.findings.append(Finding(code, node.start_mark.line + _FIRST_LINE, message))


def _kept_as_text(kind: str, construct: Callable[[Any, yaml.ScalarNode], Any]) -> Callable[[Any, yaml.ScalarNode], Any]:
    """A scalar constructor that keeps a value it cannot convert as the text written, with a warning."""

    def construct_or_keep(loader: _Loader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        # ``!!timestamp x`` fails with AttributeError and ``!!bool x`` with KeyError inside PyYAML.
        except (ValueError, OverflowError, LookupError, AttributeError):
            text = str(loader.construct_scalar(node))
            shown = text if len(text) <= 40 else text[:39] + "…"
            loader._warn("not-a-" + kind, node, f"{shown!r} is not a valid {kind}; kept as the text written")
            return text

    return construct_or_keep


for _tag, _kind in (("timestamp", "date"), ("int", "number"), ("float", "number"), ("bool", "boolean")):
    _full = f"tag:yaml.org,2002:{_tag}"
    _Loader.add_constructor(_full, _kept_as_text(_kind, _Loader.yaml_constructors[_full]))
_Loader.add_constructor("tag:yaml.org,2002:set", _Loader.construct_yaml_set)
_Loader.add_constructor("tag:yaml.org,2002:binary", _Loader.construct_yaml_binary)

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Loaded", "check_limits", "load_yaml", "plain", "within_limits"]
