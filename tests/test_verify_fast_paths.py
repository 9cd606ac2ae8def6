"""Verification's fast paths give what the general paths give (docs/performance.md, "verify:
the fourth pass"): the facts of a file read at once and read a chunk at a time, a reference
that needs no cleaning and the cleaning of any."""

from __future__ import annotations

import io
import random

from hypothesis import given
from hypothesis import strategies as st

from wxmigrate.verify.check import _CHUNK, _HEAD, _TAIL, _facts, _read
from wxmigrate.verify.resolve import _cleaned, clean


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
