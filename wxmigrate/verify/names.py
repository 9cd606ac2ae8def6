"""The files of each name, for the look-up by name: in memory up to :data:`KEPT` files,
then in a private temporary SQLite database.

:class:`~.resolve.NameIndex` files every image of the folders it searches under its
name.  A site of 10,000 posts has some 50,000 such files, which memory holds well; an
archive of 100,000 posts has half a million, which it must not: past :data:`KEPT` files,
:class:`FileNames` moves them all to its database (deleted when it is collected; at most
:data:`CACHE_KIB` of it held in memory) and looks each name up there.
"""

from __future__ import annotations

import sqlite3

from ..scratch import blob, private_database, unblob

#: How many files are filed in memory (about 120 bytes each) before all go to the database.
KEPT = 65_536
#: How many files wait in memory before they go to the database together.
BATCH = 4_096
#: How much of its database a run keeps in memory, in KiB.
CACHE_KIB = 1_024

#: The files of one name in memory: the place (a number the caller gives) of its one file,
#: named exactly as the key; else (place, file name) of each.
_Files = int | list[tuple[int, str]]


class FileNames:
    """Files by key (a name in NFC), each a place (a folder's number) and its name, in the
    order they were added."""

    def __init__(self) -> None:
        self._memory: dict[str, _Files] = {}
        self._count = 0
        self._connection: sqlite3.Connection | None = None
        self._waiting: list[tuple[bytes, int, bytes]] = []
        self._indexed = False

    def add(self, key: str, place: int, name: str) -> None:
        """File the file ``name`` of place ``place`` under ``key``."""
        self._count += 1
        if self._connection is not None:
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

    def get(self, key: str) -> list[tuple[int, str]]:
        """The (place, name) of each file filed under ``key``, in the order they were added."""
        if self._connection is None:
            files = self._memory.get(key)
            if files is None:
                return []
            return [(files, key)] if isinstance(files, int) else files
        if self._waiting or not self._indexed:
            self._store()
            self._connection.execute("CREATE INDEX IF NOT EXISTS names_key ON names (key)")
            self._indexed = True
        query = "SELECT place, name FROM names WHERE key = ? ORDER BY rowid"
        return [(place, unblob(name)) for place, name in self._connection.execute(query, (blob(key),))]

    def __len__(self) -> int:
        """How many files are filed."""
        return self._count

    def _to_disk(self) -> None:
        self._connection = private_database(CACHE_KIB)
        self._connection.execute("CREATE TABLE names (key BLOB, place INTEGER, name BLOB)")
        for key, files in self._memory.items():
            for place, name in [(files, key)] if isinstance(files, int) else files:
                self._waiting.append((blob(key), place, blob(name)))
        self._memory = {}
        self._store()

    def _store(self) -> None:
        assert self._connection is not None
        self._connection.executemany("INSERT INTO names VALUES (?, ?, ?)", self._waiting)
        self._waiting = []


__all__ = ["BATCH", "CACHE_KIB", "KEPT", "FileNames"]
