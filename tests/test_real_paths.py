"""``migrate.RealPaths`` resolves a path as ``os.path.realpath`` does.

It remembers each folder's real path and joins a path's name to it unless that
name is a symbolic link; here every path of a tree with links of every kind
(to a folder, to a file, dangling, a loop, through ``..``) is resolved both ways.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxmigrate.migrate import RealPaths

_PARTS = ["a", "b", "file.png", "to-a", "to-file", "dangling", "loop", "up", ".", "..", "missing"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding folders, a file and symbolic links of every kind."""
    root = tmp_path_factory.mktemp("real")
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "file.png").write_bytes(b"x")
    (root / "a" / "file.png").write_bytes(b"y")
    (root / "to-a").symlink_to(root / "a")
    (root / "a" / "to-file").symlink_to("b/file.png")
    (root / "a" / "b" / "to-a").symlink_to("..")
    (root / "dangling").symlink_to(root / "nowhere" / "file.png")
    (root / "loop").symlink_to("loop")
    (root / "a" / "up").symlink_to("../a/b")
    return root


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=300)
@given(st.lists(st.sampled_from(_PARTS), min_size=1, max_size=5))
def test_real_paths_are_what_realpath_gives(tree: Path, parts: list[str]) -> None:
    """Asked twice (the second time from what it remembers), it answers what ``realpath`` does."""
    real = RealPaths()
    path = tree.joinpath(*parts)
    assert real.of(path) == os.path.realpath(path)
    assert real.of(path) == os.path.realpath(path)
    assert real.of(path.parent / "file.png") == os.path.realpath(path.parent / "file.png")


def test_a_folder_made_after_it_was_asked_about_resolves_alike(tmp_path: Path) -> None:
    """A folder a run makes later (a real folder, as runs make) leaves the remembered answer true."""
    real = RealPaths()
    path = tmp_path / "out" / "assets" / "a.png"
    before = real.of(path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"z")
    assert before == real.of(path) == os.path.realpath(path)
