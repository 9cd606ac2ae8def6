"""``wxmigrate verify SRC [--deep] [--report FILE] [--fix]``: check every image the posts use."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from ..errors import WxMigrateError
from ..verify import DEFAULT_LIMITS, Limits, Report, verify
from ..verify.report import json_pieces, table_pieces
from .encoding import add_encoding_argument
from .jobs import add_jobs_argument, executor_of
from .progress import PROGRESS_MINIMUM, ProgressBar, is_terminal
from .settings import add_config_arguments, resolve, show, warn_shadowed

if TYPE_CHECKING:
    from ..verify import Fetcher


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SRC", help="a site folder (with _posts/) or one post")
    parser.add_argument(
        "--deep", action=argparse.BooleanOptionalAction, help="decode every frame of every image (slower)"
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="also write the report as JSON to FILE ('-': standard output)",
    )
    parser.add_argument(
        "--assets",
        metavar="DIR",
        action="append",
        default=[],
        help="another folder to find images in by name (repeatable)",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="relink images found by name, copy export-folder images into the image folder, "
        "copy mislabelled images to their true extension (nothing is deleted; posts are backed up)",
    )
    parser.add_argument(
        "--fetch", action="store_true", help="with --fix: download remote images into the site"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="with --fix: say what would change, change nothing"
    )
    parser.add_argument(
        "--image-folder",
        metavar="DIR",
        help="with --fix: where copied images go (default: the most used)",
    )
    parser.add_argument(
        "--placeholder",
        metavar="PATH",
        action="append",
        default=[],
        help="a stand-in image to report as a placeholder: a file, a folder of them, or a SHA-256 (repeatable)",
    )
    parser.add_argument(
        "--max-pixels",
        metavar="N",
        type=int,
        default=DEFAULT_LIMITS.max_pixels,
        help="pixels per frame above which an image is a bomb",
    )
    parser.add_argument(
        "--max-frames",
        metavar="N",
        type=int,
        default=DEFAULT_LIMITS.max_frames,
        help="frames above which an image is a bomb",
    )
    add_jobs_argument(parser)
    add_encoding_argument(parser)
    add_config_arguments(parser, "verify")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        settings = resolve(args, args.source)
    except WxMigrateError as error:
        print(f"wxmigrate verify: {error}", file=err)
        return 2
    warn_shadowed(settings, "verify", err)
    if args.show_config:
        out.write(f"# wxmigrate verify {args.source}\n" + show(settings))
        return 0
    args = settings.applied(args)
    if (args.fetch or args.dry_run or args.image_folder) and not args.fix:
        print("wxmigrate verify: --fetch, --dry-run and --image-folder need --fix", file=err)
        return 2
    try:
        report = _verify(args, err)
        if args.fix:
            report = _fix(args, report, out, err)
    except WxMigrateError as error:
        print(error, file=err)
        return 2
    for message in report.errors:
        print(message, file=err)
    table_stream = err if args.report == "-" else out
    table_stream.writelines(table_pieces(report))
    if args.report:
        try:
            _write_report(args.report, report, out)
        except OSError as error:
            print(f"{args.report}:0: cannot write the report: {error.strerror or error}", file=err)
            return 2
    if report.errors:
        return 1 if report.posts_read else 2  # 2: not one post could be read
    return 0 if report.clean else 1


def _verify(args: argparse.Namespace, err: TextIO) -> Report:
    limits = Limits(max_pixels=args.max_pixels, max_frames=args.max_frames)
    bar = ProgressBar(err, label="verifying", unit="images", minimum=PROGRESS_MINIMUM) if is_terminal(err) else None
    try:
        return verify(
            args.source,
            deep=args.deep,
            assets=args.assets,
            limits=limits,
            placeholders=args.placeholder,
            progress=bar,
            encoding=args.encoding,
            jobs=args.jobs,
            executor=executor_of(args),
        )
    finally:
        if bar is not None:
            bar.close()


def _fix(args: argparse.Namespace, report: Report, out: TextIO, err: TextIO) -> Report:
    """Fix, say what changed, and verify again so the table shows the state after fixing."""
    from ..verify import fix_assets  # only --fix needs it (and what it imports)

    fetcher: Fetcher | None = default_fetcher() if args.fetch else None
    result = fix_assets(
        report, image_folder=args.image_folder, fetcher=fetcher, dry_run=args.dry_run
    )
    verb = "would change" if args.dry_run else "changed"
    print(f"--fix {verb} {len(result.changes)} thing(s):", file=out)
    for change in result.changes:
        print(f"  {change}", file=out)
    for failure in result.failures:
        print(failure, file=err)
    if result.backup:
        print(f"originals of rewritten posts: {result.backup}", file=out)
    print(file=out)
    if args.dry_run or not result.changes:
        return report
    return _verify(args, err)


def default_fetcher() -> Fetcher:
    """The fetcher ``--fetch`` uses (tests replace this function)."""
    from ..verify import UrlFetcher

    return UrlFetcher()


def _write_report(target: str, report: Report, out: TextIO) -> None:
    """Write the JSON report a piece at a time (a large site's report is never one string)."""
    if target == "-":
        out.writelines(json_pieces(report))
    else:
        with open(target, "w", encoding="utf-8") as file:
            file.writelines(json_pieces(report))
