"""verify() on ../shared/corpus/sample-site, whose stand-in images hold each kind of damage.

The expected statuses were read off the files with ``file`` and Pillow; every
other image must match what Pillow itself says of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from wxmigrate.verify import Report, verify

from .helpers import SAMPLE_SITE

pytestmark = pytest.mark.corpus

NEW_POST = "_posts/2021-06-20-深入推进.md"


@pytest.fixture(scope="module")
def report() -> Report:
    if not SAMPLE_SITE.is_dir():
        pytest.skip(f"shared corpus not found at {SAMPLE_SITE} (it sits beside the repo in CI)")
    return verify(SAMPLE_SITE)


def one(report: Report, prefix: str) -> tuple[str, str | None, int | None, int | None, int | None]:
    """(status, format, width, height, frames) of the file whose name starts with ``prefix``."""
    found = {
        (r.status, r.format, r.width, r.height, r.frames)
        for r in report.images
        if r.path and Path(r.path).name.startswith(prefix)
    }
    assert len(found) == 1, found
    return found.pop()


def test_damaged_stand_ins(report: Report) -> None:
    """The empty, truncated, mislabelled and animated stand-ins each get their status and details."""
    assert one(report, "m6vdLvvo6W4tBmkSw7BynPAZ4dpgGzH62EZZ") == ("empty", None, None, None, None)
    assert one(report, "6xI4h676QXzia5naazW6wFR5ml91zib85OnAdBF") == ("truncated", "PNG", 640, 480, 1)
    assert one(report, "lVb3b2bp95vhCxcm20Jzlxcy4JjtULicniaicwN7") == ("mismatched", "WEBP", 1080, 608, 1)
    assert one(report, "m6vdLvvo6W5fQq5uP97UPEfQib8pibeQ3OIeVDxD") == ("mismatched", "PNG", 1080, 1440, 1)
    assert one(report, "7QRTvkK2qC6nNyjd9QeAUdlJnqcbr4Ysia") == ("ok", "GIF", 1080, 2200, 3)
    assert one(report, "the-first") == ("ok", "PNG", 1200, 400, 1)


def test_missing_and_remote(report: Report) -> None:
    """Two references name files the site does not have; the account avatar is remote."""
    assert sorted((r.post, r.line) for r in report.images if r.status == "missing") == [
        (NEW_POST, 24),
        (NEW_POST, 49),
    ]
    remote = [r for r in report.images if r.status == "remote"]
    assert [(r.post, r.line, r.src.split("/")[2]) for r in remote] == [(NEW_POST, 22, "wx.qlogo.cn")]


def test_counts(report: Report) -> None:
    """Every reference of the three posts is accounted for."""
    assert report.counts() == {"ok": 53, "missing": 2, "empty": 1, "truncated": 1, "mismatched": 2, "remote": 1}
    assert report.errors == () and report.duplicates == () and report.orphans == ()


def test_sound_images_agree_with_pillow(report: Report) -> None:
    """Every ``ok`` file's format, size and frame count are what Pillow reads from it."""
    checked = 0
    for result in report.images:
        if result.status != "ok" or result.path is None:
            continue
        with Image.open(SAMPLE_SITE / result.path) as image:
            expected = (image.format, *image.size, getattr(image, "n_frames", 1))
        assert (result.format, result.width, result.height, result.frames) == expected, result.path
        checked += 1
    assert checked == 53


def test_split_export_paths_resolve(report: Report) -> None:
    """References split over lines with backslashes reach the export folder's images by name."""
    exported = sorted(Path(r.path).name[:20] for r in report.images if r.path and r.path.startswith("exports/"))
    assert exported == ["P9ficrEVSdibbYGgPMEM"] * 3
    assert all(r.by_name for r in report.images if r.path and r.path.startswith("exports/"))


def test_deep_agrees(report: Report) -> None:
    """A deep decode finds nothing the header-level check missed on this site."""
    deep = verify(SAMPLE_SITE, deep=True)
    assert [(r.line, r.status) for r in deep.images] == [(r.line, r.status) for r in report.images]
