"""Plain ``key: value`` front matter read without the YAML parser (``flat_yaml.flat_mapping``)
gives exactly what the YAML loader gives, and only where it is sure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxmigrate import front_yaml
from wxmigrate.flat_yaml import flat_mapping
from wxmigrate.front_yaml import load_yaml
from wxmigrate.read import read_text

from .helpers import CORPUS, ROOT


def by_yaml(raw: str) -> front_yaml.Loaded:
    """What the YAML loader itself makes of ``raw`` (the flat reading turned off)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(front_yaml, "flat_mapping", lambda raw: None)
        return load_yaml(raw, "post.md")


def test_common_front_matter_is_read_flat_to_what_yaml_reads() -> None:
    raw = (
        "layout: post\ntitle: 社区居民开展活动 第2期\ndate: 2016-01-01\nauthor: 转载\n"
        "count: 12\ncomments: true\npublished: no\nsummary:\nurl: https://example.com/a#b\n"
        "ratio_like: a:4\nshout: 注意!\ntags:\n    - 新闻\n    - 2016\n    -\ncategories:\n- a\n"
        'quoted: "[[作者]] # 1: x"\nsingle: \'"2016-01-01"\'\n'
    )
    flat = flat_mapping(raw)
    assert flat == {
        "layout": "post", "title": "社区居民开展活动 第2期", "date": dt.date(2016, 1, 1), "author": "转载",
        "count": 12, "comments": True, "published": False, "summary": None,
        "url": "https://example.com/a#b", "ratio_like": "a:4", "shout": "注意!",
        "tags": ["新闻", 2016, None], "categories": ["a"], "quoted": "[[作者]] # 1: x", "single": '"2016-01-01"',
    }
    assert by_yaml(raw) == front_yaml.Loaded(flat)
    assert load_yaml(raw, "post.md") == front_yaml.Loaded(flat)


@pytest.mark.parametrize(
    "raw",
    [
        "title: a: b\n",  # a nested mapping, an error to YAML
        'title: "a\\"b"\n',
        'title: "a\\nb"\n',
        "title: 'it''s'\n",
        'title: "a" # c\n',
        'title: "a"b\n',
        "title: x # a comment\n",
        "title: a\ntitle: b\n",  # the loader warns of the key given twice
        "date: 2020-13-45\n",  # the loader keeps it as text, with a warning
        "date: 2016-01-01 10:00:00\n",
        "count: 010\n",  # octal in YAML 1.1
        "count: 1_000\n",
        "count: " + "9" * 5000 + "\n",  # longer than Python converts: text, with a warning
        "count: 1:20\n",  # sexagesimal
        "ratio: 1.5\n",
        "on: x\n",  # the key is a boolean to YAML
        "tags: [a, b]\n",
        "tags:\n  - a\n   - b\n",  # items at two indentations
        "tags:\n  - a\n    b\n",  # an item over two lines
        "tags:\n  - a: b\n",
        "tags:\n  - - a\n",
        "title: x\n  - a\n",
        "title: &x a\n",
        "title: !!str 1\n",
        "title: a\tb\n",
        "title: a\u2028b\n",
        "title: >\n  folded\n",
        "# comment\ntitle: a\n",
        "标题: 中文\n",
        "title:a\n",
    ],
)
def test_what_it_is_not_sure_of_goes_to_yaml(raw: str) -> None:
    assert flat_mapping(raw) is None


_KEYS = st.one_of(
    st.sampled_from(["title", "date", "on", "off", "yes", "No", "null", "y", "true", "_x", "a-b", "Key_2", "TRUE"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True),
)
_VALUES = st.one_of(
    st.text(" \t-?:[]{}*&!|>'\",#%@`.~ab1e0中\u2028\x85\ufeff", max_size=12),
    st.sampled_from(["", "~", "null", "Null", "NULL", "yes", "On", "FALSE", "0", "7", "-3", "+3", "007", "0x1f",
                     "1_0", "1e3", ".5", ".inf", "1:2", "2016-01-01", "2016-02-30", "2016-1-1", "2016-01-01t1:2:3",
                     "=", "<<", "a#b", "a #b", "a:b", "a: b", "a:", "http://x/y?z#q"]),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
)
#: Values mostly of the kinds read flat (text with ``:``, ``#`` and quotes inside, dates,
#: numbers, words YAML reads as booleans), so that generated front matter is often flat.
_LIKELY_VALUES = st.one_of(
    st.from_regex(r"[a-z中][a-z中 :#!.,'\"-]{0,10}", fullmatch=True),
    st.from_regex(r"\"[a-z中 :#'\\\\\[\]-]{0,6}\"|'[a-z中 :#\"'\[\]-]{0,6}'", fullmatch=True),
    st.sampled_from(["2016-01-01", "2016-02-30", "12", "0", "true", "off", "null", ""]),
)
_VALUES = st.one_of(_VALUES, _LIKELY_VALUES, _LIKELY_VALUES)
_ITEMS = st.lists(st.tuples(st.sampled_from(["", " ", "  ", "    "]), st.sampled_from(["- ", "-", "-  "]), _VALUES), max_size=3)
_RAW = st.lists(st.tuples(_KEYS, st.sampled_from([": ", ":", ":  "]), _VALUES, _ITEMS), max_size=6).map(
    lambda lines: "".join(
        f"{key}{colon}{value}\n" + "".join(f"{indent}{dash}{item}\n" for indent, dash, item in items)
        for key, colon, value, items in lines
    )
)

_LIKELY_RAW = st.lists(
    st.tuples(
        st.from_regex(r"[a-z_][a-z0-9_-]{0,6}", fullmatch=True),
        st.just(": "),
        _LIKELY_VALUES,
        st.lists(st.tuples(st.just("  "), st.just("- "), _LIKELY_VALUES), max_size=3),
    ),
    max_size=6,
).map(
    lambda lines: "".join(
        f"{key}{colon}{value}\n" + "".join(f"{indent}{dash}{item}\n" for indent, dash, item in items)
        for key, colon, value, items in lines
    )
)


@given(raw=st.one_of(_RAW, _LIKELY_RAW))
def test_a_flat_reading_is_always_what_yaml_reads(raw: str) -> None:
    flat = flat_mapping(raw)
    if flat is None:
        return
    assert by_yaml(raw) == front_yaml.Loaded(flat)


def _front_matters(folder: Path) -> list[str]:
    raws = []
    for path in sorted(folder.rglob("*.md")):
        try:
            text = read_text(str(path))
        except Exception:  # noqa: BLE001 - the hostile fixtures; only readable posts count
            continue
        text = text.replace("\r\n", "\n")
        if text.startswith("---\n") and "\n---" in text[3:]:
            raws.append(text[4 : text.index("\n---", 3) + 1])
    return raws


@pytest.mark.parametrize("folder", ["fixtures", "corpus"])
def test_real_front_matter_reads_the_same(folder: str) -> None:
    root = ROOT / "fixtures" if folder == "fixtures" else CORPUS
    if not root.exists():
        pytest.skip(f"{root} is not here (the shared corpus sits beside the repo on CI)")
    flat_ones = 0
    for raw in _front_matters(root):
        flat = flat_mapping(raw)
        if flat is None:
            continue
        flat_ones += 1
        try:
            expected: Any = by_yaml(raw)
        except Exception as error:  # noqa: BLE001
            pytest.fail(f"read flat, but YAML refuses it ({error}): {raw!r}")
        assert expected == front_yaml.Loaded(flat), raw
    assert flat_ones > 0
