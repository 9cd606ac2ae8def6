"""Contested image names: grouping only the names several files share finds every one.

:func:`wxmigrate.migrate.contested_names` once put every image file of the site in a
group by its name (at 44,000 files, the peak of a run's memory); it now groups only
the names more than one file has.  Compared here with the grouping of every file, on
trees of files whose names meet in case, in NFD, in a ``-<sha8>`` tail or in a
mislabelled file's true extension.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxmigrate import names
from wxmigrate.layout import name_key
from wxmigrate.migrate import ImagePlan, _could_clash, contested_names
from wxmigrate.site import discover

_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
_NAMES = st.sampled_from(
    ["pic.png", "PIC.png", "pic.jpg", "pic-0123abcd.png", "café.png", unicodedata.normalize("NFD", "café.png"),
     "other.gif", "solo.png"]
)
_FILES = st.lists(st.tuples(st.sampled_from(["a", "b", "c/d"]), _NAMES, st.sampled_from([b"", b"1", b"2"])),
                  max_size=10)


def _every_file_grouped(images: dict[str, tuple[Path, ...]], plan: ImagePlan) -> frozenset[str]:
    """:func:`contested_names` as it was: every file in a group."""
    groups: dict[str, set[Path]] = {}
    for files in images.values():
        for file in files:
            groups.setdefault(name_key(file.name), set()).add(file)
    return frozenset(key for key, files in groups.items() if len(files) > 1 and _could_clash(files, plan.check))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=_FILES, kept=st.sampled_from([0, 3, names.KEPT]))
def test_contested_names_are_those_of_every_file_grouped(files: list[tuple[str, str, bytes]], kept: int) -> None:
    """With the image index in memory, or on disk (past ``KEPT`` files: grouped by SQLite)."""
    root = Path(tempfile.mkdtemp())
    try:
        for folder, name, tail in files:
            (root / folder).mkdir(parents=True, exist_ok=True)
            (root / folder / name).write_bytes(_PNG + tail)  # the same content, or not
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(names, "KEPT", kept)
            site = discover(root)
        plan = ImagePlan(site, "")
        assert contested_names(site, plan.check) == _every_file_grouped(dict(site.images), plan)
    finally:
        shutil.rmtree(root)
