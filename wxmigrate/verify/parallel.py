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

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..pool import Pool as WorkerPool, Workers, chunks, worker_count
from .check import FileCheck, Limits, check_file, pillow_limits
from .posts import Read, read_post
from .resolve import DirectResolver, Resolution
from .site import Site


@attrs.frozen
class Checking:
    """What every worker of one run is given once: how posts are read and files checked."""

    root: Path
    encoding: str | None
    deep: bool
    limits: Limits


def local_files(resolutions: Iterable[Resolution]) -> list[tuple[str, str | None]]:
    """Each distinct local file the references reach, with the format its first reference declares."""
    files: dict[str, str | None] = {}
    for found in resolutions:
        if found.kind == "local" and found.path is not None and found.path not in files:
            files[found.path] = found.declared
    return list(files.items())


#: Each worker's resolver, by site root: it remembers where each source led across chunks.
_RESOLVERS: dict[Path, DirectResolver] = {}

def _read_chunk(how: Checking, posts: tuple[Path, ...]) -> list[Read]:
    resolver = _RESOLVERS.get(how.root)
    if resolver is None:
        resolver = _RESOLVERS[how.root] = DirectResolver(Site(how.root, ()))
    return [read_post(path, how.root, how.encoding, resolver) for path in posts]


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

    def read(self, posts: Sequence[Path]) -> Iterator[Read]:
        """Each post read and its references resolved as written, in the order given."""
        for part in self._workers.map(_read_chunk, chunks(posts)):
            yield from part

    def check(self, files: Sequence[tuple[str, str | None]]) -> Iterator[tuple[str, FileCheck]]:
        """Every file checked, with its path, in the order given."""
        parts = list(chunks(files))
        for part, found in zip(parts, self._workers.map(_check_chunk, parts)):
            yield from ((path, check) for (path, _declared), check in zip(part, found))


__all__ = ["Checking", "Pool", "local_files"]
