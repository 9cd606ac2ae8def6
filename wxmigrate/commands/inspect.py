"""``wxmigrate inspect POST [--json] [--dialect NAME]``: show what wxmigrate makes of a post."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from ..errors import WxMigrateError
from ..parse import parse
from ..parse.dialects import DIALECTS
from ..read import read_stream, read_text
from ..summary import to_data, to_summary
from .encoding import add_encoding_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("posts", nargs="+", metavar="POST", help="Markdown post file(s); '-' reads standard input")
    parser.add_argument("--json", action="store_true", help="print the model as JSON")
    parser.add_argument(
        "--dialect", choices=DIALECTS, help="the exporter that wrote the posts (default: detected per post)"
    )
    add_encoding_argument(parser)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    failed = 0
    results = []
    for path in args.posts:
        try:
            if path == "-":
                text = read_stream(sys.stdin.buffer, "<stdin>", encoding=args.encoding)
            else:
                text = read_text(path, encoding=args.encoding)
            post = parse(text, path="<stdin>" if path == "-" else path, dialect=args.dialect)
        except WxMigrateError as error:
            print(error, file=err)
            failed += 1
            continue
        if args.json:
            results.append(to_data(post))
        else:
            print(to_summary(post), file=out)
    if args.json and results:
        payload = results[0] if len(args.posts) == 1 else results
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
    if failed:
        return 2 if failed == len(args.posts) else 1  # 2: not one post could be read
    return 0
