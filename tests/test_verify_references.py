"""``load_blocks``, verification's quick read of a post, finds exactly the references ``load`` does.

Verification reads each post with :func:`wxmigrate.parse.load_blocks`, which
skips what :func:`~wxmigrate.parse.load` derives after the blocks (title,
metadata, findings).  These tests compare the image references of both
readings, and the error when a post cannot be read, on every fixture post,
the shared corpus and generated posts, clean and damaged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxmigrate.errors import WxMigrateError
from wxmigrate.model import Image, images, inline_lines, walk_blocks, walk_inlines
from wxmigrate.parse import load, load_blocks
from wxmigrate.testing import DamagedPost, GeneratedPost, damaged_posts, posts
from wxmigrate.verify.references import Reference, references

from .helpers import FIXTURES, SAMPLE_SITE, WILD, corpus_posts


def both_readings(path: Path) -> tuple[list[Reference] | str, list[Reference] | str]:
    """The references (or the error) of ``path`` read by ``load`` and by ``load_blocks``."""
    readings: list[list[Reference] | str] = []
    for reader in (load, load_blocks):
        try:
            readings.append(list(references(reader(path))))
        except WxMigrateError as error:
            readings.append(str(error))
    return readings[0], readings[1]


def fixture_posts() -> list[Path]:
    return sorted(path for path in FIXTURES.rglob("*.md") if path.is_file())


def test_fixture_posts_have_the_same_references() -> None:
    paths = fixture_posts()
    assert len(paths) > 50
    found = 0
    for path in paths:
        full, quick = both_readings(path)
        assert quick == full, path
        found += len(full) if isinstance(full, list) else 0
    assert found > 50  # the fixtures do hold images: the comparison is not of empty lists


@pytest.mark.corpus
@pytest.mark.parametrize("folder", [SAMPLE_SITE, WILD], ids=["sample-site", "wild"])
def test_corpus_posts_have_the_same_references(folder: Path) -> None:
    for path in corpus_posts(folder):
        full, quick = both_readings(path)
        assert quick == full, path


def same_when_written(text: str) -> None:
    """Write ``text`` as a post and compare both readings of it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8")
        full, quick = both_readings(path)
    assert quick == full


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_damaged_posts_have_the_same_references(sample: DamagedPost) -> None:
    same_when_written(sample.text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_clean_posts_have_the_same_references(sample: GeneratedPost) -> None:
    same_when_written(sample.text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("-:\n ![]()<>*`#{}a/\\\"'"), max_size=120))
def test_odd_text_has_the_same_references_or_error(text: str) -> None:
    same_when_written(text)


def test_broken_front_matter_is_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: [unclosed\n---\n![](a.png)\n", encoding="utf-8")
    full, quick = both_readings(path)
    assert isinstance(full, str) and quick == full


def test_images_are_at_the_lines_inline_lines_gives() -> None:
    """``model.images`` counts lines only up to each image: the same lines as counting every run."""
    for path in fixture_posts():
        try:
            post = load(path)
        except WxMigrateError:
            continue
        every_run = [
            (inner, line)
            for block in walk_blocks(post.blocks)
            for inline, line in inline_lines(block)
            for inner in walk_inlines((inline,))
            if isinstance(inner, Image)
        ]
        assert list(images(post)) == every_run, path
