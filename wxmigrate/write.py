"""Writing files safely: atomic replacement, backups, copies that never clobber."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and writes nothing) when the file already holds ``data``.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def backup(path: Path, root: Path, folder: Path) -> Path:
    """Copy ``path`` (relative to ``root``) into the backup ``folder``; return the copy."""
    target = folder / path.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, target)
    return target


def digest(path: Path) -> str:
    """The file's SHA-256, hex."""
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            sha.update(chunk)
    return sha.hexdigest()


def copy_file(source: Path, target: Path) -> bool:
    """Copy ``source`` to ``target`` unless an identical file is there; never overwrite a
    different file (the caller picks another name).  Returns whether it copied."""
    if source.resolve() == target.resolve():
        return False
    if target.exists():
        if digest(source) == digest(target):
            return False
        raise FileExistsError(f"{target} exists with other content")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    shutil.copy2(source, temporary)
    os.replace(temporary, target)
    return True
