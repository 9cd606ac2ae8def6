"""The Markdown wxmigrate writes is as safe as its HTML: no script survives a permissive engine.

Jekyll, Hugo with ``unsafe = true``, Hexo and Eleventy pass raw HTML through, and
some Markdown engines follow any link scheme.  The oracle renders the emitted
Markdown as such an engine does (markdown-it-py with raw HTML on and no link
check, pulldown-cmark through pyromark, Python-Markdown), parses the HTML with
lxml and with Python's tokenizer, and finds every dangerous element, ``on*``
attribute and script URL, the URL decoded as eagerly as a browser reads it.
Front-matter string values land unescaped in templates (``{{ page.title }}``):
none may hold a ``<`` that opens a tag.  nh3 (ammonia, parsing with html5ever)
is a second oracle: every URL attribute of the rendering must be one it keeps.
"""

from __future__ import annotations

import html
import re
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown as python_markdown
import nh3
import pyromark
import pytest
import yaml
from lxml import html as lxml_html
from markdown_it import MarkdownIt

import wxmigrate
from wxmigrate.emit import ENGINES, to_markdown
from wxmigrate.emit.frontmatter import split_pelican
from wxmigrate.emit.inert import inert_html
from wxmigrate.migrate import repair_site
from wxmigrate.model import FrontMatter, HtmlBlock, Image, Link, Paragraph, Post, RawHtml, Repost, Text

from .hostile_vectors import RAW_HTML, VECTORS, Vector
from .test_html_safety import DANGEROUS_TAGS, URL_ATTRIBUTES, _Tags

#: markdown-it as the most permissive engine: raw HTML passed through, every link followed.
PERMISSIVE = MarkdownIt("commonmark", {"html": True}).enable("table")
PERMISSIVE.validateLink = lambda url: True


def _captioned_image(self: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
    """An image with its alt text rendered as a caption, as Hexo's ``figcaption`` option and
    many themes' figure hooks show it: the description's inline HTML passes through."""
    caption = self.renderInline(tokens[index].children or [], options, env)
    return f"{self.image(tokens, index, options, env)}<figcaption>{caption}</figcaption>"


PERMISSIVE.add_render_rule("image", _captioned_image)


def _python_markdown(text: str) -> str:
    return str(python_markdown.markdown(text, extensions=["tables"]))


#: The engines the oracle renders with: CommonMark's two, and Python-Markdown for the
#: engines built on it (it reads ``<svg/onload=…>`` as HTML and ``\<`` as no escape).
RENDERERS = {
    "markdown-it": lambda text: str(PERMISSIVE.render(text)),
    "pulldown-cmark": lambda text: str(pyromark.html(text)),
}
PYTHON_MARKDOWN_ENGINES = frozenset({"mkdocs", "pelican"})
#: Besides the dangerous elements of the HTML output's tests: SVG's and MathML's own script hooks.
MARKDOWN_DANGEROUS_TAGS = DANGEROUS_TAGS | {"frame", "noembed", "noframes", "isindex", "keygen", "animate", "set"}
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "data"})
#: An image's ``data:`` address runs nothing: a browser runs no script of an image it shows,
#: SVG included (WeChat's placeholder images are ``data:image/svg+xml``).
_PICTURE = re.compile(r"data:image/")
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def browser_url(url: str) -> str:
    """A URL as eagerly decoded as a browser could read it: entities (repeatedly),
    controls and white space gone, case folded."""
    for _ in range(5):
        url = html.unescape(url)
    return re.sub(r"[\x00-\x20\x7f-\x9f\u00a0\u3000\ufeff]", "", url).lower()


def _runs_script(tag: str, name: str, value: str) -> bool:
    url = browser_url(value)
    match = re.match(r"([a-z][a-z0-9+.-]*):", url)
    if match is None or match.group(1) not in SCRIPT_SCHEMES:
        return False
    return not (tag == "img" and name in ("src", "srcset") and _PICTURE.match(url))


def attribute_problems(tag: str, attributes: list[tuple[str, str | None]]) -> Iterator[str]:
    """What in one element's attributes could run script."""
    for name, value in attributes:
        name, value = name.lower(), value or ""
        if name.startswith("on"):
            yield f"<{tag} {name}>"
        elif name in ("srcdoc", "http-equiv", "formaction"):
            yield f"<{tag} {name}>"
        elif name in URL_ATTRIBUTES and _runs_script(tag, name, value):
            yield f"<{tag} {name}={value!r}>"
        elif name in ("srcset", "imagesrcset") and any(
            _runs_script(tag, "srcset", part.strip()) for part in value.split(",")
        ):
            yield f"<{tag} {name}={value!r}>"
        elif name == "style" and re.search(
            r"expression|javascript:|vbscript:|behavior|binding|@import", browser_url(value).replace("\\", "")
        ):
            yield f"<{tag} style={value!r}>"


def html_problems(rendered: str) -> list[str]:
    """Script-capable markup in rendered HTML, by lxml's tree and by Python's tokenizer."""
    problems = [f"script tag {match!r}" for match in re.findall(r"<\s*script[^>]{0,20}", rendered, re.IGNORECASE)]
    tokens = _Tags()
    tokens.feed(rendered)
    tokens.close()
    root = lxml_html.document_fromstring("<!DOCTYPE html><html><body>" + rendered + "</body></html>")
    parsed = [(str(e.tag), list(e.attrib.items())) for e in root.iter() if isinstance(e.tag, str)]
    for tag, attributes in tokens.tags + parsed:
        name = tag.lower().rpartition(":")[2]
        if name in MARKDOWN_DANGEROUS_TAGS:
            problems.append(f"<{tag}>")
        problems.extend(attribute_problems(name, attributes))
    return problems


def nh3_problems(rendered: str) -> list[str]:
    """URL attributes of the rendering that ammonia (with every tag and attribute of the
    rendering allowed, so only its URL check acts) would remove."""
    root = lxml_html.document_fromstring("<!DOCTYPE html><html><body>" + rendered + "</body></html>")
    elements = [e for e in root.body.iter() if isinstance(e.tag, str)]
    tags = {str(e.tag) for e in elements} - {"script", "style", "body", "html", "head"} - MARKDOWN_DANGEROUS_TAGS
    urls = {"href", "src", "cite", "action", "poster", "background", "xlink:href"}
    cleaned = nh3.clean(rendered, tags=tags, attributes={"*": urls}, link_rel=None, url_schemes={"http", "https", "mailto", "tel", "ftp"})
    kept = lxml_html.document_fromstring("<!DOCTYPE html><html><body>" + cleaned + "</body></html>")

    def url_values(tree: Any) -> list[str]:
        return sorted(
            f"{e.tag} {name}={value}"
            for e in tree.body.iter()
            if isinstance(e.tag, str) and e.tag in tags
            for name, value in e.attrib.items()
            if name in urls
        )

    return sorted(set(url_values(root)) - set(url_values(kept)))


def split_output(text: str, engine: str) -> tuple[list[str], str]:
    """The front matter's string values and the body of an emitted post."""
    if ENGINES[engine].front_matter_format.name == "pelican":
        found = split_pelican(text)
        return (list(found[0].values()), found[1]) if found else ([], text)
    for fence, load in (("---", yaml.safe_load), ("+++", tomllib.loads)):
        if text.startswith(fence + "\n"):
            end = text.index("\n" + fence + "\n", len(fence))
            return list(strings(load(text[len(fence) + 1 : end + 1]))), text[end + len(fence) + 2 :]
    return [], text


def strings(value: Any) -> Iterator[str]:
    """Every string in a front-matter value, keys of mappings included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from strings(key)
            yield from strings(inner)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from strings(inner)


def markdown_problems(text: str, engine: str) -> list[str]:
    """Everything script-capable in an emitted post, as each permissive engine renders it."""
    values, body = split_output(text, engine)
    problems = [f"front matter {value!r}" for value in values if _TAG_START.search(value)]
    renderers = {**RENDERERS, "python-markdown": _python_markdown} if engine in PYTHON_MARKDOWN_ENGINES else RENDERERS
    for name, render in renderers.items():
        rendered = render(body)
        problems += [f"{name}: {problem}" for problem in html_problems(rendered)]
        problems += [f"{name} (nh3): {problem}" for problem in nh3_problems(rendered)]
    return problems


def emitted(vector: Vector, engine: str) -> str:
    """The vector parsed, repaired and written for ``engine``."""
    post, _changes = wxmigrate.repair(wxmigrate.parse(vector.text), engine=engine)
    return to_markdown(post, engine)


def visible_text(markdown: str) -> str:
    rendered = PERMISSIVE.render(markdown)
    return re.sub(r"\s+", "", lxml_html.fragment_fromstring(rendered, create_parent="div").text_content())


SAFE_ENGINES = ("jekyll", "hugo", "hexo", "eleventy", "plain", "zola", "mkdocs", "pelican")


def test_there_are_enough_vectors() -> None:
    """At least sixty, in every place, generic and WeChat alike."""
    assert len(VECTORS) >= 60
    # CommonMark reads these as text, or (a tab or control in a link) percent-encodes them:
    # they are there for the other engines.
    harmless = {vector.id.split("-", 1)[1] for vector in set(VECTORS) - set(COMMONMARK_HOSTILE)}
    assert harmless <= {"html-block-svg-slash", "inline-svg-slash"} | {
        f"{place}-{name}" for place in ("link", "image", "reference") for name in ("tab-entity", "newline-entity", "control-char")
    }
    places = {vector.place for vector in VECTORS}
    assert places == {"html-block", "inline", "link", "image", "autolink", "reference", "alt", "front-matter", "repost", "card"}
    assert {vector.wechat for vector in VECTORS} == {True, False}


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_vector_is_read_in_its_dialect(vector: Vector) -> None:
    """WeChat vectors are read as an exporter's post, generic ones as hand-written Markdown."""
    assert (wxmigrate.parse(vector.text).dialect != "generic") == vector.wechat


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_vector_really_is_hostile(vector: Vector) -> None:
    """The oracle can fail: the vector's own Markdown carries script (or a tag in the front matter)."""
    assert markdown_problems(vector.text, "mkdocs")


@pytest.mark.parametrize("engine", SAFE_ENGINES)
@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_emitted_markdown_is_safe(vector: Vector, engine: str) -> None:
    """Repaired and written for any engine, the post carries no script; its text still shows."""
    text = emitted(vector, engine)
    assert markdown_problems(text, engine) == []
    shown = visible_text(split_output(text, engine)[1])
    for sentence in vector.visible:
        assert re.sub(r"\s+", "", sentence) in shown


#: The vectors whose source carries script for a CommonMark engine (``<svg/onload=…>``
#: is text to CommonMark: only Python-Markdown's engines must have it escaped).
COMMONMARK_HOSTILE = [vector for vector in VECTORS if markdown_problems(vector.text, "jekyll")]


@pytest.mark.parametrize("vector", COMMONMARK_HOSTILE, ids=lambda vector: vector.id)
def test_neutralising_is_reported(vector: Vector) -> None:
    """Each vector a CommonMark engine would run script from is repaired by a rule and
    reported as a change (``--explain`` shows it), the markup it replaced shown as it was."""
    _post, changes = wxmigrate.repair(wxmigrate.parse(vector.text))
    assert changes
    assert any(change.before != change.after for change in changes)


#: The rules that make a post safe.
SAFETY_RULES = ("neutralize_script", "unlink_javascript_links")


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_repaired_vector_is_settled(vector: Vector) -> None:
    """A second repair of the written post changes nothing."""
    text = emitted(vector, "jekyll")
    again, changes = wxmigrate.repair(wxmigrate.parse(text))
    assert [change.rule for change in changes if change.rule in SAFETY_RULES] == []
    assert to_markdown(again, "jekyll") == text



# --------------------------------------------------------------------------
# The last line of defence: a post built in code, front matter written anew, a whole site


def _built_post(front: FrontMatter) -> Post:
    """A post built in Python, never parsed: no repair rule has seen it."""
    return Post(
        front_matter=front,
        blocks=(
            HtmlBlock('<script>alert(1)</script><p onclick="alert(2)">第一段</p>'),
            Paragraph(
                (
                    Text("第二段"),
                    RawHtml("<img src=x onerror=alert(1)>"),
                    Link((Text("链接"),), "JaVaScRiPt:alert(1)"),
                    Image("javascript:alert(1)", alt="图<img src=x onerror=alert(1)>"),
                )
            ),
            Repost("田间", "微信", '<blockquote onmouseover="alert(1)"><p>转载：田间</p></blockquote>', "田间"),
        ),
    )


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_a_post_built_in_code_is_written_inert(engine: str) -> None:
    """``to_markdown`` cuts script out of a post no rule has seen (raw HTML, a script link, a
    script image, tags in alt text, the repost note, the front matter); the text stays."""
    raw = "title: 标题<script>alert(1)</script>\n"
    post = _built_post(FrontMatter(raw=raw, data=yaml.safe_load(raw), present=True))
    text = to_markdown(post, engine)
    assert markdown_problems(text, engine) == []
    shown = visible_text(split_output(text, engine)[1])
    for sentence in ("第一段", "第二段链接", "转载：田间"):
        assert sentence in shown
    assert any("标题" in value for value in split_output(text, engine)[0]) or engine == "pelican"


def test_a_parsed_post_is_written_faithfully() -> None:
    """A parsed post is written as it stands: cutting is the repair rule's job, which can be
    turned off (``disabled={"neutralize_script"}``)."""
    vector = next(vector for vector in VECTORS if vector.id == "generic-html-block-script")
    post = wxmigrate.parse(vector.text)
    assert to_markdown(post) == vector.text
    kept, changes = wxmigrate.repair(post, disabled={"neutralize_script"})
    assert changes == [] and to_markdown(kept) == vector.text


def test_toml_front_matter_is_made_inert() -> None:
    """Hugo's TOML front matter: a tag in a value is written ``&lt;``, the rest as it was."""
    text = '+++\ntitle = "春耕<script>alert(1)</script>"\ndraft = false # kept\n+++\n\n正文。\n'
    post, changes = wxmigrate.repair(wxmigrate.parse(text))
    out = to_markdown(post, "hugo")
    assert out.startswith('+++\ntitle = "春耕&lt;script>alert(1)&lt;/script>"\ndraft = false # kept\n+++\n')
    assert markdown_problems(out, "hugo") == []
    assert [change.rule for change in changes] == ["neutralize_script"]


def test_yaml_value_that_would_open_with_an_anchor_is_written_anew() -> None:
    """``title: <b>x</b>`` written ``title: &lt;b>…`` would read as a YAML anchor: that front
    matter is written anew (quoted), and reads back as the inert text."""
    post, _ = wxmigrate.repair(wxmigrate.parse("---\ntitle: <b>春耕</b>\n---\n\n正文。\n"))
    values, _body = split_output(to_markdown(post), "jekyll")
    assert values == ["title", "&lt;b>春耕&lt;/b>"]


def test_site_run_writes_wechat_vectors_safely(tmp_path: Path) -> None:
    """The WeChat vectors through a whole run, re-laid out for Hugo (the cards and repost
    fields go into the front matter) and for Hexo: every post written, every one safe."""
    source = tmp_path / "site"
    source.mkdir()
    wechat = [vector for vector in VECTORS if vector.wechat]
    for index, vector in enumerate(wechat):
        (source / f"post-{index:03d}.md").write_text(vector.text, encoding="utf-8")
    for engine in ("hugo", "hexo"):
        result = repair_site(source, out=tmp_path / engine, engine=engine, metadata="both")
        assert [post.error for post in result.posts if post.error] == []
        written = [post.output for post in result.posts if post.output is not None]
        assert len(written) == len(wechat)
        for path in written:
            assert markdown_problems(path.read_text(encoding="utf-8"), engine) == [], path


# --------------------------------------------------------------------------
# inert_html on its own

SAFE_HTML = [
    '<table class="t"><tr><th style="text-align: left">名</th><td colspan="2">值</td></tr></table>',
    '<img src="https://mmbiz.qpic.cn/a.png" alt="图" width="300" data-src="https://mmbiz.qpic.cn/a.png">',
    '<a href="https://example.org/?a=1&amp;b=2" title="主页">链接</a><br>',
    "<details open><summary>详情</summary>内容<!-- 注释 --></details>",
    '<section style="background-image: url(https://mmbiz.qpic.cn/bg.png)"><span>字</span></section>',
    '<img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E">',
    '<p title="a > b">比较</p><video src="/v.mp4" controls></video>',
    "<onion>not an event handler</onion><ponder>",
]


@pytest.mark.parametrize("markup", SAFE_HTML)
def test_safe_html_is_given_back_as_it_is(markup: str) -> None:
    """Markup that runs no script comes back byte for byte."""
    assert inert_html(markup) == markup


@pytest.mark.parametrize("name", sorted(RAW_HTML))
def test_inert_html_is_idempotent_and_safe(name: str) -> None:
    """Each raw payload, cut once, has nothing left to cut, and renders safely."""
    once = inert_html(RAW_HTML[name])
    assert inert_html(once) == once
    assert html_problems(once) == []


def test_a_script_in_a_comment_ends_with_the_comment() -> None:
    """An unclosed ``<script>`` inside a comment is cut up to the comment's end, which stays:
    cutting to the end of the markup would leave a comment open that hides what follows."""
    assert inert_html("<!-- <script>alert(1) -->") == "<!-- -->"
    post, _ = wxmigrate.repair(wxmigrate.parse("<!-- <script>alert(1) -->\n\n正文一句。\n"))
    assert "正文一句。" in visible_text(to_markdown(post))


@pytest.mark.parametrize("piece", ["<a ", '<a title="', "<script", "<scr<script>ipt>", "<p onclick=x "])
def test_tangled_markup_is_cut_in_bounded_time(piece: str) -> None:
    """Tags inside tags, unclosed, repeated 200,000 times (a megabyte or more): done well
    within a generous bound, and safe."""
    markup = piece * 200_000
    start = time.monotonic()
    cut = inert_html(markup)
    assert time.monotonic() - start < 20
    assert html_problems(cut[:20_000]) == []
