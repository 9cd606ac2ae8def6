"""Running ``repair --out DST`` again cheaply: the posts an earlier run wrote are skipped.

A run into an output folder keeps a record, ``DST/.wxmigrate/done.sqlite``
(:data:`RECORD`), of every post it wrote: the post's path, size, modification
time and SHA-256; the fingerprint of the run (:func:`fingerprint`: wxmigrate's
own code, its libraries' versions, every setting that changes an output); the
output path the post wanted and was given; the state of every image name it
looked up (:func:`image_state`: which files have that name, where they lead,
their size and times, a name refused); the image copies it needed; the SHA-256
of what was written; and its result as the report shows it (JSON, zlib-compressed).

Run again, a post whose entry matches in all of that (the post read and its
digest compared, the output file read and its digest compared, every image name
looked up again, the output path given out again in post order, no image name
of it contested) is not parsed nor repaired: :func:`skipped` gives its recorded
result, as a full run would find it (nothing written: the bytes are there), and
makes the image copies it needs as a full run does (a copy deleted is made
again).  Anything else, or any doubt, and the post is repaired as usual.

Entries are made where the post was repaired (a worker: :func:`entry_of`), from
the post file's status and bytes as the repair read them (one read of each file), and
written by the process that holds the lock, once the post's file is in place;
the output's digest is compared before any skip, so an entry can never stand
for a file that is not there as it was written.  A record that cannot be read
is reported in one line and replaced (:meth:`Record.open`).  Dry runs, checks
and runs in place neither read nor write a record.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

from .errors import UnsafePathError
from .layout import name_key, unique
from .migrate import Done, ImageProblem, ImageUse, Output, Plan, PostResult, Trace
from .model import Finding
from .read import decode
from .rules import Change
from .site import Site, file_key, outside_link

#: Where an output folder keeps its record: hidden, so no engine publishes it and no
#: walk of wxmigrate's reads it.
RECORD = PurePosixPath(".wxmigrate") / "done.sqlite"
#: Entries written between two commits (a crash loses at most these: they are repaired again).
COMMIT_EVERY = 256
_SCHEMA_VERSION = "2"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS posts (
    post TEXT PRIMARY KEY, fingerprint TEXT, size INTEGER, mtime_ns INTEGER, source_digest TEXT,
    wanted TEXT, name TEXT, output_digest TEXT, names TEXT, images TEXT, copies TEXT, result BLOB
);
"""
#: The libraries whose versions can change what a post becomes.
_LIBRARIES = ("attrs", "beautifulsoup4", "lxml", "markdown-it-py", "pillow", "PyYAML", "tomli-w")


@attrs.frozen
class Entry:
    """What the record keeps of one post written (see the module doc)."""

    post: str
    size: int
    mtime_ns: int
    source_digest: str
    wanted: str
    #: The post's path in the output, relative to its root.
    name: str
    output_digest: str
    #: The image names the post looked up, and the digest of their state (:func:`image_state`).
    names: tuple[str, ...]
    images: str
    #: The image copies it needed, in order: (from, to).
    copies: tuple[tuple[str, str], ...]
    #: Its result, without its texts (:func:`encode_result`).
    result: str


def fingerprint(site: Site, plan: Plan, target_root: Path, options: Mapping[str, object]) -> str:
    """Everything besides a post's own text and images that its output and result depend on:
    wxmigrate's code, its libraries, Python's Unicode tables, where the run reads and writes
    (messages name those paths), the site's engine and image folder, the plan and the options."""
    parts = {
        "code": _code_digest(),
        "libraries": [_version(name) for name in _LIBRARIES],
        "python": [list(sys.version_info[:2]), unicodedata.unidata_version],
        "where": [str(site.root), os.path.realpath(site.root), str(target_root), os.path.realpath(target_root)],
        "site": [site.engine.name if site.engine else None, site.image_folder],
        "plan": [
            plan.engine.name, plan.relayout, plan.placement, plan.format, plan.standalone, plan.dialect,
            plan.encoding, plan.images.folder,
        ],
        "options": sorted((key, repr(value)) for key, value in options.items()),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def _code_digest() -> str:
    """The SHA-256 of wxmigrate's own source files (a changed rule changes outputs, whatever the version)."""
    sha = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        sha.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def _version(name: str) -> str | None:
    # Imported here: only a run that keeps a record asks (about 10 ms of imports, the
    # ``email`` package among them, which a run in place or without a record never needs).
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def source_state(path: Path) -> tuple[int, int, str, bytes] | None:
    """The post file's size, modification time (ns), SHA-256 and bytes; None when unreadable."""
    try:
        with open(path, "rb") as stream:
            found = os.fstat(stream.fileno())
            data = stream.read()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, hashlib.sha256(data).hexdigest(), data


def image_state(site: Site, names: Iterable[str], real_path: Callable[[Path], str] = os.path.realpath) -> str:
    """The digest of what the image names lead to: each file of that name (its path, where it
    leads, its size and times) and why the name is refused, if it is.

    ``real_path`` is :func:`os.path.realpath` or what answers the same (a run's
    :meth:`~wxmigrate.migrate.ImagePlan.real_path`, which resolves each folder once)."""
    state = []
    for name in sorted(set(names)):
        files = []
        for file in site.images_named(name):
            try:
                found = os.stat(file)
                files.append([str(file), real_path(file), found.st_size, found.st_mtime_ns, found.st_ctime_ns])
            except OSError:
                files.append([str(file), None])
        state.append([name, files, site.refused.get(file_key(name))])
    return hashlib.sha256(json.dumps(state).encode("utf-8")).hexdigest()


def encode_result(result: PostResult) -> str:
    """A post's result as JSON (the record holds no pickle: it lives in a folder others may write)."""
    data = {
        "output": str(result.output) if result.output is not None else None,
        "changes": [attrs.astuple(change) for change in result.changes],
        "unresolved": result.unresolved,
        "image_problems": [attrs.astuple(problem) for problem in result.image_problems],
        "boilerplate": result.boilerplate,
        "findings": [attrs.astuple(finding) for finding in result.findings],
        "changed": result.changed,
        "images": [
            [use.src, use.line, use.status, str(use.file) if use.file else None, use.link] for use in result.images
        ],
    }
    return json.dumps(data)  # ASCII: a lone surrogate of a badly decoded text survives


def decode_result(text: str, source: Path) -> PostResult:
    """The result :func:`encode_result` wrote, for the post at ``source``, as a run that finds
    its file already written gives it (``written`` false)."""
    data = json.loads(text)
    return PostResult(
        source=source,
        output=Path(data["output"]) if data["output"] is not None else None,
        changes=tuple(Change(*change) for change in data["changes"]),
        unresolved=tuple((src, line) for src, line in data["unresolved"]),
        image_problems=tuple(ImageProblem(*problem) for problem in data["image_problems"]),
        boilerplate=tuple((kind, first, last) for kind, first, last in data["boilerplate"]),
        findings=tuple(Finding(*finding) for finding in data["findings"]),
        changed=data["changed"],
        images=tuple(
            ImageUse(src, line, status, Path(file) if file is not None else None, link)
            for src, line, status, file, link in data["images"]
        ),
    )


def entry_of(done: Done, trace: Trace, site: Site, plan: Plan, target_root: Path) -> Entry | None:
    """The entry of a post just repaired (``trace``: what it was made from, the post file as
    it was read included), or None when it must be repaired again next time: it failed, or
    uses an image name whose output path depends on the order of the posts."""
    result = done.result
    if result.error is not None or result.repaired is None or result.output is None or trace.source is None:
        return None
    if trace.wanted is None or any(name_key(name) in plan.images.contested for name in trace.names):
        return None
    size, mtime_ns, source_digest = trace.source
    return Entry(
        post=site.relative(result.source).as_posix(),
        size=size,
        mtime_ns=mtime_ns,
        source_digest=source_digest,
        wanted=trace.wanted,
        name=result.output.relative_to(target_root).as_posix(),
        output_digest=hashlib.sha256(result.repaired.encode("utf-8")).hexdigest(),
        names=tuple(sorted(trace.names)),
        images=image_state(site, trace.names, plan.images.real_path),
        copies=tuple((str(file), str(target)) for file, target, _made in done.copies),
        result=encode_result(result),
    )


def unchanged_source(entry: Entry, path: Path, site: Site) -> bytes | None:
    """The post's bytes when it is the file the entry was made from (else None)."""
    if outside_link(path, site.root) is not None:
        return None
    found = source_state(path)
    if found is None or found[:3] != (entry.size, entry.mtime_ns, entry.source_digest):
        return None
    return found[3]


def skipped(
    entry: Entry, path: Path, site: Site, plan: Plan, output: Output, target_root: Path, *, texts: bool
) -> tuple[Done | None, dict[Path, bool]]:
    """The post done from its entry, without repairing it, or None when anything differs from
    when the entry was made (see the module doc); and the image copies made on the way (a
    caller repairing the post after all counts them as made by it)."""
    data = unchanged_source(entry, path, site)
    if data is None or any(name_key(name) in plan.images.contested for name in entry.names):
        return None, {}
    if image_state(site, entry.names, plan.images.real_path) != entry.images:
        return None, {}
    written = _output_bytes(target_root / entry.name, entry.output_digest)
    if written is None:
        return None, {}
    original = ""
    if texts:
        try:
            original = decode(data, str(path), encoding=plan.encoding)
        except Exception:  # it was read as this very text last time; if it now fails, repair it
            return None, {}
    if plan.assigned is not None:
        if plan.assigned.get(path) != entry.name:
            return None, {}
    else:
        given = unique(entry.wanted, plan.taken)
        if given != entry.name:
            plan.taken.discard(given.lower())  # as if it had not been asked: the repair asks again
            return None, {}
    made: dict[Path, bool] = {}
    try:
        for file, target in entry.copies:
            made[Path(target)] = output.copy(Path(file), Path(target))
    except (OSError, UnsafePathError):
        if plan.assigned is None:
            plan.taken.discard(entry.name.lower())
        return None, made  # the repair copies again, and reports what went wrong
    result = decode_result(entry.result, path)
    if texts:
        result = attrs.evolve(result, original=original, repaired=written.decode("utf-8"))
    copies = tuple((Path(file), Path(target), made[Path(target)]) for file, target in entry.copies)
    return Done(result, (), copies), made


def _output_bytes(path: Path, expected: str) -> bytes | None:
    """The output file's bytes when they are what was written (their SHA-256 is ``expected``)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return data


class Record:
    """An output folder's record of the posts written (see the module doc); one process's.

    Every failure to read or write it is turned into :attr:`warning` (one line) and the
    record is then left alone: the run goes on repairing every post.
    """

    def __init__(
        self, path: Path, run: str, connection: sqlite3.Connection | None, warning: str | None = None,
        *, writable: bool = True,
    ) -> None:
        self.path = path
        self.run = run
        self.connection = connection
        #: What went wrong with the record, in one line (None: nothing).
        self.warning = warning
        self._writable = writable
        self._pending = 0

    @classmethod
    def open(cls, root: Path, run: str) -> Record:
        """The record of the output folder ``root`` for a run of fingerprint ``run`` (the
        file is made when the first entry is written).  A file that is not a record of
        ours, or is damaged, is replaced, with a warning."""
        path = root.joinpath(RECORD)
        if not path.exists():
            return cls(path, run, None, None)
        try:
            connection = _connect(path)
            found = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            connection.execute("SELECT count(*) FROM posts").fetchone()
            if found is not None and found[0] == _SCHEMA_VERSION:
                return cls(path, run, connection, None)
            connection.close()
            problem = "was written by another version of wxmigrate"
        except sqlite3.Error as error:
            problem = f"cannot be read ({error})"
        try:
            path.unlink()
        except OSError as error:
            detail = f"{problem}; every post is repaired, and it cannot be replaced: {error.strerror or error}"
            return cls(path, run, None, f"{path}:0: {detail}", writable=False)
        return cls(path, run, None, f"{path}:0: {problem}; every post is repaired, and a new record started")

    def known(self, site: Site, paths: Sequence[Path]) -> dict[Path, Entry]:
        """The entries of those posts made by a run of this fingerprint."""
        if self.connection is None or not paths:
            return {}
        relative = {site.relative(path).as_posix(): path for path in paths}
        marks = ",".join("?" * len(relative))
        try:
            rows = self.connection.execute(
                f"SELECT * FROM posts WHERE fingerprint = ? AND post IN ({marks})", (self.run, *relative)
            ).fetchall()
            return {relative[row[0]]: _entry(row) for row in rows if row[0] in relative}
        except (sqlite3.Error, zlib.error, ValueError, TypeError) as error:
            self._give_up(f"cannot be read ({error}); the posts are repaired")
            return {}

    def add(self, entry: Entry) -> None:
        """Keep ``entry`` (replacing the post's earlier one); committed every :data:`COMMIT_EVERY`."""
        try:
            if not self._writable:
                return
            if self.connection is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.connection = _connect(self.path)
                self.connection.executescript(_SCHEMA)
                self.connection.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (_SCHEMA_VERSION,))
            self.connection.execute(
                "INSERT OR REPLACE INTO posts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.post, self.run, entry.size, entry.mtime_ns, entry.source_digest, entry.wanted,
                    entry.name, entry.output_digest, json.dumps(entry.names), entry.images,
                    json.dumps(entry.copies), zlib.compress(entry.result.encode("ascii")),
                ),
            )
            self._pending += 1
            if self._pending >= COMMIT_EVERY:
                self.connection.commit()
                self._pending = 0
        except (OSError, sqlite3.Error) as error:
            self._give_up(f"cannot be written ({_reason(error)}); the next run repairs the posts again")

    def close(self) -> None:
        """Commit what is pending and close the file."""
        if self.connection is None:
            return
        try:
            self.connection.commit()
            self.connection.close()
        except sqlite3.Error as error:
            self._give_up(f"cannot be written ({error}); the next run repairs the posts again")
        self.connection = None

    def _give_up(self, problem: str) -> None:
        """Stop using the record, keeping the first problem as the warning."""
        self.warning = self.warning or f"{self.path}:0: {problem}"
        if self.connection is not None:
            try:
                self.connection.close()
            except sqlite3.Error:
                pass
        self.connection = None
        self._writable = False


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode = DELETE")  # no shared memory: it may be on NFS
    return connection


def _entry(row: Sequence[Any]) -> Entry:
    post, _run, size, mtime_ns, source_digest, wanted, name, output_digest, names, images, copies, result = row
    return Entry(
        post=str(post), size=int(size), mtime_ns=int(mtime_ns), source_digest=str(source_digest),
        wanted=str(wanted), name=str(name), output_digest=str(output_digest),
        names=tuple(str(found) for found in json.loads(names)), images=str(images),
        copies=tuple((str(file), str(target)) for file, target in json.loads(copies)),
        result=zlib.decompress(result).decode("ascii"),
    )


def _reason(error: Exception) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


__all__ = [
    "COMMIT_EVERY",
    "RECORD",
    "Entry",
    "Record",
    "decode_result",
    "encode_result",
    "entry_of",
    "fingerprint",
    "image_state",
    "skipped",
    "source_state",
]
