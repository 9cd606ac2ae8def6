"""Parsing once: what the parses of a post share, and what the output check still catches."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

import wxmigrate
from wxmigrate import migrate
from wxmigrate.cli import run
from wxmigrate.emit import Engine
from wxmigrate.guard import unclaimed_differences
from wxmigrate.model import Link, Paragraph, Post
from wxmigrate.parse.reading import shared_inlines

#: Two lines the rules change (``#通知``, the empty bold run) and one with an image.
DAMAGED = "---\ntitle: 通知\nauthor: 转载\n---\n\n#通知\n第一段****。\n\n![图](https://example.com/a.png)\n"


def _repair_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[str], str]) -> tuple[int, str]:
    """Repair a site of the damaged post with the emitted Markdown passed through ``edit``."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_text(DAMAGED, encoding="utf-8")
    emit = migrate.to_markdown

    def damaging(post: Post, engine: Engine) -> str:
        return edit(emit(post, engine))

    monkeypatch.setattr(migrate, "to_markdown", damaging)
    err = io.StringIO()
    code = run(["repair", str(site), "--out", str(tmp_path / "out")], out=io.StringIO(), err=err)
    assert not (tmp_path / "out" / "post.md").exists()
    return code, err.getvalue()


def test_text_dropped_from_a_changed_block_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emitter losing letters of a line a rule repaired: the post is not written."""
    code, err = _repair_with(tmp_path, monkeypatch, lambda output: output.replace("第一段。", "第。"))
    assert code == 2
    assert "post.md:0: the emitted Markdown would change the article's text; not written" in err


def test_a_changed_image_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emitter writing another image than the model's: the post is not written."""
    code, err = _repair_with(tmp_path, monkeypatch, lambda output: output.replace("a.png", "b.png"))
    assert code == 2
    assert "post.md:0: the emitted Markdown would change the post's images; not written" in err


def _parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> int:
    """How many times repairing a site of one post ``text`` parses a post."""
    calls: list[str] = []
    parse = migrate.parse

    def counting(text: str, **options: str | None) -> Post:
        calls.append(text)
        return parse(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "parse", counting)
    site = tmp_path / "site"
    site.mkdir()
    (site / "post.md").write_text(text, encoding="utf-8")
    result = migrate.repair_site(site, out=tmp_path / "out")
    assert result.exit_code == 0
    return len(calls)


def test_an_unchanged_post_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The output of a post no rule changes is its own text: its model is the source's."""
    assert _parses(tmp_path, monkeypatch, "# 标题\n\n一段话。\n") == 1


def test_a_changed_post_is_read_back_without_a_second_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exporter's repaired post is checked piece by piece (:mod:`wxmigrate.outcheck`), not parsed again."""
    assert _parses(tmp_path, monkeypatch, DAMAGED.replace("![图](https://example.com/a.png)\n", "")) == 1


def test_a_changed_generic_post_is_parsed_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A post read as generic (which its parts could make WeChat's) is checked by a full parse."""
    calls: list[str] = []
    parse = wxmigrate.parse

    def counting(text: str, **options: str) -> Post:
        calls.append(text)
        return parse(text, **options)

    monkeypatch.setattr(migrate, "parse", counting)
    repaired, _changes = wxmigrate.repair(wxmigrate.parse("# 标题\n\n![图](img\\a.png)\n"))
    output = wxmigrate.to_markdown(repaired, "jekyll")
    assert repaired.dialect == "generic" and output != repaired.origin.body  # type: ignore[union-attr]
    migrate._check_output(output, repaired, Path("post.md"))
    assert calls == [output]


def _link(post: Post) -> object:
    block = post.blocks[0]
    assert isinstance(block, Paragraph)
    return block.children[0]


def test_shared_parses_keep_each_posts_references() -> None:
    """Within one sharing, the same paragraph reads with the references of its own post."""
    with shared_inlines():
        defined = wxmigrate.parse("[文章][x]\n\n[x]: https://example.com/\n")
        undefined = wxmigrate.parse("[文章][x]\n")
    assert isinstance(_link(defined), Link)
    assert not isinstance(_link(undefined), Link)
    assert undefined.blocks == wxmigrate.parse("[文章][x]\n").blocks


def test_shared_parses_equal_separate_ones() -> None:
    """A post parsed while sharing with another is the post parsed alone."""
    text = DAMAGED + "\n**粗体** 与 _强调_。\n\n第一段****。\n"
    with shared_inlines():
        wxmigrate.parse(text.replace("通知", "公告"))
        shared = wxmigrate.parse(text)
    alone = wxmigrate.parse(text)
    assert shared.blocks == alone.blocks
    assert shared.findings == alone.findings


def test_the_guard_reads_each_text_with_its_own_references() -> None:
    """An unclaimed link whose definition changed shows otherwise: it is found."""
    source = "[文章][x]\n\n[x]: https://example.com/one\n"
    output = "[文章][x]\n\n[x]: https://example.com/two\n"
    assert unclaimed_differences(source, output, [(3, 3)]) == [1]
    assert unclaimed_differences(source, source.replace("one", "one "), [(3, 3)]) == []
