"""to_html: every node type as semantic HTML5, checked on the parsed tree, never on strings."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from lxml import etree
from lxml import html as lxml_html

import wxmigrate
from wxmigrate.emit.html import BLOCK_RENDERERS, INLINE_RENDERERS, to_html
from wxmigrate.model import (
    AccountCard,
    Block,
    Byline,
    Code,
    CodeBlock,
    Credits,
    Cruft,
    Emphasis,
    Figure,
    Footer,
    HardBreak,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    ListBlock,
    ListItem,
    Meta,
    OriginalCard,
    OriginalLink,
    Paragraph,
    Post,
    Provenance,
    Quote,
    RawBlock,
    Repost,
    Rule,
    SoftBreak,
    Strong,
    Text,
    images,
)
from wxmigrate.parse import plain_text
from wxmigrate.parse.inline import unescape_markdown

from .helpers import DEMO_SITE, SAMPLE_SITE, WILD, corpus_posts

DEMO_POSTS = sorted((DEMO_SITE / "_posts").glob("*.md"))

# --------------------------------------------------------------------------
# Checking that output is valid HTML5

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
#: Start tags that close an open <p> in an HTML5 parser (so they cannot sit inside one).
CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "dd", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "ul",
    }
)  # fmt: skip
TABLE_PLACES = {
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "thead": {"table"},
    "tbody": {"table"},
    "tfoot": {"table"},
    "caption": {"table"},
}
#: Characters an HTML5 parser reports as errors in the input stream.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


class _TagBalance(HTMLParser):
    """Python's own HTML tokenizer: every end tag closes the element opened last."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"duplicate attribute in <{tag}>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.open[-1:] or 'anything'}")
        else:
            self.open.pop()

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment <!--{data}-->")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data!r}")


def _document(text: str) -> str:
    if text.startswith("<!DOCTYPE html>"):
        return text
    return "<!DOCTYPE html><html><head><title>t</title></head><body>" + text + "</body></html>"


def html5_problems(text: str) -> list[str]:
    """Why ``text`` (a fragment or a page) is not clean HTML5; empty when it is.

    libxml2's HTML5 tokenizer reports mismatched tags, Python's tokenizer
    checks the tags balance, and the tree is checked for what makes an HTML5
    parser restructure a document (blocks in paragraphs, links in links,
    misplaced table parts).  Finally the text must serialize back unchanged.
    """
    document = _document(text)
    parser = etree.HTMLParser()
    tree = etree.fromstring(document, parser)
    problems = [f"libxml2: {error.message}" for error in parser.error_log]
    balance = _TagBalance()
    balance.feed(document)
    balance.close()
    problems += balance.problems + [
        f"unclosed <{tag}>" for tag in balance.open if tag not in ("html", "body")
    ]
    problems += [f"forbidden character {char!r}" for char in FORBIDDEN.findall(text)]
    for element in tree.iter():
        if element.tag == "p" and any(inner.tag in CLOSES_P for inner in element.iterdescendants()):
            problems.append("a block inside <p>")
        if element.tag == "a" and any(inner.tag == "a" for inner in element.iterdescendants()):
            problems.append("a link inside a link")
        if re.fullmatch(r"h[1-6]", str(element.tag)) and any(
            re.fullmatch(r"h[1-6]", str(inner.tag)) for inner in element.iterdescendants()
        ):
            problems.append("a heading inside a heading")
        parent = element.getparent()
        if element.tag in TABLE_PLACES and (
            parent is None or parent.tag not in TABLE_PLACES[element.tag]
        ):
            problems.append(f"<{element.tag}> outside its table")
        if element.tag in ("table", "tbody", "thead", "tfoot", "tr") and any(
            t and t.strip() for t in (element.text, *(child.tail for child in element))
        ):
            problems.append(f"text directly in <{element.tag}>")
    reparsed = etree.fromstring(document, etree.HTMLParser())
    for item in reparsed.iter("li"):
        item.text = item.text or ""  # libxml2 would leave out the end tag of an empty item
    again = lxml_html.tostring(reparsed, encoding="unicode")
    if text.startswith("<!DOCTYPE html>") and "<!DOCTYPE html>\n" + again + "\n" != text:
        problems.append("the page does not serialize back unchanged")
    if not text.startswith("<!DOCTYPE html>") and text not in again:
        problems.append("the fragment does not serialize back unchanged")
    return problems


def fragment(text: str) -> lxml_html.HtmlElement:
    """The output parsed back, under one <div>."""
    return lxml_html.fragment_fromstring(text, create_parent="div")


def render(*blocks: Block, **options: typing.Any) -> lxml_html.HtmlElement:
    """Blocks rendered, checked for validity, parsed back."""
    text = to_html(Post(blocks=blocks), **options)
    assert html5_problems(text) == []
    return fragment(text)


def only(root: lxml_html.HtmlElement, path: str) -> lxml_html.HtmlElement:
    found = root.xpath(path)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


def words(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------
# Coverage of the model


def test_every_block_and_inline_type_has_a_renderer() -> None:
    """The renderer tables name every node type of the model, and nothing else."""
    assert set(BLOCK_RENDERERS) == set(typing.get_args(Block))
    assert set(INLINE_RENDERERS) == set(typing.get_args(Inline))


# --------------------------------------------------------------------------
# Leaf blocks


def test_heading_keeps_its_level_and_text() -> None:
    """A level-2 heading becomes <h2> with its runs inside."""
    root = render(Heading(2, (Text("春耕"), Strong((Text("要点"),)))))
    heading = only(root, "/div/h2")
    assert heading.text_content() == "春耕要点"
    assert only(heading, "strong").text == "要点"


def test_each_paragraph_line_is_its_own_paragraph() -> None:
    """Lines joined by a plain line end (one paragraph per line, as exporters write) are separate <p>."""
    root = fragment(to_html(wxmigrate.parse("第一段文字。\n第二段文字。\n\n第三段文字。")))
    assert [p.text for p in root.xpath("/div/p")] == [
        "第一段文字。",
        "第二段文字。",
        "第三段文字。",
    ]


def test_a_hard_break_continues_the_paragraph() -> None:
    """A line joined to the one above by a hard break stays in the same <p> after a <br>."""
    root = fragment(to_html(wxmigrate.parse("问：什么时候开放？  \n答：每天九点。")))
    paragraph = only(root, "/div/p")
    assert paragraph.text == "问：什么时候开放？"
    assert [child.tag for child in paragraph] == ["br"]
    assert paragraph[0].tail == "答：每天九点。"


def test_inline_runs() -> None:
    """Bold, italic, code, links, soft and hard breaks become their HTML counterparts."""
    paragraph = Paragraph(
        (
            Strong((Text("粗"),)),
            Emphasis((Text("斜"),)),
            Code("a < b"),
            Link((Text("链接"),), "https://example.org/a?x=1&y=2", title="说明"),
            SoftBreak(),
            Text("下一行"),
            HardBreak(),
            Text("再一行"),
        )
    )
    p = only(render(paragraph), "/div/p")
    assert [child.tag for child in p] == ["strong", "em", "code", "a", "br"]
    assert p[2].text == "a < b"
    assert (p[3].get("href"), p[3].get("title"), p[3].text) == (
        "https://example.org/a?x=1&y=2",
        "说明",
        "链接",
    )
    assert p[3].tail == "\n下一行"
    assert p[4].tail == "再一行"


def test_markdown_escapes_and_entities_in_urls_are_decoded() -> None:
    """A link destination means what CommonMark says: ``&amp;`` is ``&``, ``\\(`` is ``(``."""
    root = fragment(to_html(wxmigrate.parse(r"[看这里](https://example.org/a\(1\)?x=1&amp;y=2)")))
    assert only(root, "//a").get("href") == "https://example.org/a(1)?x=1&y=2"


def test_text_is_escaped() -> None:
    """Text that looks like markup comes out as that text, not as elements."""
    root = render(Paragraph((Text("<b>不是粗体</b> & <script>也不是脚本</script>"),)))
    paragraph = only(root, "/div/p")
    assert len(paragraph) == 0
    assert paragraph.text == "<b>不是粗体</b> & <script>也不是脚本</script>"


def test_figure_has_image_and_caption() -> None:
    """A figure is <figure><img><figcaption>, the image loaded lazily."""
    figure = only(
        render(Figure(Image("/img/a.png", alt="示意图"), (Text("▲图为示范田"),))), "/div/figure"
    )
    image, caption = figure
    assert (image.tag, image.get("src"), image.get("alt"), image.get("loading")) == (
        "img",
        "/img/a.png",
        "示意图",
        "lazy",
    )
    assert (caption.tag, caption.text) == ("figcaption", "▲图为示范田")


def test_images_are_not_lazy_when_asked() -> None:
    """``lazy=False`` leaves ``loading`` out."""
    image = only(render(Figure(Image("/img/a.png")), lazy=False), "//img")
    assert image.get("loading") is None


class _Checked:
    """What an asset check reports, as the verify package will: width, height, format."""

    def __init__(self, width: int, height: int, fmt: str) -> None:
        self.width, self.height, self.format = width, height, fmt


def test_width_and_height_come_from_asset_verification() -> None:
    """Known images get width and height, whichever shape the verified facts come in."""
    assets = {
        "/img/tuple.png": (640, 480),
        "/img/triple.png": (300, 200, "PNG"),
        "/img/object.jpeg": _Checked(1080, 720, "JPEG"),
        "/img/namespace.gif": SimpleNamespace(width=16, height=9),
        "/img/zero.png": (0, 10),
        "/img/flags.png": (True, True),
        "/img/text.png": ("640", "480"),
    }
    blocks = [Figure(Image(src)) for src in [*assets, "/img/unknown.png"]]
    root = render(*blocks, assets=assets)
    sizes = {
        image.get("src"): (image.get("width"), image.get("height")) for image in root.iter("img")
    }
    assert sizes == {
        "/img/tuple.png": ("640", "480"),
        "/img/triple.png": ("300", "200"),
        "/img/object.jpeg": ("1080", "720"),
        "/img/namespace.gif": ("16", "9"),
        "/img/zero.png": (None, None),
        "/img/flags.png": (None, None),
        "/img/text.png": (None, None),
        "/img/unknown.png": (None, None),
    }


def test_assets_are_looked_up_by_the_src_as_written() -> None:
    """An image whose path the exporter split over lines is found by that split path."""
    written = "2022-03-05\n春耕时节\\\\field02.jpeg"
    image = only(render(Figure(Image(written)), assets={written: (800, 600)}), "//img")
    assert (image.get("width"), image.get("height")) == ("800", "600")
    assert unquote(image.get("src")) == "2022-03-05春耕时节\\field02.jpeg"


def test_liquid_tags_in_urls_survive_serialization() -> None:
    """``{{ site.baseurl }}`` loses its spaces, which the serializer would percent-encode."""
    text = to_html(Post(blocks=(Figure(Image("{{ site.baseurl }}/postimg/a b.png")),)))
    assert only(fragment(text), "//img").get("src") == "{{site.baseurl}}/postimg/a%20b.png"


def test_rule_and_code_block() -> None:
    """A rule is <hr>; a code block is <pre><code class="language-…"> with its text verbatim."""
    root = render(
        Rule(), CodeBlock('if a < b:\n    print("&")', info="python extra"), CodeBlock("x", info="")
    )
    assert [child.tag for child in root] == ["hr", "pre", "pre"]
    code = only(root, "/div/pre[1]/code")
    assert (code.get("class"), code.text) == ("language-python", 'if a < b:\n    print("&")')
    assert only(root, "/div/pre[2]/code").get("class") is None


def test_lists() -> None:
    """Ordered lists keep their start; a one-paragraph item holds its text directly."""
    ordered = ListBlock(
        (
            ListItem("3.", (Paragraph((Text("第三"),)),)),
            ListItem("4.", (Paragraph((Text("第四"),)), Paragraph((Text("补充"),)))),
        )
    )
    bullets = ListBlock((ListItem("-", (Paragraph((Text("甲"),)),)), ListItem("-", ())))
    root = render(ordered, bullets)
    ol = only(root, "/div/ol")
    assert ol.get("start") == "3"
    assert ol[0].text == "第三" and len(ol[0]) == 0
    assert [p.text for p in ol[1].iter("p")] == ["第四", "补充"]
    assert [li.text_content() for li in only(root, "/div/ul")] == ["甲", ""]


def test_quote_holds_its_blocks() -> None:
    """A quote is a <blockquote> around its own blocks."""
    quote = only(
        render(Quote((Paragraph((Text("引用的话"),)), Figure(Image("/q.png"))))), "/div/blockquote"
    )
    assert [child.tag for child in quote] == ["p", "figure"]


def test_raw_html_block_is_kept_once_sanitized() -> None:
    """Harmless raw HTML stays as elements: it is sanitized, not dropped."""
    root = render(
        HtmlBlock('<section class="x"><p>你好<span style="color:red">世界</span></p></section>')
    )
    section = only(root, "/div/section")
    assert section.attrib == {}
    assert only(section, "p/span").text == "世界"


def test_inline_raw_html_pieces_are_read_together() -> None:
    """``<sup>`` and ``</sup>`` written as separate runs still make one element around the text."""
    post = wxmigrate.parse("注释<sup><span>1</span></sup>在文末，<b>重点</b>在前。")
    p = only(fragment(to_html(post)), "/div/p")
    assert only(p, "sup/span").text == "1"
    assert only(p, "b").text == "重点"
    assert p.text_content() == "注释1在文末，重点在前。"


def test_raw_html_images_are_finished_like_markdown_images() -> None:
    """A raw ``<img>`` (WeChat's ``data-src`` included) is lazy and sized from the assets."""
    root = render(
        HtmlBlock('<p><img data-src="https://mmbiz.example/a.png"></p>'),
        assets={"https://mmbiz.example/a.png": (10, 20)},
    )
    image = only(root, "//img")
    assert (image.get("src"), image.get("loading"), image.get("width"), image.get("height")) == (
        "https://mmbiz.example/a.png",
        "lazy",
        "10",
        "20",
    )


def test_raw_video_takes_its_source_address() -> None:
    """A ``<video>`` keeps the address of its ``<source>`` (which libxml2 cannot write validly)."""
    root = render(
        HtmlBlock('<video controls><source src="/v/春耕.mp4" type="video/mp4"></video>'),
        HtmlBlock('<video><source src="javascript:alert(1)"></video>'),
    )
    first, second = root.iter("video")
    assert (unquote(first.get("src")), first.get("controls")) == ("/v/春耕.mp4", "")
    assert second.get("src") is None
    assert list(root.iter("source")) == []


def test_raw_block_table_is_rendered() -> None:
    """A Markdown table kept whole by the model becomes a <table>, alignment included."""
    table = "| 项目 | 数量 |\n| --- | ---: |\n| **玉米** | 40亩 |"
    root = render(RawBlock(table))
    cells = [cell.text_content() for cell in root.iter("th", "td")]
    assert cells == ["项目", "数量", "玉米", "40亩"]
    assert only(root, "//td/strong").text == "玉米"
    assert only(root, "//th[2]").get("style") == "text-align:right"


# --------------------------------------------------------------------------
# Structured parts


def test_repost_note_is_an_aside() -> None:
    """The repost note keeps its own words and carries its fields as data attributes."""
    html = "<blockquote><p>转载：田间地头<br>\n来源：微信公众号</p></blockquote>"
    aside = only(render(Repost("梧桐社区服务站", "微信公众号", html, "田间地头")), "/div/aside")
    assert (aside.get("class"), aside.get("data-via"), aside.get("data-channel")) == (
        "wx-repost",
        "梧桐社区服务站",
        "微信公众号",
    )
    assert words(only(aside, "blockquote").text_content()) == "转载：田间地头来源：微信公众号"


def test_repost_note_without_words_is_written_from_its_fields() -> None:
    """When the note's markup holds no text, the aside says who and where from."""
    aside = only(
        render(Repost("梧桐社区服务站", "微信公众号", "<blockquote></blockquote>", "")),
        "/div/aside",
    )
    assert words(aside.text_content()) == "转载：梧桐社区服务站来源：微信公众号"


def test_account_card() -> None:
    """The account card gives the name and, when known, the WeChat id and introduction."""
    card = AccountCard(
        "梧桐社区服务站", "wutong_service", None, (Paragraph((Text("[梧桐社区服务站]"),)),)
    )
    aside = only(render(card), "/div/aside")
    assert aside.get("class") == "wx-account"
    assert only(aside, "p[@class='wx-card-name']").text_content() == "梧桐社区服务站"
    assert [e.text for e in only(aside, "dl")] == ["微信号", "wutong_service"]


def test_original_card() -> None:
    """The original-source card names the source, its author, avatar and introduction."""
    card = OriginalCard("青禾农技", "林木", "http://wx.qlogo.cn/mmhead/x/0", "分享种植技术。", ())
    aside = only(render(card), "/div/aside")
    assert aside.get("class") == "wx-original"
    assert only(aside, ".//cite").text == "青禾农技"
    assert (
        only(aside, ".//p[@class='wx-card-name']").text_content()
        == "以下文章来源于青禾农技，作者林木"
    )
    assert only(aside, ".//img").get("src") == "http://wx.qlogo.cn/mmhead/x/0"
    assert only(aside, ".//p[@class='wx-card-intro']").text == "分享种植技术。"


def test_provenance_credits_cruft_and_footer() -> None:
    """Provenance is a <p>, credits a <dl> in role order, cruft a marked <div>, the footer a <footer>."""
    root = render(
        Provenance("青禾农技", "转自", (Paragraph((Text("（转自青禾农技）"),)),)),
        Credits((("审核", "林木"), ("责编", "叶青"), ("校对", "秋实")), ()),
        Cruft("share-prompt", (Paragraph((Text("点分享"),)),)),
        Footer(Rule(), (Paragraph((Text("感谢阅读"),)), Figure(Image("/qr.png")))),
    )
    assert [child.tag for child in root] == ["p", "dl", "div", "hr", "footer"]
    provenance, credits, cruft, _, footer = root
    assert (provenance.get("class"), provenance.get("data-kind"), provenance.text) == (
        "wx-provenance",
        "转自",
        "（转自青禾农技）",
    )
    assert credits.get("class") == "wx-credits"
    assert [(e.tag, e.text) for e in credits] == [
        ("dt", "审核"), ("dd", "林木"), ("dt", "责编"), ("dd", "叶青"), ("dt", "校对"), ("dd", "秋实"),
    ]  # fmt: skip
    assert (cruft.get("class"), cruft.get("data-kind"), words(cruft.text_content())) == (
        "wx-cruft",
        "share-prompt",
        "点分享",
    )
    assert [child.tag for child in footer] == ["p", "figure"]


def test_byline_and_original_link() -> None:
    """A byline gives its fields in order, the date as <time>; the original link is a link."""
    root = render(
        Byline("林木", "梧桐社区服务站", "2025-07-22 01:01", True, ()),
        Byline("叶青", None, "2025年10月30日 13:56", False, ()),
        OriginalLink("https://mp.weixin.qq.com/s/abc", ()),
        OriginalLink("javascript:alert(1)", ()),
    )
    first, second, link, unsafe = root
    assert [(e.get("class"), e.text) for e in first] == [
        ("wx-byline-original", "原创"),
        ("wx-byline-author", "林木"),
        ("wx-byline-account", "梧桐社区服务站"),
        (None, "2025-07-22 01:01"),
    ]
    assert first.text_content() == "原创 林木 梧桐社区服务站 2025-07-22 01:01"
    assert only(first, "time").get("datetime") == "2025-07-22 01:01"
    assert second.text_content() == "叶青 2025年10月30日 13:56"
    assert only(second, "time").get("datetime") is None
    assert only(link, "a").get("href") == "https://mp.weixin.qq.com/s/abc"
    assert (unsafe.xpath("a"), unsafe.text_content()) == ([], "原文链接：javascript:alert(1)")


# --------------------------------------------------------------------------
# Standalone pages


def test_standalone_page_has_title_and_metadata() -> None:
    """A page: doctype, Chinese language, charset, title and the front matter's metadata."""
    post = wxmigrate.parse(
        '---\ntitle: 图书角开放\ndate: 2022-04-18\nauthor: 梧桐社区\ndescription: 社区图书角"正式"开放\n---\n\n正文第一段。\n'
    )
    text = to_html(post, standalone=True)
    assert html5_problems(text) == []
    assert text.startswith("<!DOCTYPE html>\n")
    page = lxml_html.document_fromstring(text)
    assert page.get("lang") == "zh-CN"
    assert page.xpath("/html/head/meta/@charset") == ["utf-8"]
    assert only(page, "/html/head/title").text == "图书角开放"
    metas = {meta.get("name"): meta.get("content") for meta in page.xpath("/html/head/meta[@name]")}
    assert metas["description"] == '社区图书角"正式"开放'
    assert (metas["author"], metas["date"]) == ("梧桐社区", "2022-04-18")
    article = only(page, "/html/body/article")
    assert only(article, "header/h1").text == "图书角开放"
    assert only(article, "header//time").get("datetime") == "2022-04-18"
    assert only(article, "p").text == "正文第一段。"


def test_page_metadata_falls_back_on_what_the_parser_read() -> None:
    """Without front matter, author and date come from the post's byline as the parser read it."""
    post = Post(
        title="标题",
        meta=Meta(author="林木", date="2025-07-22"),
        blocks=(Paragraph((Text("正文"),)),),
    )
    page = lxml_html.document_fromstring(to_html(post, standalone=True))
    metas = {meta.get("name"): meta.get("content") for meta in page.xpath("/html/head/meta[@name]")}
    assert metas == {
        "viewport": "width=device-width, initial-scale=1",
        "author": "林木",
        "date": "2025-07-22",
    }


def test_standalone_page_does_not_repeat_a_title_heading() -> None:
    """When the body opens with the title as a heading, the page adds no second <h1>."""
    post = wxmigrate.parse("---\ntitle: 标题\n---\n\n# 标题\n\n正文。\n")
    page = lxml_html.document_fromstring(to_html(post, standalone=True))
    assert [h.text for h in page.iter("h1")] == ["标题"]


def test_page_title_is_escaped() -> None:
    """A hostile title is the page's title text and nothing else."""
    post = Post(title='</title><script>alert(1)</script>"', blocks=(Paragraph((Text("正文"),)),))
    text = to_html(post, standalone=True)
    assert html5_problems(text) == []
    page = lxml_html.document_fromstring(text)
    assert only(page, "//title").text == '</title><script>alert(1)</script>"'
    assert page.xpath("//script") == []


# --------------------------------------------------------------------------
# Whole posts: every image and all the text arrive


def _expected_texts(blocks: typing.Iterable[Block]) -> Iterator[str]:
    """The visible text each block must show somewhere in the HTML."""
    for block in blocks:
        if isinstance(block, AccountCard):
            yield from (block.name, block.wechat_id or "", block.intro or "")
        elif isinstance(block, OriginalCard):
            yield from (block.name, block.author or "", block.intro or "")
        elif isinstance(block, Credits):
            yield from (part for role in block.roles for part in role)
        elif isinstance(block, Byline):
            yield from (block.author or "", block.account or "", block.date or "")
        elif isinstance(block, OriginalLink):
            yield block.url
        elif isinstance(block, Repost):
            yield lxml_html.fragment_fromstring(block.html, create_parent="div").text_content()
        elif isinstance(block, (Heading, Paragraph)):
            yield plain_text(block.children)
        elif isinstance(block, Figure):
            yield plain_text(block.caption)
        elif isinstance(block, CodeBlock):
            yield block.text
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _expected_texts(item.children)
        elif isinstance(block, (Quote, Provenance, Cruft, Footer)):
            yield from _expected_texts(block.children)


def _expected_src(src: str) -> str:
    """What a browser reads from an image path written in Markdown."""
    return unquote(re.sub(r"[\t\n\r]", "", unescape_markdown(src)).strip())


def assert_post_survives(path: Path) -> None:
    """The post's HTML is valid, shows every image with a safe URL, and all the article's text."""
    post = wxmigrate.load(path)
    for standalone in (False, True):
        text = to_html(post, standalone=standalone)
        assert html5_problems(text) == [], path
    root = fragment(to_html(post))
    shown = {unquote(image.get("src")) for image in root.iter("img")}
    for image, line in images(post):
        expected = _expected_src(image.src)
        if not expected.lower().startswith("data:"):
            assert expected in shown, f"{path}:{line}: image {image.src!r} missing"
    visible = words(root.text_content())
    for expected in _expected_texts(post.blocks):
        assert words(expected) in visible, f"{path}: text {expected[:40]!r} missing"


@pytest.mark.parametrize("path", DEMO_POSTS, ids=lambda p: p.name)
def test_demo_posts_keep_every_image_and_all_text(path: Path) -> None:
    """The demo site's posts come out whole, as valid HTML5."""
    assert_post_survives(path)


@pytest.mark.corpus
def test_corpus_posts_keep_every_image_and_all_text() -> None:
    """The same over the shared corpus: the sample site and the wild posts."""
    posts = corpus_posts(SAMPLE_SITE / "_posts") + (corpus_posts(WILD) if WILD.is_dir() else [])
    assert len(posts) > 3
    for path in posts:
        assert_post_survives(path)
