"""The site's walk finds exactly what ``os.walk`` and a ``realpath`` per file found.

:func:`wxmigrate.site.discover` lists every image file once (a site holds hundreds of
thousands) from ``os.scandir`` entries and resolves only links: a plain file found by a
walk that follows no link stays inside the site.  These tests compare it, on trees of
plain files, hidden and ignored folders, links inside, outside, dangling and looping,
and names in NFD, with the way it was done before: :func:`os.walk` and
:func:`~wxmigrate.site.outside_link` for every file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxmigrate.site import IGNORED, IMAGE_SUFFIXES, discover, file_key, outside_link, walk_files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="symlinks and FIFOs as POSIX makes them")

_NAMES = st.sampled_from(["a", "B", "café", unicodedata.normalize("NFD", "café"), ".hidden", "_site", "exports"])
_FILES = st.sampled_from(["x.png", "Y.JPG", "z.md", "é.gif", unicodedata.normalize("NFD", "é.gif"), ".h.png"])
_FOLDERS = st.lists(_NAMES, min_size=0, max_size=3).map(lambda parts: "/".join(parts))
_ENTRY = st.tuples(
    st.sampled_from(["file", "file", "file", "link-in", "link-out", "dangling", "loop", "folder-link", "fifo"]),
    _FOLDERS,
    _FILES,
)


def _reference_walk(folder: Path, skip: list[Path]) -> Iterator[Path]:
    """:func:`wxmigrate.site.walk_files` as it was: :func:`os.walk`."""
    skipped = {os.fspath(p.resolve()) for p in skip}
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(
            name for name in folders
            if name not in IGNORED and not name.startswith(".")
            and (not skipped or os.fspath(Path(current, name).resolve()) not in skipped)
        )
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(current, name)


def _reference_images(folder: Path, skip: list[Path]) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """The image index and the refused names as they were: ``outside_link`` for every file."""
    images: dict[str, list[Path]] = {}
    refused: dict[str, str] = {}
    for image in _reference_walk(folder, skip):
        if not image.name.lower().endswith(IMAGE_SUFFIXES):
            continue
        problem = outside_link(image, folder)
        if problem is None:
            images.setdefault(file_key(image.name), []).append(image)
        else:
            refused.setdefault(file_key(image.name), f"{image} {problem}")
    return images, refused


def _build(root: Path, outside: Path, entries: list[tuple[str, str, str]]) -> None:
    (outside / "far.png").write_bytes(b"far")
    (root / "_posts").mkdir(parents=True)
    (root / "_posts" / "2020-01-01-p.md").write_text("![](/a/x.png)\n", encoding="utf-8")
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    for kind, folder, name in entries:
        where = root / folder
        if where.is_symlink() or (where.exists() and not where.is_dir()):
            continue  # a file of that name came first
        where.mkdir(parents=True, exist_ok=True)
        path = where / name
        if path.exists() or path.is_symlink():
            continue
        if kind == "file":
            path.write_bytes(name.encode())
        elif kind == "link-in":
            path.symlink_to(root / "_config.yml")
        elif kind == "link-out":
            path.symlink_to(outside / "far.png")
        elif kind == "dangling":
            path.symlink_to(root / "nowhere.png")
        elif kind == "loop":
            path.symlink_to(path)
        elif kind == "folder-link":
            path.symlink_to(outside, target_is_directory=True)
        else:
            os.mkfifo(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(_ENTRY, max_size=14), skip_a=st.booleans(), assets=st.booleans())
def test_discover_finds_what_a_realpath_per_file_found(
    entries: list[tuple[str, str, str]], skip_a: bool, assets: bool
) -> None:
    base = Path(tempfile.mkdtemp())
    try:
        root, outside = base / "site", base / "outside"
        outside.mkdir()
        _build(root, outside, entries)
        skip = [root / "a"] if skip_a else []
        site = discover(root, skip=skip, assets=[outside] if assets else [])

        images, refused = _reference_images(root, skip)
        if assets:
            more, more_refused = _reference_images(outside, [])
            for key, files in more.items():
                images.setdefault(key, []).extend(files)
            for key, why in more_refused.items():
                refused.setdefault(key, why)
        assert {key: list(files) for key, files in site.images.items()} == images
        assert list(site.images) == list(images)  # the same order: the first found is preferred
        assert dict(site.refused) == refused
        assert list(walk_files(root, skip=skip)) == list(_reference_walk(root, skip))
    finally:
        shutil.rmtree(base)


def test_a_folder_that_cannot_be_listed_is_passed_over_as_os_walk_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.png").write_bytes(b"x")
    (tmp_path / "c.png").write_bytes(b"c")
    scandir = os.scandir

    def refusing(path: str) -> Iterator[os.DirEntry[str]]:  # as a folder without read permission
        if os.path.basename(path) == "a":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert list(walk_files(tmp_path)) == list(_reference_walk(tmp_path, [])) == [tmp_path / "c.png"]
