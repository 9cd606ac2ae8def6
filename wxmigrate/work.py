"""Repairing a site with several worker processes, with the same result as one.

The unit of work is :func:`repair_chunk`: a plain function of a :class:`Batch`
(the site, the plan, where to write: the same for every chunk, sent to each
worker once) and a chunk of post paths.  It reads, repairs and writes those
posts itself and returns one small :class:`~wxmigrate.migrate.Done` per post
(no texts unless asked).  :class:`Workers` runs chunks on a
``concurrent.futures`` process pool (:mod:`wxmigrate.pool`); another
executor (Dask) needs only the same ``map`` and context manager, passed to
:func:`posts_done` as ``pool``.

What one run decides across posts must not depend on which worker gets which
post, so :func:`posts_done` settles it first, in post order:

- *output paths* (two posts never get one, :func:`~wxmigrate.layout.unique`):
  when the posts could clash (re-laid out, or mirrored paths that differ only
  in case), every post's wanted path is read in a first parallel pass
  (:func:`wanted_names`: read and parse, no repair) and given out in order;
  else each post keeps its own.
- *image targets* (a second file of one name gets ``NAME-<sha8>``,
  :meth:`~wxmigrate.migrate.ImagePlan.target`): only names that files of
  different content could both be given
  (:func:`~wxmigrate.migrate.contested_names`) depend on who comes first; a worker hands back a post that uses one
  (:class:`~wxmigrate.layout.Contested`), and this process repairs it in its
  place in post order, so those names are given exactly as one process would.

With an output folder's record (:mod:`wxmigrate.resume`), this process looks
up the entries of each chunk's posts and sends them along; the post an entry
still stands for is skipped where it would have been repaired
(:func:`repair_recorded`), and the output paths of skipped posts are given out
from their entries.  A post repaired comes back with its new entry, which this
process writes.

Results come back in post order, so what a run prints and reports is the same
for any ``jobs``.  Workers are forked; each writes atomically (a temporary
file and a rename), so an interrupted run leaves no partial file, and the lock
is held by this process until every worker is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from .layout import Contested, unique
from .migrate import Done, ImagePlan, Output, Plan, PostResult, Trace, read_post, repair_one, wanted_file
from .pool import Executor, Pool, Workers, chunks, worker_count
from .resume import Entry, Record, entry_of, skipped, unchanged_source
from .site import Site, outside_link
from .write import remove_stale_temporaries

#: The record's entries of a chunk's posts (see :mod:`wxmigrate.resume`).
Known = Mapping[Path, Entry]


@attrs.frozen
class Batch:
    """What every chunk of one run shares."""

    site: Site
    plan: Plan
    target_root: Path
    #: In place: where the originals are backed up (None: written to ``target_root``).
    backup_folder: Path | None
    dry_run: bool
    options: Mapping[str, object]
    #: Send each post's texts back (for a caller's ``on_post``).
    texts: bool = False
    #: Make each post's entry for the output folder's record (:mod:`wxmigrate.resume`).
    record: bool = False


def repair_recorded(path: Path, batch: Batch, plan: Plan, output: Output, known: Entry | None = None) -> Done:
    """The post done: from its record's entry ``known`` when that still stands for it (see
    :func:`wxmigrate.resume.skipped`), else repaired (with its new entry, when recording)."""
    made: dict[Path, bool] = {}
    if known is not None:
        done, made = skipped(known, path, batch.site, plan, output, batch.target_root, texts=batch.texts)
        if done is not None:
            return done
    if not batch.record:
        return repair_one(path, batch.site, plan, output, batch.target_root, batch.backup_folder, batch.options)
    trace = Trace()
    plan.images.trace = trace
    try:
        done = repair_one(path, batch.site, plan, output, batch.target_root, batch.backup_folder, batch.options)
    finally:
        plan.images.trace = None
    if made:  # copies the attempt to skip made: a full run would have made them here
        done = attrs.evolve(done, copies=tuple((a, b, c or made.get(b, False)) for a, b, c in done.copies))
    return attrs.evolve(done, entry=entry_of(done, trace, batch.site, plan, batch.target_root))


def repair_chunk(batch: Batch, paths: tuple[Path, ...], known: Known | None = None) -> list[Done | Path]:
    """Repair and write each post of ``paths`` (or skip it, see :func:`repair_recorded`); for
    one whose images' names are contested, its path (this process repairs it, in order)."""
    output = Output(batch.target_root, dry_run=batch.dry_run, sync_new=batch.backup_folder is not None)
    done: list[Done | Path] = []
    for path in paths:
        try:
            one = repair_recorded(path, batch, batch.plan, output, (known or {}).get(path))
        except Contested:
            done.append(path)
            continue
        done.append(one if batch.texts else attrs.evolve(one, result=one.result.without_texts()))
    return done


def _repair_named(
    batch: Batch, chunk: tuple[tuple[Path, ...], Mapping[Path, str] | None, Known]
) -> list[Done | Path]:
    """:func:`repair_chunk` with the chunk's output paths decided beforehand (None: each its
    own) and its posts' entries in the record."""
    paths, names, known = chunk
    if names is not None:
        batch = attrs.evolve(batch, plan=attrs.evolve(batch.plan, assigned=names))
    return repair_chunk(batch, paths, known)


def _wanted_known(batch: Batch, chunk: tuple[tuple[Path, ...], Known]) -> list[str | None]:
    """:func:`wanted_names`, the path wanted by a post whose entry still stands taken from it."""
    paths, known = chunk
    return wanted_names(batch, paths, known)


def wanted_names(batch: Batch, paths: tuple[Path, ...], known: Known | None = None) -> list[str | None]:
    """The output path each post wants (None: it cannot be read, and takes none); a post of
    ``known`` that is the file its entry was made from wants what it wanted then."""
    site, plan = batch.site, batch.plan
    names: list[str | None] = []
    for path in paths:
        entry = (known or {}).get(path)
        if entry is not None and unchanged_source(entry, path, site) is not None:
            names.append(entry.wanted)
            continue
        try:
            if outside_link(path, site.root) is not None:
                raise ValueError("refused")
            _text, post = read_post(path, site, plan.dialect, encoding=plan.encoding)
            names.append(wanted_file(path, post, site, plan)[0])
        except Exception:  # repairing it fails the same way, before it takes a path
            names.append(None)
    return names


def could_clash(site: Site, plan: Plan) -> bool:
    """Whether two posts could want one output path (else each keeps its own)."""
    if plan.relayout:
        return True
    keys = [site.relative(path).with_suffix("").as_posix().lower() for path in site.posts]
    return len(set(keys)) != len(keys)


def assign_names(
    site: Site, executor: Executor[Batch], parts: Iterable[tuple[tuple[Path, ...], Known]]
) -> dict[Path, str]:
    """Each post's output path, given out in post order as one process does."""
    taken: set[str] = set()
    assigned: dict[Path, str] = {}
    paths = iter(site.posts)
    for names in executor.map(_wanted_known, parts):
        for name, path in zip(names, paths):  # names first: zip takes no path past a chunk's end
            if name is not None:
                assigned[path] = unique(name, taken)
    return assigned


#: Makes the pool of a parallel run from its shared data and its number of workers.
PoolFactory = Callable[[Batch, int], Pool[Batch]]


def posts_done(
    batch: Batch, jobs: int, output: Output, pool: PoolFactory | None = None, record: Record | None = None
) -> Iterator[Done]:
    """Every post of the site done, in post order: here with ``jobs`` 1 and no ``pool``
    (through ``output``), else by :func:`worker_count` workers of ``pool`` (default
    :class:`~wxmigrate.pool.Workers`; see the module doc).  ``record``: the output folder's
    record, whose entries let posts be skipped (:mod:`wxmigrate.resume`).

    When workers are lost (a process killed, a Dask worker gone for good), the posts not
    done yet are each reported as not done, and the run goes on to its end: running the
    same command again finishes them.
    """
    posts = batch.site.posts

    def known(paths: tuple[Path, ...]) -> Known:
        return record.known(batch.site, paths) if record is not None else {}

    count = min(worker_count(jobs), max(1, len(posts)))
    if pool is None and count == 1:
        for paths in chunks(posts):
            entries = known(paths)
            for path in paths:
                yield repair_recorded(path, batch, batch.plan, output, entries.get(path))
        return
    plan = batch.plan
    images = ImagePlan(batch.site, plan.images.folder, plan.images.contested, defer=True)
    shared = attrs.evolve(batch, plan=attrs.evolve(plan, images=images))
    done = 0
    try:
        with (pool or Workers)(shared, count) as workers:
            if could_clash(batch.site, plan):
                assigned = assign_names(batch.site, workers, ((paths, known(paths)) for paths in chunks(posts)))
            else:
                assigned = None
            here = attrs.evolve(plan, assigned=assigned)  # for the contested posts, done here in order
            named = ((paths, _subset(assigned, paths), known(paths)) for paths in chunks(posts))
            for results in workers.map(_repair_named, named):
                for one in results:
                    done += 1
                    yield one if isinstance(one, Done) else repair_recorded(one, batch, here, output)
    except Exception as error:  # the workers are lost: what they had not done is reported
        if pool is None and not output.dry_run:  # every worker process has ended by now
            remove_stale_temporaries(output.root)  # what a killed one was writing
        lost = f"not done: the workers were lost ({_first_line(error)}); run the same command again to finish it"
        for path in posts[done:]:
            yield Done(PostResult(source=path, error=f"{path}:0: {lost}"))


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _subset(assigned: Mapping[Path, str] | None, paths: Iterable[Path]) -> dict[Path, str] | None:
    if assigned is None:
        return None
    return {path: assigned[path] for path in paths if path in assigned}


__all__ = [
    "Batch",
    "PoolFactory",
    "assign_names",
    "could_clash",
    "posts_done",
    "repair_chunk",
    "wanted_names",
]
