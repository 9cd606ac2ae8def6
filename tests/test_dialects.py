"""Exporter dialects: detection, metadata from wherever each states it, and repair."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import attrs
import pytest

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.emit import to_markdown
from wxmigrate.parse import title_heading
from wxmigrate.parse.dialects import DIALECTS, detect
from wxmigrate.parse.inline import plain_text
from wxmigrate.rules.conservation import article_text
from wxmigrate.visible import defects, render

from .helpers import FIXTURES, WILD, corpus_posts

CASES = sorted((FIXTURES / "dialects").glob("*.md"))


def _inspect(path: Path, *extra: str) -> dict:
    out = io.StringIO()
    assert run(["inspect", "--json", *extra, str(path)], out=out, err=io.StringIO()) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_dialect_metadata(path: Path) -> None:
    """Each dialect's title, author, account, date and original link land in the same keys."""
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    data = _inspect(path)
    got = {key: data[key] for key in ("dialect", "title", "author", "date", "original_url")}
    got["account"] = data["account"]["name"] if data["account"] else None
    assert got == expected


def _without_title_heading(post: wxmigrate.Post) -> wxmigrate.Post:
    heading = title_heading(post)
    if not post.front_matter.present or heading is None:
        return post  # without front matter the H1 stays: it is the only title
    if plain_text(heading.children, breaks="").strip() != post.title.strip():
        return post
    return attrs.evolve(post, blocks=tuple(b for b in post.blocks if b is not heading))


_LITERAL_BOLD_MARKER = re.compile(r"(?<!\*)\*\*(?!\*)")


def _shown_text(markdown: str) -> str:
    """What a reader sees of a Markdown post, code left out."""
    tree = render(markdown)
    return "".join(t or "" for el in tree.iter() if el.tag not in ("code", "pre") for t in (el.text, el.tail))


def _assert_repaired_clean(post: wxmigrate.Post) -> str:
    repaired, _ = wxmigrate.repair(post)
    text = to_markdown(repaired)
    found = defects(text)
    tree = render(text)
    assert (found.empty_strong, found.nested_strong) == (0, 0)
    assert found.unrendered_images == 0
    assert not [h for h in tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6") if "#" in h.text_content()]
    assert not [s for s in tree.xpath("//img/@src") if s.startswith("data:image/svg") or "w3.org/2000/svg" in s]
    assert not re.search(r"&[A-Za-z]+;(?=[=_])", text)
    assert article_text(wxmigrate.parse(text)) == article_text(_without_title_heading(post))
    again, changes = wxmigrate.repair(wxmigrate.parse(text))
    assert changes == [] and to_markdown(again) == text
    return text


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_dialect_repairs_clean(path: Path) -> None:
    """Repaired, each dialect renders with no visible damage, keeps its text, and is stable."""
    text = _assert_repaired_clean(wxmigrate.load(path))
    assert defects(text).literal_asterisks == 0


def test_feed_dialect_specifics() -> None:
    """Hard-wrapped sentences are joined, the empty title and escaped query repaired."""
    text = _assert_repaired_clean(wxmigrate.load(FIXTURES / "dialects" / "markdownify-feed.md"))
    assert "第一次夜跑，先选一条有路灯的环线，别急着追求配速。" in text
    assert "640?wx_fmt=jpeg&from=appmsg)" in text
    assert "\\#夜跑打卡#" in text


def test_dialect_override() -> None:
    """--dialect forces the reading; an unknown one is a usage error."""
    path = FIXTURES / "dialects" / "docsify-backup.md"
    assert _inspect(path, "--dialect", "generic")["dialect"] == "generic"
    assert run(["inspect", "--dialect", "nope", str(path)], out=io.StringIO(), err=io.StringIO()) == 2
    with pytest.raises(wxmigrate.ConfigError, match="unknown dialect"):
        wxmigrate.parse("正文", dialect="nope")


def test_detection_needs_the_shape_not_names() -> None:
    """A post with none of the shapes is generic."""
    from wxmigrate.read import split_front_matter

    source = split_front_matter("---\ntitle: x\n---\n\n正文一段。\n")
    assert detect(source.front_matter, source.body) == "generic"
    assert set(DIALECTS) >= {"wechat-jekyll", "docsify-backup", "markdownify-feed", "obsidian-clipper"}


def _detected(text: str) -> str:
    from wxmigrate.read import split_front_matter

    source = split_front_matter(text)
    return detect(source.front_matter, source.body)


_JEKYLL = "---\ntitle: x\n---\n\n"


@pytest.mark.parametrize(
    "body",
    [
        "<blockquote><p>转载：某个公众号<br>\n来源：微信公众号</p></blockquote>\n",
        "> 转载: 某个公众号\n",
        "正文。\n\n微信号example_id\n",
        "**微信号：example_id**\n",
    ],
)
def test_an_exporters_marks_at_a_line_start_name_wechat_jekyll(body: str) -> None:
    assert _detected(_JEKYLL + body) == "wechat-jekyll"
    assert _detected(body) != "wechat-jekyll"  # front matter is part of the shape


@pytest.mark.parametrize(
    "body",
    [
        "我转载过不少文章，转载：就是这样写的。\n",
        "导出工具会写 `转载：某某` 和 `微信号…`。\n",
        "可以加我的微信号聊聊。\n",
        "例子：\n\n```html\n<blockquote><p>转载：某号<br>\n微信号example_id\n```\n",
        "    转载：缩进的代码\n",
    ],
)
def test_an_exporters_marks_named_in_prose_or_code_are_not_an_export(body: str) -> None:
    """A hand-written post about reposts is generic: only the rules safe for any post touch it."""
    assert _detected(_JEKYLL + body) == "generic"


def test_a_hugo_mirror_needs_wechats_pictures_not_its_name() -> None:
    hugo = '+++\ntitle = "x"\nlastmod = 2023-04-02\n+++\n\n'
    assert _detected(hugo + "![](https://mmbiz.qpic.cn/mmbiz_jpg/X/640?wx_fmt=jpeg)\n") == "hugo-mirror"
    assert _detected(hugo + "我的公众号和微信：[一篇](https://mp.weixin.qq.com/s/x)。\n") == "generic"
    assert _detected(hugo + "地址写成 `https://mmbiz.qpic.cn/…` 的图片。\n") == "generic"


@pytest.mark.corpus
def test_wild_corpus() -> None:
    """All 150 wild posts: none fails; no empty or nested bold, hashtag heading, placeholder
    image or escaped query is left; every letter and digit survives; metadata is read."""
    posts = corpus_posts(WILD)
    assert len(posts) == 150
    dialects = set()
    shows_bold_markers = set()
    for path in posts:
        post = wxmigrate.load(path)
        dialects.add(post.dialect)
        text = _assert_repaired_clean(post)
        if _LITERAL_BOLD_MARKER.search(_shown_text(text)):
            shows_bold_markers.add(path.stem)
        assert post.title
        if post.dialect == "markdownify-feed":
            assert post.meta.account and post.meta.date, path
        if post.dialect == "obsidian-clipper":
            assert post.meta.date, path
            if "mp.weixin" in str(post.front_matter.get("source")):  # a WeChat clipping names its account
                assert post.meta.account and post.meta.original_url, path
        if post.dialect == "docsify-backup":
            assert post.meta.account, path
    assert {"docsify-backup", "markdownify-feed", "obsidian-clipper"} <= dialects
    # ``**`` still shown as text: a Java comment's ``/**`` whose code block the
    # exporter dissolved.
    assert [stem[:6] for stem in sorted(shows_bold_markers)] == ["Java反序"]


@pytest.mark.parametrize("credit", ["文 | 林小舟", "**作者｜林小舟**", "作者：林小舟", "撰文 / 林小舟"])
def test_a_writers_credit_near_the_top_names_the_author(credit: str) -> None:
    """With no byline and no author in the closing credits, the credit under the title names the writer."""
    post = wxmigrate.parse(f"# 湖边的老茶馆\n\n{credit}\n\n湖边那家老茶馆，开了快四十年。\n\n编辑：阿青\n")
    assert post.meta.author == "林小舟"


def test_a_credit_deep_in_the_article_names_no_author() -> None:
    """Only the head of the post is looked at: an interview line further down is not a byline."""
    body = "\n\n".join(["# 湖边的老茶馆", *(f"第{n}段正文。" for n in range(12)), "作者：林小舟"])
    assert wxmigrate.parse(body).meta.author is None


def test_obsidian_clippings_read_runs_with_inside_spaces_as_toggles() -> None:
    """The clipper's ``**前20% **最…** 70-80% **`` is bold 前20% and 70-80%, not a nest."""
    front = "---\ntitle: 测试\nsource: https://mp.weixin.qq.com/s/x\npublished: 2025-01-01\n---\n\n"
    line = "仅恢复 **前20% **最重要的方向，就能找回** 70-80% **的性能集中在** 低秩子空间** 中\n"
    clipping, plain = wxmigrate.parse(front + line), wxmigrate.parse(line)
    assert clipping.dialect == "obsidian-clipper"
    bold = [plain_text(i.children).strip() for i in clipping.blocks[0].children if isinstance(i, wxmigrate.model.Strong)]
    assert bold == ["前20%", "70-80%", "低秩子空间"]
    assert clipping.blocks[0].children != plain.blocks[0].children
