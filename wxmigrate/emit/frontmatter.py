"""Front matter written in each engine's format: YAML, TOML, or Pelican's metadata lines.

A :class:`FrontMatterFormat` turns a mapping into the text between (or
without) fences.  YAML goes through PyYAML's safe dumper and TOML through
tomli-w, so every value reads back as written; Pelican's ``Key: value`` lines
are flat strings, so nested mappings become ``parent_child`` keys and lists a
comma-separated value (how Pelican reads ``Tags:``).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import tomli_w
import yaml

from ..model import FrontMatter
from .inert import holds_tag, inert_raw, inert_value


@attrs.frozen
class FrontMatterFormat:
    """How one engine writes its front matter."""

    name: str
    #: The fence line before and after; empty for Pelican's unfenced metadata.
    fence: str
    dump: Callable[[Mapping[str, Any]], str]

    def front_matter(self, data: Mapping[str, Any]) -> FrontMatter:
        """The model's front matter for ``data`` (raw text, parsed data, fence)."""
        clean = without_empty(data)
        return FrontMatter(raw=self.dump(clean), data=dict(clean), fence=self.fence, present=True)

    def text(self, front: FrontMatter) -> str:
        """The front matter as it opens the file, within its own fences, or ``""`` when absent;
        made inert first (see :func:`inert_front_matter`)."""
        if not front.present:
            return ""
        front = inert_front_matter(front)
        raw = front.raw if not front.raw or front.raw.endswith("\n") else front.raw + "\n"
        if not front.fence:
            return raw
        return f"{front.fence}\n{raw}{front.fence}\n"


def without_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without None, empty strings, empty lists and empty mappings (nested too)."""
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            value = without_empty(value)
        elif isinstance(value, (list, tuple)):
            value = [item for item in value if item not in (None, "")]
        if value is None or value == "" or value == [] or value == {}:
            continue
        clean[str(key)] = value
    return clean


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """A safe dumper that writes multi-line strings as blocks and never aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Mapping[str, Any]) -> str:
    """YAML that :func:`yaml.safe_load` reads back as ``data``."""
    text: str = yaml.dump(
        dict(data),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
    )
    return text


def dump_toml(data: Mapping[str, Any]) -> str:
    """TOML that :mod:`tomllib` reads back as ``data`` (tables after plain keys, as TOML wants)."""
    plain = {key: value for key, value in data.items() if not isinstance(value, Mapping)}
    tables = {key: value for key, value in data.items() if isinstance(value, Mapping)}
    return tomli_w.dumps({**plain, **tables})


def pelican_value(value: Any) -> str:
    """One metadata value as Pelican reads it: lists comma-separated, dates ``YYYY-MM-DD HH:MM``."""
    if isinstance(value, (list, tuple)):
        return ", ".join(pelican_value(item).replace(",", "，") for item in value)
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M%z" if value.tzinfo else "%Y-%m-%d %H:%M")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    # A metadata value is one line; Python-Markdown's meta extension would read
    # an indented next line as a continuation, so fold line ends into spaces.
    return re.sub(r"\s*\n\s*", " ", str(value)).strip()


_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as ``parent_child`` keys (Pelican metadata is flat).

    A mapping whose keys are not plain names (the credits' roles, ``审核``)
    becomes one value, ``审核：林木；责编：叶青``, as the post writes them.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and all(_KEY.match(str(inner)) for inner in value):
            flat.update(flatten(value, name + "_"))
        elif isinstance(value, Mapping):
            flat[name] = "；".join(
                f"{inner}：{pelican_value(item)}" for inner, item in value.items()
            )
        else:
            flat[name] = value
    return flat


def dump_pelican(data: Mapping[str, Any]) -> str:
    """Pelican's ``Key: value`` metadata lines (the blank line that ends them follows in the file)."""
    lines = []
    for key, value in flatten(data).items():
        # Python-Markdown's meta extension only reads keys of [A-Za-z0-9_-].
        name = re.sub(r"[^A-Za-z0-9_-]", "_", key)
        lines.append(f"{name[:1].upper()}{name[1:]}: {pelican_value(value)}")
    return "\n".join(lines) + "\n" if lines else ""


_PELICAN_LINE = re.compile(r"^([A-Za-z0-9_-]+):[ \t]*(.*)$")


def split_pelican(text: str) -> tuple[dict[str, str], str] | None:
    """Pelican metadata at the top of ``text``: ``(metadata, body)``; None when there is none.

    Metadata is ``Key: value`` lines up to the first blank line, with a
    ``Title:`` among them (Pelican needs one); keys are lower-cased, as
    Pelican reads them.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    metadata: dict[str, str] = {}
    for index, line in enumerate(lines):
        if not line.strip():
            if "title" not in metadata:
                return None
            return metadata, "\n".join(lines[index + 1 :])
        match = _PELICAN_LINE.match(line)
        if match is None:
            return None
        metadata[match.group(1).lower()] = match.group(2).strip()
    return None


def inert_front_matter(front: FrontMatter) -> FrontMatter:
    """The front matter with each ``<`` that opens a tag in a string value written ``&lt;``
    (themes print ``{{ page.title }}`` unescaped); the text kept as written where it still
    reads the same, else written anew in its format.  Front matter holding no tag is given back."""
    if not holds_tag(front.data):
        return front
    data = inert_value(front.data)
    raw = inert_raw(front.raw, front.fence, data)
    if raw is None:
        raw = {"---": dump_yaml, "+++": dump_toml}.get(front.fence, dump_pelican)(data)
    return attrs.evolve(front, raw=raw, data=data)


YAML = FrontMatterFormat("yaml", "---", dump_yaml)
TOML = FrontMatterFormat("toml", "+++", dump_toml)
PELICAN = FrontMatterFormat("pelican", "", dump_pelican)

__all__ = [
    "PELICAN",
    "TOML",
    "YAML",
    "FrontMatterFormat",
    "dump_pelican",
    "dump_toml",
    "dump_yaml",
    "flatten",
    "inert_front_matter",
    "split_pelican",
    "without_empty",
]
