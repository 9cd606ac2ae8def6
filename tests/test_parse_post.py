"""Parsing whole posts: structure, conservation of characters, round trips."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.emit import to_markdown
from wxmigrate.emit import markdown as markdown_emitter
from wxmigrate.model import AccountCard, Figure, Heading, OriginalCard, Paragraph
from wxmigrate.read import read_text, split_front_matter

from .helpers import DEMO_SITE, SAMPLE_SITE, WILD, corpus_posts

DEMO_POSTS = sorted((DEMO_SITE / "_posts").glob("*.md"))


def _visible(text: str) -> str:
    """Characters that are never markup: all but whitespace and ASCII punctuation."""
    return "".join(
        char for char in html.unescape(text) if not char.isspace() and not (char.isascii() and not char.isalnum())
    )


def _raw_emission(post: wxmigrate.Post) -> str:
    """The model written back with no escaping at all."""
    ctx = markdown_emitter.Context(escape=lambda s: s, renderers=markdown_emitter.DEFAULT_RENDERERS)
    return markdown_emitter.render_blocks(post.blocks, ctx)


def _assert_conserved(path: Path) -> None:
    text = read_text(path)
    post = wxmigrate.parse(text, path=str(path))
    body = split_front_matter(text).body
    assert _visible(_raw_emission(post)) == _visible(body)


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_parsing_keeps_every_character_of_demo_posts(path: Path) -> None:
    """Every non-markup character of the body is somewhere in the model, in order."""
    _assert_conserved(path)


@pytest.mark.corpus
def test_parsing_keeps_every_character_of_corpus_posts() -> None:
    """The same over the whole shared corpus (sample site and wild posts)."""
    posts = corpus_posts(SAMPLE_SITE / "_posts") + (corpus_posts(WILD) if WILD.is_dir() else [])
    for path in posts:
        _assert_conserved(path)


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_emit_then_parse_gives_the_same_model(path: Path) -> None:
    """The faithful emitter's output parses back to the same blocks and title."""
    post = wxmigrate.load(path)
    again = wxmigrate.parse(to_markdown(post))
    assert again.blocks == post.blocks
    assert again.title == post.title


def test_unrepaired_sample_renders_like_its_source() -> None:
    """Emitting an unrepaired post changes escapes only, not what a reader sees."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    path = DEMO_POSTS[0]
    post = wxmigrate.load(path)
    body = split_front_matter(read_text(path)).body
    emitted = split_front_matter(to_markdown(post)).body

    def text_of(markdown: str) -> str:
        return re.sub(r"<[^>]+>|\s+", "", md.render(markdown))

    assert text_of(emitted) == text_of(body)


def test_structured_parts_of_the_demo_post() -> None:
    """Cards, provenance, credits and footer are recognised by shape."""
    post = wxmigrate.load(DEMO_POSTS[0])
    assert post.title == "春耕时节社区志愿者走进田间地头帮助农户抢种"
    assert isinstance(post.account, AccountCard)
    assert (post.account.name, post.account.wechat_id) == ("梧桐社区服务站", "wutong_service")
    assert isinstance(post.original, OriginalCard)
    assert post.original.avatar == "http://wx.qlogo.cn/mmhead/DemoAvatarHash0001/0"
    assert post.original.intro == "分享种植技术，解答农户疑问，一起把地种好。"
    assert post.repost is not None and post.repost.via == "梧桐社区服务站"
    assert post.repost.written_via == "田间地头"
    assert post.credits is not None
    assert post.credits.roles == (("审核", "林木"), ("责编", "叶青"), ("编辑", "白露"), ("校对", "秋实"))
    assert post.provenance is not None and post.provenance.name == "青禾农技"
    assert post.footer is not None and len(post.footer.children) == 2


def test_every_block_knows_its_lines() -> None:
    """Blocks carry 1-based source line ranges that point at their text."""
    path = DEMO_POSTS[0]
    lines = read_text(path).split("\n")
    post = wxmigrate.load(path)
    heading = next(b for b in post.blocks if isinstance(b, Heading))
    assert lines[heading.lines[0] - 1].startswith("#春耕时节")
    figure = next(b for b in wxmigrate.walk_blocks(post.blocks) if isinstance(b, Figure) and b.caption)
    assert lines[figure.lines[0] - 1].startswith("![](")
    assert lines[figure.lines[1] - 1].startswith("▲")
    for block in wxmigrate.walk_blocks(post.blocks):
        start, end = block.lines
        assert 1 <= start <= end <= len(lines)


def test_damage_is_represented_not_fixed() -> None:
    """``#Title`` is a heading without a space; lines stay separate paragraphs."""
    post = wxmigrate.load(DEMO_POSTS[0])
    heading = next(b for b in post.blocks if isinstance(b, Heading))
    assert heading.spaced is False
    codes = {finding.code for finding in post.findings}
    assert {"truncated-title", "repost-via-title-fragment", "heading-without-space",
            "empty-bold", "split-image-path"} <= codes
    paragraphs = [b for b in post.blocks if isinstance(b, Paragraph)]
    assert any(p.break_before == "" for p in paragraphs)


def test_inspect_json_for_the_demo_post() -> None:
    """``wxmigrate inspect --json`` prints the documented keys."""
    import io

    out, err = io.StringIO(), io.StringIO()
    assert run(["inspect", "--json", str(DEMO_POSTS[0])], out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["title"] == "春耕时节社区志愿者走进田间地头帮助农户抢种"
    assert data["date"] == "2022-03-05"
    assert data["tags"] == ["社区", "志愿者"]
    assert data["account"] == {
        "name": "梧桐社区服务站",
        "wechat_id": "wutong_service",
        "intro": "梧桐社区的便民服务窗口，发布活动通知、办事指南和志愿者招募信息。",
    }
    assert data["repost"] == {"via": "梧桐社区服务站", "channel": "微信公众号"}
    assert data["original"]["name"] == "青禾农技" and data["original"]["author"] == "青禾农技"
    assert list(data["credits"]) == ["审核", "责编", "编辑", "校对"]
    assert data["provenance"] == "青禾农技"
    assert {"src", "line"} == set(data["images"][0])
    assert all({"type", "lines"} == set(block) for block in data["blocks"])
    assert {"code", "line", "message"} == set(data["findings"][0])


def test_inspect_bad_file_prints_one_line_and_fails(tmp_path: Path) -> None:
    """A broken post gives a one-line path:line error and exit code 1; others still print."""
    import io

    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: x\n---\n\xff\xfe bad\n")
    out, err = io.StringIO(), io.StringIO()
    code = run(["inspect", str(bad), str(DEMO_POSTS[1])], out=out, err=err)
    assert code == 1
    assert err.getvalue().strip().count("\n") == 0
    assert err.getvalue().startswith(f"{bad}:4: ")
    assert "社区图书角开放" in out.getvalue()


SAMPLE_EXPECTED = {
    "2020-09-12": {
        "title": "南宁市打击治理电信网络新型违法犯罪工作联席推进会议召开",
        "account": ("南宁市反诈骗", "nanningfanzha"),
        "via": "南宁市反诈骗",
        "original": None,
        "provenance": None,
        "credits": {"审核": "杨俊", "责编": "朱耀华", "编辑": "蒋越", "校对": "谭玉兰"},
    },
    "2021-06-20": {
        "title": "深入推进铲除电诈土壤南宁市开展“绿城反诈•断卡2号”专项行动",
        "account": ("南宁市反诈骗", "nanningfanzha"),
        "via": "南宁市反诈骗",
        "original": ("南宁警方", "南宁警方"),
        "provenance": "南宁警方",
        "credits": {"审核": "杨俊", "责编": "朱耀华", "编辑": "蒋越", "校对": "谭玉兰"},
    },
    "2021-09-07": {
        "title": "青岛市打击治理电信网络新型违法犯罪工作联席会议召开",
        "account": ("青岛公安反诈骗服务号", "gh_c6d2e2993263"),
        "via": "青岛公安反诈骗服务号",
        "original": None,
        "provenance": "大众报业·半岛新闻",
        "credits": {},
    },
}


@pytest.mark.corpus
def test_sample_site_posts_read_right() -> None:
    """Title, date, account, repost, original, credits, provenance of the sample posts."""
    import io

    posts = corpus_posts(SAMPLE_SITE / "_posts")
    assert len(posts) == len(SAMPLE_EXPECTED)
    for path in posts:
        expected = SAMPLE_EXPECTED[path.name[:10]]
        out = io.StringIO()
        assert run(["inspect", "--json", str(path)], out=out, err=io.StringIO()) == 0
        data = json.loads(out.getvalue())
        assert data["title"] == expected["title"]
        assert data["date"] == path.name[:10]
        assert data["tags"] == ["其他"]
        assert (data["account"]["name"], data["account"]["wechat_id"]) == expected["account"]
        assert data["repost"] == {"via": expected["via"], "channel": "微信公众号"}
        original = data["original"] and (data["original"]["name"], data["original"]["author"])
        assert original == expected["original"]
        assert data["provenance"] == expected["provenance"]
        assert data["credits"] == expected["credits"]


def test_a_generic_post_is_read_as_commonmark_reads_it() -> None:
    """Indented code, setext headings and ``****`` as a rule, where no exporter wrote the post."""
    from wxmigrate.model import RawBlock, Rule

    post = wxmigrate.parse("Title\n=====\n\n    code ![](a\\b.png)\n\n****\n\nSub\n---\n")
    assert post.generic
    assert [type(block).__name__ for block in post.blocks] == ["Heading", "RawBlock", "Rule", "Heading"]
    assert isinstance(post.blocks[1], RawBlock) and isinstance(post.blocks[2], Rule)
    assert [block.level for block in post.blocks if isinstance(block, wxmigrate.model.Heading)] == [1, 2]


def test_an_exported_post_keeps_the_lenient_reading() -> None:
    """In an exporter's post ``****`` is an empty bold run and ``---`` under a line a separator."""
    post = wxmigrate.parse("正文\n---\n\n****\n\n## 小标题\n", dialect="wechat")  # (a heading: no footer)
    assert [type(block).__name__ for block in post.blocks] == ["Paragraph", "Rule", "Paragraph", "Heading"]
