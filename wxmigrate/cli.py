"""The command line: ``wxmigrate COMMAND …``.

Only this module prints for the user or picks exit codes; library code
raises.  Exit codes: 0 clean, 1 done with problems left (say, a missing
image), 2 usage or fatal error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TextIO

from . import __version__
from .commands import inspect, repair, rules
from .commands import verify as verify_command

#: The subcommands, in the order ``--help`` lists them.
COMMANDS: tuple[ModuleType, ...] = (inspect, repair, verify_command, rules)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wxmigrate",
        description="Rescue WeChat public-account articles exported into static sites.",
    )
    parser.add_argument("--version", action="version", version=f"wxmigrate {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def run(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line with ``argv``; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    if not getattr(args, "run", None):
        parser.print_help(err)
        return 2
    try:
        return int(args.run(args, out, err))
    except KeyboardInterrupt:
        print("wxmigrate: interrupted", file=err)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        return 0


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    sys.exit(run())
