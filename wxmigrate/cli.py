"""The command line: ``wxmigrate COMMAND …``.

Only this module prints for the user or picks exit codes; library code
raises.  Exit codes: 0 clean, 1 done with problems left (say, a missing
image, or a post that could not be read while the others were written),
2 usage or fatal error (nothing could be done).  Every error is one line,
``path:line: what was wrong``, on standard error; a bug is reported the same
way unless ``--traceback`` (or ``WXMIGRATE_DEBUG=1``) asks for the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .commands import COMMANDS
from .errors import WxMigrateError, contain, debugging, set_debugging

TRACEBACK_HELP = "on an internal error, show Python's traceback (also: WXMIGRATE_DEBUG=1)"


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: every command is listed, but only those named in ``argv`` get
    their arguments (argparse runs only the one named), so that ``wxmigrate --help`` or one
    command does not import the other commands' modules."""
    parser = argparse.ArgumentParser(
        prog="wxmigrate",
        description="Rescue WeChat public-account articles exported into static sites.",
    )
    parser.add_argument("--version", action="version", version=f"wxmigrate {__version__}")
    parser.add_argument("--traceback", action="store_true", help=TRACEBACK_HELP)
    # Accepted after the command too (`wxmigrate repair … --traceback`), without resetting it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS, help=TRACEBACK_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        sub = subparsers.add_parser(name, help=summary, description=summary, parents=[common])
        if name in argv:
            command = importlib.import_module(f".commands.{name}", __package__)
            command.add_arguments(sub)
            sub.set_defaults(run=command.run)
    return parser


def run(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line with ``argv``; return the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    if not getattr(args, "run", None):
        parser.print_help(err)
        return 2
    set_debugging(args.traceback)
    try:
        return int(args.run(args, out, err))
    except KeyboardInterrupt:
        print("wxmigrate: interrupted", file=err)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    except Exception as error:  # the commands report what they can; this is the last line
        if debugging():
            raise
        located = error if isinstance(error, WxMigrateError) else contain(_subject(args), error)
        print(f"wxmigrate {args.command}: {located}", file=err)
        return 2


def _subject(args: argparse.Namespace) -> str:
    """What the command was working on, for an error that names nothing more precise."""
    for name in ("source", "site", "posts"):
        value = getattr(args, name, None)
        if value:
            return str(value[0] if isinstance(value, list) else value)
    return "wxmigrate"


def main() -> None:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    sys.exit(run())
