"""Hypothesis strategies for realistic WeChat exports, clean and damaged, to property-test converters.

>>> from hypothesis import given
>>> from wxmigrate.testing import damaged_posts
>>> @given(damaged_posts(patterns=["stray_bold", "split_image_paths"]))   # doctest: +SKIP
... def test_my_converter(sample):
...     assert my_converter(sample.text) == my_converter(sample.clean.text)

:func:`posts` generates clean posts (the shape :func:`wxmigrate.repair`
leaves a post in) and :func:`damaged_posts` the same posts damaged the way
exporters damage them, each with the clean post it came from.  The part
strategies (:func:`paragraphs`, :func:`figures`, :func:`account_cards`, …)
generate one part's Markdown.  See ``docs/testing.md``.
"""

from __future__ import annotations

try:
    import hypothesis as _hypothesis
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "wxmigrate.testing needs Hypothesis: pip install hypothesis (or wxmigrate[test])"
    ) from error

from .damage import PATTERNS, REPAIRED_BY, damaged_posts
from .samples import DamagedPost, GeneratedPost
from .strategies import (
    account_cards,
    credit_lines,
    figures,
    footers,
    front_matters,
    original_cards,
    paragraphs,
    posts,
    provenance_lines,
    repost_notes,
    titles,
)
from .validation import InvalidArgument

del _hypothesis

__all__ = [
    "PATTERNS",
    "REPAIRED_BY",
    "DamagedPost",
    "GeneratedPost",
    "InvalidArgument",
    "account_cards",
    "credit_lines",
    "damaged_posts",
    "figures",
    "footers",
    "front_matters",
    "original_cards",
    "paragraphs",
    "posts",
    "provenance_lines",
    "repost_notes",
    "titles",
]
