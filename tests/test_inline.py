"""The inline parser reads exporter damage faithfully, dropping nothing."""

from __future__ import annotations

from wxmigrate.model import Code, Emphasis, Image, Link, SoftBreak, Strong, Text
from wxmigrate.parse.inline import parse_inline, plain_text


def test_adjacent_bold_runs_stay_separate() -> None:
    """``**a****b**`` is two runs, as the exporter wrote it (a rule merges them)."""
    assert parse_inline("**南宁****反诈**") == (Strong((Text("南宁"),)), Strong((Text("反诈"),)))


def test_garbled_bold_is_read_as_toggles() -> None:
    """Every ``**`` toggles; empty runs are kept as empty Strong nodes."""
    result = parse_inline("**守护市民“****钱袋******”********")
    assert result == (
        Strong((Text("守护市民“"),)),
        Strong((Text("钱袋"),)),
        Strong(()),
        Text("”"),
        Strong(()),
        Strong(()),
    )


def test_bold_over_a_line_end_is_one_run() -> None:
    """``**⏎**`` is one (empty) run holding the line end."""
    assert parse_inline("**\n**") == (Strong((SoftBreak(),)),)


def test_unpaired_stars_are_text() -> None:
    """A masked ID (``***011201``) and a lone ``**`` stay literal text."""
    assert parse_inline("ID为：***011201") == (Text("ID为：***011201"),)
    assert parse_inline("王**") == (Text("王**"),)


def test_bold_never_spans_two_line_ends() -> None:
    """An opener is not paired with a closer two lines further down."""
    result = parse_inline("甲**\n乙\n丙**")
    assert not any(isinstance(node, Strong) for node in result)
    assert plain_text(result) == "甲**\n乙\n丙**"


def test_emphasis_follows_flanking_rules() -> None:
    """``*日期*`` is emphasis; ``抖*、快*`` is not (CommonMark flanking)."""
    assert parse_inline("*2026年1月14日*") == (Emphasis((Text("2026年1月14日"),)),)
    assert parse_inline("抖*、快*等") == (Text("抖*、快*等"),)


def test_split_image_path_is_one_image() -> None:
    """An image whose path runs over lines is one Image with the newlines kept."""
    (image,) = parse_inline("![](2021-06-20\n标题前半\n标题后半\\\\HASH.jpeg)")
    assert isinstance(image, Image)
    assert image.src == "2021-06-20\n标题前半\n标题后半\\\\HASH.jpeg"


def test_liquid_in_destination_is_accepted() -> None:
    """Our own output (``{{ site.baseurl }}`` with spaces) reads back as an image."""
    assert parse_inline("![]({{ site.baseurl }}/postimg/a.png)") == (
        Image("{{ site.baseurl }}/postimg/a.png"),
    )


def test_code_is_opaque() -> None:
    """Markup inside inline code is not read."""
    assert parse_inline("a `**x**` b") == (Text("a "), Code("**x**"), Text(" b"))


def test_links_hold_inline_runs() -> None:
    """Link text is parsed too."""
    assert parse_inline("[**返回**](/list)") == (Link((Strong((Text("返回"),)),), "/list"),)


def test_escapes_become_text() -> None:
    """Backslash escapes are removed; the character is kept."""
    assert parse_inline("\\[甲\\] x\\*y") == (Text("[甲] x*y"),)
