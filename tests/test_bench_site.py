"""The benchmark's synthetic site (benchmarks/synthetic_site.py) holds what docs/performance.md says.

No timing here: the benchmark itself is run by hand.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

import wxmigrate

from .helpers import benchmark_module

pytest.importorskip("hypothesis", reason="the site is drawn from wxmigrate.testing: pip install -e '.[test]'")

EXTENSION_FORMATS = {".jpeg": "JPEG", ".jpg": "JPEG", ".png": "PNG", ".gif": "GIF"}


@pytest.fixture(scope="module")
def synthetic_site() -> ModuleType:
    """The generator module, imported as the benchmark imports it (from benchmarks/)."""
    return benchmark_module("synthetic_site")


@pytest.fixture(scope="module")
def site(synthetic_site: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A generated site of 20 posts."""
    return synthetic_site.build_site(tmp_path_factory.mktemp("bench") / "site", 20)


def state_on_disk(path: Path) -> str:
    """What a file is, found out independently of the generator: missing, empty, truncated,
    mislabelled or sound."""
    if not path.exists():
        return "missing"
    if path.stat().st_size == 0:
        return "empty"
    try:
        with Image.open(path) as image:
            fmt = image.format
            for frame in range(getattr(image, "n_frames", 1)):
                image.seek(frame)
                image.load()
    except (OSError, EOFError, SyntaxError):
        return "truncated"
    return "sound" if fmt == EXTENSION_FORMATS[path.suffix] else "mislabelled"


def test_twenty_posts_are_wechat_jekyll_posts_of_about_eight_kilobytes(site: Any) -> None:
    """20 distinct posts under _posts/, each read by wxmigrate as the WeChat Jekyll exporter's."""
    posts = sorted((site.root / "_posts").glob("*.md"))
    assert len(posts) == 20
    texts = [path.read_text(encoding="utf-8") for path in posts]
    assert len(set(texts)) == 20
    assert {wxmigrate.load(path).dialect for path in posts} == {"wechat-jekyll"}
    assert 6000 <= statistics.mean(len(text.encode("utf-8")) for text in texts) <= 10000
    assert (site.root / "_config.yml").is_file()


def test_image_files_are_in_the_state_the_generator_reports(site: Any) -> None:
    """Each referenced file is missing, empty, truncated, mislabelled or sound as recorded;
    most are sound and every kind of damage occurs."""
    files: dict[Path, str] = site.files
    assert {path: state_on_disk(path) for path in files} == files
    counts = Counter(files.values())
    assert set(counts) == {"sound", "missing", "empty", "truncated", "mislabelled"}
    assert counts["sound"] >= 0.8 * len(files)
    assert 5 * 20 <= site.references <= 10 * 20


def test_no_two_image_files_have_the_same_bytes(site: Any) -> None:
    """Apart from empty files, no two image files are duplicates."""
    digests = [hashlib.sha256(path.read_bytes()).digest() for path in site.images if path.stat().st_size]
    assert len(set(digests)) == len(digests)


def test_every_local_reference_leads_to_a_file_the_generator_wrote(site: Any) -> None:
    """wxmigrate finds, through the posts, exactly the image files on disk (the site folder and the export folders)."""
    report = wxmigrate.verify(site.root)
    resolved = {(Path(report.root) / result.path).resolve() for result in report.images if result.path is not None}
    assert resolved == {path.resolve() for path in site.images}
    assert len(report.images) == site.references


def test_the_same_site_on_every_run(synthetic_site: ModuleType, tmp_path: Path) -> None:
    """Two sites of three posts built apart hold the same bytes."""

    def contents(root: Path) -> dict[str, bytes]:
        return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}

    first = synthetic_site.build_site(tmp_path / "first", 3)
    second = synthetic_site.build_site(tmp_path / "second", 3)
    assert contents(first.root) == contents(second.root)
