"""``--jobs N`` and ``--scheduler``, shared by the commands that can share their work out."""

from __future__ import annotations

import argparse
from typing import Any

#: ``--scheduler``'s default: worker processes on this machine (``--jobs``).
LOCAL = "local"


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs N`` (default 1; 0: one worker process per core) and ``--scheduler``."""
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=_count,
        default=1,
        help="worker processes (default: 1; 0: one per core); the output is the same for any N",
    )
    parser.add_argument(
        "--scheduler",
        metavar="WHERE",
        type=_scheduler,
        default=LOCAL,
        help="local (default: --jobs processes here), dask (a Dask LocalCluster of --jobs workers) "
        "or dask:ADDRESS (an existing distributed scheduler); needs pip install 'wxmigrate[dask]'",
    )


def executor_of(args: argparse.Namespace) -> Any:
    """The executor ``--scheduler`` names (None: ``--jobs`` processes here); Dask is imported
    only when it is asked for (raises :class:`~wxmigrate.errors.ConfigError` when it is not installed)."""
    if args.scheduler == LOCAL:
        return None
    from ..distributed import dask_executor

    _dask, _colon, address = args.scheduler.partition(":")
    return dask_executor(address or None)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 (one per core) or a positive number, not {text!r}")
    return value


def _scheduler(text: str) -> str:
    if text == LOCAL or text == "dask" or (text.startswith("dask:") and text != "dask:"):
        return text
    raise argparse.ArgumentTypeError(f"expected local, dask or dask:ADDRESS, not {text!r}")
