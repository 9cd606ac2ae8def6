"""verify --jobs: the resolutions made as the results and the workers ask for them.

:class:`wxmigrate.verify.parallel.Streamed` is taken from two sides, in any interleaving:
the results take every resolution in order, the workers the distinct local files in
chunks.  Whatever the order of asking, each side must get what it would get alone.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def _first_files(found: list[Resolution]) -> list[tuple[str, str | None]]:
    """Each distinct local file, in the order of its first reference, with that reference's format."""
    files: dict[str, str | None] = {}
    for item in found:
        if item.kind == "local" and item.path is not None:
            files.setdefault(item.path, item.declared)
    return list(files.items())


@given(resolutions, st.lists(st.booleans(), max_size=200), st.integers(1, 5))
def test_either_side_gets_what_it_would_alone(found: list[Resolution], turns: list[bool], size: int) -> None:
    """Taking resolutions and file chunks in any interleaving: the resolutions all, in order;
    the files each once, in first-reference order, with the first reference's format, at
    most ``size`` to a chunk."""
    streamed = Streamed(found)
    taken: list[Resolution] = []
    chunks: list[tuple[tuple[str, str | None], ...]] = []
    ordered, files = iter(streamed), streamed.files(size)
    for take_resolution in turns:
        if take_resolution:
            item = next(ordered, None)
            if item is not None:
                taken.append(item)
        else:
            chunk = next(files, None)
            if chunk is not None:
                chunks.append(chunk)
    taken += list(ordered)
    chunks += list(files)
    assert taken == found
    assert [file for chunk in chunks for file in chunk] == _first_files(found)
    assert all(len(chunk) <= size for chunk in chunks)


def test_files_wait_for_the_results_no_further_than_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """References that lead to files already sent are not made without bound for the files'
    sake: past :data:`Streamed.WAITING` made and not taken, a chunk goes short (even empty)."""
    monkeypatch.setattr(Streamed, "WAITING", 10)
    found = [Resolution("local", "/site/a.png", declared="PNG")] * 100 + [Resolution("local", "/site/b.jpg")]
    streamed = Streamed(found)
    files = streamed.files(2)
    assert next(files) == (("/site/a.png", "PNG"),)  # sent short: ten made, none taken
    assert next(files) == ()  # still ten waiting: nothing more is made
    ordered = iter(streamed)
    assert [next(ordered) for _ in range(10)] == found[:10]
    assert next(files) == ()  # ten more made: the next file is further on
    assert list(ordered) == found[10:]
    assert list(files) == [(("/site/b.jpg", None),)]
