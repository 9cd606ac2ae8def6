"""The files by name (:mod:`wxmigrate.names`) keep what a dict of lists keeps, in memory or
on disk, and the worker processes forked from a run read them as the run does.

Past :data:`~wxmigrate.names.KEPT` files, every file goes to a database file; each bound is
drawn down to 0, so that the small examples here reach the disk.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wxmigrate import names

#: Names with what a file name may hold: CJK, NFD, lone surrogates (undecodable bytes), line ends.
_NAMES = st.lists(
    st.sampled_from(["a", "A", "图", "é", unicodedata.normalize("NFD", "é"), "\udcff", "\ud800", "\n", " "]),
    min_size=1,
    max_size=4,
).map("".join)
_FILES = st.lists(st.tuples(_NAMES, st.integers(0, 3), _NAMES), max_size=12)


def _filed(files: list[tuple[str, int, str]]) -> tuple[names.FileNames, dict[str, list[tuple[int, str]]]]:
    """A FileNames of ``files`` and the dict of lists it stands for (place 0: named as its key)."""
    filed = names.FileNames()
    model: dict[str, list[tuple[int, str]]] = {}
    for key, place, name in files:
        filed.add(key, place, name if place else key)
        model.setdefault(key, []).append((place, name if place else key))
    return filed, model


def _shared(model: dict[str, list[tuple[int, str]]], of: Callable[[str], str]) -> dict[str, list[names.Filed]]:
    counts = Counter(of(key) for key, files in model.items() for _ in files)
    groups: dict[str, list[names.Filed]] = {}
    for key, files in model.items():
        if counts[of(key)] > 1:
            groups.setdefault(of(key), []).extend((key, place, name) for place, name in files)
    return groups


def _sorted(groups: Iterable[tuple[str, list[names.Filed]]]) -> dict[str, list[names.Filed]]:
    """Groups compared as they are promised: the files of each in no particular order."""
    return {value: sorted(files) for value, files in groups}


@settings(max_examples=80, deadline=None)
@given(
    files=_FILES,
    asked=st.lists(_NAMES, max_size=4),
    kept=st.sampled_from([0, 1, 2, 5, names.KEPT]),
    batch=st.integers(1, 3),
    sealed=st.booleans(),
)
def test_the_file_names_keep_what_a_dict_of_lists_keeps(
    files: list[tuple[str, int, str]], asked: list[str], kept: int, batch: int, sealed: bool
) -> None:
    """Each key's files in the order added, the keys in the order first added, the groups
    a function of the keys makes of the files, and the same again once pickled, from memory
    or (past ``KEPT``) from disk."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names, "KEPT", kept)
        patch.setattr(names, "BATCH", batch)
        filed, model = _filed(files)
        if sealed:
            filed.seal()
        again = pickle.loads(pickle.dumps(filed))
    for one in (filed, again):
        assert len(one) == len(files)
        assert one.key_count() == len(model)
        assert list(one.keys()) == list(model)
        for key in [*model, *asked]:
            assert one.get(key) == model.get(key, [])
        for of in (str.casefold, lambda key: key[:1]):
            assert _sorted(one.shared(of)) == _sorted(_shared(model, of).items())
    if sealed:
        with pytest.raises(RuntimeError, match="after seal"):
            again.add("a", 1, "b")


def _read_in_child(filed: names.FileNames, keys: list[str], answers: multiprocessing.Queue[object]) -> None:
    try:
        answers.put([filed.get(key) for key in keys])
    except RuntimeError as error:
        answers.put(str(error))


def _in_a_fork(filed: names.FileNames, keys: list[str]) -> object:
    context = multiprocessing.get_context("fork")
    answers: multiprocessing.Queue[object] = context.Queue()
    child = context.Process(target=_read_in_child, args=(filed, keys, answers))
    child.start()
    answer = answers.get(timeout=60)
    child.join(timeout=60)
    return answer


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker processes of --jobs are forked, which needs os.fork")
def test_a_process_forked_after_seal_reads_the_files_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker of ``--jobs`` reads the database through a connection of its own, and
    finds what its parent filed; forked before :meth:`~wxmigrate.names.FileNames.seal`,
    it is told it cannot, rather than given part of the files."""
    monkeypatch.setattr(names, "KEPT", 2)
    monkeypatch.setattr(names, "BATCH", 100)  # the last files wait in memory until sealed
    files = [("a", 1, "a"), ("b", 2, "b"), ("a", 3, "A"), ("c", 4, "c")]
    filed, model = _filed(files)
    answer = _in_a_fork(filed, list(model))
    assert isinstance(answer, str) and "forked before seal()" in answer
    filed.seal()
    assert _in_a_fork(filed, list(model)) == [model[key] for key in model]
    assert [filed.get(key) for key in model] == [model[key] for key in model]  # the parent's still works


def test_the_database_file_is_removed_when_its_files_are_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(names, "KEPT", 0)
    filed, _model = _filed([("a", 1, "b")])
    filed.seal()
    assert filed._database is not None
    path = Path(filed._database.path)
    assert path.is_file() and path.name.startswith("wxmigrate-names-")
    del filed
    gc.collect()
    assert not path.exists()


@pytest.mark.skipif(os.name != "posix", reason="a run's file is locked with fcntl.flock, on POSIX only")
def test_a_killed_runs_database_file_is_removed_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed outright leaves its file, unlocked; the next one to make a file removes
    it, and leaves alone a live run's (locked, as a run in another process holds it)."""
    import fcntl

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(names, "KEPT", 0)
    left = tmp_path / "wxmigrate-names-abc123.sqlite"
    running = tmp_path / "wxmigrate-names-def456.sqlite"
    for path in (left, running):
        path.write_bytes(b"")
    with running.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_SH)
        first, _model = _filed([("a", 1, "b")])
        assert first._database is not None
        assert not left.exists()
        assert running.exists()
        second, _model = _filed([("a", 1, "b")])  # sweeps again: this process's first is in use
        assert first._database is not None and Path(first._database.path).exists()
        assert first.get("a") == [(1, "b")]
