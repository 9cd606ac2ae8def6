"""``wxmigrate inspect POST [--json]``: show what wxmigrate makes of a post."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ..errors import WxMigrateError
from ..parse import load
from ..summary import to_data, to_summary

NAME = "inspect"
HELP = "show the model of one or more posts (title, account, credits, blocks, findings)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("posts", nargs="+", metavar="POST", help="Markdown post file(s)")
    parser.add_argument("--json", action="store_true", help="print the model as JSON")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    status = 0
    results = []
    for path in args.posts:
        try:
            post = load(path) if path != "-" else None
        except WxMigrateError as error:
            print(error, file=err)
            status = 2
            continue
        assert post is not None
        if args.json:
            results.append(to_data(post))
        else:
            print(to_summary(post), file=out)
    if args.json and results:
        payload = results[0] if len(args.posts) == 1 else results
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return status
