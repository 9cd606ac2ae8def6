"""``verify --jobs``: the posts read and the image files checked by worker processes (:mod:`wxmigrate.pool`).

The workers are forked once and do both halves of the work that grows with a
site: they get chunks of post paths, read each post (scanned or parsed, as
:func:`.posts.post_references` does in one process), resolve its references as
written (:class:`.resolve.DirectResolver`, one per worker) and send back only the
references and where they lead; the run looks up by name what they do not reach
(which needs every reference: a folder's rank is how many use it) and sends chunks
of the distinct local files back to be checked.  Each file is checked once, with the format the first
reference to it declares, exactly as the one-process loop in
:func:`wxmigrate.verify.verify` would check it; the checks come back in that
order and the loop then finds them done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..pool import Pool as WorkerPool, Workers, chunks, worker_count
from .check import FileCheck, Limits, check_file, pillow_limits
from .posts import post_references
from .references import Reference
from .resolve import DirectResolver, Resolution
from .site import Site


@attrs.frozen
class Checking:
    """What every worker of one run is given once: how posts are read and files checked."""

    root: Path
    encoding: str | None
    deep: bool
    limits: Limits


def local_files(resolutions: Sequence[Resolution]) -> list[tuple[str, str | None]]:
    """Each distinct local file the references reach, with the format its first reference declares."""
    files: dict[str, str | None] = {}
    for found in resolutions:
        if found.kind == "local" and found.path is not None and found.path not in files:
            files[found.path] = found.declared
    return list(files.items())


#: Each worker's resolver, by site root: it remembers where each source led across chunks.
_RESOLVERS: dict[Path, DirectResolver] = {}

#: One post's references, where each leads as written, and the error that stopped it.
Read = tuple[list[Reference], list[Resolution | None], str | None]


def _read_chunk(how: Checking, posts: tuple[Path, ...]) -> list[Read]:
    resolver = _RESOLVERS.get(how.root)
    if resolver is None:
        resolver = _RESOLVERS[how.root] = DirectResolver(Site(how.root, ()))
    read: list[Read] = []
    for path in posts:
        refs, error = post_references(path, how.root, how.encoding)
        read.append((refs, [resolver.resolve(ref) for ref in refs], error))
    return read


def _check_chunk(how: Checking, files: tuple[tuple[str, str | None], ...]) -> list[FileCheck]:
    with pillow_limits(how.limits):
        return [check_file(path, declared=declared, deep=how.deep, limits=how.limits) for path, declared in files]


class Pool:
    """``jobs`` workers (0: one per core) for one run; use as a context manager."""

    def __init__(
        self, how: Checking, jobs: int, executor: Callable[[Checking, int], WorkerPool[Checking]] | None = None
    ) -> None:
        self._workers = (executor or Workers)(how, worker_count(jobs))

    def __enter__(self) -> Pool:
        self._workers.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._workers.__exit__(*exc)

    def read(self, posts: Sequence[Path]) -> tuple[list[Reference], list[Resolution | None], list[str]]:
        """Every post's references in order, where each leads as written, and the errors of
        the posts that could not be read."""
        refs: list[Reference] = []
        direct: list[Resolution | None] = []
        errors: list[str] = []
        for part in self._workers.map(_read_chunk, chunks(posts)):
            for found, leads, error in part:
                refs.extend(found)
                direct.extend(leads)
                if error is not None:
                    errors.append(error)
        return refs, direct, errors

    def check(self, files: Sequence[tuple[str, str | None]]) -> dict[str, FileCheck]:
        """Every file checked, in the order given."""
        parts = list(chunks(files))
        checks: dict[str, FileCheck] = {}
        for part, found in zip(parts, self._workers.map(_check_chunk, parts)):
            checks.update((path, check) for (path, _declared), check in zip(part, found))
        return checks


__all__ = ["Checking", "Pool", "local_files"]
