"""Running ``repair`` and ``verify`` on a Dask cluster: ``--scheduler dask[:ADDRESS]``.

``pip install 'wxmigrate[dask]'`` installs Dask and ``distributed``; nothing
else in wxmigrate imports them.  :func:`dask_executor` stands in for the local
worker processes of ``--jobs`` (:class:`wxmigrate.pool.Workers`): the run's
shared data (the site's post list and image index, the plan: small data, no
post's text) is scattered to every worker once, then each chunk of post paths
is one task running the same function ``--jobs`` runs
(:func:`wxmigrate.work.repair_chunk`), which reads, repairs and writes its
posts on the worker and returns one small summary per post.  The results are
taken in post order, a few chunks per worker ahead, so the run's output,
report and exit code are those of a local run, and the machine that started
it holds the lock of the output folder and the run's ledger.

Every worker must see the source and the output at the same paths (shared
storage: see ``docs/scale.md``).  A worker that dies loses nothing written
(every write is a temporary file and a rename); Dask runs its chunks again
elsewhere, and when it gives up the posts not done are reported so, and the
same command run again finishes them.

>>> from wxmigrate.migrate import repair_site
>>> from wxmigrate.distributed import dask_executor
>>> result = repair_site("site", out="out", jobs=2, executor=dask_executor())  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import ConfigError
from .pool import AHEAD, ahead

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

_S = TypeVar("_S")
_C = TypeVar("_C")
_R = TypeVar("_R")

#: What ``--scheduler`` names Dask by, alone or followed by ``:ADDRESS``.
DASK = "dask"


def dask_executor(address: str | None = None) -> Dask:
    """An executor for :func:`~wxmigrate.migrate.repair_site` and :func:`~wxmigrate.verify.verify`:
    a ``LocalCluster`` of ``jobs`` single-threaded worker processes on this machine, or, with
    ``address`` (``tcp://host:8786``), the workers of that running ``distributed`` scheduler.

    Raises :class:`~wxmigrate.errors.ConfigError` when Dask is not installed.
    """
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        raise ConfigError(
            f"--scheduler dask needs Dask ({error.name} is not installed): pip install 'wxmigrate[dask]'"
        ) from error
    return Dask(address)


class Dask:
    """Makes the pool of one run (see :func:`dask_executor`)."""

    def __init__(self, address: str | None) -> None:
        self.address = address

    def __call__(self, shared: _S, jobs: int) -> DaskWorkers[_S]:
        return DaskWorkers(shared, jobs, self.address)


class DaskWorkers(Generic[_S]):
    """A Dask client (and, without an address, its ``LocalCluster``) for one run; a context manager."""

    def __init__(self, shared: _S, jobs: int, address: str | None) -> None:
        from distributed import Client, LocalCluster

        self.cluster: LocalCluster | None = None
        if address is None:
            self.cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
        self.client: Client = Client(self.cluster if self.cluster is not None else address)
        workers = len(self.client.scheduler_info().get("workers", {})) or jobs
        self.window = AHEAD * max(1, workers)
        # Sent to every worker once, not with every chunk.
        self.shared = self.client.scatter(shared, broadcast=True, hash=False)

    def map(self, function: Callable[[_S, _C], _R], chunks: Iterable[_C]) -> Iterator[_R]:
        """Each chunk's result, in order, with at most a few chunks per worker submitted ahead."""

        def submit(chunk: _C) -> Any:
            return self.client.submit(function, self.shared, chunk, pure=False)

        return ahead(submit, chunks, self.window)

    def __enter__(self) -> DaskWorkers[_S]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


__all__ = ["DASK", "Dask", "DaskWorkers", "dask_executor"]
