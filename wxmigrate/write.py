"""Writing files safely: atomic replacement, backups, copies that never clobber.

Every write goes through a temporary file beside its target, named with
:data:`TEMP_PREFIX` so that one left by a killed run is recognised and removed
by the next (:func:`remove_stale_temporaries`), and renamed over the target
only once its bytes are on disk.  Whatever goes wrong (an exception, a full
disk, ``KeyboardInterrupt``, a ``SIGTERM`` turned into an exception) the
temporary file is removed.  A new file gets the mode a plain ``open()``
would give it (``0666`` less the umask); a replaced file keeps its own.

"On disk" means flushed (``fsync``) before the rename whenever something could
be lost: a file replaced, a backup, anything written in place.  A caller
writing a *new* file into an output folder of its own may pass ``sync_new=False``:
the file is still written under a temporary name and renamed (no reader ever
sees half of it), but not flushed, since before the rename there was nothing
there to lose and its source is untouched; only a power cut in the seconds
after the run could leave such a file incomplete (the system writes it back
soon after), and writing it again from its source repairs it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The start of every temporary file's name: hidden, and recognisable as ours.
TEMP_PREFIX = ".wxmigrate-tmp-"
_CHUNK = 1 << 16
#: How much of a file a copy reads at a time: most images in one read.
_COPY_CHUNK = 1 << 20
_LIVE: set[Path] = set()  # this process's temporary files not yet renamed or removed


@contextmanager
def _temporary(target: Path) -> Iterator[tuple[int, Path]]:
    """A new temporary file beside ``target`` (its descriptor and path), removed unless renamed.

    The name is short whatever the target's (a 255-byte name must not grow past the limit).
    The target's folder is made only when it is missing (one system call when it is there),
    then the file is asked for once more: another worker may have made the folder since
    (``mkdir`` then does nothing); a second failure is what it is.
    """
    folder_made = False
    while True:
        temporary = target.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}")
        try:
            # 0o666 through the umask: the mode ``open()`` gives a new file.
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            _LIVE.add(temporary)
            break
        except FileExistsError:
            continue
        except (FileNotFoundError, NotADirectoryError):
            if folder_made:
                raise
            target.parent.mkdir(parents=True, exist_ok=True)  # raises what is in the way
            folder_made = True
    try:
        yield handle, temporary
    finally:
        try:
            os.close(handle)
        except OSError:
            pass
        if temporary in _LIVE:  # not renamed into place (:func:`_finish` takes it out)
            temporary.unlink(missing_ok=True)
            _LIVE.discard(temporary)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _finish(handle: int, temporary: Path, target: Path, *, mode: int | None, sync: bool) -> None:
    """Flush ``temporary`` to disk (with ``sync``) and rename it to ``target``, giving it
    ``mode`` (an existing file's, which it keeps) unless None."""
    if sync:
        os.fsync(handle)
    if mode is not None:
        os.chmod(temporary, mode)
    os.replace(temporary, target)
    _LIVE.discard(temporary)  # renamed: there is nothing left to remove under its name


#: What :meth:`pathlib.Path.exists` takes for "no file there": missing, a file in the way
#: of a folder, a symlink loop.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _existing(path: Path) -> os.stat_result | None:
    """The file at ``path`` (symlinks followed), or None when there is none (as
    :meth:`pathlib.Path.exists` would say)."""
    try:
        return os.stat(path)
    except OSError as error:
        if error.errno in _ABSENT:
            return None
        raise


def atomic_write(path: Path, data: bytes, *, dry_run: bool = False, sync_new: bool = True) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and writes nothing) when the file already holds ``data``;
    with ``dry_run``, only says whether it would write.  A file replaced is always
    flushed to disk before the rename; a new one only with ``sync_new`` (see the module doc).
    """
    found = _existing(path)
    if found is not None and stat.S_ISREG(found.st_mode) and found.st_size == len(data) and path.read_bytes() == data:
        return False
    if dry_run:
        return True
    with _temporary(path) as (handle, temporary):
        _write_all(handle, data)
        mode = found.st_mode & 0o7777 if found is not None else None
        _finish(handle, temporary, path, mode=mode, sync=sync_new or found is not None)
    return True


def _copy_bytes(source: Path, target: Path, *, mode: int | None, sync: bool) -> None:
    """Copy ``source``'s bytes to ``target`` atomically, keeping its modification time.

    The source is read through its descriptor, to its end, in :data:`_COPY_CHUNK` pieces:
    a buffered stream would add a terminal check, a seek and a status of its own to each
    file, and cut it in smaller reads.  It is opened before the temporary file is made, so
    a source that cannot be read costs no temporary file (nor its folder)."""
    reading = os.open(source, os.O_RDONLY)
    try:
        with _temporary(target) as (handle, temporary):
            while chunk := os.read(reading, _COPY_CHUNK):
                _write_all(handle, chunk)
            found = os.fstat(reading)
            os.utime(temporary, ns=(found.st_atime_ns, found.st_mtime_ns))
            _finish(handle, temporary, target, mode=mode, sync=sync)
    finally:
        os.close(reading)


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
    _copy_bytes(path, target, mode=path.stat().st_mode & 0o7777, sync=True)
    return target


def digest(path: Path) -> str:
    """The file's SHA-256, hex."""
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            sha.update(chunk)
    return sha.hexdigest()


def copy_file(source: Path, target: Path, *, dry_run: bool = False, sync_new: bool = True) -> bool:
    """Copy ``source`` to ``target`` unless an identical file is there; never overwrite a
    different file (the caller picks another name).  Returns whether it copied (with
    ``dry_run``: whether it would).  The copy, a new file, is flushed to disk before it is
    renamed into place only with ``sync_new`` (see the module doc)."""
    found = _existing(target)
    if found is not None:
        if os.path.samestat(found, os.stat(source)) or digest(source) == digest(target):
            return False
        raise FileExistsError(f"{target} exists with other content")
    if dry_run:
        return True
    _copy_bytes(source, target, mode=None, sync=sync_new)
    return True


def remove_live_temporaries() -> None:
    """Remove the temporary files this process is writing: for a process about to end at
    once (a worker told to stop), which leaves no ``finally`` to run."""
    for temporary in list(_LIVE):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
    _LIVE.clear()


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
