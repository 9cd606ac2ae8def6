"""Files by name: in memory up to :data:`KEPT` files, then in a database file on disk.

Two look-ups keep every image file of a site by its name: ``repair``'s image index
(:class:`~wxmigrate.site.ImageIndex`) and ``verify``'s search by name
(:class:`~wxmigrate.verify.resolve.NameIndex`).  A site of 10,000 posts has some
50,000 such files, which memory holds well; an archive of 100,000 posts has half a
million, which it must not.  Past :data:`KEPT` files, :class:`FileNames` moves them
all to a SQLite database of its own (at most :data:`CACHE_KIB` of it in memory) and
looks each name up there.

That database is a file in the temporary folder (``wxmigrate-names-*.sqlite``),
removed when its :class:`FileNames` is collected or the run ends (or, when the run
was killed before it could, by the next run that makes one: a run holds a lock on
its file while it lives), not SQLite's
private ``""`` database (:mod:`wxmigrate.scratch`), because ``repair``'s worker
processes read it too: once :meth:`FileNames.seal` has been called, a process forked
afterwards opens the file read-only through a connection of its own (a SQLite
connection must not be used across a fork).  Pickled (a Dask worker on another
machine), a :class:`FileNames` sends its rows, and is filed again where it arrives.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

try:
    import fcntl
except ImportError:  # Windows: no lock, no sweep (and no fork)
    fcntl = None  # type: ignore[assignment]

from .scratch import blob, unblob

#: How many files are filed in memory (about 120 bytes each) before all go to the database.
KEPT = 65_536
#: How many files wait in memory before they go to the database together.
BATCH = 4_096
#: How much of its database each process keeps in memory, in KiB.
CACHE_KIB = 1_024

#: The files of one name in memory: the place (a number the caller gives) of its one file,
#: named exactly as the key; else (place, file name) of each.
_Files = int | list[tuple[int, str]]
#: A file as filed: its key, its place, its name.
Filed = tuple[str, int, str]


class FileNames:
    """Files by key (a name in NFC), each a place (a folder's number) and its name, in the
    order they were added."""

    def __init__(self) -> None:
        self._memory: dict[str, _Files] = {}
        self._count = 0
        self._database: _Database | None = None
        self._waiting: list[tuple[bytes, int, bytes]] = []
        self._indexed = False
        self._sealed = False

    def add(self, key: str, place: int, name: str) -> None:
        """File the file ``name`` of place ``place`` under ``key``."""
        if self._sealed:
            raise RuntimeError("FileNames.add after seal(): a sealed index is read, not added to")
        self._count += 1
        if self._database is not None:
            self._waiting.append((blob(key), place, blob(name)))
            if len(self._waiting) >= BATCH:
                self._store()
            return
        found = self._memory.get(key)
        if found is None and key == name:
            self._memory[key] = place
        else:
            if found is None:
                found = self._memory[key] = []
            elif isinstance(found, int):
                found = self._memory[key] = [(found, key)]
            found.append((place, name))
        if self._count > KEPT:
            self._to_disk()

    def seal(self) -> None:
        """End the filing: what is filed is stored and indexed, so that processes forked
        from now on can read it (and nothing more can be added)."""
        if self._database is not None:
            self._ready()
        self._sealed = True

    def get(self, key: str) -> list[tuple[int, str]]:
        """The (place, name) of each file filed under ``key``, in the order they were added."""
        if self._database is None:
            files = self._memory.get(key)
            if files is None:
                return []
            return [(files, key)] if isinstance(files, int) else files
        query = "SELECT place, name FROM names WHERE key = ? ORDER BY rowid"
        return [(place, unblob(name)) for place, name in self._read().execute(query, (blob(key),))]

    def keys(self) -> Iterator[str]:
        """Each key, once, in the order its first file was added."""
        if self._database is None:
            return iter(list(self._memory))
        query = "SELECT key FROM names GROUP BY key ORDER BY min(rowid)"
        return (unblob(key) for (key,) in self._read().execute(query))

    def key_count(self) -> int:
        """How many keys files are filed under."""
        if self._database is None:
            return len(self._memory)
        return int(self._read().execute("SELECT count(DISTINCT key) FROM names").fetchone()[0])

    def shared(self, of: Callable[[str], str]) -> Iterator[tuple[str, list[Filed]]]:
        """Each value ``of`` gives the keys of more than one file, with those files (key,
        place, name); the values, and the files of each, in no particular order.

        On disk, the grouping is SQLite's (its temporary tables spill to disk too)."""
        if self._database is None:
            return self._shared_in_memory(of)
        return self._shared_on_disk(of)

    def __len__(self) -> int:
        """How many files are filed."""
        return self._count

    def __reduce__(self) -> tuple[Callable[[list[Filed], bool], FileNames], tuple[list[Filed], bool]]:
        return _filed, (list(self._rows()), self._sealed)

    def _rows(self) -> Iterator[Filed]:
        if self._database is None:
            for key, files in self._memory.items():
                for place, name in [(files, key)] if isinstance(files, int) else files:
                    yield key, place, name
            return
        query = "SELECT key, place, name FROM names ORDER BY rowid"
        for key, place, name in self._read().execute(query):
            yield unblob(key), place, unblob(name)

    def _shared_in_memory(self, of: Callable[[str], str]) -> Iterator[tuple[str, list[Filed]]]:
        counts: Counter[str] = Counter()
        for key, files in self._memory.items():
            counts[of(key)] += 1 if isinstance(files, int) else len(files)
        groups: dict[str, list[Filed]] = {}
        for key, place, name in self._rows():
            value = of(key)
            if counts[value] > 1:
                groups.setdefault(value, []).append((key, place, name))
        return iter(groups.items())

    def _shared_on_disk(self, of: Callable[[str], str]) -> Iterator[tuple[str, list[Filed]]]:
        connection = self._read()
        connection.create_function("grouped", 1, lambda key: blob(of(unblob(key))), deterministic=True)
        connection.execute("DROP TABLE IF EXISTS temp.grouped")
        connection.execute("CREATE TEMP TABLE grouped AS SELECT grouped(key) AS value, rowid AS file FROM names")
        query = """
            SELECT grouped.value, names.key, names.place, names.name
            FROM grouped JOIN names ON names.rowid = grouped.file
            WHERE grouped.value IN (SELECT value FROM grouped GROUP BY value HAVING count(*) > 1)
            ORDER BY grouped.value
        """
        try:
            for value, group in itertools.groupby(connection.execute(query), key=lambda row: row[0]):
                yield unblob(value), [(unblob(key), place, unblob(name)) for _, key, place, name in group]
        finally:
            connection.execute("DROP TABLE IF EXISTS temp.grouped")

    def _to_disk(self) -> None:
        self._waiting = [(blob(key), place, blob(name)) for key, place, name in self._rows()]
        self._memory = {}
        self._database = _Database()
        self._database.write().execute("CREATE TABLE names (key BLOB, place INTEGER, name BLOB)")
        self._store()

    def _store(self) -> None:
        assert self._database is not None
        connection = self._database.write()
        connection.executemany("INSERT INTO names VALUES (?, ?, ?)", self._waiting)
        connection.commit()
        self._waiting = []

    def _ready(self) -> None:
        """Everything filed stored and indexed (in the process that files)."""
        assert self._database is not None
        if self._waiting or not self._indexed:
            self._store()
            connection = self._database.write()
            connection.execute("CREATE INDEX IF NOT EXISTS names_key ON names (key)")
            connection.commit()
            self._indexed = True

    def _read(self) -> sqlite3.Connection:
        assert self._database is not None
        if self._sealed:
            return self._database.read()
        if not self._database.mine():
            raise RuntimeError("FileNames read in a process forked before seal(): its last files are not stored")
        self._ready()
        return self._database.write()


def _filed(rows: list[Filed], sealed: bool) -> FileNames:
    """A :class:`FileNames` of ``rows`` (a pickled one, filed again)."""
    names = FileNames()
    for key, place, name in rows:
        names.add(key, place, name)
    if sealed:
        names.seal()
    return names


class _Database:
    """A database file in the temporary folder: written by the process that made it, then,
    once written for good, read by it and by the processes forked from it, each through
    a connection of its own; removed (by the process that made it) when collected or when
    the run ends."""

    def __init__(self) -> None:
        _sweep(tempfile.gettempdir())
        descriptor, path = tempfile.mkstemp(prefix=_PREFIX, suffix=".sqlite")
        if fcntl is not None:  # held while the file is in use, by this process and its forks
            fcntl.flock(descriptor, fcntl.LOCK_SH)
        self.path = path
        self._maker = os.getpid()
        self._writer = _connect(path, "rwc")
        self._readers: dict[int, sqlite3.Connection] = {}
        # Scratch data: no journal to roll back, no wait for the disk.
        self._writer.execute("PRAGMA journal_mode = OFF")
        self._writer.execute("PRAGMA synchronous = OFF")
        weakref.finalize(self, _remove, self._writer, self._readers, path, self._maker, descriptor)

    def mine(self) -> bool:
        """Whether this process made the database (and may write it)."""
        return os.getpid() == self._maker

    def write(self) -> sqlite3.Connection:
        assert self.mine(), "only the process that made the database writes it"
        return self._writer

    def read(self) -> sqlite3.Connection:
        """This process's connection for reading the database, written for good (sealed):
        opened ``immutable``, SQLite neither locks the file nor looks for changes at each
        query (``verify`` of 100,000 posts: 76.6 s, against 80.7 s read through the writer)."""
        pid = os.getpid()
        connection = self._readers.get(pid)
        if connection is None:  # forked: the connections inherited are left untouched
            connection = self._readers[pid] = _connect(self.path, "ro&immutable=1")
        return connection


_PREFIX = "wxmigrate-names-"


def _sweep(folder: str) -> None:
    """Remove the database files of runs that ended before they could (a ``kill -9``, or a
    ``SIGTERM`` while the site was being found): those no process holds a lock on."""
    if fcntl is None:
        return
    for path in Path(folder).glob(f"{_PREFIX}*.sqlite"):
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink()
        except OSError:  # in use (or another user's): left alone
            pass
        finally:
            os.close(descriptor)


def _connect(path: str, mode: str) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{quote(path)}?mode={mode}", uri=True, check_same_thread=False)
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return connection


def _remove(
    writer: sqlite3.Connection, readers: dict[int, sqlite3.Connection], path: str, maker: int, held: int
) -> None:
    if os.getpid() != maker:
        return  # a forked process's copy: the file is its maker's to remove
    reader = readers.pop(maker, None)
    if reader is not None:
        reader.close()
    writer.close()
    Path(path).unlink(missing_ok=True)
    os.close(held)


__all__ = ["BATCH", "CACHE_KIB", "KEPT", "FileNames", "Filed"]
