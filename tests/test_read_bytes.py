"""A post's bytes are read in one read of the size its file has (``read._read_post_bytes``):
the same bytes, and the same refusal past the limit, as reading up to the limit, whatever
the file's size was when it was taken (a file may grow or shrink in between)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wxmigrate import read
from wxmigrate.errors import LimitError

#: A small limit, so that every size around it can be tried.
_LIMIT = 24


def _outcome(data: bytes, **size: int) -> bytes | str:
    """What reading ``data`` gives: its bytes, or the refusal's message."""
    try:
        return read._read_post_bytes(io.BytesIO(data), "p.md", **size)
    except LimitError as error:
        return str(error)


def test_reading_by_the_size_taken_gives_what_reading_to_the_limit_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every length of file around the limit, read with every size it may have had when the
    size was taken (smaller: it grew since; larger: it shrank), gives what one read to the limit does."""
    monkeypatch.setattr(read, "MAX_FILE_BYTES", _LIMIT)
    for length in range(2 * _LIMIT + 3):
        data = bytes(range(length))
        expected = _outcome(data)
        refused = "p.md:0: has more than the 24 bytes a post may have; not read"
        assert expected == (data if length <= _LIMIT else refused)
        for size in range(2 * _LIMIT + 3):
            assert _outcome(data, size=size) == expected, (length, size)


def test_a_post_file_is_read_whole(tmp_path: Path) -> None:
    """``read_text`` of a file gives its text, by the size its file has."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: 标题\n---\n\n正文。\n" * 50, encoding="utf-8")
    assert read.read_text(post) == post.read_text(encoding="utf-8")
