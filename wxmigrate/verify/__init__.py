"""Verify every image a site's posts use: find it, decode it, check it.

>>> from wxmigrate.verify import verify
>>> report = verify("path/to/site")              # doctest: +SKIP
>>> report.counts()                               # doctest: +SKIP
{'ok': 50, 'missing': 2, 'mismatched': 2, 'remote': 1}

:func:`verify` reads the posts (:mod:`.references`), resolves each image
reference (:mod:`.resolve`), checks each local file once with Pillow
(:mod:`.check`) and returns a :class:`~.report.Report`; :func:`fix_assets`
repairs what can be repaired (:mod:`.fix`).  Nothing here writes to the site
except :func:`fix_assets`.

What only ``--fix`` needs (:mod:`.fix`, and :mod:`.fetch` with its HTTP client) is
imported on first use (PEP 562): a verification run never loads it; nor does a run in
one process load :mod:`.parallel` and :mod:`multiprocessing`.
"""

from __future__ import annotations

import functools
import importlib
import operator
import os
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ..errors import boundary
from ..read import check_encoding
from ..write import digest
from .check import (
    DEFAULT_LIMITS,
    FileCheck,
    Limits,
    check_bytes,
    check_file,
    pillow_limits,
)
from .checked import CheckedFiles
from .formats import declared_format
from .hotlinks import Hotlink, recognise
from .placeholders import KNOWN_PLACEHOLDERS, is_placeholder, placeholder_hashes
from .posts import gather, read_post
from .references import Reference
from .report import (
    PLACEHOLDER,
    STATUSES,
    Duplicate,
    ImageResult,
    Report,
    Status,
    to_data,
    to_json,
    to_table,
)
from .resolve import REMEMBERED, DirectResolver, Resolution, clean, remember, resolve_all
from .site import Site, find_site
from .spill import Spilled

if TYPE_CHECKING:
    from ..pool import Pool as WorkerPool
    from .fetch import Fetcher, FetchError, UrlFetcher
    from .parallel import Checking
    from .fix import AssetChange, FixResult, fix_assets

#: The names of fixing, and the module each is imported from on first use.
_FIXING = {
    "AssetChange": ".fix",
    "FixResult": ".fix",
    "fix_assets": ".fix",
    "Fetcher": ".fetch",
    "FetchError": ".fetch",
    "UrlFetcher": ".fetch",
}


def __getattr__(name: str) -> object:
    """A name of :data:`_FIXING`, imported now (PEP 562)."""
    if name not in _FIXING:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_FIXING[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, those not imported yet included."""
    return sorted({*globals(), *__all__})


#: Called after each reference with (done, total).
Progress = Callable[[int, int], None]


@boundary(lambda site, *_, **__: site)
def verify(
    site: str | Path,
    *,
    deep: bool = False,
    assets: Iterable[str | Path] = (),
    limits: Limits = DEFAULT_LIMITS,
    placeholders: Iterable[str | Path] = (),
    progress: Progress | None = None,
    encoding: str | None = None,
    jobs: int = 1,
    executor: Callable[[Checking, int], WorkerPool[Checking]] | None = None,
) -> Report:
    """Verify every image reference of every post of ``site`` (a site folder or one post).

    ``deep`` decodes every frame of every image; ``assets`` are more folders to
    find images in by name; ``placeholders`` adds stand-in images (hashes,
    files or folders) to :data:`KNOWN_PLACEHOLDERS`; ``encoding`` is the posts'
    encoding (default: detected, see :func:`wxmigrate.read.decode`); ``jobs`` worker
    processes read the posts and check the files (0: one per core; the report is the same), or
    ``jobs`` workers of ``executor`` (:func:`wxmigrate.distributed.dask_executor`).  Raises
    :class:`~wxmigrate.errors.ReadError` when ``site`` or an assets folder does
    not exist; a post that cannot be read is listed in ``Report.errors``.
    """
    if encoding is not None:
        check_encoding(encoding)  # an unknown name fails before any work
    layout = find_site(site, assets=assets)
    checks = CheckedFiles()
    if jobs == 1 and executor is None:
        resolver = DirectResolver(layout)
        refs, direct, errors = gather(read_post(path, layout.root, encoding, resolver) for path in layout.posts)
        resolved, folders = resolve_all(layout, refs, direct)
        known = placeholder_hashes(placeholders)
        windows = _checked(resolved, checks, deep=deep, limits=limits, progress=progress, total=len(refs))
        # No progress to tell while the results are made: it was told as the files were checked.
        results = _results(layout, refs, windows, checks, known, deep=deep, limits=limits)
    else:
        from .parallel import Checking, Pool, Streamed  # worker processes: only for --jobs

        with Pool(Checking(layout.root, encoding, deep, limits), jobs, executor) as pool:
            refs, direct, errors = gather(pool.read(layout.posts))
            resolved, folders = resolve_all(layout, refs, direct)
            streamed = Streamed(resolved, checks, pool.check)
            known = placeholder_hashes(placeholders)
            results = _results(
                layout, refs, streamed, checks, known, deep=deep, limits=limits, progress=progress, keep=streamed.keep
            )
            streamed.finish()
    read = len(layout.posts) - len(errors)
    orphans = _orphans(folders, used=checks)
    return Report(
        root=str(layout.root),
        images=results,
        orphans=tuple(layout.relative(path) for path in orphans),
        duplicates=_duplicates(layout, checks, orphans),
        image_folders=tuple(layout.relative(folder) for folder in folders),
        errors=tuple(errors),
        posts_read=read,
    )


def _results(
    layout: Site,
    refs: Sequence[Reference],
    resolutions: Iterable[Resolution],
    checks: CheckedFiles,
    known: dict[str, str],
    *,
    deep: bool,
    limits: Limits,
    progress: Progress | None = None,
    keep: Callable[[str], None] | None = None,
) -> Spilled[ImageResult]:
    """Each reference's result, in order (``progress`` told after each).

    ``keep``: called with the path of each local file before its reference's result is
    made, to keep its check if it is still on its way (:meth:`.parallel.Streamed.keep`):
    the results are made while the workers go on checking the files after.
    """
    results: Spilled[ImageResult] = Spilled(_ROW, ImageResult)
    shown = _Relative(layout)
    with pillow_limits(limits):
        for done, (ref, found) in enumerate(zip(refs, resolutions), start=1):
            if keep is not None and found.kind == "local" and found.path is not None:
                keep(found.path)
            results.append(_result(shown, ref, found, checks, known, deep=deep, limits=limits))
            if progress is not None:
                progress(done, len(refs))
    return results


#: Resolutions whose files one process checks together, before their results are made.
WINDOW = 1_024


def _checked(
    resolved: Iterable[Resolution],
    checks: CheckedFiles,
    *,
    deep: bool,
    limits: Limits,
    progress: Progress | None,
    total: int,
) -> Iterator[Resolution]:
    """The resolutions in order, given a window of :data:`WINDOW` at a time once the files
    of the window are checked (:func:`_check_files`): the results of a window then find
    its checks among those :class:`.checked.CheckedFiles` holds in memory, and no more than
    a window of resolutions is ever held."""
    window: list[Resolution] = []
    done = 0
    for found in resolved:
        window.append(found)
        if len(window) == WINDOW:
            _check_files(window, checks, deep=deep, limits=limits, progress=progress, done=done, total=total)
            done += len(window)
            yield from window
            window = []
    _check_files(window, checks, deep=deep, limits=limits, progress=progress, done=done, total=total)
    yield from window


def _check_files(
    resolutions: Sequence[Resolution],
    checks: CheckedFiles,
    *,
    deep: bool,
    limits: Limits,
    progress: Progress | None,
    done: int,
    total: int,
) -> None:
    """Check each local file the first reference to it leads to, with the format that
    reference declares (as :class:`.parallel.Streamed` sends them to the workers of
    ``--jobs``); ``done`` references came before these.

    The files are checked in a loop of their own, before any of their results is made:
    decoding thousands of images one after the other, with nothing between them but the
    next resolution, made a whole ``verify --deep`` of the benchmark's site about 4 % faster
    than making each reference's result between two checks."""
    with pillow_limits(limits):
        for number, found in enumerate(resolutions, start=done + 1):
            if found.kind == "local" and found.path is not None and found.path not in checks:
                checks.add(found.path, check_file(found.path, declared=found.declared, deep=deep, limits=limits))
            if progress is not None:
                progress(number, total)


class _Relative:
    """Paths as a report shows them (:meth:`Site.relative`), each worked out once: a report
    names one post or file many times, and each name is then one string in memory."""

    def __init__(self, site: Site) -> None:
        self._site = site
        self._shown: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        shown = self._shown.get(path)
        if shown is None:
            shown = remember(self._shown, path, self._site.relative(path))
        return shown


#: An :class:`ImageResult` as the plain values it is made from, in order.
_ROW = operator.attrgetter(*(field.name for field in attrs.fields(ImageResult)))


def _result(
    shown: _Relative,
    ref: Reference,
    found: Resolution,
    checks: CheckedFiles,
    known: dict[str, str],
    *,
    deep: bool,
    limits: Limits,
) -> ImageResult:
    if found.kind not in ("local", "inline"):
        return _unchecked(shown(ref.post), ref, found)
    path: str | None = None
    checked: FileCheck | None
    if found.kind == "inline":
        checked = check_bytes(found.data or b"", declared=found.declared, deep=deep, limits=limits)
    else:
        assert found.path is not None
        checked = checks.get(found.path)
        if checked is None:
            checked = check_file(found.path, declared=found.declared, deep=deep, limits=limits)
            checks.add(found.path, checked)
        path = shown(found.path)
    placeholder = known.get(checked.sha256 or "")
    return ImageResult(
        post=shown(ref.post),
        line=ref.line,
        src=ref.src,
        path=path,
        status=checked.status,
        format=checked.format,
        width=checked.width,
        height=checked.height,
        frames=checked.frames,
        bytes=checked.bytes,
        sha256=checked.sha256,
        note=None if placeholder is None else PLACEHOLDER,
        detail=checked.detail if placeholder is None else placeholder,
        key=ref.key,
        by_name=found.by_name,
    )


def _unchecked(post: str, ref: Reference, found: Resolution) -> ImageResult:
    """The result of a reference that leads to no bytes to check: remote, unsafe or missing."""
    status: Status = "unsafe" if found.kind == "unsafe" else "missing"
    fmt = note = None
    detail = found.detail
    if found.kind == "remote":
        status = "remote"
        fmt, note, detail = _remote_facts(ref.src, found.detail)
    # One result made at once, not evolved from another: a site has thousands of these.
    return ImageResult(
        post=post,
        line=ref.line,
        src=ref.src,
        path=None,
        status=status,
        format=fmt,
        note=note,
        detail=detail,
        key=ref.key,
        by_name=found.by_name,
    )


@functools.lru_cache(maxsize=REMEMBERED)
def _remote_facts(src: str, why: str) -> tuple[str | None, str | None, str]:
    """The format, note and detail of a remote reference's result, from its source and its
    resolution's detail (``why``) alone: worked out once for each, since the same addresses
    (an account's avatar, its banners) come back post after post."""
    if is_placeholder(src):
        detail = "WeChat's lazy-loading stand-in, its SVG resolved against the article's address (repair drops it)"
        return None, PLACEHOLDER, detail
    hotlink = recognise(clean(src))
    if hotlink is None:
        return None, None, why
    return hotlink.format, hotlink.kind, hotlink.describe() + (f"; {why}" if why else "")


def _orphans(folders: Sequence[Path], *, used: Container[str]) -> list[Path]:
    """Image files directly in the image folders that no reference led to, each folder's
    in the order of their names (only the orphans are sorted: a folder may hold hundreds of
    thousands of files, which the run must not hold at once)."""
    orphans: list[Path] = []
    for folder in folders:
        found: list[str] = []
        with os.scandir(folder) as entries:
            for entry in entries:
                visible = not entry.name.startswith(".") and _is_file(entry)
                if not visible or not declared_format(entry.name) or entry.path in used:
                    continue
                # Used files are stored resolved: only a path not found as it is needs resolving.
                if os.path.realpath(entry.path) not in used:
                    found.append(entry.name)
        orphans.extend(folder / name for name in sorted(found))
    return orphans


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a file (through symlinks); False for a symlink loop."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _duplicates(
    site: Site, checks: CheckedFiles, orphans: Sequence[Path]
) -> tuple[Duplicate, ...]:
    """The files, checked or orphans, that share their bytes with another, by hash."""
    for orphan in orphans:
        checks.add_unused(str(orphan), _sha256(orphan))
    return tuple(
        Duplicate(sha, tuple(sorted(site.relative(path) for path in paths))) for sha, paths in checks.shared()
    )


def _sha256(path: Path) -> str | None:
    try:
        return digest(path)
    except OSError:
        return None


__all__ = [
    "DEFAULT_LIMITS",
    "KNOWN_PLACEHOLDERS",
    "PLACEHOLDER",
    "STATUSES",
    "AssetChange",
    "Duplicate",
    "FetchError",
    "Fetcher",
    "FileCheck",
    "FixResult",
    "Hotlink",
    "ImageResult",
    "Limits",
    "Progress",
    "Report",
    "Site",
    "Status",
    "UrlFetcher",
    "check_bytes",
    "check_file",
    "find_site",
    "fix_assets",
    "placeholder_hashes",
    "recognise",
    "to_data",
    "to_json",
    "to_table",
    "verify",
]
