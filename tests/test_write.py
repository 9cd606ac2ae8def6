"""Writing files: what is flushed to disk before its rename, and what is not."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# Copies through descriptors (write._copy_bytes): what a buffered stream copied, and no more calls


def _buffered_copy(source: Path, target: Path) -> None:
    """The copy as it was made through a buffered stream: the bytes and the times it must give."""
    with source.open("rb") as stream:
        target.write_bytes(stream.read())
        found = os.fstat(stream.fileno())
    os.utime(target, ns=(found.st_atime_ns, found.st_mtime_ns))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.sampled_from([0, 1, 4095, 4096, 1 << 16, (1 << 16) + 1, write._COPY_CHUNK - 1, write._COPY_CHUNK,
                          write._COPY_CHUNK + 1, 2 * write._COPY_CHUNK + 7]),
    seed=st.integers(0, 255),
)
def test_a_copy_is_the_source_byte_for_byte_with_its_times(tmp_path: Path, size: int, seed: int) -> None:
    """Every size around the read sizes (empty, one byte, a chunk and one more, several
    chunks): the copy holds the source's bytes, its modification time and mode as a copy
    through a buffered stream gives them; no temporary file is left."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example (an example may come twice)
    source = folder / "a.bin"
    source.write_bytes(bytes((seed + i * 7) % 256 for i in range(size)))
    os.utime(source, ns=(1_600_000_000_123_456_789, 1_500_000_000_987_654_321))
    assert copy_file(source, folder / "out" / "a.bin", sync_new=False)
    _buffered_copy(source, folder / "expected.bin")
    copied, expected = os.stat(folder / "out" / "a.bin"), os.stat(folder / "expected.bin")
    assert (folder / "out" / "a.bin").read_bytes() == source.read_bytes()
    assert (copied.st_mtime_ns, copied.st_mode) == (expected.st_mtime_ns, expected.st_mode)
    assert sorted(p.name for p in (folder / "out").iterdir()) == ["a.bin"]


def test_a_file_renamed_into_place_is_not_removed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A temporary file renamed into place has no name left to remove: no ``unlink`` is asked
    for (it failed, every time, for each file written); one not renamed is still removed."""
    removed: list[Path] = []
    real = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        removed.append(self)
        real(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    (tmp_path / "a.png").write_bytes(PNG)
    assert atomic_write(tmp_path / "out" / "post.md", b"post", sync_new=False)
    assert atomic_write(tmp_path / "out" / "post.md", b"changed")
    assert copy_file(tmp_path / "a.png", tmp_path / "out" / "a.png", sync_new=False)
    backup(tmp_path / "a.png", tmp_path, tmp_path / "backup")
    assert removed == [] and write._LIVE == set()

    def full(handle: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "write", full)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "out" / "other.md", b"other")
    assert [path.name[: len(write.TEMP_PREFIX)] for path in removed] == [write.TEMP_PREFIX]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "post.md"]
    assert write._LIVE == set()


def test_a_source_that_cannot_be_read_makes_no_temporary_file(tmp_path: Path) -> None:
    """The source is opened first: one missing fails before a temporary file, or the target's
    folder, is made; a folder (which opens) fails at its first read, its temporary file removed."""
    with pytest.raises(FileNotFoundError):
        copy_file(tmp_path / "missing.png", tmp_path / "out" / "a.png")
    assert not (tmp_path / "out").exists()
    (tmp_path / "folder.png").mkdir()
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError):
        copy_file(tmp_path / "folder.png", tmp_path / "out" / "a.png")
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("make", ["atomic_write", "copy_file"])
def test_a_folder_another_worker_makes_meanwhile_is_written_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: str
) -> None:
    """Two workers write the first files of one new folder: the temporary file of one is
    refused (no folder yet), then the other makes the folder before this one looks.  The
    file is written, not failed (``--jobs`` once reported such a post as not written)."""
    folder, real_open = tmp_path / "out" / "images", write.os.open
    refused: list[str] = []

    def raced(path: object, flags: int, *args: int) -> int:
        if flags & os.O_CREAT and not refused:
            refused.append(str(path))
            folder.mkdir(parents=True)  # the other worker, between this open and the next look
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(write.os, "open", raced)
    source = tmp_path / "a.png"
    source.write_bytes(PNG)
    if make == "atomic_write":
        assert atomic_write(folder / "a.png", PNG)
    else:
        assert copy_file(source, folder / "a.png")
    assert refused and (folder / "a.png").read_bytes() == PNG
    assert [path.name for path in folder.iterdir()] == ["a.png"]


def test_a_folder_that_cannot_be_made_is_still_an_error(tmp_path: Path) -> None:
    """A file where the folder should be: the error is raised, not retried for ever."""
    (tmp_path / "out").write_bytes(b"a file")
    with pytest.raises((FileExistsError, NotADirectoryError)):
        atomic_write(tmp_path / "out" / "images" / "a.png", PNG)
