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
order, and each reference's result is made as soon as its file's check is back.
What goes between the processes is plain values (tuples, strings), not the
attrs instances they are made into: those pickle several times as slowly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..pool import Pool as WorkerPool, Workers, chunks, worker_count
from .check import CHECK_VALUES, FileCheck, Limits, check_file, pillow_limits
from .posts import REFERENCE_ROW, Read, read_post, resolution, resolution_row
from .references import Reference
from .resolve import DirectResolver
from .site import Site
from .spill import Row


@attrs.frozen
class Checking:
    """What every worker of one run is given once: how posts are read and files checked."""

    root: Path
    encoding: str | None
    deep: bool
    limits: Limits


#: Each worker's resolver, by site root: it remembers where each source led across chunks.
_RESOLVERS: dict[Path, DirectResolver] = {}

#: What a worker sends back for one post: its references and where each leads as plain
#: values (:data:`~.posts.REFERENCE_ROW`, :func:`~.posts.resolution_row`), and its error.
_ReadRows = tuple[list[Row], list[Row], str | None]


def _read_chunk(how: Checking, posts: tuple[Path, ...]) -> list[_ReadRows]:
    """Each post read (:func:`.posts.read_post`), as plain values: an attrs instance is
    pickled through its ``__getstate__``, several times as slow as a tuple, and a site
    has tens of thousands of references to send."""
    resolver = _RESOLVERS.get(how.root)
    if resolver is None:
        resolver = _RESOLVERS[how.root] = DirectResolver(Site(how.root, ()))
    rows: list[_ReadRows] = []
    for path in posts:
        refs, leads, error = read_post(path, how.root, how.encoding, resolver)
        rows.append((list(map(REFERENCE_ROW, refs)), list(map(resolution_row, leads)), error))
    return rows


def _read_back(rows: _ReadRows) -> Read:
    refs, leads, error = rows
    return [Reference(*row) for row in refs], [resolution(*row) for row in leads], error


def _check_chunk(how: Checking, files: tuple[tuple[str, str | None], ...]) -> list[Row]:
    """Each file checked, as the plain values of its :class:`~.check.FileCheck` (see :func:`_read_chunk`)."""
    with pillow_limits(how.limits):
        return [
            CHECK_VALUES(check_file(path, declared=declared, deep=how.deep, limits=how.limits))
            for path, declared in files
        ]


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
            yield from map(_read_back, part)

    def check(self, files: Sequence[tuple[str, str | None]]) -> Iterator[tuple[str, FileCheck]]:
        """Every file checked, with its path, in the order given."""
        parts = list(chunks(files))
        for part, found in zip(parts, self._workers.map(_check_chunk, parts)):
            yield from ((path, FileCheck(*values)) for (path, _declared), values in zip(part, found))


__all__ = ["Checking", "Pool"]
