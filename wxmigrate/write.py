"""Writing files safely: atomic replacement, backups, copies that never clobber.

Every write goes through a temporary file beside its target, named with
:data:`TEMP_PREFIX` so that one left by a killed run is recognised and removed
by the next (:func:`remove_stale_temporaries`), and renamed over the target
only once its bytes are on disk.  Whatever goes wrong (an exception, a full
disk, ``KeyboardInterrupt``, a ``SIGTERM`` turned into an exception) the
temporary file is removed.  A new file gets the mode a plain ``open()``
would give it (``0666`` less the umask); a replaced file keeps its own.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The start of every temporary file's name: hidden, and recognisable as ours.
TEMP_PREFIX = ".wxmigrate-tmp-"
_CHUNK = 1 << 16


@contextmanager
def _temporary(target: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file beside ``target`` (its descriptor and path), removed unless renamed.

    The name is short whatever the target's (a 255-byte name must not grow past the limit).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    while True:
        temporary = target.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}")
        try:
            # 0o666 through the umask: the mode ``open()`` gives a new file.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        yield handle, temporary
    finally:
        try:
            os.close(handle)
        except OSError:
            pass
        temporary.unlink(missing_ok=True)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _finish(handle: int, temporary: Path, target: Path, *, keep_mode_of: Path | None) -> None:
    """Flush ``temporary`` to disk and rename it to ``target`` (keeping an existing file's mode)."""
    os.fsync(handle)
    if keep_mode_of is not None:
        os.chmod(temporary, keep_mode_of.stat().st_mode & 0o7777)
    os.replace(temporary, target)


def atomic_write(path: Path, data: bytes, *, dry_run: bool = False) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and writes nothing) when the file already holds ``data``;
    with ``dry_run``, only says whether it would write.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    if dry_run:
        return True
    with _temporary(path) as (handle, temporary):
        _write_all(handle, data)
        _finish(handle, temporary, path, keep_mode_of=path if path.exists() else None)
    return True


def _copy_bytes(source: Path, target: Path, *, keep_mode_of: Path | None) -> None:
    """Copy ``source``'s bytes to ``target`` atomically, keeping its modification time."""
    with _temporary(target) as (handle, temporary), source.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            _write_all(handle, chunk)
        stat = os.fstat(stream.fileno())
        os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        _finish(handle, temporary, target, keep_mode_of=keep_mode_of)


def backup(path: Path, root: Path, folder: Path) -> Path:
    """Copy ``path`` (relative to ``root``) into the backup ``folder``; return the copy.

    The copy is complete on disk before this returns (temporary file, fsync, rename),
    so a caller may rewrite ``path`` then.  An existing backup is never overwritten:
    one with other bytes raises :class:`FileExistsError`.
    """
    target = folder / path.relative_to(root)
    if target.exists():
        if digest(target) == digest(path):
            return target
        raise FileExistsError(f"{target} exists with other content")
    _copy_bytes(path, target, keep_mode_of=path)
    return target


def digest(path: Path) -> str:
    """The file's SHA-256, hex."""
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            sha.update(chunk)
    return sha.hexdigest()


def copy_file(source: Path, target: Path, *, dry_run: bool = False) -> bool:
    """Copy ``source`` to ``target`` unless an identical file is there; never overwrite a
    different file (the caller picks another name).  Returns whether it copied (with
    ``dry_run``: whether it would)."""
    if os.path.realpath(source) == os.path.realpath(target):
        return False
    if target.exists():
        if digest(source) == digest(target):
            return False
        raise FileExistsError(f"{target} exists with other content")
    if dry_run:
        return True
    _copy_bytes(source, target, keep_mode_of=None)
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left below ``folder``; return them.

    Symlinked folders are not followed; only regular files named :data:`TEMP_PREFIX`… go.
    """
    removed = []
    for current, _folders, files in os.walk(folder):
        for name in files:
            path = Path(current, name)
            if name.startswith(TEMP_PREFIX) and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed
