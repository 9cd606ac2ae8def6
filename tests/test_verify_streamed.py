"""verify --jobs: the resolutions made as the results and the workers ask for them.

:class:`wxmigrate.verify.parallel.Streamed` is taken from two sides, in any interleaving:
the results take every resolution in order and keep the check of each local file they
meet, the workers get the distinct local files in chunks as far ahead as their window
lets them.  Whatever the order of asking, each side must get what it would get alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxmigrate.verify.check import FileCheck
from wxmigrate.verify.checked import CheckedFiles
from wxmigrate.verify.parallel import Streamed
from wxmigrate.verify.resolve import Resolution

_PATHS = ["/site/a.png", "/site/b.jpg", "/site/c.gif", "/site/d.webp"]

resolutions = st.lists(
    st.one_of(
        st.builds(
            Resolution,
            kind=st.just("local"),
            path=st.sampled_from(_PATHS),
            declared=st.sampled_from(["PNG", "JPEG", None]),
        ),
        st.builds(Resolution, kind=st.sampled_from(["remote", "missing"])),
    ),
    max_size=60,
)

Chunk = tuple[tuple[str, str | None], ...]


class Workers:
    """Checks chunks as a pool does: ``window`` chunks taken ahead of the one whose checks
    are given back, each file's check saying which format it was asked to check."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.chunks: list[Chunk] = []

    def check(self, parts: Iterable[Chunk]) -> Iterator[tuple[str, FileCheck]]:
        waiting: list[Chunk] = []
        for part in parts:
            self.chunks.append(part)
            waiting.append(part)
            if len(waiting) >= self.window:
                yield from self._checked(waiting.pop(0))
        while waiting:
            yield from self._checked(waiting.pop(0))

    @staticmethod
    def _checked(part: Chunk) -> Iterator[tuple[str, FileCheck]]:
        return ((path, FileCheck("ok", format=declared)) for path, declared in part)


def _first_files(found: list[Resolution]) -> list[tuple[str, str | None]]:
    """Each distinct local file, in the order of its first reference, with that reference's format."""
    files: dict[str, str | None] = {}
    for item in found:
        if item.kind == "local" and item.path is not None:
            files.setdefault(item.path, item.declared)
    return list(files.items())


@given(resolutions, st.integers(1, 4), st.lists(st.booleans(), max_size=120))
def test_the_results_and_the_workers_each_get_what_they_would_alone(
    found: list[Resolution], window: int, pauses: list[bool]
) -> None:
    """The results take every resolution in order and find each local file's check kept
    when they need it, checked with its first reference's format; the workers get each
    file once, in first-reference order (``pauses``: whether the results stop after a
    resolution to let the workers take more)."""
    checks = CheckedFiles()
    workers = Workers(window)
    streamed = Streamed(found, checks, workers.check)
    taken: list[Resolution] = []
    turns = iter(pauses)
    for item in streamed:
        taken.append(item)
        if item.kind == "local" and item.path is not None:
            streamed.keep(item.path)
            kept = checks.get(item.path)
            assert kept is not None and kept.format == dict(_first_files(found))[item.path]
        if next(turns, False):
            streamed.keep(_PATHS[0])  # kept already, or not met yet: nothing to wait for
    streamed.finish()
    assert taken == found
    assert [file for chunk in workers.chunks for file in chunk] == _first_files(found)


def test_files_wait_for_the_results_no_further_than_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """References that lead to files already on their way are not made without bound for
    the workers' sake: past :data:`Streamed.WAITING` made and not taken, a chunk goes short."""
    monkeypatch.setattr(Streamed, "WAITING", 10)
    found = [Resolution("local", "/site/a.png", declared="PNG")] * 100 + [Resolution("local", "/site/b.jpg")]
    made: list[Resolution] = []

    def resolved() -> Iterator[Resolution]:
        for item in found:
            made.append(item)
            yield item

    checks, workers = CheckedFiles(), Workers(window=1)
    streamed = Streamed(resolved(), checks, workers.check)
    ordered = iter(streamed)
    next(ordered)
    streamed.keep("/site/a.png")
    assert workers.chunks == [(("/site/a.png", "PNG"),)]  # sent short: ten made and waiting
    assert len(made) == 11
    assert list(ordered) == found[1:]
    streamed.finish()
    assert workers.chunks == [(("/site/a.png", "PNG"),), (("/site/b.jpg", None),)]
    assert "/site/b.jpg" in checks
