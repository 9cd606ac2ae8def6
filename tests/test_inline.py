"""The inline parser reads exporter damage faithfully, dropping nothing."""

from __future__ import annotations

import pytest

import wxmigrate
import wxmigrate.model
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


def test_nested_bold_is_read_by_its_spacing() -> None:
    """``<strong>`` nested in ``<strong>``, written with spaces, nests: toggles would
    leave the inner words plain and make the spaces bold."""
    assert parse_inline("**如需转载， **请在文末** 注明**") == (
        Strong((Text("如需转载， "), Strong((Text("请在文末"),)), Text(" 注明"))),
    )


def test_doubled_markers_around_a_line_are_bold() -> None:
    """``****标题****`` (two nested runs) is bold, not two empty runs around plain text."""
    assert parse_inline("****周末去湖边散步****") == (Strong((Strong((Text("周末去湖边散步"),)),)),)


def test_an_empty_run_before_bold_stays_an_empty_run() -> None:
    """Where toggles already make text bold, an empty ``****`` is read as one."""
    assert parse_inline("****开展活动**1户**。") == (
        Strong(()), Text("开展活动"), Strong((Text("1户"),)), Text("。"),
    )


def test_spaces_inside_runs_without_nesting() -> None:
    """A clipper that leaves a run's spaces inside its markers (``**前20% **最``)
    reads as toggles when nesting is off (the Obsidian dialect); with nesting on,
    the same line nests."""
    text = "仅恢复 **前20% **最重要的方向，就能找回** 70-80% **的性能集中在** 低秩子空间** 中"
    assert parse_inline(text, nested_bold=False) == (
        Text("仅恢复 "), Strong((Text("前20% "),)), Text("最重要的方向，就能找回"),
        Strong((Text(" 70-80% "),)), Text("的性能集中在"), Strong((Text(" 低秩子空间"),)), Text(" 中"),
    )
    nested = parse_inline(text)
    assert isinstance(nested[1], Strong) and any(isinstance(child, Strong) for child in nested[1].children)


def test_spacing_that_leaves_a_marker_alone_keeps_the_toggles() -> None:
    """When reading by spacing would leave a ``**`` paired with nothing, the toggle
    reading stands (and its own odd ``**`` stays text, as before)."""
    assert parse_inline("**而是对 **自我的认识。** 其后") == (
        Strong((Text("而是对 "),)), Text("自我的认识。** 其后"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a _em_ b", (Text("a "), Emphasis((Text("em"),), "_"), Text(" b"))),
        ("__strong__ x", (Strong((Text("strong"),)), Text(" x"))),
        ("snake_case and 2_000", (Text("snake_case and 2_000"),)),
        ("\\_not\\_", (Text("_not_"),)),
        ("___x___ and _y_", (Text("___x___ and _y_"),)),  # CommonMark splits runs there: left as text
        ("a _b c", (Text("a _b c"),)),
    ],
)
def test_underscores_are_read_as_commonmark_reads_them(text: str, expected: tuple[object, ...]) -> None:
    """``_em_`` and ``__strong__`` are emphasis, never inside a word; unsure readings stay text."""
    assert parse_inline(text) == expected


def test_a_repaired_paragraph_keeps_its_underscore_emphasis() -> None:
    """A rule's change to a paragraph leaves its ``_em_`` emphasis, rendered as before."""
    from markdown_it import MarkdownIt

    from wxmigrate.emit import to_markdown
    from wxmigrate.rules import repair

    repaired, changes = repair(wxmigrate.parse("开头****，_强调_ 与 __加重__ 的文字。\n", dialect="wechat"))
    assert [change.rule for change in changes] == ["drop_stray_bold_markers"]
    assert MarkdownIt("commonmark").render(to_markdown(repaired, "plain")) == (
        "<p>开头，<em>强调</em> 与 <strong>加重</strong> 的文字。</p>\n"
    )


def test_reference_links_and_images_are_read_with_their_definitions() -> None:
    """``[text][label]``, ``[text][]``, ``[label]`` and ``![alt][label]`` are links and images to
    the post's definitions; a bracket no definition names is text."""
    post = wxmigrate.parse('[the docs][D], [d][], [d], ![logo][img], [none]\n\n[d]: <https://e.com/x> "T"\n[img]: /l.png\n')
    first = post.blocks[0]
    assert isinstance(first, wxmigrate.model.Paragraph)
    links = [inline for inline in first.children if isinstance(inline, Link)]
    assert [(link.href, link.title) for link in links] == [("https://e.com/x", "T")] * 3
    assert [inline for inline in first.children if isinstance(inline, Image)] == [Image("/l.png", "logo")]
    assert first.children[-1] == Text(", [none]")


def test_a_repaired_paragraph_keeps_its_reference_links() -> None:
    """A rule's change to a paragraph leaves its reference links linking where they did."""
    from markdown_it import MarkdownIt

    from wxmigrate.emit import to_markdown
    from wxmigrate.rules import repair

    text = "读[这篇][ref]****。\n\n[ref]: https://example.com/a\n"
    repaired, changes = repair(wxmigrate.parse(text, dialect="wechat"))
    assert changes
    html = MarkdownIt("commonmark").render(to_markdown(repaired, "plain"))
    assert '<a href="https://example.com/a">这篇</a>' in html
