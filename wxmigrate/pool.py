"""Worker processes for the commands' ``--jobs``: chunks of work mapped over a pool, in order.

:class:`Workers` forks ``jobs`` processes, gives each the run's shared data once
(the site, the plan: too big to send with every chunk), and maps a plain
function of (shared data, chunk) over chunks, the results in the chunks' order.
Anything with the same ``map`` and context manager (:class:`Pool`), a Dask
client wrapped for instance, can stand in for it.
"""

from __future__ import annotations

import functools
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from .write import remove_live_temporaries

if TYPE_CHECKING:  # imported when workers are started (:class:`Workers`): a run of one process never does
    from concurrent.futures import ProcessPoolExecutor

#: Items per chunk: small enough to share the work out evenly and to stop soon when asked.
CHUNK = 32
#: Chunks sent to each worker ahead of the one whose result is awaited.
AHEAD = 4

_S = TypeVar("_S")
_S_co = TypeVar("_S_co", covariant=True)
_C = TypeVar("_C")
_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)
_T = TypeVar("_T")


class Executor(Protocol[_S_co]):
    """Runs a chunk function (of the shared data and a chunk) over chunks, in their order."""

    def map(self, function: Callable[[_S_co, _C], _R], chunks: Iterable[_C]) -> Iterator[_R]: ...


class Pool(Executor[_S_co], AbstractContextManager["Pool[_S_co]"], Protocol[_S_co]):
    """An executor that is shut down (its workers done) when its ``with`` block ends."""


_SHARED: list[object] = []  # a worker process's shared data, installed once when it starts


def _end(signum: int, frame: object) -> None:
    remove_live_temporaries()
    os._exit(128 + signum)


def _install(shared: object) -> None:
    # SIGTERM (the pool ending its workers once one is lost, or a kill of the whole run)
    # ends a worker at once, after removing the temporary file it was writing, if any: the
    # run's handler, inherited through fork, would raise in it instead, and a worker then
    # blocked on sending a large result back to a broken pool would never exit.
    signal.signal(signal.SIGTERM, _end)
    _SHARED[:] = [shared]


def _with_shared(function: Callable[[_S, _C], _R], chunk: _C) -> _R:
    assert _SHARED, "a worker runs chunks only after _install"
    return function(_SHARED[0], chunk)  # type: ignore[arg-type]  # installed by this pool


class Workers(Generic[_S]):
    """``jobs`` forked worker processes, each given ``shared`` once; use as a context manager.

    On an exception (Ctrl-C, ``SIGTERM`` turned into ``SystemExit``) the chunks not
    started are cancelled and the ones running are let finish, so that no worker is left
    writing once the run (and its lock) is gone.
    """

    def __init__(self, shared: _S, jobs: int) -> None:
        # Here, not at the top: ``multiprocessing`` and ``concurrent.futures`` are about 8 ms
        # of imports that every command run without ``--jobs`` would pay for nothing.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.jobs = jobs
        self.pool: ProcessPoolExecutor = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_install,
            initargs=(shared,),
        )

    def map(self, function: Callable[[_S, _C], _R], chunks: Iterable[_C]) -> Iterator[_R]:
        """Each chunk's result, in order; at most :data:`AHEAD` chunks per worker are sent
        ahead of the one awaited (``Executor.map`` would send them all at once, and keep
        every result not yet taken)."""
        return ahead(
            functools.partial(self.pool.submit, functools.partial(_with_shared, function)),
            chunks,
            AHEAD * self.jobs,
        )

    def __enter__(self) -> Workers[_S]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Pending(Protocol[_R_co]):
    """A submitted chunk (a ``concurrent.futures`` or a Dask future)."""

    def result(self) -> _R_co: ...
    def cancel(self) -> object: ...


def ahead(submit: Callable[[_C], Pending[_R]], chunks: Iterable[_C], window: int) -> Iterator[_R]:
    """The results of ``submit`` over ``chunks``, in order, with at most ``window`` submitted
    and not yet taken (memory stays bounded however many chunks there are)."""
    pending: deque[Pending[_R]] = deque()
    try:
        for chunk in chunks:
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def worker_count(jobs: int) -> int:
    """The number of processes ``--jobs`` asks for: 0 is one per core."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per core) or more, not {jobs}")
    return jobs or os.cpu_count() or 1


def chunks(items: Sequence[_T], size: int | None = None) -> Iterator[tuple[_T, ...]]:
    """``items`` cut into consecutive chunks of ``size`` (default :data:`CHUNK`), made as
    they are taken."""
    size = size or CHUNK
    return (tuple(items[start : start + size]) for start in range(0, len(items), size))


__all__ = ["AHEAD", "CHUNK", "Executor", "Pending", "Pool", "Workers", "ahead", "chunks", "worker_count"]
