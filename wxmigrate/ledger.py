"""What a repair run keeps of its posts, on disk: a run's memory must not grow with the archive.

A run of 100,000 posts still reports on every post (its changes, errors, images)
and lists every file it wrote.  :class:`Ledger` keeps both in a private
temporary SQLite database (deleted when it is closed or collected; SQLite
keeps at most :data:`CACHE_KIB` of it in memory) and gives them back as
sequences read from disk: :meth:`Ledger.posts`, :meth:`Ledger.actions` and
:meth:`Ledger.copies`.

Which files a run lists is decided here, in post order, as one process would:
a file is listed once, at the first post that wrote it, and an image copy at
the first post that needed it, when any post (in any worker) made it: with
several workers, a later post may make the copy an earlier one needed and
found made.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from .scratch import private_database

#: How much of its database a ledger keeps in memory, in KiB.
CACHE_KIB = 2048

_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE posts (number INTEGER PRIMARY KEY, result BLOB);
-- kind: 'write' (a post's file, a site file or a backup) or 'copy' (an image); made: 1 when
-- this run wrote or copied it (with dry_run: would have), 0 for a copy found already made.
CREATE TABLE files (number INTEGER PRIMARY KEY, kind TEXT, verb TEXT, path TEXT, source TEXT, made INTEGER);
CREATE INDEX files_by_path ON files (path);
"""
# Each path once, at its first listed entry; a copy is listed only when some post made it.
# Every lookup goes through the index by path: no temporary table of the run's paths is built.
_LISTED = """
SELECT verb, path, source FROM files f
WHERE CASE
    WHEN EXISTS (SELECT 1 FROM files m WHERE m.path = f.path AND m.kind = 'copy' AND m.made)
    THEN f.number = (SELECT min(number) FROM files g WHERE g.path = f.path)
    ELSE f.kind = 'write' AND f.number = (SELECT min(number) FROM files g WHERE g.path = f.path AND g.kind = 'write')
END {only}
ORDER BY number
"""


class Rows(Sequence[_T], Generic[_T]):
    """A query's rows as a sequence read from disk (each read makes its items anew)."""

    def __init__(self, ledger: Ledger, query: str, make: Callable[[Any], _T]) -> None:
        self._ledger = ledger
        self._query = query
        self._make = make

    def __iter__(self) -> Iterator[_T]:
        return (self._make(row) for row in self._ledger.connection.execute(self._query))

    def __len__(self) -> int:
        return int(self._ledger.connection.execute(f"SELECT count(*) FROM ({self._query})").fetchone()[0])

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...
    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        if isinstance(index, slice):
            return list(self)[index]
        size = len(self)
        if not -size <= index < size:
            raise IndexError(index)
        row = self._ledger.connection.execute(
            f"SELECT * FROM ({self._query}) LIMIT 1 OFFSET ?", (index % size,)
        ).fetchone()
        return self._make(row)


class Ledger:
    """One run's per-post results and files, kept on disk in post order."""

    def __init__(self) -> None:
        self.connection = private_database(CACHE_KIB)
        self.connection.executescript(_SCHEMA)

    def add_post(self, result: object) -> None:
        """Keep one post's result (pickled: it is small data, attrs classes of plain values)."""
        self.connection.execute("INSERT INTO posts (result) VALUES (?)", (pickle.dumps(result, 5),))

    def add_files(self, writes: Iterable[Any], copies: Iterable[tuple[Path, Path, bool]] = ()) -> None:
        """Keep what one post (or the site's files) wrote, then the image copies it needed:
        ``writes`` are :class:`~wxmigrate.migrate.Action`s, ``copies`` (from, to, made)."""
        rows = [("write", action.verb, str(action.path), _text(action.source), 1) for action in writes]
        rows += [("copy", "copy", str(target), str(file), int(made)) for file, target, made in copies]
        self.connection.executemany(
            "INSERT INTO files (kind, verb, path, source, made) VALUES (?, ?, ?, ?, ?)", rows
        )

    def posts(self, make: Callable[[object], _T]) -> Rows[_T]:
        """Every post's result, in post order (``make`` gives each its type)."""
        return Rows(self, "SELECT result FROM posts ORDER BY number", lambda row: make(pickle.loads(row[0])))

    def actions(self, make: Callable[[str, Path, Path | None], _T]) -> Rows[_T]:
        """Every file written, copied or backed up, in order, each once (``make``: from its
        verb, path and source)."""
        return Rows(self, _LISTED.format(only=""), lambda row: make(row[0], Path(row[1]), _path(row[2])))

    def copies(self) -> Rows[tuple[Path, Path]]:
        """The image copies made, (from, to), each listed at the first post that needed it."""
        return Rows(self, _LISTED.format(only="AND kind = 'copy'"), lambda row: (Path(row[2]), Path(row[1])))

    def close(self) -> None:
        self.connection.close()


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)


def _path(text: str | None) -> Path | None:
    return None if text is None else Path(text)


__all__ = ["CACHE_KIB", "Ledger", "Rows"]
