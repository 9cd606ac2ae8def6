"""The configuration file: project defaults for the command-line options (docs/formatter.md).

Found as ruff and black find theirs: from the source folder upwards, the
closest folder holding a ``wxmigrate.toml`` (keys at its top level) or a
``pyproject.toml`` with a ``[tool.wxmigrate]`` table wins; a ``pyproject.toml``
without that table is passed over, and in one folder ``wxmigrate.toml`` wins
over ``pyproject.toml`` (which is then :attr:`ConfigFile.shadowed`).  Files are
never merged.  Each key is the name of a long option (``keep-title-heading``
for ``--keep-title-heading``), listed in :data:`KEYS`; an unknown key or a
value of the wrong type is a :class:`~wxmigrate.errors.ConfigError` at
``path:line``.  Paths in a file are relative to the file's folder.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAME = "wxmigrate.toml"
PYPROJECT_NAME = "pyproject.toml"
#: Where the settings are in a ``pyproject.toml``.
PYPROJECT_TABLE = ("tool", "wxmigrate")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@attrs.frozen
class Key:
    """One key of the file: the option it gives the default of, and its TOML type."""

    #: The key, which is the long option's name without ``--``.
    name: str
    #: ``str``, ``bool``, ``int``, or ``list`` (of strings).
    kind: type
    #: The commands that have the option.
    commands: tuple[str, ...]
    #: The values are paths (made absolute from the file's folder).
    paths: bool = False


REPAIR = ("repair",)
VERIFY = ("verify",)
BOTH = ("repair", "verify")

#: Every key a file may hold, in the order ``wxmigrate config`` lists them.  What a run does
#: and what it prints (``--out``, ``--in-place``, ``--check``, ``--dry-run``, ``--diff``,
#: ``--explain``, ``--report``, ``--quiet``, ``--fix``, ``--fetch``) are chosen for each run
#: on the command line, and have no key.
KEYS: Mapping[str, Key] = {
    key.name: key
    for key in (
        Key("engine", str, REPAIR),
        Key("metadata", str, REPAIR),
        Key("format", str, REPAIR),
        Key("standalone", bool, REPAIR),
        Key("keep-title-heading", bool, REPAIR),
        Key("strip-boilerplate", bool, REPAIR),
        Key("disable", list, REPAIR),
        Key("dialect", str, REPAIR),
        Key("fix-assets", bool, REPAIR),
        Key("resume", bool, REPAIR),
        Key("assets", list, BOTH, paths=True),
        Key("encoding", str, BOTH),
        Key("jobs", int, BOTH),
        Key("scheduler", str, BOTH),
        Key("deep", bool, VERIFY),
        Key("placeholder", list, VERIFY, paths=True),
        Key("max-pixels", int, VERIFY),
        Key("max-frames", int, VERIFY),
    )
}

_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", list: "a list of strings"}


@attrs.frozen
class Setting:
    """One value a file sets, and the line it is set on (1-based; 0 when not found)."""

    value: object
    line: int


@attrs.frozen
class ConfigFile:
    """A configuration file and the settings it holds."""

    path: Path
    settings: Mapping[str, Setting]
    #: A ``pyproject.toml`` beside a ``wxmigrate.toml`` whose ``[tool.wxmigrate]`` is ignored.
    shadowed: Path | None = None

    @property
    def label(self) -> str:
        """The file as ``wxmigrate config`` names it (with the table, for a ``pyproject.toml``)."""
        return f"{self.path} [tool.wxmigrate]" if self.path.name == PYPROJECT_NAME else str(self.path)

    def where(self, key: str) -> str:
        """``path:line`` of ``key``."""
        return f"{self.path}:{self.settings[key].line}"


def find_config(source: str | Path) -> ConfigFile | None:
    """The configuration of ``source`` (a folder, or a file: from its folder), read, or None."""
    start = Path(source).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        own, pyproject = candidate / CONFIG_NAME, candidate / PYPROJECT_NAME
        has_table = pyproject.is_file() and _has_table(pyproject)
        if own.is_file():
            return attrs.evolve(load_config(own), shadowed=pyproject if has_table else None)
        if has_table:
            return load_config(pyproject)
    return None


def load_config(path: str | Path) -> ConfigFile:
    """Read and check the configuration file at ``path`` (a ``pyproject.toml``'s
    ``[tool.wxmigrate]``, or any other file's top level); raise :class:`ConfigError` at
    ``path:line`` for a file that is not TOML, an unknown key or a value of the wrong type."""
    path = Path(path)
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(found.group(1)) if found else 0
        raise ConfigError.at(str(path), line, f"not valid TOML: {error}") from None
    table: tuple[str, ...] = PYPROJECT_TABLE if path.name == PYPROJECT_NAME else ()
    for part in table:
        data = data.get(part, {})
        if not isinstance(data, dict):
            raise ConfigError.at(str(path), key_line(text, table), f"{'.'.join(table)} is not a table")
    settings = {}
    for name, value in data.items():
        line = key_line(text, (*table, name))
        key = KEYS.get(name)
        if key is None:
            raise ConfigError.at(str(path), line, _unknown_key(name))
        settings[name] = Setting(_checked(key, value, path, line), line)
    return ConfigFile(path, settings)


def _unknown_key(name: str) -> str:
    """What to say of an unknown key: the closest known one, and every known one."""
    close = difflib.get_close_matches(name, KEYS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {name!r}{hint}; known keys: {', '.join(KEYS)}"


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as error:
        raise ConfigError.at(str(path), 0, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError.at(str(path), 0, "not valid TOML: not UTF-8") from None


def _has_table(pyproject: Path) -> bool:
    """Whether ``pyproject`` has a ``[tool.wxmigrate]`` table (a file that never names
    wxmigrate is not parsed: somebody else's broken ``pyproject.toml`` is not our error)."""
    text = _read(pyproject)
    if "wxmigrate" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # broken, and it names wxmigrate: load_config says where
    tool = data.get("tool")
    return isinstance(tool, dict) and "wxmigrate" in tool


def _checked(key: Key, value: object, path: Path, line: int) -> object:
    """``value`` if it is of the key's type (paths made absolute from the file's folder)."""
    if key.kind is list:
        right = isinstance(value, list) and all(isinstance(item, str) for item in value)
    else:
        right = type(value) is key.kind  # not isinstance: True is an int to Python, not to TOML
    if not right:
        found = f"{_type_name(value)} ({_shown(value)})"
        raise ConfigError.at(str(path), line, f"{key.name}: expected {_TYPE_NAMES[key.kind]}, not {found}")
    if key.paths and isinstance(value, list):
        return [_path(str(item), path.parent) for item in value]
    return value


def _path(value: str, folder: Path) -> str:
    """A path written in the file, from the file's folder (a placeholder's SHA-256 is no path)."""
    if _SHA256.fullmatch(value):
        return value
    return str(folder / Path(value).expanduser())


def _type_name(value: object) -> str:
    """What a TOML value is, in words: ``a string``, ``a list holding an integer``…"""
    if isinstance(value, list):
        other = next((item for item in value if not isinstance(item, str)), None)
        return "a list" if other is None else f"a list holding {_type_name(other)}"
    names = {**_TYPE_NAMES, dict: "a table", float: "a float"}
    return names.get(type(value), f"a {type(value).__name__}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_HEADER = re.compile(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*=")


def key_line(text: str, key: Sequence[str]) -> int:
    """The line (1-based) where the dotted ``key`` is set or its table opens; 0 when none is.

    tomllib does not say where a value was, so this reads the lines the way TOML does
    (table headers and dotted keys), which is enough for a message that says where to look."""
    table: tuple[str, ...] = ()
    wanted = tuple(key)
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group(1))
            if table[: len(wanted)] == wanted:
                return number
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment and (*table, *_dotted(assignment.group(1)))[: len(wanted)] == wanted:
            return number
    return 0


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


__all__ = [
    "CONFIG_NAME",
    "KEYS",
    "PYPROJECT_NAME",
    "ConfigFile",
    "Key",
    "Setting",
    "find_config",
    "key_line",
    "load_config",
]
