"""``wxmigrate repair SRC --out DST``: repair every post of a site, explaining each change."""

from __future__ import annotations

import argparse
import difflib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..config import ConfigFile
from ..emit import ENGINES
from ..emit.metadata import PLACEMENTS
from ..errors import ConfigError, WxMigrateError, one_line
from ..migrate import FORMATS, PostResult, RunResult, repair_site
from ..parse.dialects import DIALECTS
from ..rules import ORDER, RULES
from ..site import root_of
from ..verify import verify
from .encoding import add_encoding_argument
from .jobs import add_jobs_argument, executor_of
from .progress import ProgressBar, is_terminal
from .settings import (
    Settings, add_config_arguments, from_files, read_config, resolve, settings_of, show, warn_shadowed
)

if TYPE_CHECKING:  # imported by a run with --review only (:func:`_review`)
    from ..review import Review


EXIT_CODES = """exit codes:
  0  every post repaired, nothing left to fix (--check: no post would change)
  1  repaired, with problems left (an image not found, a post that could not be read);
     --check: some post would change, or could not be read or repaired
  2  usage error (a bad configuration file too) or fatal error, or every post failed
     (nothing was written)"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXIT_CODES + "\n\nrules, in the order they run:\n" + "\n".join(
        f"  {name:36} {RULES[name].summary}" for name in ORDER
    )
    parser.add_argument("source", metavar="SRC", help="site root (with _posts/), folder of posts, or a post file")
    parser.add_argument(
        "more_sources", metavar="SRC", nargs="*",
        help="more post files or folders, with --in-place or --check (a pre-commit hook passes post files)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", metavar="DST", help="write the repaired site here (SRC is not touched)")
    where.add_argument("--in-place", action="store_true", help="rewrite SRC (changed files are backed up first)")
    where.add_argument(
        "--check", action="store_true",
        help="repair and write nothing: print 'would repair PATH' for each post --in-place would "
        "change, and exit 1 if there is one",
    )
    parser.add_argument(
        "--engine", choices=sorted(ENGINES), metavar="NAME",
        help="lay the posts out for this engine: " + ", ".join(sorted(ENGINES))
        + " (default: keep SRC's own engine and layout; see docs/engines.md)",
    )
    parser.add_argument(
        "--metadata", choices=PLACEMENTS, metavar="WHERE",
        help="where the repost note, account and source cards, provenance and credits go: "
        "keep (as in SRC), body (as Markdown), front (front-matter fields), both "
        "(default: keep for jekyll and plain, both for the others)",
    )
    parser.add_argument("--format", choices=FORMATS, default="markdown", help="write Markdown (default) or HTML")
    parser.add_argument(
        "--standalone", action=argparse.BooleanOptionalAction, help="with --format html: whole pages, not fragments"
    )
    parser.add_argument("--assets", action="append", default=[], metavar="DIR", help="another folder to find images in")
    parser.add_argument(
        "--dry-run", action="store_true", help="write nothing; list every file that would be written or copied"
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff of every post")
    parser.add_argument("--explain", action="store_true", help="print every change: file:line: rule: before -> after")
    parser.add_argument("--report", metavar="FILE", help="write a JSON report to FILE ('-' for standard output)")
    parser.add_argument(
        "--keep-title-heading", action=argparse.BooleanOptionalAction, help="keep the H1 that repeats the title"
    )
    parser.add_argument(
        "--strip-boilerplate", action=argparse.BooleanOptionalAction,
        help="remove WeChat UI cruft and the account footer",
    )
    parser.add_argument("--disable", action="append", default=[], metavar="RULE", help="do not run RULE (repeatable)")
    parser.add_argument(
        "--dialect", choices=DIALECTS, help="the exporter that wrote the posts (default: detected per post)"
    )
    parser.add_argument(
        "--fix-assets",
        action=argparse.BooleanOptionalAction,
        help="then verify the written images and fix what can be fixed (true extensions, relinks)",
    )
    parser.add_argument(
        "--review", metavar="DIR", help="also write an HTML review of the run into DIR (DIR/index.html)"
    )
    parser.add_argument(
        "--resume", action=argparse.BooleanOptionalAction, default=True,
        help="with --out: skip the posts an earlier run wrote that would come out the same, kept in "
        "DST/.wxmigrate/done.sqlite (default: on; --no-resume repairs every post)",
    )
    parser.add_argument("--quiet", action="store_true", help="no summary on standard error")
    add_jobs_argument(parser)
    add_encoding_argument(parser)
    add_config_arguments(parser, "repair", items={"disable": ORDER})


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    sources = [args.source, *args.more_sources]
    problem = _usage_problem(args, sources)
    if problem:
        print(f"wxmigrate repair: {problem}", file=err)
        return 2
    try:
        runs = _runs(args, sources)
    except WxMigrateError as error:
        print(f"wxmigrate repair: {error}", file=err)
        return 2
    for settings, source, _posts in runs:
        if not args.quiet:
            warn_shadowed(settings, "repair", err)
        if args.show_config:
            out.write(f"# wxmigrate repair {source}\n" + show(settings))
    if args.show_config:
        return 0
    codes = [_repair(settings.applied(args), source, posts, out, err) for settings, source, posts in runs]
    return combined_exit_code(codes)


def _usage_problem(args: argparse.Namespace, sources: list[str]) -> str | None:
    """What is wrong with the command line before any work (None: nothing)."""
    if not (args.out or args.in_place or args.check or args.show_config):
        return "one of --out DST, --in-place or --check is needed"
    if args.out and len(sources) > 1:
        return "several SRC need --in-place or --check (--out takes one site)"
    if args.review and len(sources) > 1:
        return "--review takes one SRC (a review is of one site's run)"
    if args.out and Path(args.out).resolve() == Path(args.source).resolve():
        return "--out is SRC itself; use --in-place to rewrite SRC"
    return None


def _runs(args: argparse.Namespace, sources: list[str]) -> list[tuple[Settings, str, list[Path] | None]]:
    """One run per site: its settings, its source, and the posts of it given (None: all).

    One SRC is one run.  Several are post files (a pre-commit hook's): those of one site
    that share a configuration file are one run of that site; a folder is a run of its own.
    """
    if len(sources) == 1:
        return [(resolve(args, sources[0]), sources[0], None)]
    configs: dict[Path, tuple[ConfigFile | None, str]] = {}
    groups: dict[tuple[Path, Path | None], tuple[Path, dict[Path, Path], ConfigFile | None, str]] = {}
    runs: list[tuple[Settings, str, list[Path] | None]] = []
    for source in sources:
        path = Path(source)
        folder = path.parent.resolve()
        if folder not in configs:
            configs[folder] = read_config(args, path)
        if not path.is_file():  # a folder; or a missing file, which its run reports
            runs.append((settings_of(args, *configs[folder]), source, None))
            continue
        root = root_of(path)
        file, because = configs[folder]
        group = groups.setdefault((root.resolve(), file.path if file else None), (root, {}, file, because))
        group[1].setdefault(path.resolve(), path)  # a post named twice is repaired once
    for root, named, file, because in groups.values():
        posts = list(named.values())
        if any(post.is_absolute() != root.is_absolute() for post in posts):
            root, posts = root.absolute(), [post.absolute() for post in posts]
        runs.append((settings_of(args, file, because), str(root), posts))
    return runs


def combined_exit_code(codes: list[int]) -> int:
    """The exit code of several runs: 0 when all are, 2 when all are, else 1."""
    if all(code == 0 for code in codes):
        return 0
    return 2 if all(code == 2 for code in codes) else 1


def _repair(args: argparse.Namespace, source: str, posts: list[Path] | None, out: TextIO, err: TextIO) -> int:
    """One repair run of ``source`` (only ``posts`` of it, when given), reported."""
    dry_run = args.dry_run or args.check
    progress = (
        ProgressBar(err, label="repairing", unit="posts") if is_terminal(err) and not args.quiet else None
    )
    try:
        review = _review(args)
        result = repair_site(
            source,
            out=args.out,
            in_place=args.in_place or args.check,
            dry_run=dry_run,
            engine=args.engine,
            metadata=args.metadata,
            format=args.format,
            standalone=args.standalone,
            assets=args.assets,
            progress=progress,
            keep_title_heading=args.keep_title_heading,
            strip_boilerplate=args.strip_boilerplate,
            disabled=args.disable,
            dialect=args.dialect,
            encoding=args.encoding,
            jobs=args.jobs,
            executor=executor_of(args),
            on_post=_printer(args, out, review) if args.explain or args.diff or review else None,
            posts=posts,
            resume=args.resume,
        )
        if review is not None:
            review.finish(result, dry_run=dry_run)
    except ConfigError as error:  # an option's value refused, perhaps the file's
        print(f"wxmigrate repair: {error}{from_files(args)}", file=err)
        return 2
    except WxMigrateError as error:
        print(f"wxmigrate repair: {error}", file=err)
        return 2
    except OSError as error:
        print(f"wxmigrate repair: {error}", file=err)
        return 2
    finally:
        if progress is not None:
            progress.close()
    for warning in result.warnings:
        print(f"wxmigrate repair: warning: {warning}", file=err)
    for post in result.posts:
        if post.error:
            print(post.error, file=err)
        for src, line in post.unresolved:
            print(f"{post.source}:{line}: image not found: {one_line(src)}", file=err)
        for problem in post.image_problems:
            print(f"{post.source}:{problem.line}: image {one_line(problem.src)}: {problem.reason}", file=err)
        for finding in post.findings:
            if finding.code == "limit":  # a block past a parser limit, written as it stood
                print(f"{post.source}:{finding.line}: {finding.message}", file=err)
    for message in result.errors:
        print(message, file=err)
    if args.dry_run:
        for action in result.actions:
            print(f"would {action}", file=out)
    if args.check:
        for post in result.posts:
            if post.changed:
                print(f"would repair {post.source}", file=out)
    fixed_ok = True
    if args.fix_assets and not dry_run and args.format == "markdown":
        fixed_ok = _fix_assets(Path(args.out) if args.out else Path(source), result, err, quiet=args.quiet)
    if args.report:
        _write_report(result, args.report, out)
    if not args.quiet:
        print(_summary(result, args), file=err)
    if args.check:
        return check_exit_code(result)
    return result.exit_code if fixed_ok else max(result.exit_code, 1)


def check_exit_code(result: RunResult) -> int:
    """``--check``'s exit code: 2 when every post failed, 1 when a post would change or
    failed, else 0 (an image not found is reported, but is ``wxmigrate verify``'s to fail on)."""
    if result.exit_code == 2:
        return 2
    return 1 if result.failed or result.errors or any(post.changed for post in result.posts) else 0


def _review(args: argparse.Namespace) -> Review | None:
    """``--review DIR``'s review of the run (None without it); its package, with its pages'
    renderer, is imported only then."""
    if not args.review:
        return None
    from ..review import Review

    return Review(args.review, engine=args.engine)


def _printer(args: argparse.Namespace, out: TextIO, review: Review | None) -> Callable[[PostResult], None]:
    """What ``--explain`` and ``--diff`` print of each post, and its ``--review`` page, as soon as it is done."""

    def show(post: PostResult) -> None:
        if review is not None:
            review.add(post)
        if args.explain:
            for change in sorted(post.changes, key=lambda c: c.line):
                print(change.explain(), file=out)
        if args.diff and post.repaired is not None and post.repaired != post.original:
            out.writelines(
                difflib.unified_diff(
                    post.original.splitlines(keepends=True),
                    post.repaired.splitlines(keepends=True),
                    fromfile=str(post.source),
                    tofile=str(post.output or post.source),
                )
            )

    return show


def _fix_assets(site: Path, result: RunResult, err: TextIO, *, quiet: bool) -> bool:
    """Verify the images of the written site and fix what can be fixed; True when all is well."""
    from ..verify.fix import fix_assets  # with its HTTP client: only ``--fix-assets`` needs it

    folder = result.site.image_folder or None
    try:
        fixed = fix_assets(verify(site), image_folder=folder)
    except WxMigrateError as error:
        print(f"wxmigrate repair: --fix-assets: {error}", file=err)
        return False
    for change in fixed.changes:
        if not quiet:
            print(f"fix-assets: {change}", file=err)
    for failure in fixed.failures:
        print(failure, file=err)
    return not fixed.failures


def report_data(result: RunResult) -> dict[str, Any]:
    """The JSON report: per post, its changes, unresolved images and warnings."""
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in _report(result).items()}


def _report(result: RunResult) -> dict[str, Any]:
    """The report's fields, its two long lists (posts, copied images) made as they are read."""
    return {
        "source": str(result.site.root),
        "posts": (_post_data(post) for post in result.posts),
        "copied_images": ({"from": str(a), "to": str(b)} for a, b in result.copied),
        "backup": str(result.backup_folder) if result.backup_folder else None,
        "engine": result.engine,
        "relaid_out": result.relaid,
        "generated": [str(path) for path in result.generated],
        "exit_code": result.exit_code,
    }


def _post_data(post: PostResult) -> dict[str, Any]:
    return {
        "path": str(post.source),
        "output": str(post.output) if post.output else None,
        "written": post.written,
        "error": post.error,
        "changes": [{"rule": c.rule, "line": c.line, "before": c.before, "after": c.after} for c in post.changes],
        "unresolved_images": [{"src": src, "line": line} for src, line in post.unresolved],
        "image_problems": [
            {"src": p.src, "line": p.line, "reason": p.reason, "copied": p.copied} for p in post.image_problems
        ],
        "warnings": [{"code": f.code, "line": f.line, "message": f.message} for f in post.findings],
        "boilerplate": [{"kind": kind, "lines": [first, last]} for kind, first, last in post.boilerplate],
    }


def _write_report(result: RunResult, target: str, out: TextIO) -> None:
    if target == "-":
        _stream_json(_report(result), out)
    else:
        with open(target, "w", encoding="utf-8") as stream:
            _stream_json(_report(result), stream)


def _stream_json(data: dict[str, Any], out: TextIO) -> None:
    """Write ``data`` as ``json.dumps(data, ensure_ascii=False, indent=2)`` would, plus a
    newline, one list item at a time (a report of 100,000 posts is never one string)."""

    def dumped(value: Any, level: int) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)

    out.write("{")
    for number, (key, value) in enumerate(data.items()):
        out.write(("," if number else "") + "\n  " + json.dumps(key, ensure_ascii=False) + ": ")
        if not isinstance(value, Iterator):
            out.write(dumped(value, 1))
            continue
        opened = False
        for item in value:
            out.write(("," if opened else "[") + "\n    " + dumped(item, 2))
            opened = True
        out.write("\n  ]" if opened else "[]")
    out.write("\n}\n")


def _summary(result: RunResult, args: argparse.Namespace) -> str:
    # One pass over the posts, which are read back from disk (a pass per figure cost a
    # run of 10,000 posts seconds at its end, in one process however many --jobs).
    posts = changed = changes = missing = refused = 0
    written = False
    failed: list[PostResult] = []
    for post in result.posts:
        posts += 1
        changed += post.changed
        changes += len(post.changes)
        missing += len(post.unresolved)
        refused += len(post.image_problems)
        written = written or post.written
        if post.error:
            failed.append(post)
    dry_run = args.dry_run or args.check
    verb = "would change" if dry_run else "changed"
    parts = [f"{posts} post(s): {changed} {verb} ({changes} changes)"]
    if not dry_run:
        parts.append(f"{len(result.copied)} image(s) copied")
    if result.relaid:
        parts.append(f"laid out for {result.engine}")
    if result.generated:
        parts.append(f"minimal {result.engine} site generated ({len(result.generated)} files)")
    if missing:
        parts.append(f"{missing} image(s) not found")
    if refused:
        parts.append(f"{refused} image(s) not used as they are")
    if failed:
        parts.append(f"{len(failed)} post(s) failed")
    if result.backup_folder and written:
        parts.append(f"backup in {result.backup_folder}")
    failures = "".join(f"\n  failed: {post.source}" for post in failed)
    return "wxmigrate repair: " + ", ".join(parts) + failures
