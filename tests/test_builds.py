"""Proof by real builds: each engine builds wxmigrate's tree, and the built pages are checked.

For every engine that is installed (CI installs them all: see .ci/run), the
demo site and the shared sample site are written with ``--engine NAME`` and
built under the base path ``/blog/`` (to prove the image links are
base-URL-safe).  Then each post's built page must show: its title (in
``<title>`` and an ``<h1>``) and its date; every local ``<img>`` pointing at a
file of the built site (the sample site's deliberately missing images
aside, which the run reports); no ``**`` and no ``#`` heading marker or
Markdown escape left in the text; every bold run as ``<strong>`` (bold next to
CJK punctuation included); each ``▲`` caption under its image (a ``<br>``
between them); and about as many paragraphs as CommonMark makes
of the same Markdown (not one giant paragraph).

A second build per engine holds text its own parser could misread (kramdown's
tables, attribute lists and math, definition lists, footnotes, strikethrough,
Python-Markdown's attr_list and lists, headings' attributes, ...): rendered
from the model for that engine, each case must show on the built page as typed,
in paragraphs only (see docs/engines.md for what each parser was found to do).

A missing engine skips its tests with the reason.  Zola has no package on the
registries this project installs from, so its Markdown is checked with
pulldown-cmark (the parser Zola uses, through pyromark) and built for real
only where a ``zola`` binary is on PATH.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import attrs
import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]
from markdown_it import MarkdownIt

import wxmigrate
from wxmigrate.emit import ENGINES
from wxmigrate.emit.frontmatter import split_pelican
from wxmigrate.layout import PostMeta, post_date
from wxmigrate.migrate import RunResult, repair_site
from wxmigrate.model import Heading, ListBlock, ListItem, Paragraph, Text

from .helpers import DEMO_SITE, ROOT, SAMPLE_SITE

pytestmark = pytest.mark.engines

BASE = "/blog/"
#: Where .ci/run installs the engines that come from npm.
NODE_MODULES = Path(os.environ.get("WXMIGRATE_NODE_MODULES", ROOT / ".engines" / "node_modules"))
SITES = {"demo-site": DEMO_SITE, "sample-site": SAMPLE_SITE}
BUILD_TIMEOUT = 300


@attrs.frozen
class Builder:
    """How to build a site of one engine: what must be installed, the command, the output folder."""

    engine: str
    #: None when the engine can build here, else why not.
    missing: Callable[[], str | None]
    build: Callable[[Path], Path]


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=BUILD_TIMEOUT, check=False
    )
    assert done.returncode == 0, (
        f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )


def _which(program: str) -> Callable[[], str | None]:
    return lambda: (
        None if shutil.which(program) else f"{program} is not installed (CI installs it: .ci/run)"
    )


def _module(*names: str) -> Callable[[], str | None]:
    def missing() -> str | None:
        absent = [name for name in names if importlib.util.find_spec(name) is None]
        return (
            f"Python package(s) {', '.join(absent)} not installed (pip install -e '.[engines]')"
            if absent
            else None
        )

    return missing


def _node(program: str) -> Callable[[], str | None]:
    return lambda: (
        None
        if (NODE_MODULES / ".bin" / program).exists()
        else (f"{program} not found in {NODE_MODULES} (CI installs it there: .ci/run)")
    )


def _link_node_modules(site: Path) -> None:
    link = site / "node_modules"
    if not link.exists():
        link.symlink_to(NODE_MODULES, target_is_directory=True)


def build_jekyll(site: Path) -> Path:
    # A mirrored Jekyll site comes with its own _config.yml but not its theme; the
    # test supplies the minimal layouts wxmigrate generates for new Jekyll sites.
    for name, text in ENGINES["jekyll"].scaffold("site").items():
        if name != "_config.yml" and not (site / name).exists():
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text(text, encoding="utf-8")
    _run(["jekyll", "build", "--quiet", "--baseurl", BASE.rstrip("/"), "-d", "_site"], site)
    return site / "_site"


def build_hugo(site: Path) -> Path:
    _run(["hugo", "--quiet", "--baseURL", "http://example.com" + BASE, "-d", "public"], site)
    return site / "public"


def build_hexo(site: Path) -> Path:
    _link_node_modules(site)
    (site / "_test.yml").write_text(f"root: {BASE}\n", encoding="utf-8")
    _run(
        [str(NODE_MODULES / ".bin" / "hexo"), "generate", "--config", "_config.yml,_test.yml"], site
    )
    return site / "public"


def build_pelican(site: Path) -> Path:
    siteurl = f'SITEURL="{BASE.rstrip("/")}"'
    _run(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-s",
            "pelicanconf.py",
            "-o",
            "output",
            "-q",
            "-e",
            siteurl,
        ],
        site,
    )
    return site / "output"


def build_mkdocs(site: Path) -> Path:
    (site / "_test.yml").write_text(
        f"INHERIT: mkdocs.yml\nsite_url: http://example.com{BASE}\n", encoding="utf-8"
    )
    _run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "_test.yml", "-d", "site"], site)
    return site / "site"


def build_eleventy(site: Path) -> Path:
    _link_node_modules(site)
    _run([str(NODE_MODULES / ".bin" / "eleventy"), "--quiet", f"--pathprefix={BASE}"], site)
    return site / "_site"


def build_zola(site: Path) -> Path:
    _run(["zola", "build", "--base-url", "http://example.com" + BASE.rstrip("/")], site)
    return site / "public"


def zola_options(pyromark: Any) -> int:
    """pulldown-cmark's options as Zola sets them (components/markdown/src/markdown.rs):
    tables, footnotes, strikethrough, task lists and heading attributes."""
    options = pyromark.Options
    return int(
        options.ENABLE_TABLES
        | options.ENABLE_FOOTNOTES
        | options.ENABLE_STRIKETHROUGH
        | options.ENABLE_TASKLISTS
        | options.ENABLE_HEADING_ATTRIBUTES
    )


BUILDERS = {
    "jekyll": Builder("jekyll", _which("jekyll"), build_jekyll),
    "hugo": Builder("hugo", _which("hugo"), build_hugo),
    "hexo": Builder("hexo", _node("hexo"), build_hexo),
    "pelican": Builder("pelican", _module("pelican", "markdown"), build_pelican),
    "mkdocs": Builder("mkdocs", _module("mkdocs", "material"), build_mkdocs),
    "eleventy": Builder("eleventy", _node("eleventy"), build_eleventy),
    "zola": Builder(
        "zola",
        lambda: (
            None
            if shutil.which("zola")
            else (
                "zola is not installed (no registry this project installs from packages it; "
                "test_pulldown_cmark_reads_zola_markdown checks its Markdown)"
            )
        ),
        build_zola,
    ),
}


# --------------------------------------------------------------------------
# What a post must look like once built


@attrs.frozen
class Expected:
    """What a built page of one post must show, computed from wxmigrate's own output."""

    source: Path
    title: str
    date: str
    paragraphs: int
    #: Bold runs of the post (each must be a ``<strong>``, next to CJK punctuation too).
    strong: int
    local_images: int
    missing: frozenset[str]
    backslashes: bool


def _body(text: str) -> str:
    """An output post's Markdown without its front matter."""
    if text.startswith(("---\n", "+++\n")):
        return text[4:].partition("\n" + text[:3] + "\n")[2]
    found = split_pelican(text)
    return found[1] if found is not None else text


def expectations(result: RunResult) -> list[Expected]:
    """One :class:`Expected` per written post of a run."""
    commonmark = MarkdownIt("commonmark")
    found = []
    for post in result.posts:
        assert post.output is not None and post.error is None, post.error
        source = wxmigrate.load(post.source)
        body = _body(post.output.read_text(encoding="utf-8"))
        rendered = commonmark.render(body)
        date = post_date(source, post.source)
        assert date is not None
        local = [
            i
            for i, _ in wxmigrate.images(wxmigrate.parse(body))
            if not i.src.startswith(("http:", "https:"))
        ]
        found.append(
            Expected(
                source=post.source,
                title=source.title,
                date=f"{date:%Y-%m-%d}",
                paragraphs=rendered.count("<p>"),
                strong=sum(
                    isinstance(inline, wxmigrate.Strong)
                    for block in wxmigrate.walk_blocks(wxmigrate.parse(body).blocks)
                    for inline in wxmigrate.walk_inlines(wxmigrate.block_inlines(block))
                ),
                local_images=len(local),
                missing=frozenset(
                    Path(src.replace("\\", "/").replace("\n", "")).name
                    for src in [*(src for src, _ in post.unresolved),
                                *(p.src for p in post.image_problems if not p.copied)]
                ),
                backslashes="\\" in re.sub(r"<[^>]+>", "", rendered),
            )
        )
    return found


def pages(built: Path) -> Iterator[tuple[Path, Any]]:
    for path in sorted(built.rglob("*.html")):
        yield path, lxml_html.fromstring(path.read_text(encoding="utf-8", errors="replace"))


def page_of(built: Path, title: str) -> tuple[Path, Any]:
    """The built page of the post titled ``title``: its ``<title>`` names it (list pages
    name the site); among several, the one with the most paragraphs."""
    candidates = [
        (path, tree)
        for path, tree in pages(built)
        if any(title in (element.text_content() or "") for element in tree.iter("title"))
    ]
    assert candidates, f"no built page has the title {title!r}"
    return max(candidates, key=lambda item: len(list(item[1].iter("p"))))


def image_target(built: Path, page: Path, src: str) -> Path | None:
    """The built file an ``<img src>`` points at; None for a remote image."""
    parts = urlsplit(src)
    if parts.scheme in ("http", "https") and parts.netloc != "example.com":
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        assert path.startswith(BASE), f"{src} ignores the base path {BASE}"
        return built / path[len(BASE) :]
    return (page.parent / path).resolve()


_RESIDUE_HEADING = re.compile(r"^\s*#{1,6}(?:\s|$)", re.MULTILINE)
_ESCAPE = re.compile(r"\\[\\`*_\[\]<>&#{}|.!-]")
_SKIP = {"script", "style", "code", "pre", "title", "head"}


def visible_texts(tree: Any) -> Iterator[str]:
    """Text of each paragraph-like element a reader sees (code and scripts left out)."""
    for element in tree.iter(
        "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "figcaption"
    ):
        if any(ancestor.tag in _SKIP for ancestor in element.iterancestors()):
            continue
        copy = lxml_html.fromstring(lxml_html.tostring(element))
        for hidden in copy.xpath(".//code|.//pre|.//script|.//style"):
            hidden.drop_tree()
        yield copy.text_content()


def check_page(built: Path, expected: Expected) -> None:
    """Everything the module doc promises about one built page."""
    path, tree = page_of(built, expected.title)
    where = f"{path.relative_to(built)} (from {expected.source.name})"
    assert any(expected.title in h.text_content() for h in tree.iter("h1")), (
        f"{where}: no <h1> with the title"
    )
    assert expected.date in path.read_text(encoding="utf-8"), (
        f"{where}: date {expected.date} not shown"
    )
    broken, local = set(), 0
    for image in tree.iter("img"):
        src = image.get("src") or ""
        target = image_target(built, path, src)
        if target is None:
            continue
        local += 1
        if not target.is_file():
            broken.add(Path(unquote(urlsplit(src).path)).name)
    assert local >= expected.local_images, (
        f"{where}: {local} local images, expected {expected.local_images}"
    )
    assert broken == set(expected.missing), f"{where}: broken images {sorted(broken)}"
    texts = list(visible_texts(tree))
    assert not [t for t in texts if "**" in t], (
        f"{where}: '**' left in {[t for t in texts if '**' in t][:3]}"
    )
    assert not [t for t in texts if _RESIDUE_HEADING.search(t)], (
        f"{where}: '#' heading marker left in the text"
    )
    if not expected.backslashes:
        leftover = [t for t in texts if _ESCAPE.search(t)]
        assert not leftover, f"{where}: Markdown escapes shown: {leftover[:3]}"
    beside = [
        paragraph.text_content().strip()[:12] for paragraph in tree.iter("p")
        if paragraph.xpath(".//img") and "▲" in paragraph.text_content() and not paragraph.xpath(".//br")
    ]
    assert not beside, f"{where}: a ▲ caption beside its image, not under it: {beside[:3]}"
    strong = len(list(tree.iter("strong")))
    assert strong >= expected.strong, (
        f"{where}: {strong} <strong>, CommonMark makes {expected.strong}"
    )
    paragraphs = len(list(tree.iter("p")))
    assert paragraphs >= 0.9 * expected.paragraphs, (
        f"{where}: {paragraphs} <p>, CommonMark makes {expected.paragraphs}"
    )


# --------------------------------------------------------------------------
# The builds


@pytest.fixture(scope="module")
def built_sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str, str], tuple[Path, RunResult]]:
    """Builds each (engine, site) once, on first use."""
    cache: dict[tuple[str, str], tuple[Path, RunResult]] = {}

    def get(engine: str, site: str) -> tuple[Path, RunResult]:
        if (engine, site) not in cache:
            source = SITES[site]
            if not source.is_dir():
                pytest.skip(f"shared corpus not found at {source} (it sits beside the repo in CI)")
            out = tmp_path_factory.mktemp(f"{engine}-{site}")
            result = repair_site(source, out=out, engine=engine)
            cache[(engine, site)] = (BUILDERS[engine].build(out), result)
        return cache[(engine, site)]

    return get


BUILT = [(engine, site) for engine in BUILDERS for site in SITES]


@pytest.mark.parametrize(("engine", "site"), BUILT, ids=[f"{e}-{s}" for e, s in BUILT])
def test_engine_builds_the_tree_and_every_page_reads_right(
    engine: str, site: str, built_sites: Callable[[str, str], tuple[Path, RunResult]]
) -> None:
    """The engine builds wxmigrate's output as is, and each post's page passes check_page."""
    reason = BUILDERS[engine].missing()
    if reason:
        pytest.skip(reason)
    built, result = built_sites(engine, site)
    expected = expectations(result)
    assert expected
    for post in expected:
        check_page(built, post)


@pytest.mark.parametrize("site", list(SITES))
def test_pulldown_cmark_reads_zola_markdown(site: str, tmp_path: Path) -> None:
    """Zola's parser (pulldown-cmark, with Zola's options) renders the Zola tree's posts:
    every bold run as <strong>, no residue, every image a colocated file, paragraphs kept
    apart."""
    pyromark = pytest.importorskip(
        "pyromark", reason="pyromark (pulldown-cmark) not installed: pip install -e '.[engines]'"
    )
    if not SITES[site].is_dir():
        pytest.skip(f"shared corpus not found at {SITES[site]} (it sits beside the repo in CI)")
    result = repair_site(SITES[site], out=tmp_path, engine="zola")
    for expected, post in zip(expectations(result), result.posts):
        assert post.output is not None
        page = post.output.with_suffix(".html")
        body = _body(post.output.read_text(encoding="utf-8"))
        page.write_text(
            f"<html><head><title>{expected.title}</title></head><body><h1>{expected.title}</h1>"
            f"<p>{expected.date}</p>{pyromark.html(body, options=zola_options(pyromark))}</body></html>",
            encoding="utf-8",
        )
        check_page(tmp_path, expected)


def test_every_engine_has_a_builder() -> None:
    """No engine profile goes unproved: each but the plain profile has a build here."""
    assert set(BUILDERS) == set(ENGINES) - {"plain"}


def test_hugo_builds_an_html_table_as_a_table(tmp_path: Path) -> None:
    """Hugo drops raw HTML, so a post's HTML grid table is written as a GFM table: Hugo's
    page shows it as a <table> with every cell's words, and no raw HTML is left."""
    reason = BUILDERS["hugo"].missing()
    if reason:
        pytest.skip(reason)
    source = tmp_path / "posts"
    source.mkdir()
    (source / "2023-05-01-版本说明.md").write_text(
        "# 版本说明\n\n受影响的版本如下。\n\n"
        '<table><tr><th>版本</th><th>状态</th></tr><tr><td style="color:red"><strong>2.3</strong></td>'
        "<td>受影响 | 需升级</td></tr><tr><td>2.4</td><td>已修复</td></tr></table>\n\n升级后重启服务。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    repair_site(source, out=out, engine="hugo")
    built = build_hugo(out)
    pages = [p for p in built.rglob("index.html") if "版本说明" in p.read_text(encoding="utf-8")
             and "<table>" in p.read_text(encoding="utf-8")]
    assert pages, "no built page shows the table"
    table = lxml_html.fromstring(pages[0].read_text(encoding="utf-8")).xpath("//table")[0]
    cells = [cell.text_content().strip() for cell in table.xpath(".//th|.//td")]
    assert cells == ["版本", "状态", "2.3", "受影响 | 需升级", "2.4", "已修复"]
    assert table.xpath(".//td/strong")[0].text == "2.3"


# --------------------------------------------------------------------------
# Text each engine's own parser could misread (see docs/engines.md)

#: Paragraph text that CommonMark shows as typed and that some engine's parser, given
#: only CommonMark's escapes, did not: each must show as typed on every engine's page,
#: in paragraphs and nothing else (no table, definition, footnote, math, strikethrough,
#: attributes, heading, list or HTML element).  A line end is a line of a paragraph.
TRICKY_TEXTS = (
    # kramdown: a line holding an unescaped | is a table row (escaping the first is not enough)
    "|城|反|诈|断|卡|②|号",
    "南丨宁丨绿\n|城|反|诈|断|卡|②|号",
    "甲 | 乙 | 丙",
    "甲|乙",
    "https://example.com/?q=a|b",
    # GFM tables (goldmark, marked, markdown-it, pulldown-cmark, Python-Markdown): a delimiter row
    "甲 | 乙\n-- | --",
    "a | b\n:-- | --:",
    # kramdown: attribute lists and extensions; Python-Markdown's attr_list
    "文字\n{: .note}",
    "{: .note}",
    "{:toc}",
    "**粗**{: .x}",
    "{::comment}隐藏{:/comment}",
    "{::nomarkdown}<b>x</b>{:/}",
    "文字\n{.x}",
    "文字\n{#id}",
    # kramdown: math
    "价格$$x^2$$元",
    "$$x^2$$",
    "$$\nx\n$$",
    # definition lists: kramdown, goldmark, marked (hexo-renderer-marked), Python-Markdown
    "术语\n: 定义",
    ": 开头的行",
    ":\t制表",
    # abbreviations and footnotes: kramdown, Python-Markdown, goldmark, pulldown-cmark
    "*[HTML]: Hyper Text Markup",
    "第一行\n*[abbr]: 缩写",
    "文字[^1]",
    "[^1]: 注释",
    "[^note]: 文字\n第二行",
    # kramdown: a line of ^ ends a block
    "^",
    "2^10 与 a^b^",
    # strikethrough: kramdown (GFM input), goldmark, markdown-it; marked and pulldown-cmark with one ~
    "~~删除~~",
    "~单~",
    "1~2天，3~5人",
    "~~~",
    "见 https://example.com/~user/a~b 页",
    "==高亮==",
    # < and &: kramdown reads <中文> as a tag; kramdown and Python-Markdown have no \< or \&
    "a<b 与 1 < 2",
    "<br> 与 <中文> 与 <a href=x>",
    "<《书名》> 与 a <_x> b",
    "<!-- 注释 -->",
    "&copy; 与 &#123; 与 AT&T 与 &#124;",
    # backslashes: kramdown reads \\ ending a line as a line break
    "C:\\Users\\name 与 \\n 与 \\\\",
    "行尾反斜杠\\\n下一行",
    "\\| 与 \\*",
    # emphasis and code markers, underscores (Python-Markdown's too)
    "snake_case_name 与 __init__ 与 _斜_ 与 中_文_字",
    "*星号* 与 **粗** 与 `代码`",
    "**加粗**：说明",
    # typography: kramdown's and goldmark's typographers (off in the sites wxmigrate writes)
    "a -- b --- c ... d",
    "\"引号\" 与 'single' 与 <<书名>>",
    # links, [TOC] (MkDocs' toc), task lists
    "[TOC]",
    "[链接] 与 [文字](url) 与 [x] 任务",
    # block markers at a line start (Python-Markdown: # needs no space)
    "#话题#",
    "> 引用",
    "- 列表",
    "1) 第一",
    "2023.",
    "+++",
    "===",
    "文字\n===",
    "* * *",
    # template languages (Liquid, Nunjucks, shortcodes)
    "{{< x >}} {{% y %}} {% z %} {# w #}",
)

#: Heading text a parser could read attributes or closing marks in.
TRICKY_HEADINGS = ("标题 {#id}", "标题 {.x}", "价格 {x}", "#话题#", "甲 | 乙", "模板 {{ x }}")

TRICKY_TITLE = "引擎解析测试"


def _lines(text: str) -> tuple[Paragraph, ...]:
    """A paragraph of ``text`` as the model holds one: a block per line."""
    return tuple(
        Paragraph((Text(line),), break_before=None if index == 0 else "")
        for index, line in enumerate(text.split("\n"))
    )


def _item(*blocks: Any, marker: str = "-") -> ListItem:
    return ListItem(marker=marker, children=tuple(blocks))


def _para(text: str) -> Paragraph:
    return Paragraph((Text(text),))


#: Lists as Python-Markdown and kramdown read them differently: (model, item texts, start).
TRICKY_LISTS: tuple[tuple[ListBlock, list[str], str | None], ...] = (
    (ListBlock((_item(_para("三"), marker="3."), _item(_para("四"), marker="4."))), ["三", "四"], "3"),
    (ListBlock((_item(_para("一"), marker="1)"), _item(_para("二"), marker="2)"))), ["一", "二"], None),
    (
        ListBlock((_item(_para("第一段"), _para("第二段")), _item(_para("另一项"))), loose=True),
        ["第一段第二段", "另一项"],
        None,
    ),
    (
        ListBlock((_item(_para("一"), ListBlock((_item(_para("嵌套")),))), _item(_para("二")))),
        ["一嵌套", "二"],
        None,
    ),
)


def tricky_post(engine: str) -> tuple[str, str]:
    """The post of every tricky case, rendered from the model for ``engine``: its file
    (relative to the site) and its text.  Each case follows a heading ``例 N``."""
    profile = ENGINES[engine]
    meta = PostMeta(title=TRICKY_TITLE, slug="tricky", date=dt.date(2024, 5, 6))
    blocks: list[Any] = []
    for index, text in enumerate(TRICKY_TEXTS):
        blocks += [Heading(2, (Text(f"例 {index}"),)), *_lines(text)]
    for index, heading in enumerate(TRICKY_HEADINGS):
        blocks += [Heading(2, (Text(f"题 {index}"),)), Heading(3, (Text(heading),))]
    for index, (block, _, _) in enumerate(TRICKY_LISTS):
        blocks += [Heading(2, (Text(f"表 {index}"),)), block]
    front = profile.front_matter_format.front_matter(profile.front_matter(meta))
    post = wxmigrate.Post(front_matter=front, blocks=tuple(blocks))
    return profile.post_file(meta), wxmigrate.to_markdown(post, engine)


def build_tricky_site(engine: str, root: Path) -> Path:
    """A generated site of ``engine`` holding the tricky post, built (Zola, when it is not
    installed: the post rendered by pulldown-cmark with Zola's options); the built folder."""
    for name, text in ENGINES[engine].scaffold("解析").items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    name, text = tricky_post(engine)
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    if engine == "zola" and BUILDERS["zola"].missing():
        pyromark = pytest.importorskip(
            "pyromark", reason="pyromark (pulldown-cmark) not installed: pip install -e '.[engines]'"
        )
        body = pyromark.html(_body(text), options=zola_options(pyromark))
        page = root / "public" / "tricky.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<html><head><title>{TRICKY_TITLE}</title></head><body>{body}</body></html>",
            encoding="utf-8",
        )
        return page.parent
    return BUILDERS[engine].build(root)


def sections(tree: Any) -> dict[str, list[Any]]:
    """What follows each ``<h2>`` of a page up to the next one, by the heading's text:
    elements, and the text between them as strings."""
    found: dict[str, list[Any]] = {}
    for heading in tree.iter("h2"):
        parts: list[Any] = [heading.tail or ""]
        for sibling in heading.itersiblings():
            if sibling.tag == "h2":
                break
            parts += [sibling, sibling.tail or ""]
        found[_shown(heading)] = parts
    return found


def _shown(element: Any) -> str:
    """An element's text without white space and without the anchors engines add to headings."""
    copy = lxml_html.fromstring(lxml_html.tostring(element, encoding="unicode"))
    for anchor in copy.xpath(".//a[contains(@class, 'headerlink') or contains(@class, 'anchor')]"):
        anchor.drop_tree()
    return re.sub(r"\s+", "", copy.text_content())


def _section_text(parts: list[Any]) -> str:
    return "".join(part if isinstance(part, str) else _shown(part) for part in parts).strip()


#: Elements a paragraph of plain text may become: paragraphs, line breaks (Hexo's marked
#: breaks lines), and links (goldmark and marked link bare URLs).
_PLAIN = {"p", "br", "a"}


@pytest.fixture(scope="module")
def tricky_sites(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Any]:
    """The built page of the tricky post, per engine, built once on first use."""
    cache: dict[str, Any] = {}

    def get(engine: str) -> Any:
        if engine not in cache:
            reason = None if engine == "zola" else BUILDERS[engine].missing()
            if reason:
                pytest.skip(reason)
            built = build_tricky_site(engine, tmp_path_factory.mktemp(f"tricky-{engine}"))
            cache[engine] = page_of(built, TRICKY_TITLE)[1]
        return cache[engine]

    return get


@pytest.mark.parametrize("engine", list(BUILDERS))
def test_tricky_text_shows_as_typed(engine: str, tricky_sites: Callable[[str], Any]) -> None:
    """Each tricky paragraph shows on the built page as typed, as paragraphs only: the
    engine's parser reads none of it as a table, definition, footnote, math, attributes,
    strikethrough, a heading or HTML."""
    found = sections(tricky_sites(engine))
    wrong = []
    for index, text in enumerate(TRICKY_TEXTS):
        parts = found.get(f"例{index}")
        if parts is None:
            wrong.append((text, "section missing (swallowed by the case before it?)"))
            continue
        shown = _section_text(parts)
        tags = sorted(
            {
                node.tag
                for part in parts
                if not isinstance(part, str)
                for node in part.iter()
                if isinstance(node.tag, str)
            }
            - _PLAIN
        )
        if shown != re.sub(r"\s+", "", text) or tags:
            wrong.append((text, f"shows {shown!r}" + (f" in <{'>, <'.join(tags)}>" if tags else "")))
    assert not wrong, f"{engine}: " + "\n".join(f"{text!r}: {why}" for text, why in wrong)


@pytest.mark.parametrize("engine", list(BUILDERS))
def test_tricky_headings_show_as_typed(engine: str, tricky_sites: Callable[[str], Any]) -> None:
    """A heading's text shows whole: no ``{…}`` taken for attributes, no ``#`` for a
    closing mark, no ``|`` for a table."""
    found = sections(tricky_sites(engine))
    shown = []
    for index in range(len(TRICKY_HEADINGS)):
        parts = found.get(f"题{index}", [])
        shown.append([_shown(part) for part in parts if not isinstance(part, str) and part.tag == "h3"])
    assert shown == [[re.sub(r"\s+", "", heading)] for heading in TRICKY_HEADINGS]


def _list_of(parts: list[Any]) -> Any:
    lists = [part for part in parts if not isinstance(part, str) and part.tag in ("ol", "ul")]
    assert len(lists) == 1, f"{len(lists)} lists where one was written"
    return lists[0]


@pytest.mark.parametrize("engine", list(BUILDERS))
def test_tricky_lists_keep_their_items(engine: str, tricky_sites: Callable[[str], Any]) -> None:
    """Each list is one list of its items, whatever the parser needs (``1.`` for ``1)``,
    four spaces of indentation, a blank line after an item of two paragraphs)."""
    found = sections(tricky_sites(engine))
    for index, (_, items, _) in enumerate(TRICKY_LISTS):
        shown = _list_of(found.get(f"表{index}", []))
        assert [_shown(item) for item in shown.xpath("./li")] == items, f"list {index}"


@pytest.mark.parametrize(
    "engine",
    [
        pytest.param(
            engine,
            marks=pytest.mark.xfail(
                strict=True, reason="kramdown numbers every ordered list from 1"
            ),
        )
        if engine == "jekyll"
        else engine
        for engine in BUILDERS
    ],
)
def test_an_ordered_list_starts_at_its_number(
    engine: str, tricky_sites: Callable[[str], Any]
) -> None:
    """``3.`` starts a list at 3 (Python-Markdown needs sane_lists, which the generated
    Pelican and MkDocs sites turn on)."""
    found = sections(tricky_sites(engine))
    for index, (_, _, start) in enumerate(TRICKY_LISTS):
        if start is not None:
            assert _list_of(found.get(f"表{index}", [])).get("start") == start
