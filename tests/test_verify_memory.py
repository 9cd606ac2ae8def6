"""What keeps ``verify``'s memory flat at 10,000 posts gives what the plain forms gave.

The files checked are kept on disk (:class:`~wxmigrate.verify.checked.CheckedFiles`,
against a dict), the name index keeps each folder's path once (against the index of a
path per file it was), and the table is written as it is made (against the lines
joined at the end it was).
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wxmigrate import names
from wxmigrate.site import file_key
from wxmigrate.verify import STATUSES, FileCheck, ImageResult, Report, checked, spill, to_json, to_table, verify
from wxmigrate.verify import report as tables
from wxmigrate.verify import resolve
from wxmigrate.verify.checked import CheckedFiles
from wxmigrate.verify.resolve import NameIndex
from wxmigrate.verify.site import Site, walk_names

from .test_verify_sites import image_bytes, make_site, post_text

#: Paths with what a file name may hold: CJK, NFD, lone surrogates (undecodable bytes), line ends.
_PATHS = st.lists(
    st.sampled_from(["a", "/", "图", "é", unicodedata.normalize("NFD", "é"), "\udcff", "\ud800", "\n", "\r", " "]),
    min_size=1,
    max_size=8,
).map("".join)
_HASHES = st.one_of(st.none(), st.just(""), st.sampled_from(["ab" * 32, "cd" * 32, "ef" * 32]))


def _check(sha256: str | None, number: int) -> FileCheck:
    return FileCheck("ok", format="PNG", width=number, height=2, frames=1, bytes=number, sha256=sha256, detail="d\n")


@settings(max_examples=60, deadline=None)
@given(
    files=st.dictionaries(_PATHS, _HASHES, max_size=12),
    unused=st.lists(st.tuples(_PATHS, _HASHES), max_size=4),
    absent=st.lists(_PATHS, max_size=4),
    batch=st.integers(1, 4),
    recent=st.integers(1, 4),
    numbered=st.sampled_from([0, 1, 2, 3, checked.NUMBERED]),
    clashing=st.booleans(),
)
# Files past the numbered ones, still waiting to be stored and no longer among the recent.
@example(files=dict.fromkeys("abcd"), unused=[], absent=["e"], batch=5, recent=1, numbered=1, clashing=False)
def test_the_checked_files_keep_what_a_dict_keeps(
    files: dict[str, str | None],
    unused: list[tuple[str, str | None]],
    absent: list[str],
    batch: int,
    recent: int,
    numbered: int,
    clashing: bool,
) -> None:
    """Checks read back from memory (the waiting ones, the recent ones) or disk (by their
    number, or by their path past the first ``NUMBERED``), paths of one ``hash()`` told
    apart, duplicates grouped."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checked, "BATCH", batch)
        patch.setattr(checked, "RECENT", recent)
        patch.setattr(checked, "NUMBERED", numbered)
        if clashing:
            patch.setattr(checked, "hash", len, raising=False)  # many paths of one hash
        kept = CheckedFiles()
        model: dict[str, FileCheck] = {}
        for number, (path, sha256) in enumerate(files.items()):
            model[path] = _check(sha256, number)
            kept.add(path, model[path])
            assert kept.get(path) == model[path]  # read back at once, from memory or disk
            assert len(kept._waiting_paths) < batch  # no more than a batch held by its path
        for path in [*files, *absent]:
            assert kept.get(path) == model.get(path) and (path in kept) == (path in model)
        assert 3 not in kept
        for path, sha256 in unused:
            kept.add_unused(path, sha256)
        every = [*files.items(), *unused]
        counted = Counter(sha256 for _path, sha256 in every if sha256)
        expected = [
            (sha256, sorted(path for path, theirs in every if theirs == sha256))
            for sha256 in sorted(counted)
            if counted[sha256] > 1
        ]
        assert [(sha256, sorted(paths)) for sha256, paths in kept.shared()] == expected


def _reference_lookup(folders: list[Path], name: str) -> list[tuple[str, Path]]:
    """The name index as it was: a (path, folder) per file, each path once, image folders first."""
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for folder in folders:
        for path in walk_names(folder):
            if path not in seen:
                seen.add(path)
                if file_key(os.path.basename(path)) == file_key(name):
                    found.append((path, folder))
    return found


_NAMES = st.sampled_from(["x.png", "X.png", "图.jpeg", "é.gif", unicodedata.normalize("NFD", "é.gif"), "640"])
_FOLDERS = st.sampled_from(["assets", "assets/wx", "assets/wx/old", "img", "exports/2022-05-01活动", "exports"])


@settings(max_examples=40, deadline=None)
@given(
    files=st.lists(st.tuples(_FOLDERS, _NAMES), min_size=1, max_size=12),
    image_folders=st.lists(_FOLDERS, max_size=2),
    kept=st.sampled_from([0, 1, 3, names.KEPT]),
    batch=st.integers(1, 3),
)
def test_the_name_index_finds_what_a_path_per_file_found(
    files: list[tuple[str, str]], image_folders: list[str], kept: int, batch: int
) -> None:
    """Folders searched inside one another, NFD names, one name in many folders; the files
    in memory, or on disk past the first ``KEPT``."""
    with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as patch:
        patch.setattr(names, "KEPT", kept)
        patch.setattr(names, "BATCH", batch)
        root = Path(directory).resolve()
        for folder, name in files:
            (root / folder).mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_bytes(b"x")
        index = NameIndex(Site(root, ()), [root / folder for folder in dict.fromkeys(image_folders)])
        searched = index._folders()
        for name in ["x.png", "X.png", "图.jpeg", "é.gif", unicodedata.normalize("NFD", "é.gif"), "640", "none.png"]:
            assert index._lookup(name) == _reference_lookup(searched, name)


def _flat(src: str) -> str:
    """A reference with each line break (CR LF, CR or LF) shown as one ``⏎``."""
    return re.sub(r"\r\n|\r|\n", "⏎", src)


def _joined_table(report: Report) -> str:
    """The table as it was made: every line kept, then joined."""
    counted = Counter(result.status for result in report.images)
    lines = [f"{len(report.images)} image references"]
    width = max(map(len, STATUSES))
    lines += [f"  {status:<{width}}  {counted[status]:>6}" for status in STATUSES if counted[status]]
    sections = [
        ("problems", [r for r in report.images if r.status != "ok"],
         lambda r: f"{r.post}:{r.line}: {r.status}: {r.path or _flat(r.src)}"
         + (f" ({r.detail})" if r.detail else "")),
        ("placeholders (a known stand-in image, not the real picture)",
         [r for r in report.images if r.note == "placeholder"],
         lambda r: f"{r.post}:{r.line}: {r.path or _flat(r.src)}"),
        ("links that reach their file only by its name (`--fix` relinks them)",
         [r for r in report.images if r.by_name and r.status != "unsafe"],
         lambda r: f"{r.post}:{r.line}: {r.path}"),
    ]
    for title, results, line in sections:
        lines += ["", f"{title}: {len(results)}", *map(line, results)] if results else []
    for title, rows in [
        ("orphans (in an image folder, used by no post)", list(report.orphans)),
        ("duplicates (the same bytes under several names)",
         [f"{item.sha256[:12]}: " + ", ".join(item.paths) for item in report.duplicates]),
        ("posts that could not be read", list(report.errors)),
    ]:
        lines += ["", f"{title}: {len(rows)}", *rows] if rows else []
    return "\n".join(lines) + "\n"


_TEXTS = st.lists(st.sampled_from(["a", "图", "\n", "\r", "\r\n", "\udcff", "⏎", " "]), max_size=6).map("".join)
_RESULTS = st.builds(
    ImageResult,
    post=_TEXTS,
    line=st.integers(0, 9),
    src=_TEXTS,
    path=st.one_of(st.none(), _TEXTS),
    status=st.sampled_from(STATUSES),
    note=st.sampled_from([None, "placeholder", "wechat"]),
    detail=_TEXTS,
    by_name=st.booleans(),
)


@settings(max_examples=80, deadline=None)
@given(
    results=st.lists(_RESULTS, max_size=10),
    orphans=st.lists(_TEXTS, max_size=2),
    errors=st.lists(_TEXTS, max_size=2),
    spooled=st.integers(1, 16),
)
def test_the_table_written_as_made_is_the_table_joined(
    results: list[ImageResult], orphans: list[str], errors: list[str], spooled: int
) -> None:
    """Line ends and lone surrogates come back from the spooled sections as they went in."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "SPOOLED", spooled)  # sections roll over to a file on disk
        made = Report(root="/site", images=results, orphans=tuple(orphans), errors=tuple(errors))
        assert to_table(made) == _joined_table(made)


def test_a_report_with_its_checks_on_disk_is_the_report_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose checks, name index and results all go to disk, and which remembers
    nothing, reports what a run holding them does."""
    body = "![](/postimg/a.png)\n\n![](/postimg/a.png)\n\n![](/postimg/copy.png)\n\n![](b.png)\n\n![](/postimg/c.gif)\n"
    site = make_site(
        tmp_path / "site",
        {f"2022-05-{day:02d}-p.md": post_text(body) for day in range(1, 6)},
        {
            "postimg/a.png": image_bytes("PNG"),
            "postimg/copy.png": image_bytes("PNG"),
            "postimg/c.gif": image_bytes("GIF", frames=3),
            "postimg/unused.png": image_bytes("PNG"),
            "postimg/unused-too.png": image_bytes("PNG", shade=9),
            "postimg/again.png": image_bytes("PNG", shade=9),
            "exports/2022-05-01活动/b.png": image_bytes("PNG")[:200],
        },
    )
    kept = verify(site)
    monkeypatch.setattr(checked, "BATCH", 1)
    monkeypatch.setattr(checked, "NUMBERED", 1)  # files past the first looked up by path
    monkeypatch.setattr(names, "KEPT", 1)  # the name index on disk
    monkeypatch.setattr(resolve, "REMEMBERED", 1)  # every look-up made anew
    monkeypatch.setattr(spill, "CHUNK", 2)
    spilled = verify(site)
    assert spilled == kept and to_json(spilled) == to_json(kept) and to_table(spilled) == to_table(kept)
    assert list(kept.orphans) == sorted(kept.orphans)  # one folder's, in the order of their names
    assert sorted(item.paths for item in kept.duplicates) == [
        ("postimg/a.png", "postimg/copy.png", "postimg/unused.png"),
        ("postimg/again.png", "postimg/unused-too.png"),
    ]
    assert set(kept.orphans) == {"postimg/unused.png", "postimg/unused-too.png", "postimg/again.png"}
    assert {result.status for result in kept.images} >= {"ok", "truncated"}
