"""What the benchmark (benchmarks/bench.py) prints from its figures, and its peers' reading of
damaged files.  No timing here: the benchmark itself is run by hand."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from .helpers import benchmark_module
from .test_verify_sites import image_bytes

pytest.importorskip("hypothesis", reason="the benchmark's site is drawn from wxmigrate.testing")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return benchmark_module("bench")


def _result(bench: ModuleType, key: str, seconds: float, count: int = 1000) -> object:
    task = bench.Task(key, key, [], "images", count, 100)
    return bench.Result(task, seconds, [seconds], 10.0, [0])


def test_the_hash_floor_note_gives_both_ratios(bench: ModuleType) -> None:
    run = bench.Run({})
    run.results = [
        _result(bench, "verify", 4.0),
        _result(bench, "pillow-open-hash", 1.0),
        _result(bench, "pillow-open", 0.25),
    ]
    note = bench.hash_floor_note(run)
    assert note is not None
    assert "runs at 0.25× Pillow `Image.open` alone" in note
    assert "`wxmigrate verify SITE` runs at 0.25× it" in note


def test_no_hash_floor_note_without_its_figures(bench: ModuleType) -> None:
    run = bench.Run({})
    run.results = [_result(bench, "verify", 4.0), _result(bench, "pillow-open", 0.25)]
    assert bench.hash_floor_note(run) is None


def test_the_hashing_peer_passes_over_files_pillow_cannot_open(tmp_path: Path) -> None:
    """Each task reads every image file, a damaged one included, and goes on."""
    baselines = benchmark_module("baselines")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "a.png").write_bytes(image_bytes("PNG"))
    (tmp_path / "b.png").write_bytes(b"<html>not an image</html>")
    (tmp_path / "c.jpeg").write_bytes(b"")
    assert [path.name for path in baselines.image_files(tmp_path)] == ["a.png", "b.png", "c.jpeg"]
    for task in ("pillow-open", "pillow-open-hash", "pillow-load"):
        baselines.TASKS[task](tmp_path)  # raises on a file it did not pass over
