"""Repair what verification found, on request: relink, copy in, give true extensions, download.

:func:`fix_assets` is the one entry point (``wxmigrate verify --fix``, and
``wxmigrate repair --fix-assets``).  It never deletes or overwrites an
image: a mislabelled file is *copied* to its true name, an export-folder
image is *copied* into the site's image folder, and the originals stay (the
next verification lists them as orphans).  Posts are rewritten only where a
reference changes, after a backup (see :mod:`.relink`).
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import quote

import attrs

from ..emit import get_engine
from ..errors import WxMigrateError, one_line
from ..lock import folder_lock, terminate_raises
from ..write import atomic_write, copy_file, digest
from .check import check_bytes
from .fetch import Fetcher, FetchError, file_name, remote_url
from .formats import TRUE_EXTENSIONS
from .hotlinks import recognise
from .placeholders import KNOWN_PLACEHOLDERS
from .relink import Edit, rewrite_post
from .report import ImageResult, Report

Action = Literal["copy", "extension", "fetch", "relink"]

#: Where backups of rewritten posts go, below the site root.
BACKUP_FOLDER = ".wxmigrate-backup"


@attrs.frozen
class AssetChange:
    """One thing :func:`fix_assets` did (or, with ``dry_run``, would do)."""

    action: Action
    #: The post and line for ``relink``; the image's new path for the others.
    where: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.where}: {self.action}: {one_line(self.before)} -> {self.after}"


@attrs.frozen
class FixResult:
    """What :func:`fix_assets` changed and what it could not do."""

    changes: tuple[AssetChange, ...] = ()
    #: One ``path:line: …`` message per failure.
    failures: tuple[str, ...] = ()
    #: Where the originals of rewritten posts were copied, or None when no post changed.
    backup: str | None = None


def fix_assets(
    report: Report,
    *,
    image_folder: str | Path | None = None,
    fetcher: Fetcher | None = None,
    dry_run: bool = False,
) -> FixResult:
    """Fix what ``report`` (from :func:`~wxmigrate.verify.verify`) found, and relink posts.

    - a reference that reaches its file only by name is relinked to it, and
      the file is first copied into the site's image folder when it lies in an
      export or ``--assets`` folder;
    - a ``mismatched`` file is copied to its name with its true extension;
    - with a ``fetcher``, ``remote`` images are downloaded into the image folder.

    ``image_folder`` (relative to the site root) defaults to the report's most
    used image folder.  Failures are collected, not raised.
    """
    fixer = _Fixer(report, image_folder, fetcher, dry_run)
    if dry_run:
        return _fix_all(fixer, report)
    with terminate_raises(), folder_lock(Path(report.root)):  # it rewrites posts: one run at a time
        return _fix_all(fixer, report)


def _fix_all(fixer: _Fixer, report: Report) -> FixResult:
    for result in report.images:
        try:
            fixer.fix(result)
        except WxMigrateError as error:
            fixer.failures.append(f"{result.post}:{result.line}: {error.detail}")
        except OSError as error:
            fixer.failures.append(f"{result.post}:{result.line}: {error.strerror or error}")
    return fixer.finish()


class _Fixer:
    def __init__(
        self, report: Report, folder: str | Path | None, fetcher: Fetcher | None, dry_run: bool
    ) -> None:
        self.root = Path(report.root)
        default = (
            report.image_folders[0] if report.image_folders else get_engine("jekyll").images_folder
        )
        self.folder = self.root / (folder if folder is not None else default)
        self.sites_folders = {self.root / name for name in report.image_folders} | {self.folder}
        self.fetcher = fetcher
        self.dry_run = dry_run
        self.changes: list[AssetChange] = []
        self.failures: list[str] = []
        self.edits: dict[str, list[Edit]] = {}
        self.placed: dict[tuple[Path, str], Path] = {}
        self.fetched: dict[str, Path] = {}

    def fix(self, result: ImageResult) -> None:
        if result.status == "remote":
            if self.fetcher is not None:
                self._fetch(result)
            return
        if result.path is None or result.status not in ("ok", "mismatched"):
            return  # a damaged file needs a good copy, which only a person can find
        source = self._absolute(result.path)
        name = source.name
        if result.status == "mismatched" and result.format in TRUE_EXTENSIONS:
            name = f"{PurePosixPath(name).stem}.{TRUE_EXTENSIONS[result.format]}"
        in_image_folder = source.parent in self.sites_folders
        if name == source.name and in_image_folder and not result.by_name:
            return
        target = (
            source if name == source.name and in_image_folder else self._place(result, source, name)
        )
        self._relink(result, target)

    def _absolute(self, path: str) -> Path:
        return Path(path) if Path(path).is_absolute() else self.root / path

    def _place(self, result: ImageResult, source: Path, name: str) -> Path:
        """Copy ``source`` as ``name`` into its image folder (or the site's); never overwrite."""
        folder = source.parent if source.parent in self.sites_folders else self.folder
        key = (source, name)
        if key not in self.placed:
            target = _free_name(folder, name, result.sha256)
            if not target.exists():
                action: Action = "extension" if name != source.name else "copy"
                self.changes.append(
                    AssetChange(
                        action,
                        self._relative(target),
                        self._relative(source),
                        self._relative(target),
                    )
                )
                if not self.dry_run:
                    copy_file(source, target)
            self.placed[key] = target
        return self.placed[key]

    def _fetch(self, result: ImageResult) -> None:
        url = remote_url(result.src)
        if url is None:
            return
        if url not in self.fetched:
            self.fetched[url] = self._download(url)
        self._relink(result, self.fetched[url])

    def _download(self, url: str) -> Path:
        """Fetch ``url`` and save it in the image folder under its id and true extension."""
        assert self.fetcher is not None
        data = self.fetcher.fetch(url)
        checked = check_bytes(data)
        if checked.status != "ok" or checked.format is None:
            raise FetchError(url, f"the download is {checked.status} ({checked.detail}); not saved")
        stand_in = KNOWN_PLACEHOLDERS.get(checked.sha256 or "")
        if stand_in is not None:
            raise FetchError(url, f"the server sent a stand-in ({stand_in}); not saved")
        hotlink = recognise(url)
        origin = hotlink.origin if hotlink is not None else url  # a proxied picture is named by its own address
        target = _free_name(self.folder, file_name(origin, checked.format), checked.sha256)
        if not target.exists():
            self.changes.append(
                AssetChange("fetch", self._relative(target), url, self._relative(target))
            )
            if not self.dry_run:
                atomic_write(target, data)
        return target

    def _relink(self, result: ImageResult, target: Path) -> None:
        new = self._link(result, self._relative(target))
        if new == result.src:
            return
        self.edits.setdefault(result.post, []).append(Edit(result.line, result.src, new))
        self.changes.append(AssetChange("relink", f"{result.post}:{result.line}", result.src, new))

    def _link(self, result: ImageResult, path: str) -> str:
        """How the post should write ``path``: Liquid's base URL in a Jekyll body, else root-relative."""
        if result.key is not None:
            return path  # themes join front-matter images to the base URL themselves
        url = quote(path, safe="/!$&'*+,;=:@~") if any(c in path for c in " ()<>") else path
        prefix = _base_url(
            self._post_text(result.post), jekyll=(self.root / "_config.yml").is_file()
        )
        return f"{prefix}/{url}"

    def _post_text(self, post: str) -> str:
        try:
            return (self.root / post).read_text("utf-8", errors="replace")
        except OSError:
            return ""

    def _relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def finish(self) -> FixResult:
        backup = self.root / BACKUP_FOLDER / _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        changed = False
        if not self.dry_run:
            for post, edits in self.edits.items():
                try:
                    not_found = rewrite_post(
                        self.root / post, edits, backup_folder=backup, root=self.root
                    )
                except WxMigrateError as error:
                    self.failures.append(str(error))
                    continue
                except OSError as error:
                    self.failures.append(f"{post}:0: cannot rewrite: {error.strerror or error}")
                    continue
                changed = changed or len(not_found) < len(edits)
                self.failures.extend(
                    f"{post}:{edit.line}: reference not found in the file; left as it is"
                    for edit in not_found
                )
        return FixResult(
            tuple(self.changes), tuple(self.failures), str(backup) if changed else None
        )


def _base_url(text: str, *, jekyll: bool) -> str:
    for spelling in ("{{site.baseurl}}", "{{ site.baseurl }}"):
        if spelling in text:
            return spelling
    return "{{ site.baseurl }}" if jekyll else ""


def _free_name(folder: Path, name: str, sha256: str | None) -> Path:
    """``folder/name``, or ``name-2``, ``name-3``… when a file with other bytes has it."""
    stem, suffix = os.path.splitext(name)
    candidate, number = folder / name, 1
    while candidate.exists() and (sha256 is None or digest(candidate) != sha256):
        number += 1
        candidate = folder / f"{stem}-{number}{suffix}"
    return candidate
