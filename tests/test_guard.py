"""The render guard and lossless writing: what no rule changed renders, and is written, as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import wxmigrate
from wxmigrate import migrate
from wxmigrate.cli import run
from wxmigrate.emit import to_markdown
from wxmigrate.emit.verbatim import claimed_lines
from wxmigrate.errors import RepairError
from wxmigrate.guard import check_render, rendered_blocks, unclaimed_differences
from wxmigrate.rules import repair

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
