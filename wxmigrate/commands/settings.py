"""The options a configuration file gives defaults for: ``--config``, ``--no-config``,
``--show-config``, and the settings in force with where each came from.

A command calls :func:`add_config_arguments` after adding its own options: every option
that has a key in :data:`wxmigrate.config.KEYS` then defaults to "not given" (None), so
that :func:`resolve` can tell an option given on the command line (which wins) from one
to take from the file, and else from its default.  A file's value is checked as the
command line's would be (the option's choices and type), so both say the same.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import attrs

from ..config import KEYS, ConfigFile, find_config, load_config
from ..errors import ConfigError

DEFAULT = "default"
COMMAND_LINE = "command line"


@attrs.frozen
class Option:
    """A configurable option of a command: its argparse action and its default."""

    key: str
    action: argparse.Action
    default: object
    #: The values a list's items may take (``--disable``: the rule names), when argparse has none.
    items: Sequence[str] | None = None


@attrs.frozen
class Settings:
    """The value of each configurable option, and where it came from."""

    values: Mapping[str, object]
    #: :data:`DEFAULT`, :data:`COMMAND_LINE`, or the file's ``path:line``.
    origins: Mapping[str, str]
    #: The configuration file read, if any.
    file: ConfigFile | None = None
    #: Why no file was read: none found, or ``--no-config``.
    none_because: str = ""

    def applied(self, args: argparse.Namespace) -> argparse.Namespace:
        """``args`` with every configurable option set to its value in force (and, as
        ``setting_origins``, where each came from)."""
        options: Mapping[str, Option] = args.configurable
        values = {options[key].action.dest: value for key, value in self.values.items()}
        return argparse.Namespace(**{**vars(args), **values, "setting_origins": self.origins})


def from_files(args: argparse.Namespace) -> str:
    """The settings of ``args`` a configuration file gave (`` (set by a configuration file:
    engine at PATH:LINE)``), to follow an error they may have caused; empty when none did."""
    origins: Mapping[str, str] = getattr(args, "setting_origins", {})
    found = [f"{key} at {origin}" for key, origin in origins.items() if origin not in (DEFAULT, COMMAND_LINE)]
    return f" (set by a configuration file: {', '.join(found)})" if found else ""


def add_config_arguments(
    parser: argparse.ArgumentParser, command: str, *, items: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Add ``--config FILE``, ``--no-config`` and ``--show-config``, and make the command's
    configurable options default to None ("not given"): call it after adding them all.
    ``items``: for a list option argparse does not check, the values its items may take."""
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--config", metavar="FILE", help="read the settings from FILE (default: the closest "
        "wxmigrate.toml or pyproject.toml [tool.wxmigrate] from SRC upwards)",
    )
    chosen.add_argument("--no-config", action="store_true", help="read no configuration file")
    parser.add_argument(
        "--show-config", action="store_true",
        help="print the settings in force and where each came from, and do nothing else",
    )
    options: dict[str, Option] = {}
    for action in parser._actions:
        key = action.dest.replace("_", "-")
        if key in KEYS and command in KEYS[key].commands:
            # A switch (--deep/--no-deep) not given is off: its default is False, not None.
            default = bool(action.default) if KEYS[key].kind is bool else action.default
            options[key] = Option(key, action, default, (items or {}).get(key))
            action.default = None
    parser.set_defaults(configurable={key: options[key] for key in KEYS if key in options})


def resolve(args: argparse.Namespace, source: str | Path) -> Settings:
    """The settings in force for ``source``: the command line's, else the configuration
    file's (``--config``, or found from ``source`` upwards), else the defaults."""
    return settings_of(args, *read_config(args, source))


def settings_of(args: argparse.Namespace, file: ConfigFile | None, none_because: str = "") -> Settings:
    """The settings in force with ``file`` (read by :func:`read_config`) and the command line ``args``."""
    given = {key: getattr(args, option.action.dest) for key, option in args.configurable.items()}
    return settle(args.configurable, given, file, none_because)


def read_config(args: argparse.Namespace, source: str | Path) -> tuple[ConfigFile | None, str]:
    """The configuration file ``args`` ask for (and, when none, why)."""
    if args.no_config:
        return None, "--no-config"
    if args.config:
        return load_config(args.config), ""
    found = find_config(source)
    return found, "" if found else f"none found from {source} upwards"


def settle(
    options: Mapping[str, Option],
    given: Mapping[str, object],
    file: ConfigFile | None,
    none_because: str = "",
) -> Settings:
    """Each option's value: ``given`` (not None), else ``file``'s (checked), else its default."""
    values: dict[str, object] = {}
    origins: dict[str, str] = {}
    for key, option in options.items():
        if given.get(key) is not None:
            values[key], origins[key] = given[key], COMMAND_LINE
        elif file is not None and key in file.settings:
            values[key], origins[key] = _checked(option, file, key), file.where(key)
        else:
            values[key], origins[key] = option.default, DEFAULT
    return Settings(values, origins, file, none_because)


def _checked(option: Option, file: ConfigFile, key: str) -> object:
    """The file's value, through the option's choices and type as argparse would check it."""
    value = file.settings[key].value
    values = value if isinstance(value, list) else [value]
    allowed = option.action.choices or option.items
    converted: list[object] = []
    for item in values:
        if isinstance(item, bool):
            converted.append(item)
            continue
        try:
            item = option.action.type(str(item)) if callable(option.action.type) else item
        except (argparse.ArgumentTypeError, ValueError, TypeError) as error:
            raise ConfigError.at(str(file.path), file.settings[key].line, f"{key}: {error}") from None
        if allowed is not None and item not in allowed:
            known = ", ".join(str(choice) for choice in allowed)
            raise ConfigError.at(
                str(file.path), file.settings[key].line, f"{key}: unknown value {item!r}; expected one of: {known}"
            )
        converted.append(item)
    return converted if isinstance(value, list) else converted[0]


def warn_shadowed(settings: Settings, command: str, err: TextIO) -> None:
    """Say on ``err`` that a ``pyproject.toml``'s ``[tool.wxmigrate]`` is ignored, when it is."""
    file = settings.file
    if file is not None and file.shadowed is not None:
        print(f"wxmigrate {command}: {file.shadowed}: [tool.wxmigrate] ignored: {file.path} beside it wins", file=err)


def show(settings: Settings, *, commands: Mapping[str, Iterable[str]] | None = None) -> str:
    """The settings as ``wxmigrate config`` prints them: TOML a file could hold, each line
    followed by where its value came from (a setting with no value is a comment)."""
    lines = [f"# configuration file: {settings.file.label if settings.file else settings.none_because}"]
    if settings.file is not None and settings.file.shadowed is not None:
        lines.append(f"# ignored: {settings.file.shadowed} [tool.wxmigrate] ({settings.file.path.name} beside it wins)")
    for key, value in settings.values.items():
        written = f"{key} = {_toml(value)}" if value is not None else f"# {key} is not set"
        used = f" ({', '.join(commands[key])})" if commands else ""
        lines.append(f"{written:40} # {settings.origins[key]}{used}")
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    """``value`` as TOML writes it, on one line (a string quoted, a list in brackets)."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value}).partition("=")[2].strip()
