"""``--jobs N``, shared by the commands that can share their work among processes."""

from __future__ import annotations

import argparse


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs N`` (default 1; 0: one worker process per core)."""
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=_count,
        default=1,
        help="worker processes (default: 1; 0: one per core); the output is the same for any N",
    )


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per core) or a positive number, not {text!r}")
    return value
