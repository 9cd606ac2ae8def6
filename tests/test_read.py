"""Reading files: encodings, front matter, and errors that say path:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wxmigrate import EncodingError, FrontMatterError, ReadError, WxMigrateError, load
from wxmigrate.read import decode, iso_date, split_front_matter


def test_front_matter_keeps_every_key_in_order() -> None:
    """Unknown keys are kept, in source order, and the raw text is kept too."""
    source = split_front_matter("---\ntitle: 标题\nzeta: 1\nalpha: [a, b]\n---\n正文\n")
    assert list(source.front_matter.data) == ["title", "zeta", "alpha"]
    assert source.front_matter.raw == "title: 标题\nzeta: 1\nalpha: [a, b]\n"
    assert source.body == "正文\n"
    assert source.body_line == 6  # the line after the closing fence


def test_no_front_matter_is_fine() -> None:
    """A post without front matter has an empty, absent one."""
    source = split_front_matter("# 标题\n正文\n")
    assert not source.front_matter.present
    assert source.body.startswith("# 标题")


def test_unclosed_front_matter_names_line_one(tmp_path: Path) -> None:
    """An unterminated block is an error at line 1 that says what was expected."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: x\n正文\n", encoding="utf-8")
    with pytest.raises(FrontMatterError) as info:
        load(post)
    assert str(info.value).startswith(f"{post}:1: ")
    assert "never closed" in str(info.value)


def test_bad_yaml_names_its_line(tmp_path: Path) -> None:
    """A YAML syntax error points at the file line of the problem."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: ok\ntags: [a, b\nauthor: x\n---\n正文\n", encoding="utf-8")
    with pytest.raises(FrontMatterError) as info:
        load(post)
    assert str(info.value).split(":")[0] == str(post)
    assert int(str(info.value).split(":")[1]) in (3, 4, 5)
    assert isinstance(info.value, ValueError)


def test_yaml_that_is_not_a_mapping() -> None:
    """A front matter that is a list is refused."""
    with pytest.raises(FrontMatterError, match="expected a mapping"):
        split_front_matter("---\n- a\n- b\n---\n正文\n", "x.md")


def test_unsafe_yaml_tags_are_refused() -> None:
    """Safe mode: a Python object tag is an error, never executed."""
    with pytest.raises(FrontMatterError):
        split_front_matter("---\nx: !!python/object/apply:os.system ['true']\n---\n", "x.md")


def test_gbk_file_is_read_as_chinese(tmp_path: Path) -> None:
    """A GBK-encoded Chinese post (not UTF-8) is decoded as GB18030."""
    post = tmp_path / "gbk.md"
    post.write_bytes("---\ntitle: 标题\n---\n第一行，正文。\n".encode("gbk"))
    assert load(post).title == "标题"


def test_latin1_file_names_the_line_and_offset_of_the_first_bad_byte(tmp_path: Path) -> None:
    """A file neither UTF-8 nor Chinese is refused with the line and byte offset of its first bad byte."""
    post = tmp_path / "latin1.md"
    post.write_bytes("---\ntitle: ok\n---\nCafé au lait\n".encode("latin-1"))
    with pytest.raises(EncodingError) as info:
        load(post)
    assert str(info.value).startswith(f"{post}:4: byte 0xe9 at offset 21 is not UTF-8")


def test_utf8_bom_and_utf16_are_read() -> None:
    """A UTF-8 BOM is dropped; UTF-16 with a BOM is decoded."""
    assert decode("\ufeff正文".encode("utf-8")) == "正文"
    assert decode("正文".encode("utf-16")) == "正文"


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    """A missing file raises ReadError, which is also an OSError."""
    with pytest.raises(ReadError) as info:
        load(tmp_path / "nope.md")
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, WxMigrateError)


def test_crlf_is_remembered() -> None:
    """CRLF files parse like LF files and remember their newline."""
    post = load("---\r\ntitle: 标题\r\n---\r\n\r\n正文一\r\n正文二\r\n")
    assert post.newline == "\r\n"
    assert post.title == "标题"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2021, 6, 20), "2021-06-20"),
        (dt.datetime(2021, 6, 20, 8, 30), "2021-06-20T08:30:00"),
        ("2021-06-20 08:30:00 +0800", "2021-06-20T08:30:00+08:00"),
        ("2025年10月30日", "2025-10-30"),
        (None, None),
    ],
)
def test_iso_date(value: object, expected: str | None) -> None:
    """Dates come out as ISO 8601."""
    assert iso_date(value) == expected
