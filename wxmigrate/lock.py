"""One run at a time per folder, and a run that ends cleanly when it is terminated.

Two ``repair --in-place`` runs over one site would each back up and rewrite
the same posts: the second run's backup would hold the first run's output,
not the original.  :func:`folder_lock` keeps a lock file (:data:`LOCK_NAME`,
holding the owner's process id) in the folder a run writes to; a second run
is refused with :class:`~wxmigrate.errors.LockError`, and a lock left by a
process that no longer exists is taken over.

:func:`terminate_raises` turns ``SIGTERM`` into :class:`SystemExit` while a
run is on, so that every ``finally`` (temporary files, the lock) runs.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .errors import LockError, WriteError

#: The lock file's name: hidden, so no walk of the site ever takes it for a post or an image.
LOCK_NAME = ".wxmigrate.lock"


@contextmanager
def folder_lock(folder: Path) -> Iterator[Path]:
    """Hold ``folder``'s lock for the duration; the folder is created when missing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        detail = f"cannot create the folder: {error.strerror or error}"
        raise WriteError(str(folder), 0, detail) from error
    lock = folder / LOCK_NAME
    _acquire(lock)
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _acquire(lock: Path) -> None:
    for _attempt in range(2):
        try:
            handle = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            owner = _owner(lock)
            if owner is not None and _alive(owner):
                raise LockError(
                    str(lock), 0,
                    f"another wxmigrate run (process {owner}) is writing here; wait for it to end",
                ) from None
            lock.unlink(missing_ok=True)  # stale: its process is gone
            continue
        except OSError as error:
            detail = f"cannot write here: {error.strerror or error}"
            raise WriteError(str(lock.parent), 0, detail) from error
        with os.fdopen(handle, "w") as stream:
            stream.write(f"{os.getpid()}\n")
        return
    raise LockError(str(lock), 0, "another wxmigrate run took the lock first; try again")


def _owner(lock: Path) -> int | None:
    """The process id in the lock file, or None when it holds none (being written, or damaged)."""
    try:
        return int(lock.read_text(encoding="ascii", errors="replace").strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


@contextmanager
def terminate_raises() -> Iterator[None]:
    """While on, ``SIGTERM`` raises :class:`SystemExit` (143) instead of killing outright.

    Only the main thread can set signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
