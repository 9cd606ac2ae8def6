"""A report's results kept on disk (:mod:`wxmigrate.verify.spill`) and its JSON written in
pieces: the same report, and the same bytes, as in memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wxmigrate.verify import Duplicate, ImageResult, Report, spill, to_data, to_json, to_table, verify
from wxmigrate.verify.spill import Spilled

from .helpers import SAMPLE_SITE
from .test_verify_jobs import site  # noqa: F401  (the awkward site, as a fixture)


def test_a_spilled_sequence_reads_back_what_was_appended(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spill, "CHUNK", 3)
    items = [(number, f"item {number}") for number in range(11)]
    spilled: Spilled[tuple[int, str]] = Spilled(lambda item: item, lambda *row: tuple(row))
    for item in items:
        spilled.append(item)
    assert spilled._connection is not None  # three chunks went to disk
    assert len(spilled) == 11 and list(spilled) == items and spilled == items
    assert [spilled[index] for index in range(-11, 11)] == items + items
    assert spilled[2:7] == items[2:7]
    assert spilled != items[:-1] and spilled != [*items[:-1], (10, "other")]
    with pytest.raises(IndexError):
        spilled[11]


def test_a_short_sequence_never_opens_a_database() -> None:
    spilled: Spilled[int] = Spilled(lambda item: (item,), lambda value: value)
    spilled.append(1)
    assert spilled._connection is None and list(spilled) == [1]


@pytest.mark.parametrize("deep", [False, True])
def test_a_report_on_disk_is_the_report_in_memory(
    site: Path, monkeypatch: pytest.MonkeyPatch, deep: bool  # noqa: F811
) -> None:
    kept = verify(site, deep=deep)
    assert len(kept.images) < spill.CHUNK  # all in memory
    monkeypatch.setattr(spill, "CHUNK", 2)
    spilled = verify(site, deep=deep)
    assert isinstance(spilled.images, Spilled) and spilled.images._connection is not None
    assert spilled == kept
    assert to_json(spilled) == to_json(kept) and to_table(spilled) == to_table(kept)
    assert tuple(spilled.images) == tuple(kept.images)


@pytest.mark.corpus
def test_the_sample_site_reports_the_same_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = verify(SAMPLE_SITE)
    monkeypatch.setattr(spill, "CHUNK", 5)
    spilled = verify(SAMPLE_SITE)
    assert to_json(spilled) == to_json(kept) and spilled.clean == kept.clean and spilled.counts() == kept.counts()


def whole_json(report: Report) -> str:
    """The report as one ``json.dumps`` of its data (what the pieces must add up to)."""
    return json.dumps(to_data(report), ensure_ascii=False, indent=2) + "\n"


def test_the_json_pieces_add_up_to_one_dump(site: Path) -> None:  # noqa: F811
    report = verify(site)
    assert report.images and report.orphans
    assert to_json(report) == whole_json(report)
    odd = ImageResult(post="文章.md", line=3, src="a\n\\b\"c.png", path=None, status="missing", detail="x")
    duplicate = Duplicate("ab" * 32, ("img/a.png", "img/b.png"))
    for variant in (
        Report(root="/site"),
        Report(root="/site", images=(odd,)),
        Report(root="/site", images=(odd, odd), orphans=("img/é.png",), duplicates=(duplicate,)),
        Report(root="/site", duplicates=(duplicate, duplicate)),
    ):
        assert to_json(variant) == whole_json(variant)
