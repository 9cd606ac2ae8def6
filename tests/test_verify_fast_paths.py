"""Verification's fast paths give what the general paths give (docs/performance.md, "verify:
the fourth pass"): the facts of a file read at once and read a chunk at a time, a reference
that needs no cleaning and the cleaning of any."""

from __future__ import annotations

import io
import os
import random
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from wxmigrate.site import outside_link
from wxmigrate.verify.check import _CHUNK, _HEAD, _TAIL, _facts, _read
from wxmigrate.verify.resolve import DirectResolver, _cleaned, _path_part, clean
from wxmigrate.verify.site import Site


@given(st.binary(max_size=3 * _HEAD))
def test_the_facts_of_bytes_in_memory_are_those_read_a_chunk_at_a_time(data: bytes) -> None:
    """Size, SHA-256, head and tail of bytes at once equal those of reading them in chunks."""
    assert _facts(data) == _read(io.BytesIO(data))


def test_the_facts_agree_across_chunks() -> None:
    """A file of several chunks, and one a tail's length past a chunk, give the same facts."""
    rng = random.Random(13)
    for size in (2 * _CHUNK + 17, _CHUNK + _TAIL // 2, _CHUNK):
        data = rng.randbytes(size)
        assert _facts(data) == _read(io.BytesIO(data))


#: Characters that :func:`~wxmigrate.verify.resolve.clean` acts on, and some it does not.
_SOURCE_CHARACTERS = st.sampled_from(list(" \t\r\n\u3000\x1c<>\\{}%'\"|/.:?#a1图")) | st.characters()


@given(st.text(_SOURCE_CHARACTERS, max_size=40))
def test_a_clean_reference_is_left_as_it_is(src: str) -> None:
    """``clean`` returns what its general path makes of every reference, those it passes through too."""
    assert clean(src) == _cleaned(src)


def test_a_post_refused_from_its_folder_is_refused_as_outside_link_says(tmp_path: Path) -> None:
    """``DirectResolver.refused`` (the folder's real path found once) says what ``outside_link``
    (two ``realpath`` a post) says of every kind of post: a file, links in and out of the site,
    through a linked folder, dangling, a loop, a folder, nothing; the root given through a link too."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.md").write_text("x", encoding="utf-8")
    root = tmp_path / "site"
    posts = root / "_posts"
    posts.mkdir(parents=True)
    (posts / "plain.md").write_text("x", encoding="utf-8")
    (posts / "in.md").symlink_to(posts / "plain.md")
    (posts / "out.md").symlink_to(outside / "far.md")
    (posts / "dangling.md").symlink_to(posts / "none.md")
    (posts / "loop.md").symlink_to(posts / "loop.md")
    (posts / "folder.md").mkdir()
    (root / "linked").symlink_to(outside)
    (tmp_path / "alias").symlink_to(root)
    paths = [
        *(posts / name for name in ("plain.md", "in.md", "out.md", "dangling.md", "loop.md", "folder.md", "none.md")),
        root / "linked" / "far.md",
        tmp_path / "alias" / "_posts" / "plain.md",
    ]
    for given_root in (root, tmp_path / "alias"):
        resolver = DirectResolver(Site(root.resolve(), ()))
        for _ in range(2):  # the second time from what was found the first
            said = [resolver.refused(path, given_root) for path in paths]
            assert said == [outside_link(path, given_root) for path in paths]
        assert said[0] is None and said[2] is not None and said[3] is not None
        # The folder kept is the one the resolver finds for the post's references.
        assert resolver._post_folder(os.fspath(paths[1])) == os.path.dirname(os.path.realpath(paths[1]))


@given(st.text(_SOURCE_CHARACTERS, max_size=40))
def test_the_path_part_is_the_text_before_a_query_or_fragment(src: str) -> None:
    """``_path_part``, which splits only a reference with ``?`` or ``#``, gives what splitting every one gives."""
    from urllib.parse import unquote

    path = re.split(r"[?#]", src, maxsplit=1)[0]
    assert _path_part(src) == (unquote(path) if "%" in path else path)
