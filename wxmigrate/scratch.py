"""Scratch databases: where a run keeps what must not grow its memory with the archive.

A run over 100,000 posts keeps some things for its whole length (its results, the
files it has checked).  Each is a table in a private temporary SQLite database on
disk (SQLite's ``""``: deleted when its connection closes, even when the process is
killed), of which SQLite keeps only a small cache in memory: :mod:`wxmigrate.ledger`
and :mod:`wxmigrate.verify`'s spilled sequences and checked files.  The files by name
(:mod:`wxmigrate.names`), which worker processes read too, keep a database file of
their own, and their texts with :func:`blob`.
"""

from __future__ import annotations

import sqlite3


def private_database(cache_kib: int) -> sqlite3.Connection:
    """A private temporary SQLite database on disk (SQLite's ``""``), deleted when its
    connection closes, which keeps at most ``cache_kib`` KiB of itself in memory."""
    connection = sqlite3.connect("", check_same_thread=False)
    connection.execute(f"PRAGMA cache_size = -{cache_kib}")
    return connection


def blob(text: str) -> bytes:
    """``text`` (a path, a file name) as bytes SQLite keeps as they are: a file name may hold
    any code point, lone surrogates included (undecodable bytes), which a ``TEXT`` value cannot."""
    return text.encode("utf-8", "surrogatepass")


def unblob(data: bytes) -> str:
    """The text :func:`blob` made ``data`` of."""
    return data.decode("utf-8", "surrogatepass")


__all__ = ["blob", "private_database", "unblob"]
