"""Writing files: what is flushed to disk before its rename, and what is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxmigrate import write
from wxmigrate.migrate import repair_site
from wxmigrate.write import atomic_write, backup, copy_file

POST = "---\ntitle: 标题\nauthor: 转载\n---\n\n#标题\n第一段。\n\n![](img/a.png)\n"
#: The smallest PNG file (one transparent pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The descriptors ``fsync`` is called on (and the calls still made)."""
    calls: list[int] = []
    real = write.os.fsync

    def counting(handle: int) -> None:
        calls.append(handle)
        real(handle)

    monkeypatch.setattr(write.os, "fsync", counting)
    return calls


def test_a_new_file_is_synced_unless_told(tmp_path: Path, synced: list[int]) -> None:
    """A new file is flushed before its rename by default; with ``sync_new=False`` it is not."""
    assert atomic_write(tmp_path / "a" / "one.md", b"one")
    assert len(synced) == 1
    assert atomic_write(tmp_path / "a" / "two.md", b"two", sync_new=False)
    assert copy_file(tmp_path / "a" / "one.md", tmp_path / "b" / "one.md", sync_new=False)
    assert len(synced) == 1
    assert (tmp_path / "a" / "two.md").read_bytes() == b"two"
    assert (tmp_path / "b" / "one.md").read_bytes() == b"one"


def test_a_replaced_file_and_a_backup_are_always_synced(tmp_path: Path, synced: list[int]) -> None:
    """Replacing a file (there is something to lose) and backing one up flush it first."""
    target = tmp_path / "post.md"
    target.write_bytes(b"old")
    assert atomic_write(target, b"new", sync_new=False)
    assert target.read_bytes() == b"new"
    backup(target, tmp_path, tmp_path / "backup")
    assert len(synced) == 2
    assert not atomic_write(target, b"new", sync_new=False)  # already holds it: nothing written
    assert len(synced) == 2


def _site(root: Path) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "img").mkdir()
    (root / "_posts" / "2020-01-01-a.md").write_text(POST, encoding="utf-8")
    (root / "img" / "a.png").write_bytes(PNG)
    return root


def test_a_run_into_a_new_output_folder_syncs_nothing(tmp_path: Path, synced: list[int]) -> None:
    """``--out`` into a new folder: every file is new, its source untouched: no file is flushed."""
    result = repair_site(_site(tmp_path / "site"), out=tmp_path / "out")
    assert result.posts[0].written and result.copied
    assert synced == []


def test_a_run_in_place_syncs_every_file(tmp_path: Path, synced: list[int]) -> None:
    """``--in-place``: the backup and the rewritten post are each flushed before their rename."""
    site = _site(tmp_path / "site")
    result = repair_site(site, in_place=True)
    assert result.posts[0].written
    written = [action for action in result.actions if action.verb in ("write", "back up", "copy")]
    assert len(synced) == len(written) >= 2
