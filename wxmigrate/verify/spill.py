"""A long sequence kept on disk: a report's results must not grow a run's memory with the site.

:class:`Spilled` is appended to in order and read back as a sequence.  It keeps
the last :data:`CHUNK` items in memory; each full chunk is pickled (as rows of
plain values, which pickle quickly) into a private temporary SQLite database
(deleted when the sequence is collected; SQLite keeps at most :data:`CACHE_KIB`
of it in memory: chunks are read in order), opened only once a first chunk is
full, so a run of a few hundred posts never opens one.  Reading it makes its items anew
from their rows, a chunk at a time.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from ..scratch import private_database

#: How many items go to disk together (and stay in memory until they do): a run holds a few
#: such chunks at once (those it reads and the one it fills), of a few hundred bytes an item.
CHUNK = 4_096
#: How much of its database a sequence keeps in memory, in KiB.
CACHE_KIB = 256

_T = TypeVar("_T")
Row = tuple[Any, ...]


class Spilled(Sequence[_T], Generic[_T]):
    """Items in the order appended; ``row`` turns one into plain values, ``make`` back."""

    def __init__(self, row: Callable[[_T], Row], make: Callable[..., _T]) -> None:
        self._row = row
        self._make = make
        self._tail: list[_T] = []
        self._chunks = 0
        self._connection: sqlite3.Connection | None = None

    def append(self, item: _T) -> None:
        """Add ``item`` at the end (a full chunk goes to disk)."""
        self._tail.append(item)
        if len(self._tail) >= CHUNK:
            self._spill()

    def _spill(self) -> None:
        if self._connection is None:
            self._connection = private_database(CACHE_KIB)
            self._connection.execute("CREATE TABLE chunks (number INTEGER PRIMARY KEY, rows BLOB)")
        rows = [self._row(item) for item in self._tail]
        self._connection.execute(
            "INSERT INTO chunks (number, rows) VALUES (?, ?)", (self._chunks, pickle.dumps(rows, 5))
        )
        self._chunks += 1
        self._tail = []

    def _chunk(self, number: int) -> list[_T]:
        assert self._connection is not None
        (blob,) = self._connection.execute("SELECT rows FROM chunks WHERE number = ?", (number,)).fetchone()
        return [self._make(*row) for row in pickle.loads(blob)]

    def __len__(self) -> int:
        return self._chunks * CHUNK + len(self._tail)

    def __iter__(self) -> Iterator[_T]:
        for number in range(self._chunks):
            yield from self._chunk(number)
        yield from list(self._tail)

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...
    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        if not isinstance(index, slice):
            # A range gives the position (from the end for a negative index), or the IndexError.
            number, offset = divmod(range(len(self))[index], CHUNK)
            return self._tail[offset] if number == self._chunks else self._chunk(number)[offset]
        return list(self)[index]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self, other))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Spilled({len(self)} items)"


__all__ = ["CHUNK", "Spilled"]
