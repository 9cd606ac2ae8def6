"""``verify --jobs``: the distinct image files checked by worker processes (:mod:`wxmigrate.pool`).

Each file is checked once, with the format the first reference to it declares,
exactly as the one-process loop in :func:`wxmigrate.verify.verify` would check
it; the checks come back in that order and the loop then finds them done.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ..pool import Workers, chunks, worker_count
from .check import FileCheck, Limits, check_file, pillow_limits
from .resolve import Resolution


@attrs.frozen
class Checking:
    """How every file of one run is checked."""

    deep: bool
    limits: Limits


def local_files(resolutions: Sequence[Resolution]) -> list[tuple[Path, str | None]]:
    """Each distinct local file the references reach, with the format its first reference declares."""
    files: dict[Path, str | None] = {}
    for found in resolutions:
        if found.kind == "local" and found.path is not None and found.path not in files:
            files[found.path] = found.declared
    return list(files.items())


def _check_chunk(how: Checking, files: tuple[tuple[Path, str | None], ...]) -> list[FileCheck]:
    with pillow_limits(how.limits):
        return [check_file(path, declared=declared, deep=how.deep, limits=how.limits) for path, declared in files]


def check_files(
    files: Sequence[tuple[Path, str | None]], *, deep: bool, limits: Limits, jobs: int, pool: Any = None
) -> dict[Path, FileCheck]:
    """Every file checked by ``jobs`` workers (0: one per core) of ``pool`` (default:
    :class:`~wxmigrate.pool.Workers`), in the order given."""
    count = min(worker_count(jobs), max(1, len(files)))
    parts = list(chunks(files))
    checks: dict[Path, FileCheck] = {}
    with (pool or Workers)(Checking(deep, limits), count) as workers:
        for part, found in zip(parts, workers.map(_check_chunk, parts)):
            checks.update((path, check) for (path, _declared), check in zip(part, found))
    return checks


__all__ = ["Checking", "check_files", "local_files"]
