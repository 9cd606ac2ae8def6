"""``wxmigrate config [SRC]``: the settings in force for SRC, and where each came from.

The settings are the defaults of the options of ``repair`` and ``verify`` that a
configuration file can set (docs/formatter.md); each is shown with its origin, the
file's ``path:line`` or ``default``.  ``repair … --show-config`` and ``verify …
--show-config`` show one command's, with what the command line gives as well.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TextIO

from ..config import KEYS
from ..errors import WxMigrateError
from .settings import Option, read_config, settle, show, warn_shadowed

#: The commands whose options a configuration file sets.
CONFIGURED = ("repair", "verify")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", metavar="SRC", nargs="?", default=".",
        help="the site (or post) whose settings to show; the file is looked for from there "
        "upwards (default: the current folder)",
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--config", metavar="FILE", help="read the settings from FILE")
    chosen.add_argument("--no-config", action="store_true", help="read no configuration file")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        settings = settle(configurable_options(), {}, *read_config(args, args.source))
    except WxMigrateError as error:
        print(f"wxmigrate config: {error}", file=err)
        return 2
    warn_shadowed(settings, "config", err)
    out.write(show(settings, commands={key: KEYS[key].commands for key in settings.values}))
    return 0


def configurable_options() -> dict[str, Option]:
    """Every configurable option of the commands in :data:`CONFIGURED`, in :data:`KEYS` order."""
    options: dict[str, Option] = {}
    for name in CONFIGURED:
        parser = argparse.ArgumentParser(add_help=False)
        importlib.import_module(f".{name}", __package__).add_arguments(parser)
        for key, option in parser.get_default("configurable").items():
            options.setdefault(key, option)
    return {key: options[key] for key in KEYS if key in options}
