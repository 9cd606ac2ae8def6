"""Engine profiles: layouts, front matter, image links, metadata placement, escapes, stability.

These tests need no engine installed; tests/test_builds.py builds with the real ones.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import attrs
import pytest
import tomllib
import yaml
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.emit import ENGINES, Engine, detect_engine, get_engine, to_markdown
from wxmigrate.emit.frontmatter import PELICAN, TOML, YAML, split_pelican
from wxmigrate.emit.metadata import place, wechat_fields
from wxmigrate.emit.raw_html import html_blocks, without_raw_html
from wxmigrate.model import (
    NO_LINES,
    Figure,
    HtmlBlock,
    ListBlock,
    Paragraph,
    RawBlock,
    RawHtml,
    Strong,
    Text,
    walk_blocks,
)

from .helpers import DEMO_SITE, SAMPLE_SITE, corpus_posts

ENGINE_NAMES = sorted(ENGINES)
DEMO_TITLE = "春耕时节社区志愿者走进田间地头帮助农户抢种"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _relaid(
    tmp_path: Path, engine: str, source: Path = DEMO_SITE, *extra: str
) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / engine
    code, stdout, stderr = _run(
        "repair", str(source), "--out", str(out), "--engine", engine, "--report", "-", *extra
    )
    assert code in (0, 1), stderr
    return out, json.loads(stdout)


def read_front(text: str) -> tuple[dict[str, Any], str]:
    """Front matter (YAML, TOML or Pelican's) and body of an output post."""
    if text.startswith("---\n"):
        raw, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(raw), body
    if text.startswith("+++\n"):
        raw, _, body = text[4:].partition("\n+++\n")
        return tomllib.loads(raw), body
    found = split_pelican(text)
    assert found is not None, text[:200]
    return dict(found[0]), found[1]


def image_file(engine: Engine, out: Path, post: Path, src: str) -> Path:
    """The output file an image link of ``post`` points at, as the engine will serve it."""
    if engine.relative_links:
        return post.parent / src
    if engine.name == "jekyll":
        return out / src.removeprefix("{{ site.baseurl }}/")
    if engine.name == "hexo":
        return out / "source" / src.lstrip("/")
    if engine.name == "pelican":
        return out / "content" / src.removeprefix("{static}/")
    raise AssertionError(f"no rule for {engine.name}")


def wechat(engine: Engine, front: dict[str, Any]) -> Any:
    if engine.front_matter_format is PELICAN:
        return {key: value for key, value in front.items() if key.startswith("wechat_")}
    holder: Any = front
    for key in engine.fields_key:
        holder = holder.get(key, {})
    return holder


# --------------------------------------------------------------------------
# The registry


def test_every_engine_is_a_documented_module_and_one_entry() -> None:
    """Each engine is named by its key, has a module docstring and is in docs/engines.md."""
    docs = (DEMO_SITE.parent.parent / "docs" / "engines.md").read_text(encoding="utf-8")
    for name, engine in ENGINES.items():
        assert engine.name == name
        module = __import__(f"wxmigrate.emit.{name}", fromlist=["ENGINE"])
        assert module.ENGINE is engine and (module.__doc__ or "").strip()
        assert f"`{name}`" in docs


def test_unknown_engine_lists_the_known_ones() -> None:
    """An unknown name is a ConfigError naming every engine."""
    with pytest.raises(
        wxmigrate.ConfigError, match="expected one of: eleventy, hexo, hugo, jekyll"
    ):
        get_engine("wordpress")


@pytest.mark.parametrize("name", [n for n in ENGINE_NAMES if ENGINES[n].config_file])
def test_a_generated_site_is_recognised_as_its_engine(name: str, tmp_path: Path) -> None:
    """The minimal site an engine generates is detected as that engine, and as no other."""
    engine = ENGINES[name]
    for path, text in engine.scaffold("演示站").items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    (tmp_path / engine.content_root).mkdir(parents=True, exist_ok=True)
    assert detect_engine(tmp_path) is engine
    assert [other for other in ENGINES.values() if other.detect(tmp_path)] == [engine]


# --------------------------------------------------------------------------
# Front matter formats


TRICKY = {
    "title": "- “我们首先要贵！”: 定价 #1 'x' \"y\"",
    "date": dt.date(2022, 3, 5),
    "tags": ["社区", "a, b"],
    "wechat": {"credits": {"审核": "林木", "责编": "叶青"}, "repost": {"via": "梧桐社区服务站"}},
    "empty": None,
}


def test_yaml_and_toml_read_back_as_written() -> None:
    """Any title survives YAML and TOML; empty values are left out."""
    expected = {key: value for key, value in TRICKY.items() if value is not None}
    assert yaml.safe_load(YAML.front_matter(TRICKY).raw) == expected
    assert tomllib.loads(TOML.front_matter(TRICKY).raw) == expected


def test_pelican_metadata_is_flat_and_reads_back() -> None:
    """Pelican lines: lists comma-joined, nested fields as keys, role mappings as one value."""
    text = PELICAN.text(PELICAN.front_matter(TRICKY))
    assert "Tags: 社区, a， b\n" in text
    assert "Wechat_repost_via: 梧桐社区服务站\n" in text
    assert "Wechat_credits: 审核：林木；责编：叶青\n" in text
    found = split_pelican(text + "\n正文\n")
    assert found is not None
    metadata, body = found
    assert (
        metadata["title"] == TRICKY["title"]
        and metadata["date"] == "2022-03-05"
        and body == "正文\n"
    )


def test_split_pelican_needs_a_title_and_a_blank_line() -> None:
    """Text that only looks like metadata is not taken for it."""
    assert split_pelican("Note: 这是正文\n\n更多\n") is None
    assert split_pelican("Title: x\n正文没有空行\n") is None


# --------------------------------------------------------------------------
# Each engine's tree for the demo site


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_demo_site_relaid_out(name: str, tmp_path: Path) -> None:
    """Posts where the engine wants them, front matter with the full title and date, every
    image link pointing at a copied file, the repost note and cards where the engine puts them."""
    engine = ENGINES[name]
    out, report = _relaid(tmp_path, name)
    assert report["exit_code"] == 0 and report["engine"] == name
    outputs = [Path(post["output"]) for post in report["posts"]]
    assert all(path.is_file() for path in outputs)
    assert all(path.relative_to(out).as_posix().startswith(engine.posts_folder) for path in outputs)
    spring = next(path for path in outputs if "春耕" in str(path))
    front, body = read_front(spring.read_text(encoding="utf-8"))
    assert front["title"] == DEMO_TITLE
    assert str(front["date"]).startswith("2022-03-05")
    links = [image.src for image, _ in wxmigrate.images(wxmigrate.parse(body))]
    local = [link for link in links if not link.startswith("http")]
    assert len(local) == 6
    assert all(image_file(engine, out, spring, link).is_file() for link in local), local
    if engine.metadata == "keep":
        assert "<blockquote><p>转载：梧桐社区服务站<br>" in body
    else:
        assert (
            "<blockquote>" not in body and "> 转载：梧桐社区服务站  \n> 来源：微信公众号\n" in body
        )
        fields = wechat(engine, front)
        assert fields, front
        assert "梧桐社区服务站" in json.dumps(fields, ensure_ascii=False)
        assert "林木" in json.dumps(fields, ensure_ascii=False)


def _assert_second_run_changes_nothing(engine: str, first: Path, tmp_path: Path) -> None:
    second = tmp_path / "second"
    _, stdout, stderr = _run(
        "repair", str(first), "--out", str(second), "--engine", engine, "--report", "-"
    )
    report = json.loads(stdout)
    assert not report["relaid_out"], "an engine's own output is mirrored, not re-laid out"
    assert all(post["changes"] == [] for post in report["posts"]), stderr
    written = [Path(post["output"]) for post in report["posts"]]
    assert written
    for path in written:
        relative = path.relative_to(second)
        assert path.read_bytes() == (first / relative).read_bytes(), relative


@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_engine_output_repaired_again_is_byte_identical(name: str, tmp_path: Path) -> None:
    """`repair OUT --out OUT2 --engine X` on X's own output changes nothing."""
    first, _ = _relaid(tmp_path, name)
    _assert_second_run_changes_nothing(name, first, tmp_path)


@pytest.mark.corpus
@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_sample_site_output_repaired_again_is_byte_identical(name: str, tmp_path: Path) -> None:
    """The same on the shared sample site, with its missing images and header image."""
    corpus_posts(SAMPLE_SITE / "_posts")
    first, report = _relaid(tmp_path, name, SAMPLE_SITE)
    assert len(report["posts"]) >= 3
    _assert_second_run_changes_nothing(name, first, tmp_path)


def test_jekyll_by_name_is_the_default_mirror(tmp_path: Path) -> None:
    """A Jekyll site repaired with --engine jekyll is written exactly as without it."""
    _run("repair", str(DEMO_SITE), "--out", str(tmp_path / "a"))
    _run("repair", str(DEMO_SITE), "--out", str(tmp_path / "b"), "--engine", "jekyll")
    files = sorted(  # but the runs' records (.wxmigrate/), which name their own output folder
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file() and ".wxmigrate" not in p.parts
    )
    assert files == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file() and ".wxmigrate" not in p.parts
    )
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert not (
        tmp_path / "a" / "_layouts"
    ).exists()  # a mirror gets the site's config, no scaffold


# --------------------------------------------------------------------------
# Metadata placement


def _spring(out: Path) -> str:
    """The demo's spring post in an output tree (a file named after it, or its bundle)."""
    return next(p for p in out.rglob("*.md") if "春耕" in p.as_posix()).read_text(encoding="utf-8")


def test_metadata_front_moves_the_parts_out_of_the_body(tmp_path: Path) -> None:
    """--metadata front: the cards, provenance and credits are fields, not text."""
    out, _ = _relaid(tmp_path, "hexo", DEMO_SITE, "--metadata", "front")
    front, body = read_front(_spring(out))
    assert front["wechat"]["account"] == {
        "name": "梧桐社区服务站",
        "wechat_id": "wutong_service",
        "intro": "梧桐社区的便民服务窗口，发布活动通知、办事指南和志愿者招募信息。",
    }
    assert front["wechat"]["credits"] == {
        "审核": "林木",
        "责编": "叶青",
        "编辑": "白露",
        "校对": "秋实",
    }
    assert front["wechat"]["provenance"] == {"name": "青禾农技", "kind": "转自"}
    for gone in ("转载：", "微信号wutong_service", "以下文章来源于", "（转自青禾农技）", "审核"):
        assert gone not in body
    assert "三月初，梧桐社区组织二十名志愿者" in body


def test_metadata_body_writes_no_fields(tmp_path: Path) -> None:
    """--metadata body: the repost note is a Markdown quote and the front matter has no fields."""
    out, _ = _relaid(tmp_path, "hexo", DEMO_SITE, "--metadata", "body")
    front, body = read_front(_spring(out))
    assert "wechat" not in front
    assert "> 转载：梧桐社区服务站" in body and "<blockquote>" not in body


def test_metadata_both_on_a_jekyll_mirror_adds_fields_below_the_old_lines(tmp_path: Path) -> None:
    """Fields added to an existing YAML front matter leave its other lines as written."""
    out = tmp_path / "out"
    _run("repair", str(DEMO_SITE), "--out", str(out), "--metadata", "both")
    text = (out / "_posts" / "2022-03-05-春耕时节.md").read_text(encoding="utf-8")
    assert text.startswith("---\nlayout:     post\ntitle:      " + DEMO_TITLE + "\n")
    front, body = read_front(text)
    assert front["wechat"]["repost"] == {"via": "梧桐社区服务站", "channel": "微信公众号"}
    assert "> 转载：梧桐社区服务站" in body


_CARDS = (
    "[湖畔读书会]\n**湖畔读书会**\n微信号hupan_books\n功能介绍每周一次共读，欢迎加入。\n\n"
    "以下文章来源于青禾农技，作者林木\n![](http://wx.qlogo.cn/mmhead/Avatar01/0)**青禾农技**.\n分享种植技术。\n\n"
    "正文第一段。\n"
)


@pytest.mark.parametrize("placement", ["keep", "body", "both"])
def test_cards_in_the_body_read_as_wechat_shows_them(placement: str) -> None:
    """The account's name once, each label apart from its value, no full stop after the
    source's name; read again, the cards are the same cards, and placing them again changes nothing."""
    post, _ = wxmigrate.repair(wxmigrate.parse(_CARDS))
    placed, _ = place(post, placement)
    text = to_markdown(placed)
    assert text == (
        "**湖畔读书会**  \n微信号：hupan_books  \n功能介绍：每周一次共读，欢迎加入。\n\n"
        "以下文章来源于青禾农技，作者林木  \n![](http://wx.qlogo.cn/mmhead/Avatar01/0)**青禾农技**  \n分享种植技术。\n\n"
        "正文第一段。\n"
    )
    again = wxmigrate.parse(text)
    assert wechat_fields(again) == wechat_fields(post)
    assert place(again, placement)[0] == again


def test_a_card_without_its_intro_keeps_its_bracket_line() -> None:
    """Without ``功能介绍`` the ``[X]`` line is what makes the lines a card: it stays."""
    post, _ = wxmigrate.repair(wxmigrate.parse("[湖畔读书会]\n**湖畔读书会**\n微信号hupan_books\n\n正文第一段。\n"))
    text = to_markdown(place(post, "keep")[0])
    assert text == "[湖畔读书会]  \n**湖畔读书会**  \n微信号：hupan_books\n\n正文第一段。\n"
    assert wechat_fields(wxmigrate.parse(text)) == wechat_fields(post)


def test_hugo_never_depends_on_raw_html(tmp_path: Path) -> None:
    """Even with --metadata keep, Hugo output holds no raw HTML: the note is a quote."""
    out, _ = _relaid(tmp_path, "hugo", DEMO_SITE, "--metadata", "keep")
    text = _spring(out)
    assert "<blockquote>" not in text and "<br>" not in text
    assert "> 转载：梧桐社区服务站" in text
    tokens = MarkdownIt("commonmark").parse(read_front(text)[1])
    raw = [t for t in tokens if t.type == "html_block"]
    raw += [child for t in tokens for child in (t.children or []) if child.type == "html_inline"]
    assert raw == []


def test_unknown_placement_is_a_usage_error(tmp_path: Path) -> None:
    """argparse refuses a placement that does not exist; nothing is written."""
    code, _, _ = _run(
        "repair", str(DEMO_SITE), "--out", str(tmp_path / "o"), "--metadata", "sideways"
    )
    assert code == 2
    assert not (tmp_path / "o").exists()


# --------------------------------------------------------------------------
# Raw HTML for engines that drop it


def test_html_block_becomes_markdown_blocks() -> None:
    """Text, line breaks, bold and images of an HTML block survive as Markdown; scripts do not."""
    blocks = html_blocks(
        "<section><p>第一行<br>第二行 <strong>重点</strong></p><script>alert(1)</script>"
        '<p><img src="a.png" alt="图"></p><!-- 注释 --><span>尾</span></section>'
    )
    assert blocks == [
        Paragraph((Text("第一行"),)),
        Paragraph((Text("第二行 "), Strong((Text("重点"),))), break_before="  "),
        Figure(wxmigrate.Image(src="a.png", alt="图")),
        Paragraph((Text("尾"),)),
    ]


def test_a_grid_table_becomes_a_gfm_table() -> None:
    """Two rows and two columns or more, no spans: a GFM table (first row the header,
    short rows padded, ``|`` escaped, bold kept where it renders)."""
    blocks = html_blocks(
        "<table><tr><th>版本</th><th>状态</th></tr><tr><td><b>2.3</b></td><td>受影响 | 是<br>需升级</td></tr>"
        "<tr><td>2.4</td></tr></table>"
    )
    assert blocks == [RawBlock("| 版本 | 状态 |\n| --- | --- |\n| **2.3** | 受影响 \\| 是 需升级 |\n| 2.4 |  |")]


@pytest.mark.parametrize(
    "markup",
    [
        "<table><tr><td>声明：仅供学习交流</td></tr></table>",  # a box, not a grid
        '<table><tr><td colspan="2">标题</td></tr><tr><td>甲</td><td>乙</td></tr></table>',
        "<table><tr><td><table><tr><td>甲</td><td>乙</td></tr></table></td><td>丙</td></tr><tr><td>丁</td><td>戊</td></tr></table>",
    ],
    ids=["one-cell", "spanning-cell", "nested-table"],
)
def test_other_tables_become_paragraphs(markup: str) -> None:
    blocks = html_blocks(markup)
    assert blocks and all(isinstance(block, Paragraph) for block in blocks)


def test_without_raw_html_keeps_the_words(tmp_path: Path) -> None:
    """A post's inline and block HTML become text a Hugo reader sees."""
    post = wxmigrate.parse('前<span style="color:red">红字</span>后\n\n<div>块<b>粗</b></div>\n')
    prepared = without_raw_html(post)
    kinds = [type(block) for block in walk_blocks(prepared.blocks)]
    assert HtmlBlock not in kinds
    text = to_markdown(prepared, "hugo")
    assert "<" not in text and "前红字后" in text and "块**粗**" in text
    assert not any(
        isinstance(inline, RawHtml)
        for block in prepared.blocks
        for inline in getattr(block, "children", ())
    )


# --------------------------------------------------------------------------
# Escapes: text an engine's template language or parser would misread


def _visible(markdown: str) -> str:
    return re.sub(r"<[^>]+>", "", MarkdownIt("commonmark").render(markdown)).strip()


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("jekyll", "&#123;{< x >}} &#123;% y %} {# z #}"),
        ("hugo", "{\\{< x >}} {\\% y %} {\\# z #}"),
        ("hexo", "{\\{< x >}} {\\% y %} {\\# z #}"),
        ("zola", "{\\{< x >}} {\\% y %} {\\# z #}"),
        ("eleventy", "&#123;{< x >}} &#123;% y %} {# z #}"),
    ],
)
def test_template_braces_are_hidden_and_still_shown(name: str, written: str) -> None:
    """``{{``/``{%`` (and ``{#`` for Nunjucks) are written so no template engine reads them,
    and a CommonMark reader shows them as typed."""
    text = to_markdown(wxmigrate.parse("{{< x >}} {% y %} {# z #}\n"), name)
    assert text == written + "\n"
    assert _visible(text) == "{{&lt; x &gt;}} {% y %} {# z #}"


@pytest.mark.parametrize("name", ["pelican", "mkdocs"])
def test_python_markdown_engines_get_entities_not_backslashes(name: str) -> None:
    """Python-Markdown shows ``\\<`` literally, so ``<`` before a letter is an entity; a
    backslash hard break becomes two spaces."""
    post = wxmigrate.Post(
        blocks=(
            Paragraph((Text("a <b 与 &amp; 和 \\<c"),)),
            Paragraph((Text("第一行"),)),
            Paragraph((Text("第二行"),), break_before="\\"),
        )
    )
    text = to_markdown(post, name)
    assert text == "a &lt;b 与 &amp;amp; 和 \\\\&lt;c\n\n第一行  \n第二行\n"
    markdown = pytest.importorskip("markdown")
    html = markdown.markdown(text)
    assert "a &lt;b 与 &amp;amp; 和 \\&lt;c" in html and "<br />" in html and "\\<" not in html


def _paragraph(text: str) -> wxmigrate.Post:
    """A post of one paragraph of ``text``, a block per line as the model holds it."""
    return wxmigrate.Post(
        blocks=tuple(
            Paragraph((Text(line),), break_before=None if index == 0 else "")
            for index, line in enumerate(text.split("\n"))
        )
    )


@pytest.mark.parametrize(
    ("name", "written"),
    [
        # kramdown reads any line holding an unescaped | as a table row
        ("jekyll", "\\|城\\|反\\|诈\\|断\\|卡\\|②\\|号"),
        ("hugo", "\\|城|反|诈|断|卡|②|号"),
        # Python-Markdown has \| only while its tables extension is on
        ("pelican", "&#124;城|反|诈|断|卡|②|号"),
        ("plain", "\\|城|反|诈|断|卡|②|号"),
    ],
)
def test_a_banner_of_pipes_is_no_table(name: str, written: str) -> None:
    """The sample post's banner line is written so that no engine makes a table of it."""
    assert to_markdown(_paragraph("|城|反|诈|断|卡|②|号"), name) == written + "\n"


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (
            "jekyll",
            "价格\\$\\$x\\$\\$ \\{: .x} ~&#126;删~&#126; 1~2天 \\<中文> &amp;copy; a{.b} \\|",
        ),
        ("hexo", "价格$$x$$ {: .x} \\~\\~删\\~\\~ 1\\~2天 <中文> \\&copy; a{.b} |"),
        ("mkdocs", "价格$$x$$ \\{: .x} ~~删~~ 1~2天 <中文> &amp;copy; a\\{.b} |"),
        ("plain", "价格$$x$$ {: .x} ~~删~~ 1~2天 <中文> \\&copy; a{.b} |"),
    ],
)
def test_text_is_escaped_for_the_engines_own_parser(name: str, written: str) -> None:
    """Math, attribute lists, strikethrough, a CJK tag and an entity, escaped as each
    parser needs (docs/engines.md, "What each engine's parser reads")."""
    text = "价格$$x$$ {: .x} ~~删~~ 1~2天 <中文> &copy; a{.b} |"
    assert to_markdown(_paragraph(text), name) == written + "\n"


@pytest.mark.parametrize(
    ("name", "line", "written"),
    [
        ("hugo", ": 定义", "&#58; 定义"),  # definition lists (hexo-renderer-marked reads "<br>:")
        ("hugo", "-- | --", "-- \\| --"),  # a GFM table's delimiter row
        ("jekyll", "^", "&#94;"),  # kramdown's end-of-block marker
        ("jekyll", "末尾\\", "末尾&#92;"),  # kramdown's \\ line break
        ("pelican", "===", "&#61;=="),  # no \= escape in Python-Markdown
        ("pelican", "~~~", "&#126;~~"),
    ],
)
def test_line_starts_are_escaped_for_the_engines_own_parser(
    name: str, line: str, written: str
) -> None:
    """The second line of a paragraph, escaped where that engine's parser would read it."""
    assert to_markdown(_paragraph("文字\n" + line), name) == f"文字\n{written}\n"


def test_headings_and_lists_are_written_as_the_parser_reads_them() -> None:
    """A heading ending in ``{…}`` gets ``&#123;`` (``\\{`` from Python-Markdown's own text
    escape), else it is read as attributes; kramdown and Python-Markdown get ``1.`` for
    ``1)``, Python-Markdown items indented four spaces and a ``#`` ending a heading escaped."""
    post = wxmigrate.parse("## 标题 {#id}\n\n## #话题#\n\n1) 一\n\n   续段\n2) 二\n")
    post = attrs.evolve(post, blocks=tuple(strip_lines(post.blocks)))
    assert to_markdown(post, "hugo") == "## 标题 &#123;\\#id}\n\n## #话题#\n\n1) 一\n\n   续段\n2) 二\n"
    assert to_markdown(post, "jekyll") == "## 标题 &#123;#id}\n\n## #话题#\n\n1. 一\n\n   续段\n\n2. 二\n"
    assert (
        to_markdown(post, "mkdocs")
        == "## 标题 \\{#id}\n\n## #话题\\#\n\n1. 一\n\n    续段\n\n2. 二\n"
    )


def strip_lines(blocks: tuple[Any, ...]) -> list[Any]:
    """Blocks without their source lines: rendered from the model, as changed blocks are."""
    out = []
    for block in blocks:
        if isinstance(block, ListBlock):
            items = tuple(
                attrs.evolve(item, children=tuple(strip_lines(item.children)), lines=NO_LINES)
                for item in block.items
            )
            block = attrs.evolve(block, items=items)
        out.append(attrs.evolve(block, lines=NO_LINES) if hasattr(block, "lines") else block)
    return out


#: Characters some engine's parser reads and CommonMark does not, with CJK text around them.
_TRICKY_ALPHABET = "|{}:$~^<>&\\*_[]#=-!+.()`'\"%@/ \t" + "abcAB12" + "城反诈文字：，②《》"


@given(
    st.lists(
        st.text(_TRICKY_ALPHABET, min_size=1, max_size=24).filter(lambda line: line.strip()),
        min_size=1,
        max_size=3,
    )
)
def test_every_engines_text_reads_back_as_written(lines: list[str]) -> None:
    """Whatever an engine escapes for its own parser, CommonMark still reads the same text
    back: the output passes the re-parse check and a second run reads what the first wrote."""
    commonmark = MarkdownIt("commonmark")
    expected = re.sub(r"\s+", "", "".join(lines))
    for name in ENGINE_NAMES:
        written = to_markdown(_paragraph("\n".join(lines)), name)
        if name in ("jekyll", "eleventy"):
            written = written.replace("&#123;", "{")  # Liquid's entity, as a reader sees it
        shown = html.unescape(re.sub(r"<[^>]+>", "", commonmark.render(written)))
        assert re.sub(r"\s+", "", shown) == expected, (name, written)


def _figure_html(name: str, text: str) -> str:
    """The figure as the engine's own parser renders it (CommonMark where it is the reference)."""
    if name in ("pelican", "mkdocs"):
        return str(pytest.importorskip("markdown").markdown(text))
    if name == "zola":
        return str(pytest.importorskip("pyromark").html(text))
    return MarkdownIt("commonmark").render(text)


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_a_caption_is_written_under_its_image(name: str) -> None:
    """A figure's ``▲`` caption is put after a hard break (two spaces: kramdown and Python-Markdown
    have no backslash one), so every engine shows it under the image, not beside it."""
    post, changes = wxmigrate.repair(wxmigrate.parse("![](a.jpeg)\n▲志愿者在铺设地膜\n", dialect="wechat"))
    assert [change.rule for change in changes] == ["attach_captions"]
    text = to_markdown(post, name)
    assert text.endswith("![](a.jpeg)  \n▲志愿者在铺设地膜\n")
    assert re.search(r"<img [^>]*/?><br ?/?>\s*▲志愿者在铺设地膜", _figure_html(name, text))
    assert wxmigrate.parse(text, dialect="wechat") == post


# --------------------------------------------------------------------------
# The command around engines


def test_html_format_writes_pages_with_image_sizes(tmp_path: Path) -> None:
    """--format html: one .html per post, images linked relative to it with their sizes."""
    out = tmp_path / "out"
    code, _, stderr = _run(
        "repair", str(DEMO_SITE), "--out", str(out), "--format", "html", "--standalone"
    )
    assert code == 0, stderr
    page = (out / "_posts" / "2022-03-05-春耕时节.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"<title>{DEMO_TITLE}</title>" in page
    sources = [unquote(src) for src in re.findall(r'<img[^>]* src="([^"]+)"', page)]
    local = [src for src in sources if not src.startswith("http")]
    assert local and all((out / "_posts" / src).is_file() for src in local)
    assert re.search(
        r'<img[^>]*src="\.\./assets/wx/field01\.jpeg"[^>]*width="\d+"', page
    ) or re.search(r'<img[^>]*width="\d+"[^>]*src="\.\./assets/wx/field01\.jpeg"', page)


def test_in_place_cannot_relayout(tmp_path: Path) -> None:
    """--in-place with another engine is a usage error and writes nothing."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    code, _, stderr = _run("repair", str(site), "--in-place", "--engine", "hugo")
    assert code == 2 and "--in-place" in stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_no_scaffold_over_an_existing_site(tmp_path: Path) -> None:
    """When DST already is a site of the engine, only posts and images are written."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "hugo.toml").write_text('title = "mine"\n', encoding="utf-8")
    code, stdout, _ = _run(
        "repair", str(DEMO_SITE), "--out", str(out), "--engine", "hugo", "--report", "-"
    )
    assert code == 0 and json.loads(stdout)["generated"] == []
    assert (out / "hugo.toml").read_text(encoding="utf-8") == 'title = "mine"\n'
    assert not (out / "layouts").exists()


def test_scaffold_never_overwrites_and_is_reported(tmp_path: Path) -> None:
    """A generated site lists its files in the report; an existing file is kept."""
    out = tmp_path / "out"
    (out / "layouts" / "_default").mkdir(parents=True)
    (out / "layouts" / "_default" / "single.html").write_text("mine", encoding="utf-8")
    code, stdout, _ = _run(
        "repair", str(DEMO_SITE), "--out", str(out), "--engine", "hugo", "--report", "-"
    )
    assert code == 0
    generated = sorted(Path(p).relative_to(out).as_posix() for p in json.loads(stdout)["generated"])
    assert generated == [
        "hugo.toml",
        "layouts/_default/baseof.html",
        "layouts/_default/list.html",
        "layouts/index.html",
    ]
    assert (out / "layouts" / "_default" / "single.html").read_text(encoding="utf-8") == "mine"
