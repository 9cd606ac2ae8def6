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

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from ..pool import Pool as WorkerPool, Workers, chunks, worker_count
from .check import CHECK_VALUES, FileCheck, Limits, check_file, pillow_limits
from .checked import CheckedFiles
from .posts import REFERENCE_ROW, Read, read_post, resolution, resolution_row
from .references import Reference
from .resolve import DirectResolver, Resolution
from .site import Site
from .spill import Row


@attrs.frozen
class Checking:
    """What every worker of one run is given once: how posts are read and files checked."""

    root: Path
    encoding: str | None
    deep: bool
    limits: Limits


#: Files to a chunk of checks.  Each chunk costs the run some CPU besides its checks
#: (sending it, its result coming back through the pool's thread): with 128 rather than
#: the pool's 32, ``verify --deep --jobs 2`` of 10,000 posts (51,833 files) took 9.76 s
#: rather than 10.19 s (medians of two series of paired runs on two cores), and a chunk
#: of 128 small images is still only a few hundredths of a second of one worker's time.
CHECK_CHUNK = 128

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


class Streamed:
    """The resolutions of ``--jobs``, made as they are asked for, from two sides: the
    results take them in order (iterating this), and the workers the distinct local
    files they reach, in chunks, in the order of the first reference to each, with the
    format that reference declares (:meth:`files`: each file checked once, as
    :func:`wxmigrate.verify.verify` does in one process).  ``check`` sends chunks of files
    to the workers and gives back each file's check, in order (:meth:`Pool.check`);
    :meth:`keep` keeps them in ``checks`` as the results need them.

    The workers ask for files before the results need them, so the references are
    looked up by name while the workers check the files found so far.  What is made and
    not yet taken waits here: a few chunks' worth, or :data:`WAITING` resolutions at most
    (a chunk is sent short rather than more waiting).  A file is known to be new when it
    is neither kept in ``checks`` nor on its way (sent, or about to be): only those on
    their way are held here, not every file of the site."""

    #: Resolutions made for the files' sake that the results have not taken yet, at most.
    WAITING = 4_096

    def __init__(
        self,
        resolved: Iterable[Resolution],
        checks: CheckedFiles,
        check: Callable[[Iterable[tuple[tuple[str, str | None], ...]]], Iterator[tuple[str, FileCheck]]],
    ) -> None:
        self._resolved = iter(resolved)
        self._checks = checks
        self._ready: deque[Resolution] = deque()
        self._files: deque[tuple[str, str | None]] = deque()
        #: The files to be sent or sent whose check is not kept yet.
        self._on_the_way: set[str] = set()
        self._arriving = check(self.files())

    def _advance(self) -> bool:
        """Make the next resolution; False when there is none left."""
        found = next(self._resolved, None)
        if found is None:
            return False
        self._ready.append(found)
        path = found.path
        if found.kind == "local" and path is not None and path not in self._on_the_way and path not in self._checks:
            self._on_the_way.add(path)
            self._files.append((path, found.declared))
        return True

    def __iter__(self) -> Iterator[Resolution]:
        while self._ready or self._advance():
            yield self._ready.popleft()

    def files(self, size: int = CHECK_CHUNK) -> Iterator[tuple[tuple[str, str | None], ...]]:
        """The files to check, ``size`` at a time (a chunk is short at the end, or when
        :data:`WAITING` resolutions wait for the results)."""
        while True:
            while len(self._files) < size and len(self._ready) < self.WAITING and self._advance():
                pass
            if not self._files and len(self._ready) < self.WAITING:
                return  # every resolution is made: no file is left
            yield tuple(self._files.popleft() for _ in range(min(size, len(self._files))))

    def keep(self, path: str) -> None:
        """Keep the checks arriving until the one of the file at ``path`` is kept (at once
        when it is kept already)."""
        if path not in self._on_the_way:
            return
        for arrived, check in self._arriving:
            self._checks.add(arrived, check)
            self._on_the_way.discard(arrived)
            if arrived == path:
                return

    def finish(self) -> None:
        """Keep every check still to come (none is, once every resolution was taken: each
        file is some reference's first)."""
        for arrived, check in self._arriving:
            self._checks.add(arrived, check)
            self._on_the_way.discard(arrived)


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

    def check(self, parts: Iterable[tuple[tuple[str, str | None], ...]]) -> Iterator[tuple[str, FileCheck]]:
        """Every file of ``parts`` checked, with its path, in the order given.  The parts are
        taken only as the workers have room for them: they may be made as they are asked for."""
        sent: deque[tuple[tuple[str, str | None], ...]] = deque()

        def noted() -> Iterator[tuple[tuple[str, str | None], ...]]:
            for part in parts:
                sent.append(part)
                yield part

        for found in self._workers.map(_check_chunk, noted()):
            part = sent.popleft()
            yield from ((path, FileCheck(*values)) for (path, _declared), values in zip(part, found))


__all__ = ["Checking", "Pool", "Streamed"]
