"""The files one run has checked, kept on disk: at 10,000 posts a site has tens of thousands.

A run needs a file's check again when another reference leads to the file, and
at its end whether a file in an image folder was used (the orphans) and which
files share their bytes (the duplicates).  :class:`CheckedFiles` numbers the
files in the order they are checked and keeps each one's path and check in a
private temporary SQLite database, :data:`BATCH` rows at a time (deleted when
it is collected; at most :data:`CACHE_KIB` of it held in memory); in memory it
keeps the ``hash()`` and number of the first :data:`NUMBERED` paths, which tells a
file never checked (nearly every lookup) without reading the database, and the
checks of the last :data:`RECENT` to :data:`RECENT` × 2 files checked, which the
references near the first to each file ask for.  A file checked after the first
:data:`NUMBERED` is found by its path in the database, through an index made then:
a site of hundreds of thousands of files is looked up on disk, not held.  The duplicates are
grouped by SQLite, so only files that share their bytes are ever held together.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator

from ..scratch import blob, private_database, unblob
from .check import CHECK_VALUES as _VALUES, FileCheck

#: How many checks wait in memory before they go to the database together.
BATCH = 1024
#: How much of its database a run keeps in memory, in KiB.
CACHE_KIB = 1024
#: How many files are numbered in memory (about 100 bytes each); the files checked after
#: them are looked up in the database by their path.
NUMBERED = 65_536
#: How many of the checks last made are kept in memory as well (twice as many at most):
#: more than one process's window of references (:data:`wxmigrate.verify.WINDOW`) leads to.
RECENT = 2048

#: A kept file: its number, its path (:func:`~wxmigrate.scratch.blob`), its hash, its check pickled.
_Row = tuple[int, bytes, str | None, bytes]

_SCHEMA = (
    "CREATE TABLE checked (number INTEGER PRIMARY KEY, path BLOB, sha256 TEXT, check_ BLOB)",
    # Files no reference led to, hashed only for the duplicates.
    "CREATE TABLE unused (path BLOB, sha256 TEXT)",
)

_SHARED = """
    WITH every AS (SELECT path, sha256 FROM checked UNION ALL SELECT path, sha256 FROM unused)
    SELECT sha256, path FROM every
    WHERE sha256 IN (
        SELECT sha256 FROM every WHERE sha256 IS NOT NULL AND sha256 != '' GROUP BY sha256 HAVING COUNT(*) > 1
    )
    ORDER BY sha256
"""


class CheckedFiles:
    """Each checked file's :class:`FileCheck`, by the path it was checked at (symlinks followed)."""

    def __init__(self, checks: Iterable[tuple[str, FileCheck]] = ()) -> None:
        #: hash(path) -> the number of the first file kept with that hash ...
        self._numbers: dict[int, int] = {}
        #: ... and path -> number for the rare others (two paths of one hash).
        self._clashes: dict[str, int] = {}
        #: Whether files past the first :data:`NUMBERED` are kept (and indexed by path) ...
        self._indexed = False
        #: ... and those of them still waiting to be stored, path -> number.
        self._waiting_paths: dict[str, int] = {}
        self._waiting: list[_Row] = []
        self._stored = 0
        #: The checks last made, by path: the newer ones, then those before them.
        self._recent: dict[str, FileCheck] = {}
        self._older: dict[str, FileCheck] = {}
        self._connection = private_database(CACHE_KIB)
        for statement in _SCHEMA:
            self._connection.execute(statement)
        for path, check in checks:
            self.add(path, check)

    def add(self, path: str, check: FileCheck) -> None:
        """Keep ``check`` as the check of the file at ``path`` (checked once: not kept yet)."""
        number = self._stored + len(self._waiting)
        if len(self._numbers) < NUMBERED:
            if self._numbers.setdefault(hash(path), number) != number:
                self._clashes[path] = number
        else:
            if not self._indexed:
                self._connection.execute("CREATE INDEX checked_path ON checked (path)")
                self._indexed = True
            self._waiting_paths[path] = number
        self._waiting.append((number, blob(path), check.sha256, pickle.dumps(_VALUES(check), 5)))
        if len(self._waiting) >= BATCH:
            self._store()
        if len(self._recent) >= RECENT:
            self._older, self._recent = self._recent, {}
        self._recent[path] = check

    def get(self, path: str) -> FileCheck | None:
        """The check of the file at ``path``, or None when it has not been checked."""
        recent = self._recent.get(path) or self._older.get(path)
        if recent is not None:
            return recent
        row = self._row(path)
        return None if row is None else FileCheck(*pickle.loads(row[3]))

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        return path in self._recent or path in self._older or self._row(path) is not None

    def add_unused(self, path: str, sha256: str | None) -> None:
        """Count the file at ``path``, which no reference led to, in :meth:`shared` by its hash."""
        self._connection.execute("INSERT INTO unused (path, sha256) VALUES (?, ?)", (blob(path), sha256))

    def shared(self) -> Iterator[tuple[str, list[str]]]:
        """Each hash several files have (checked or unused), in order, with those files' paths
        (in no particular order)."""
        self._store()
        sha256: str | None = None
        paths: list[str] = []
        for found, key in self._connection.execute(_SHARED):
            if found != sha256 and sha256 is not None:
                yield sha256, paths
                paths = []
            sha256 = found
            paths.append(unblob(key))
        if sha256 is not None:
            yield sha256, paths

    def _row(self, path: str) -> _Row | None:
        """The row of the file at ``path``, or None when there is none."""
        number = self._clashes.get(path)
        if number is None:
            number = self._numbers.get(hash(path))
        if number is not None:
            row = self._numbered(number)
            if row[1] == blob(path):
                return row
            # else another path of the same hash
        if not self._indexed:
            return None
        number = self._waiting_paths.get(path)
        if number is not None:
            return self._numbered(number)
        query = "SELECT number, path, sha256, check_ FROM checked WHERE path = ?"
        found: _Row | None = self._connection.execute(query, (blob(path),)).fetchone()
        return found

    def _numbered(self, number: int) -> _Row:
        """The row of the file numbered ``number``, waiting or stored."""
        if number >= self._stored:
            return self._waiting[number - self._stored]
        query = "SELECT number, path, sha256, check_ FROM checked WHERE number = ?"
        row: _Row = self._connection.execute(query, (number,)).fetchone()
        return row

    def _store(self) -> None:
        """Put the checks waiting into the database."""
        self._connection.executemany("INSERT INTO checked VALUES (?, ?, ?, ?)", self._waiting)
        self._stored += len(self._waiting)
        self._waiting = []
        self._waiting_paths = {}


__all__ = ["BATCH", "CACHE_KIB", "NUMBERED", "RECENT", "CheckedFiles"]
