"""``--encoding NAME``, shared by the commands that read posts."""

from __future__ import annotations

import argparse

from ..errors import ConfigError
from ..read import check_encoding


def add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--encoding NAME``: an unknown codec is a usage error (exit 2), before any work."""
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        type=_codec,
        help="the posts' encoding, e.g. gb18030 (default: UTF-8, or UTF-16/UTF-32 by their "
        "byte-order mark, or GB18030 when the bytes read as Chinese); output is always UTF-8",
    )


def _codec(name: str) -> str:
    try:
        return check_encoding(name)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(error.detail) from None
