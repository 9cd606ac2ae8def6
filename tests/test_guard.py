"""The render guard and lossless writing: what no rule changed renders, and is written, as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wxmigrate
from wxmigrate import migrate
from wxmigrate.cli import run
from wxmigrate.emit import ENGINES, to_markdown
from wxmigrate.emit.verbatim import claimed_lines
from wxmigrate.errors import RepairError
from wxmigrate.guard import (
    _Document,
    _key,
    check_render,
    pieces,
    rendered_blocks,
    rendered_differences,
    shown_unchanged,
    unclaimed_differences,
)
from wxmigrate.read import split_front_matter
from wxmigrate.rules import repair
from wxmigrate.testing import DamagedPost, damaged_posts, posts

EXPORTED = "---\ntitle: 通知\nauthor: 转载\n---\n\n#通知\n第一段****。\n第二段。\n\n[参考][ref] 与 _强调_。\n\n[ref]: https://example.com/\n"


def test_blocks_are_rendered_with_their_lines() -> None:
    """Each top-level block comes with its 1-based line range."""
    blocks = rendered_blocks("# A\n\npara\ngraph\n\n- x\n- y\n")
    assert [lines for lines, _ in blocks] == [(1, 1), (3, 4), (6, 7)]
    assert blocks[1][1] == "<p>para\ngraph</p>\n"


def test_a_changed_block_no_one_claimed_is_found() -> None:
    """A block whose rendering changed is reported at its file line unless claimed."""
    source = "one\n\ntwo\n\nthree\n"
    output = "one\n\n2\n\nthree\n"
    assert unclaimed_differences(source, output, [], first_line=10) == [12]
    assert unclaimed_differences(source, output, [(12, 12)], first_line=10) == []


def test_a_neighbour_of_a_claimed_block_may_change() -> None:
    """A list that a claimed line joined reads otherwise; it stands next to the claim."""
    source = "intro\n\n- b\n- c\n\nfar away\n"
    output = "- a\n- b\n- c\n\nfar away\n"
    assert unclaimed_differences(source, output, [(1, 1)]) == []
    assert unclaimed_differences(source, output.replace("far away", "far off"), [(1, 1)]) == [6]


def test_blocks_may_move_but_not_change() -> None:
    """A block shown elsewhere in the output is still shown."""
    assert unclaimed_differences("a\n\nb\n", "b\n\na\n", []) == []


def test_repaired_exported_post_changes_only_what_rules_claimed() -> None:
    """Blocks no rule touched (a reference link, ``_em_``) come out as they were written."""
    post = wxmigrate.parse(EXPORTED)
    assert post.dialect == "wechat-jekyll"
    repaired, changes = repair(post)
    output = to_markdown(repaired, "plain")
    assert changes
    assert "[参考][ref] 与 _强调_。\n\n[ref]: https://example.com/\n" in output
    body = output.split("---\n", 2)[2]
    check_render(repaired, body, claimed_lines(repaired), [c.rule for c in changes])


def test_guard_refuses_a_block_changed_behind_the_rules_back() -> None:
    """Output that changes an unclaimed block is refused, naming the rules that ran."""
    post = wxmigrate.parse(EXPORTED)
    repaired, changes = repair(post)
    body = to_markdown(repaired, "plain").split("---\n", 2)[2].replace("[参考][ref]", "\\[参考\\]\\[ref\\]")
    with pytest.raises(RepairError, match=r"no rule changed it \(rules that changed the post: .*space_after_heading_marks"):
        check_render(repaired, body, claimed_lines(repaired), [c.rule for c in changes])


def test_a_refused_post_is_not_written_and_the_run_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the emitted Markdown would show an unclaimed block otherwise, the post is not written."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_text(EXPORTED, encoding="utf-8")
    (site / "other.md").write_text("# 另一篇\n\n好好的一段。\n", encoding="utf-8")
    emit = migrate.to_markdown
    monkeypatch.setattr(migrate, "to_markdown", lambda post, engine: emit(post, engine).replace("_强调_", "强调"))
    out, err = io.StringIO(), io.StringIO()
    code = run(["repair", str(site), "--out", str(tmp_path / "out")], out=out, err=err)
    assert code == 1
    assert not (tmp_path / "out" / "post.md").exists()
    assert (tmp_path / "out" / "other.md").exists()  # the other post is still written
    assert f"{site / 'post.md'}:10: the repaired post would show this block otherwise" in err.getvalue()


def test_an_untouched_post_is_written_byte_for_byte(tmp_path: Path) -> None:
    """A post no rule changes comes out with its very bytes, CRLF and odd spacing included."""
    text = "---\r\ntitle:   x  \r\n---\r\n\r\n\r\nSetext\r\n===\r\n\r\n    code\r\n\r\n* a\r\n\r\n* b\r\n\r\n\r\n"
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_bytes(text.encode("utf-8"))
    result = migrate.repair_site(site, out=tmp_path / "out")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "post.md").read_bytes() == text.encode("utf-8")


def test_a_removed_line_does_not_glue_its_neighbours() -> None:
    """A line continuing a removed line that opened a paragraph opens one itself."""
    text = "上一段。\n\n**  \n**下一段**  \n**\n"
    repaired, changes = repair(wxmigrate.parse(text, dialect="obsidian-clipper"))
    assert changes
    assert to_markdown(repaired, "plain").startswith("上一段。\n\n**下一段**")


def test_a_loaded_jekyll_post_keeps_its_liquid_when_written_for_jekyll(tmp_path: Path) -> None:
    """``load`` takes a post in a Jekyll site as written for Jekyll: its Liquid is not escaped."""
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    text = "---\ntitle: x\n---\n\nSee {{ site.url }} | a pipe.\n"
    (posts / "2020-01-01-x.md").write_text(text, encoding="utf-8")
    post = wxmigrate.load(posts / "2020-01-01-x.md")
    assert to_markdown(post, "jekyll") == text
    assert "{\\{ site.url }}" in to_markdown(post, "hexo")  # written for another engine, the braces are hidden


def test_a_generic_post_keeps_what_reads_like_a_part(tmp_path: Path) -> None:
    """A hand-written post's ``（来源：X）`` is not moved into front matter, whatever the placement."""
    from wxmigrate.emit.metadata import place

    post = wxmigrate.parse("---\ntitle: 读书\n---\n\n今天读完了一本书。\n\n（来源：新华社）\n")
    assert post.generic and post.provenance is not None
    assert place(post, "both") == (post, {})
    assert place(wxmigrate.parse(post.origin.head + post.origin.body, dialect="wechat"), "both")[1]


# --------------------------------------------------------------------------
# The guard's proof without rendering agrees with rendering everything

#: Lines that start, continue or end blocks in every way markdown-it reads them.
MARKDOWN_LINES = (
    "", " ", "\t", "text", "more text", "**粗体**开头", "*", "* a", "- b", "+ c", "-", "1. one", "2) two", "10.",
    "   indented", "    code", "\tcode", "  - nested", "> quote", ">", "> - in quote", "# heading", "#", "###x",
    "===", "---", "***", "- - -", "```", "```python", "~~~", "   ```", "> ```", "- ```", "<div>", "</div>",
    "<!-- note", "-->", "<!-- x -->", "<pre>", "</pre>", "<script>", "</script>", "<?php", "?>", "<!DOCTYPE x>",
    "<span>x</span>", "| a | b |", "| - | - |", "|---|", "a | b", "[x]: https://example.com/", "[x]",
    "![图](a.png)", "\\*", "_em_", "<a href=\"x\">", "1\\. not a list",
    "- " * 11 + "deep", "> " * 11 + "deep", ">" * 21 + " deep", "\t\t\t\t\t- deep",
)


@st.composite
def markdown_texts(draw: st.DrawFn) -> str:
    """Texts made of lines that open, continue and close every kind of block."""
    lines = draw(st.lists(st.sampled_from(MARKDOWN_LINES), max_size=30))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _blocks(text: str) -> list[tuple[tuple[int, int], object]]:
    """Each top-level block of ``text`` as markdown-it reads it: lines and tokens."""
    return [(lines, _key(group)) for lines, group in _Document(text).blocks]


def _blocks_by_pieces(text: str) -> list[tuple[tuple[int, int], object]]:
    """The same, read one piece at a time, lines counted from the whole text's first."""
    found = []
    for start, piece in pieces(text):
        found += [((first + start, last + start), key) for (first, last), key in _blocks(piece)]
    return found


@given(st.one_of(markdown_texts(), damaged_posts().map(lambda damaged: damaged.text), posts().map(lambda post: post.text)))
def test_each_piece_reads_alone_as_in_the_whole_text(text: str) -> None:
    """Cut into pieces, a text gives markdown-it's very blocks, token for token, line for line."""
    assert "".join(piece for _, piece in pieces(text)) == text
    assert _blocks_by_pieces(text) == _blocks(text)


def test_texts_are_cut_only_where_nothing_runs_on() -> None:
    """After a blank line: cut before a paragraph, not before a list item, an indented line
    or anything after a fence (which runs on over blank lines)."""
    assert [start for start, _ in pieces("a\n\nb\n\n- c\n\n  d\n\n**e**\n")] == [0, 2, 8]
    assert [start for start, _ in pieces("a\n\n```\n\nb\n\nc\n")] == [0, 2]
    assert [start for start, _ in pieces("a\nb\n\n<!-- x\n\ny -->\n\nz\n")] == [0, 3]
    nested = "".join("  " * depth + "- a\n" for depth in range(14))  # past markdown-it's nesting limit
    assert [start for start, _ in pieces("a\n\nb\n\n" + nested + "\nc\n\nd\n")] == [0, 2]


def _repaired_texts(damaged: DamagedPost) -> tuple[str, str, list[tuple[int, int]], int]:
    """A damaged post repaired: its source body, its output body, the claimed lines, the body's first line."""
    post = wxmigrate.parse(damaged.text)
    repaired, _changes = repair(post)
    prepared = ENGINES["jekyll"].prepare(repaired)
    output = to_markdown(repaired, "jekyll")
    assert post.origin is not None
    return post.origin.body, split_front_matter(output).body, claimed_lines(prepared), post.origin.body_line


#: Ways an emitter could go wrong in an output body: each a change to one of its lines.
def _planted(lines: list[str], index: int, how: str) -> list[str]:
    line = lines[index]
    changed = {
        "drop a letter": line[1:],
        "escape it": "\\" + line,
        "indent it": "    " + line,
        "make it a list item": "- " + line,
        "open a fence": "```\n" + line,
        "join the next line": line + ("\n" + lines[index + 1].lstrip() if index + 1 < len(lines) else ""),
        "underline it": line + "\n---",
        "drop it": None,
    }[how]
    return lines[:index] + ([] if changed is None else changed.split("\n")) + lines[index + 1 + (how == "join the next line") :]


PLANTED = ("drop a letter", "escape it", "indent it", "make it a list item", "open a fence", "join the next line", "underline it", "drop it")


@given(damaged_posts(), st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(PLANTED)), max_size=2))
def test_the_proof_and_the_full_comparison_give_one_verdict(damaged: DamagedPost, bugs: list[tuple[int, str]]) -> None:
    """On repaired posts, as emitted and with emitter bugs planted in them, the guard finds the
    lines the full comparison finds; when the proof holds, the full comparison finds none."""
    source, output, claimed, first_line = _repaired_texts(damaged)
    lines = output.split("\n")
    for where, how in bugs:
        lines = _planted(lines, where % len(lines), how)
    output = "\n".join(lines)
    full = rendered_differences(source, output, claimed, first_line=first_line)
    assert unclaimed_differences(source, output, claimed, first_line=first_line) == full
    if shown_unchanged(source, output, claimed, first_line=first_line):
        assert full == []


@given(markdown_texts(), markdown_texts(), st.lists(st.tuples(st.integers(1, 40), st.integers(0, 3)), max_size=3))
def test_the_proof_holds_only_where_nothing_unclaimed_differs(
    source: str, output: str, claims: list[tuple[int, int]]
) -> None:
    """Any two texts, any claims: when the proof holds, rendering finds no difference."""
    claimed = [(first, first + length) for first, length in claims]
    if shown_unchanged(source, output, claimed):
        assert rendered_differences(source, output, claimed) == []
        assert unclaimed_differences(source, output, claimed) == []


#: The exported post of the tests above without its link reference, so that the proof is tried.
UNREFERENCED = EXPORTED.replace("[参考][ref]", "[参考](https://example.com/)").replace("\n[ref]: https://example.com/\n", "")


@pytest.mark.parametrize("text", [EXPORTED, UNREFERENCED], ids=["references", "no references"])
@pytest.mark.parametrize(
    "bug", [("[参考]", "\\[参考\\]"), ("_强调_", "强调"), ("与 ", "与\n\n    "), ("[参考]", "```\n[参考]")],
    ids=["escaped link", "emphasis dropped", "made code", "fence opened"],
)
def test_every_planted_bug_is_caught(text: str, bug: tuple[str, str]) -> None:
    """Whether the proof is tried or not, a block changed behind the rules' back is refused."""
    post = wxmigrate.parse(text)
    repaired, changes = repair(post)
    body = to_markdown(repaired, "plain").split("---\n", 2)[2]
    assert bug[0] in body
    with pytest.raises(RepairError, match="no rule changed it"):
        check_render(repaired, body.replace(*bug), claimed_lines(repaired), [c.rule for c in changes])
    assert post.origin is not None
    assert not shown_unchanged(post.origin.body, body.replace(*bug), claimed_lines(repaired), first_line=post.origin.body_line)
