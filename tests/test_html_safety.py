"""to_html on hostile input: no script-capable markup survives, the visible text does."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

import wxmigrate
from wxmigrate.emit.html import ALLOWED_TAGS, SAFE_SCHEMES, is_safe_url, runs_script, sanitize_html, to_html
from wxmigrate.model import (
    CodeBlock,
    Cruft,
    Figure,
    Heading,
    HtmlBlock,
    Image,
    Inline,
    Link,
    Paragraph,
    Post,
    RawHtml,
    Repost,
    Text,
    block_inlines,
    walk_blocks,
    walk_inlines,
)

from .hostile_vectors import VECTORS, Vector
from .test_html import fragment, html5_problems, words

#: Elements that run code, load documents, submit data or change the page.
DANGEROUS_TAGS = frozenset(
    {
        "applet", "base", "button", "embed", "form", "frame", "frameset", "iframe", "input", "link",
        "math", "meta", "noscript", "object", "param", "plaintext", "portal", "script", "select",
        "style", "svg", "template", "textarea", "title", "xmp",
    }
)  # fmt: skip
#: Attributes that hold a URL, in any element of HTML, SVG or MathML.
URL_ATTRIBUTES = frozenset(
    {
        "action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href",
        "longdesc", "lowsrc", "poster", "src", "usemap", "xlink:href",
    }
)  # fmt: skip
BAD_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha"})


def _scheme(url: str) -> str:
    """The scheme a browser might read from ``url``, decoded as eagerly as possible."""
    for _ in range(5):
        url = html.unescape(url)
    match = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).lower())
    return match.group(1) if match else ""


def _attribute_problems(tag: str, attributes: list[tuple[str, str | None]]) -> list[str]:
    problems = []
    for name, value in attributes:
        value = value or ""
        if name.startswith("on"):
            problems.append(f"<{tag} {name}>")
        elif name in URL_ATTRIBUTES and _scheme(value) in BAD_SCHEMES:
            problems.append(f"<{tag} {name}={value!r}>")
        elif name == "srcset" and any(
            _scheme(part.strip()) in BAD_SCHEMES for part in value.split(",")
        ):
            problems.append(f"<{tag} srcset={value!r}>")
        elif name == "style" and re.search(
            r"url|expression|javascript|@import|\\", value, re.IGNORECASE
        ):
            problems.append(f"<{tag} style={value!r}>")
        elif name in ("srcdoc", "http-equiv", "formaction", "xmlns"):
            problems.append(f"<{tag} {name}>")
    return problems


class _Tags(HTMLParser):
    """Every start tag as Python's tokenizer reads it (a second opinion beside lxml's)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def safety_problems(text: str, *, standalone: bool = False) -> list[str]:
    """Script-capable markup found in ``text`` by lxml's and by Python's parser."""
    problems = [
        f"script tag in {match!r}"
        for match in re.findall(r"<\s*/?\s*script[^>]{0,20}", text, re.IGNORECASE)
    ]
    tokens = _Tags()
    tokens.feed(text)
    tokens.close()
    root = lxml_html.document_fromstring(text) if standalone else fragment(text)
    parsed = [
        (element.tag, list(element.attrib.items()))
        for element in root.iter()
        if isinstance(element.tag, str)
    ]
    allowed = (
        set(ALLOWED_TAGS) | {"html", "head", "body", "meta", "title", "div", "cite"}
        if standalone
        else set(ALLOWED_TAGS) | {"div", "cite"}  # the source card's name, written by the renderer
    )
    for tag, attributes in tokens.tags + parsed:
        if tag in DANGEROUS_TAGS and not (
            standalone and tag in ("meta", "title") and not _in_body(root, tag)
        ):
            problems.append(f"<{tag}>")
        if tag not in allowed:
            problems.append(f"unexpected <{tag}>")
        problems += _attribute_problems(tag, attributes)
    return problems


def _in_body(root: lxml_html.HtmlElement, tag: str) -> bool:
    return bool(root.xpath(f"//body//{tag}"))


def assert_safe(post: Post, *visible: str) -> None:
    """The post's HTML (fragment and page) is valid and safe, and shows each ``visible`` text."""
    for standalone in (False, True):
        text = to_html(post, standalone=standalone)
        assert html5_problems(text) == []
        assert safety_problems(text, standalone=standalone) == []
    shown = words(fragment(to_html(post)).text_content())
    for sentence in visible:
        assert words(sentence) in shown


# --------------------------------------------------------------------------
# One hostile post, written in Markdown with raw HTML, as an exporter might leave it

#: (Markdown, the text a reader must still see).  Each case is a block of its own.
HOSTILE_CASES: list[tuple[str, str]] = [
    ("第一句：社区活动照常进行。<script>alert('inline')</script>", "第一句：社区活动照常进行。"),
    ("<script>\nalert('block')\n</script>", ""),
    ("第二句：志愿者已经到位。<img src=x onerror=\"alert('img')\">", "第二句：志愿者已经到位。"),
    ("[点这里报名](javascript:alert('link'))", "点这里报名"),
    ("[也可以点这里](jav&#x61;script:alert('entity'))", "也可以点这里"),
    ("[或者这里](<\tJaVaScRiPt:alert('mixed')>)", "或者这里"),
    ("[还有这里](vbscript:msgbox('vb'))", "还有这里"),
    ("![示意图](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "示意图"),
    ("![另一张](JAVASCRIPT:alert('image'))", "另一张"),
    (
        "第三句：<a href=\"javascript:alert('raw')\">活动详情</a>见附件。",
        "第三句：活动详情见附件。",
    ),
    ("第四句：<a href=\"&#x6A;avascript&#x3A;alert('hex')\">更多</a>说明。", "第四句：更多说明。"),
    ('<a href=" &#14;  javascript:alert(1)">第五句：控制字符</a>', "第五句：控制字符"),
    ('<p><a href="jav&#x09;ascript:alert(1)">第六句：制表符</a></p>', "第六句：制表符"),
    ("<svg onload=\"alert('svg')\"><text>矢量</text></svg>", ""),
    ('<iframe src="https://evil.example/"></iframe>', ""),
    ("<style>body{background:url(\"javascript:alert('css')\")}</style>", ""),
    ("<object data=\"javascript:alert('obj')\"></object>", ""),
    ("<embed src=\"javascript:alert('embed')\">", ""),
    (
        (
            '<form action="javascript:alert(\'form\')"><input type="submit" value="提交">'
            '<button formaction="javascript:alert(1)">第七句：按钮文字</button></form>'
        ),
        "第七句：按钮文字",
    ),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(\'meta\')">', ""),
    ("<base href=\"javascript:alert('base')//\">", ""),
    ("<div><p>第八句：<b>嵌套<i>错乱</b>的标签</i></p>", "第八句：嵌套错乱的标签"),
    ("<scr<script>ipt>alert('nested')</scr</script>ipt>", ""),
    (
        '第九句：<span style="background:url(javascript:alert(1))" onclick="alert(2)">带样式的文字</span>',
        "第九句：带样式的文字",
    ),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>", ""),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">看不见</p></noscript>', ""),
    (
        '<p><img src="/ok.png" srcset="javascript:alert(1) 1x, /ok@2x.png 2x">第十句：图片</p>',
        "第十句：图片",
    ),
    ('<video poster="javascript:alert(1)" src="/v.mp4" onplay="alert(2)"></video>', ""),
    (
        '<details open ontoggle="alert(1)"><summary>第十一句：详情</summary>内容</details>',
        "第十一句：详情内容",
    ),
    ("<p>第十二句：<!-- <script>alert(1)</script> -->注释之后</p>", "第十二句：注释之后"),
    ("<table><tr><td>第十三句<td>表格</table>半截<td>单元格", "第十三句表格半截单元格"),
    (
        "</body></html><p>第十四句：文档结束之后</p><script>alert(1)</script>",
        "第十四句：文档结束之后",
    ),
    (
        "第十五句：\\<script>转义的标签\\</script>照样是文字",
        "第十五句：<script>转义的标签</script>照样是文字",
    ),
]


def _hostile_post() -> Post:
    front = "---\ntitle: 恶意输入</title><script>alert('t')</script>\ndescription: '\"><script>alert(1)</script>'\n---\n\n"
    return wxmigrate.parse(front + "\n\n".join(markdown for markdown, _ in HOSTILE_CASES) + "\n")


def test_hostile_post_keeps_its_text_and_loses_its_scripts() -> None:
    """The whole hostile post: valid, nothing script-capable, every visible sentence kept."""
    assert_safe(_hostile_post(), *(text for _, text in HOSTILE_CASES if text))


def test_hostile_post_page_metadata_is_only_text() -> None:
    """A hostile title and description end up as the page's title text and meta content."""
    page = lxml_html.document_fromstring(to_html(_hostile_post(), standalone=True))
    assert page.xpath("//title")[0].text == "恶意输入</title><script>alert('t')</script>"
    assert page.xpath("//meta[@name='description']/@content") == ['"><script>alert(1)</script>']
    assert page.xpath("//script") == []


@pytest.mark.parametrize(
    ("markdown", "visible"), HOSTILE_CASES, ids=[text[:30] for text, _ in HOSTILE_CASES]
)
def test_each_hostile_case_alone(markdown: str, visible: str) -> None:
    """Each case as a post of its own (nothing before it to close or absorb it)."""
    assert_safe(wxmigrate.parse(markdown + "\n"), *([visible] if visible else []))


def test_the_hostile_post_really_is_hostile() -> None:
    """Without sanitizing, the same raw HTML would carry scripts: the check can fail."""
    raw = "\n".join(markdown for markdown, _ in HOSTILE_CASES)
    assert safety_problems(lxml_html.tostring(fragment(raw), encoding="unicode"))


# --------------------------------------------------------------------------
# Values the model holds, made hostile directly


def test_hostile_values_in_model_fields_stay_text() -> None:
    """Quotes and tags in alt, title, class, data attributes and code never become markup."""
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    post = Post(
        blocks=(
            Heading(2, (Text(evil),)),
            Figure(Image("/a.png", alt=evil, title=evil), (Text(evil),)),
            Paragraph(
                (Link((Text("链接"),), 'https://example.org/"onmouseover="alert(1)', title=evil),)
            ),
            CodeBlock(evil + "</code></pre>", info=evil),
            Cruft(evil, (Paragraph((Text("点分享"),)),)),
            Repost(evil, evil, "<blockquote><p>转载：某号</p></blockquote>", evil),
        )
    )
    assert_safe(post, evil, "链接", "点分享", "转载：某号")
    root = fragment(to_html(post))
    image = root.xpath("//img")[0]
    assert (image.get("alt"), image.get("title")) == (evil, evil)
    assert root.xpath("//code")[0].get("class") == "language-scriptalert1scriptimg"
    assert root.xpath("//div[@class='wx-cruft']")[0].get("data-kind") == evil


def test_forbidden_characters_are_removed() -> None:
    """Control characters and noncharacters, which HTML5 parsers reject, never reach the output."""
    post = Post(blocks=(Paragraph((Text("春\x00耕\x0b时\x7f节\ufffe"), RawHtml("<b>\x01</b>"))),))
    text = to_html(post)
    assert html5_problems(text) == []
    assert words(fragment(text).text_content()) == "春耕时节"


# --------------------------------------------------------------------------
# The URL check and the sanitizer on their own


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "\x01\x02javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "jav&#x61;script:alert(1)",
        "jav&#97;script:alert(1)",
        "javascript&colon;alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
        "jav&amp;#x61;script:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/svg+xml,<svg onload=alert(1)>",
        " \u3000data:text/html,x",
        "file:///etc/passwd",
        "java{{nil}}script:alert(1)",
        "{{ 'javascript:alert(1)' }}",
        "{{ '%6Aavascript:alert(1)' | url_decode }}",
        "{{ page.link }}",
        "{{ 'javascript:alert(1)' | relative_url }}",
        "{% include evil.html %}",
    ],
)
def test_unsafe_urls_are_refused(url: str) -> None:
    """Scripting and data URLs are refused however they are disguised."""
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://mmbiz.qpic.cn/a.png?wx_fmt=png&tp=webp",
        "http://example.org/",
        "mailto:editor@example.org",
        "/postimg/a.png",
        "../img/春耕.jpeg",
        "{{site.baseurl}}/postimg/a.png",
        "{{ site.baseurl }}/postimg/a.png",
        "{{ '/postimg/a.png' | relative_url }}",
        "{% post_url 2022-03-05-春耕时节 %}",
        "#section",
        "?page=2",
        "2022-03-05春耕时节\\field02.jpeg",
    ],
)
def test_safe_urls_are_kept(url: str) -> None:
    """Web links, mail links and relative paths pass."""
    assert is_safe_url(url)


def test_sanitizer_unwraps_unknown_tags_and_keeps_their_text() -> None:
    """Unknown and layout tags go, their text stays; comments and script-capable elements go whole."""
    out = fragment(
        sanitize_html(
            "<font color=red>红字</font><o:p>段</o:p><center>居中</center><!-- 注释 --><script>x</script>"
        )
    )
    assert [element.tag for element in out.iter()] == ["div"]
    assert out.text == "红字段居中"


def test_sanitizer_repairs_what_html5_parsers_would_move() -> None:
    """Blocks inside a paragraph, links inside links and loose table parts are unwrapped."""
    markup = '<p>段落<div>块</div>之后</p><a href="/a">外<a href="/b">内</a></a><table>散字<tr><td>格</td></tr></table><td>孤格</td>'
    text = sanitize_html(markup)
    assert html5_problems(text) == []
    assert words(fragment(text).text_content()) == "段落块之后外内散字格孤格"


# --------------------------------------------------------------------------
# Properties over generated hostile markup

TOKENS = [
    "<script>", "</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">', "</a>",
    "<svg onload=alert(1)>", "</svg>", "<p>", "</p>", "<div>", "</div>", "<table>", "<tr>", "<td>",
    "</td>", "</table>", "<b>", "</b>", "<i>", "</i>", "<!--", "-->", "<style>", "</style>", "<iframe>",
    "<textarea>", "<noscript>", "<math>", "<title>", "<select>", "<option>", "<pre>\n", "<li>", "<ul>",
    "<h1>", "<h2>", "<a href=/ok>", "&#x6A;", "&lt;", "&", '"', "'", "=", ">", "<", "/", "jav&#x61;script:",
    " JaVaScRiPt:", "data:text/html,", "春耕", "志愿者", "\n", " ", "\x00", "\x0b", "\ufffe", "<base href=x>",
    "<form action=javascript:1>", "<input>", "<object data=x>", "</body>", "</html>", "<html>", "<![CDATA[",
    "]]>", "<?", "?>", "<br/>", "<img", " src=", "javascript:alert(1)", " onerror=", " style=", "url(",
    "<video poster=javascript:1>", "<blockquote>", "<figure>", "<sup>", "</sup>", "<span>", "</span>",
    "<dl>", "<dt>", "<dd>", "<ol>", "<caption>", "<colgroup>", "<col>", "<thead>", "<tbody>", "<th>",
    "<details>", "<summary>", "<section>", "<aside>", "<hr>", "<wbr>", "<picture>", "<source src=javascript:1>",
    "<audio src=x>", "<ruby>", "<rt>", "<button>", "<label>", "<fieldset>", "<legend>", "<nobr>", "<font>",
    "<center>", "<listing>", "<xmp>", "<image src=x>", "<frameset>", "<plaintext>", "<q cite=javascript:1>",
    "&#0;", "&#128;", "&#xD800;", "\r", "\x0c", "<a href=x name=y>", "<!--x-->", "<!DOCTYPE html>",
]  # fmt: skip


def hostile_fragments() -> st.SearchStrategy[str]:
    """Raw HTML made of hostile and broken pieces, in any order."""
    return st.lists(st.sampled_from(TOKENS), max_size=25).map("".join)


def hostile_runs() -> st.SearchStrategy[list[Inline]]:
    """A paragraph's runs: raw HTML pieces mixed with text that looks like markup."""
    return st.lists(
        st.one_of(
            hostile_fragments().map(RawHtml),
            st.lists(st.sampled_from(TOKENS), max_size=5).map(lambda tokens: Text("".join(tokens))),
            st.builds(Link, st.just((Text("链接"),)), hostile_fragments()),
            st.builds(Image, hostile_fragments(), hostile_fragments()),
        ),
        max_size=8,
    )


@given(hostile_fragments())
def test_any_raw_html_block_comes_out_valid_and_safe(markup: str) -> None:
    """Whatever a raw HTML block holds, the output is valid HTML5 with nothing script-capable."""
    text = to_html(Post(blocks=(HtmlBlock(markup), Paragraph((Text("春耕"),)))))
    assert html5_problems(text) == []
    assert safety_problems(text) == []
    assert "春耕" in fragment(text).text_content()


@given(hostile_runs())
def test_any_inline_mix_comes_out_valid_and_safe(runs: list[Inline]) -> None:
    """Raw HTML pieces, text, links and images mixed in a paragraph: valid and safe."""
    text = to_html(Post(blocks=(Paragraph(tuple(runs)), Paragraph((Text("春耕"),)))))
    assert html5_problems(text) == []
    assert safety_problems(text) == []
    assert "春耕" in fragment(text).text_content()


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "jav&#x61;script:x", "java\tscript:x", "java{{x}}script:x",
     "vbscript:msgbox", "data:text/html,<script>alert(1)</script>"],
)
def test_script_urls_are_found_however_disguised(url: str) -> None:
    """The Markdown rule's test: script schemes, disguised or not."""
    assert runs_script(url)


@pytest.mark.parametrize(
    "url", ["irc://irc.example.net/x", "localhost:5001/x", "mailto:a@b.c", "/relative", "data:image/png;base64,AAAA"]
)
def test_other_schemes_do_not_run_script(url: str) -> None:
    """Links a hand-written post may hold stay links (the HTML output has its own, stricter list)."""
    assert not runs_script(url)


# --------------------------------------------------------------------------
# The vectors the Markdown output is tested against (tests/hostile_vectors.py)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_shared_vector_comes_out_safe(vector: Vector) -> None:
    """Each shared vector, as parsed and as repaired: valid, safe HTML; repaired, it still
    shows its text (as parsed, an unclosed ``<script>`` block hides what follows it, as in a browser)."""
    post = wxmigrate.parse(vector.text)
    assert_safe(post)
    assert_safe(wxmigrate.repair(post)[0], *vector.visible)


#: The allow-list, as nh3 takes it (global attributes under "*").
NH3_ATTRIBUTES = {"*": {"title", "lang", "dir", "style"}, **{tag: set(names) for tag, names in ALLOWED_TAGS.items()}}


def _raw_html(post: Post) -> list[str]:
    """Every piece of raw HTML a post holds: HTML blocks, the repost note, inline tags."""
    pieces = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, (HtmlBlock, Repost)):
            pieces.append(block.html)
        pieces += [inline.html for inline in walk_inlines(block_inlines(block)) if isinstance(inline, RawHtml)]
    return pieces


def _elements(markup: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Tags and attributes of a fragment (a style by its name only: nh3 writes it anew;
    no ``<tbody>``: html5ever adds one to every table)."""
    return [
        (str(element.tag), sorted((name, "" if name == "style" else value) for name, value in element.attrib.items()))
        for element in fragment(markup).iter()
        if isinstance(element.tag, str) and element.tag != "tbody"  # html5ever adds one to a table
    ]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.id)
def test_nh3_keeps_all_the_sanitizer_keeps(vector: Vector) -> None:
    """nh3 (ammonia), given the same allow-list and schemes, removes nothing from what
    :func:`sanitize_html` keeps of the vector's raw HTML: the hand-written sanitizer is at
    least as strict as the reference one, tag by tag, attribute by attribute, URL by URL."""
    pieces = _raw_html(wxmigrate.parse(vector.text))
    for piece in pieces:
        sanitized = sanitize_html(piece)
        again = nh3.clean(
            sanitized,
            tags=set(ALLOWED_TAGS),
            attributes=NH3_ATTRIBUTES,
            url_schemes=set(SAFE_SCHEMES),
            link_rel=None,
            filter_style_properties={"text-align"},
        )
        assert _elements(again) == _elements(sanitized)
        assert safety_problems(again) == []
