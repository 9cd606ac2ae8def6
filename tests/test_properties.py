"""Properties of the parser, the repair rules and the emitters, over posts from :mod:`wxmigrate.testing`.

Clean posts are generated in the shape repair leaves them in; damaged posts
are clean posts with the exporters' damage injected (``damaged_posts``).
Hostile text mixes generated posts with markup meant to break things.  The
``ci`` profile (tests/conftest.py) bounds the examples; run
``HYPOTHESIS_PROFILE=thorough`` for more.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import attrs
import pytest
from hypothesis import assume, example, given, note, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import wxmigrate
from wxmigrate.emit import to_markdown
from wxmigrate.errors import WxMigrateError
from wxmigrate.model import (
    AccountCard,
    Heading,
    OriginalCard,
    Paragraph,
    Post,
    Text,
)
from wxmigrate.parse import title_heading
from wxmigrate.read import decode, split_front_matter
from wxmigrate.rules import ORDER, RULES, make_options, repair
from wxmigrate.rules.conservation import article_text, html_text
from wxmigrate.testing import (
    PATTERNS,
    REPAIRED_BY,
    DamagedPost,
    GeneratedPost,
    damaged_posts,
    posts,
)

to_html: Callable[..., str] | None
try:
    from wxmigrate.emit.html import to_html
except ImportError as error:  # pragma: no cover - only while the HTML emitter is missing
    to_html = None
    HTML_MISSING = f"wxmigrate.emit.html does not import: {error}"
else:
    HTML_MISSING = ""

needs_html = pytest.mark.skipif(to_html is None, reason=HTML_MISSING or "n/a")

#: A fraction of the profile's examples, for tests parametrized many times over.
FEW = max(10, settings().max_examples // 4)

#: Posts with room for every kind of damage.
RICH_POSTS = posts(min_blocks=3, max_blocks=10)
#: What each pattern needs from the clean post to find a place at all.
NEEDS: dict[str, dict[str, Any]] = {"wrong_repost_note": {"repost": True, "account_card": True}}


def _parsed(sample: DamagedPost | GeneratedPost) -> Post:
    note(repr(sample))
    return wxmigrate.parse(sample.text)


def _explain(post: Post, changes: list[Any]) -> None:
    note("repaired:\n" + to_markdown(post))
    note("changes:\n" + "\n".join(change.explain() for change in changes))


# --------------------------------------------------------------------------
# Clean posts


@given(posts())
def test_clean_posts_pass_through_repair_unchanged(sample: GeneratedPost) -> None:
    """A generated clean post is a fixed point of repair, and what the generator says it holds is there."""
    post = _parsed(sample)
    repaired, changes = repair(post)
    assert [change.explain() for change in changes] == []
    assert repaired == post
    assert post.title == sample.title
    assert [image.src for image, _ in wxmigrate.images(post)] == list(sample.images)
    assert (post.account.name if post.account else sample.account) == sample.account
    assert (post.repost.via if post.repost else sample.account) == sample.account
    assert (post.original.name if post.original else None) == sample.original


# --------------------------------------------------------------------------
# Idempotence


@given(damaged_posts(clean=RICH_POSTS))
def test_every_rule_alone_is_idempotent(sample: DamagedPost) -> None:
    """Each rule, run on its own output, changes nothing more (every rule, on every example)."""
    post = _parsed(sample)
    assets = {image.src.replace("\\", "/").replace("\n", "").rsplit("/", 1)[-1]: "postimg/x.png"
              for image, _ in wxmigrate.images(post)}
    options = make_options(assets=assets, strip_boilerplate=True)
    for name in ORDER:
        once, _ = RULES[name](post, options)
        twice, changes = RULES[name](once, options)
        assert (name, [change.explain() for change in changes]) == (name, [])
        assert twice == once, name


@given(damaged_posts(clean=RICH_POSTS))
def test_repair_is_idempotent(sample: DamagedPost) -> None:
    """Repairing repaired output changes nothing, as a model and through its Markdown."""
    once, _ = repair(_parsed(sample))
    twice, changes = repair(once)
    assert [change.explain() for change in changes] == []
    assert twice == once
    text = to_markdown(once)
    again, changes = repair(wxmigrate.parse(text))
    assert [change.explain() for change in changes] == []
    assert to_markdown(again) == text


# --------------------------------------------------------------------------
# Recovery


def _with_one_pattern(data: st.DataObject, pattern: str) -> DamagedPost:
    """A post with ``pattern`` applied (examples where it found no place are not counted)."""
    clean = posts(min_blocks=3, max_blocks=10, **NEEDS.get(pattern, {}))
    sample = data.draw(damaged_posts(patterns=[pattern], clean=clean))
    assume(pattern in sample.patterns)
    return sample


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=FEW)
@given(data=st.data())
def test_repair_undoes_each_pattern_exactly(pattern: str, data: st.DataObject) -> None:
    """Repairing a post with one kind of damage gives back the clean post's model.

    The title heading (``title_heading``) is dropped by repair, as it is absent
    from the clean post: exact too.  Patterns the injectors can only apply in
    some places say so in their docstrings (wxmigrate/testing/damage.py).
    """
    sample = _with_one_pattern(data, pattern)
    repaired, changes = repair(_parsed(sample))
    _explain(repaired, changes)
    assert repaired == wxmigrate.parse(sample.clean.text)


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=FEW)
@given(data=st.data())
def test_the_rules_named_for_a_pattern_suffice(pattern: str, data: st.DataObject) -> None:
    """REPAIRED_BY is exact: those rules alone (with every other rule disabled) undo the pattern."""
    sample = _with_one_pattern(data, pattern)
    disabled = [name for name in ORDER if name not in REPAIRED_BY[pattern]]
    repaired, changes = repair(_parsed(sample), disabled=disabled)
    _explain(repaired, changes)
    assert repaired == wxmigrate.parse(sample.clean.text)


@given(damaged_posts(clean=RICH_POSTS))
def test_repair_undoes_any_mix_of_patterns(sample: DamagedPost) -> None:
    """Whatever mix of damage a post has, repairing it gives back the clean post's model."""
    repaired, changes = repair(_parsed(sample))
    _explain(repaired, changes)
    assert repaired == wxmigrate.parse(sample.clean.text)


@given(damaged_posts(clean=posts(repost=True, account_card=True, original_card=True, credits=True,
                                 provenance=True, footer=True, min_blocks=6, max_blocks=16)))
def test_repair_undoes_damage_to_whole_posts(sample: DamagedPost) -> None:
    """The same, on long posts with every part (repost note, cards, provenance, credits, footer)."""
    repaired, changes = repair(_parsed(sample))
    _explain(repaired, changes)
    assert repaired == wxmigrate.parse(sample.clean.text)


def test_title_heading_is_what_repair_drops() -> None:
    """The one lossy step by design: with keep_title_heading the H1 stays, and the rest still equals the clean post."""
    text = "---\ntitle: 社区居民开展活动\n---\n\n#社区居民开展活动\n居民开展活动。\n"
    clean = wxmigrate.parse("---\ntitle: 社区居民开展活动\n---\n\n居民开展活动。\n")
    assert repair(wxmigrate.parse(text, dialect="wechat"))[0] == clean
    kept, _ = repair(wxmigrate.parse(text, dialect="wechat"), keep_title_heading=True)
    heading = title_heading(kept)
    assert heading is not None and heading.spaced
    assert attrs.evolve(kept, blocks=tuple(b for b in kept.blocks if b is not heading)) == clean


# --------------------------------------------------------------------------
# Conservation


_REPOST_NOTE = re.compile(r"<blockquote>.*?</blockquote>", re.DOTALL)


def _body_letters(markdown: str) -> str:
    """Every letter and digit of a post's body, the repost note (whose account repair may
    correct) left out."""
    body = _REPOST_NOTE.sub("", split_front_matter(markdown).body)
    return "".join(char for char in body if char.isalnum())


@given(damaged_posts(clean=RICH_POSTS))
def test_repair_keeps_every_letter_and_digit_in_order(sample: DamagedPost) -> None:
    """Every letter and digit of the damaged text is in the repaired Markdown, in order.

    With ``keep_title_heading`` (the default drops the H1 that repeats the
    title, by design); counted on the text, not the model.
    """
    repaired, _ = repair(_parsed(sample), keep_title_heading=True)
    assert _body_letters(to_markdown(repaired)) == _body_letters(sample.text)


# --------------------------------------------------------------------------
# Round trips


@given(damaged_posts(clean=RICH_POSTS))
def test_parsing_markdown_output_gives_the_same_model(sample: DamagedPost) -> None:
    """parse(to_markdown(post)) == post: for the damaged post as parsed, and once repaired."""
    post = _parsed(sample)
    assert wxmigrate.parse(to_markdown(post)) == post
    repaired, _ = repair(post)
    assert wxmigrate.parse(to_markdown(repaired)) == repaired


# --------------------------------------------------------------------------
# Hostile and arbitrary input

#: Markup meant to run script or break out of where it stands.
HOSTILE = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.test/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="java{{x}}script:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    "[x](vbscript:msgbox(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="x.swf"></object>',
    "<embed src=x.swf>",
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<img src="x" srcset="javascript:alert(1) 1x">',
    "<video><source onerror=alert(1)></video>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<blockquote><p>转载：<script>alert(1)</script><br>来源：x</p></blockquote>",
    "<blockquote><p>转载：<img src=x onerror=alert(1)><br>\n来源：微信公众号</p></blockquote>",
    "| a | b |\n| - | - |\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "<div onclick=alert(1)>x</div>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<<script>script>alert(1)<</script>/script>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<frameset><frame src=javascript:alert(1)>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "<a href='{{ page.x }}'>x</a>",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    "**<script>**alert(1)**</script>**",
    "![](x\njavascript:alert(1).png)",
)
#: Bits of Markdown and export damage to mix with them, and markup escaped to be read as text.
MARKUP = ("**", "****", "*", "#", "# ", "##", "![](", "](", ")", "[", "]", "<", ">", "`", "```", "---", "***",
          "> ", "- ", "1. ", "|", "\\", "&amp;", "&#0;", "{{", "}}", "▲", "（转自X）", "微信号x",
          "以下文章来源于X", "\\*\\*粗\\*\\*", "\\*斜\\*", "\\[链接\\](x)", "\\`代码\\`", "\\# 非标题", "1\\. 非列表",
          "\\> 非引用", "a\\_b\\_c",
          "\r\n", "\t", "\u00a0", "\u3000", "\x00", "\ufeff", "\ud800")


def hostile_texts() -> st.SearchStrategy[str]:
    """Generated posts with hostile markup, Markdown debris and arbitrary text spliced in at line starts."""
    piece = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(MARKUP), st.text(max_size=12))
    glue = st.sampled_from(("", "\n", "\n\n", " "))
    junk = st.lists(st.tuples(piece, glue), max_size=8).map(lambda pairs: "".join(a + b for a, b in pairs))

    @st.composite
    def spliced(draw: st.DrawFn) -> str:
        small = posts(max_blocks=4)
        post = draw(st.one_of(small.map(lambda s: s.text), damaged_posts(clean=small).map(lambda s: s.text)))
        lines = post.split("\n")
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(lines)))
            lines.insert(at, draw(junk))
        return "\n".join(lines)

    return st.one_of(spliced(), junk, st.text())


def _parse_or_report(text: str) -> Post | None:
    """The parsed post, or None when the parser reported the text as unreadable (a located error)."""
    try:
        return wxmigrate.parse(text)
    except WxMigrateError as error:
        assert re.match(r"^<string>:\d+: \S", str(error)), str(error)
        return None


@given(hostile_texts())
def test_parser_never_crashes_on_text(text: str) -> None:
    """Any text parses, or is refused with a located WxMigrateError (broken front matter); nothing else."""
    post = _parse_or_report(text)
    if post is not None:
        assert all(finding.line >= 0 for finding in post.findings)


@given(st.one_of(st.binary(), hostile_texts().map(lambda text: text.encode("utf-8", "surrogatepass"))))
def test_parser_never_crashes_on_bytes(data: bytes) -> None:
    """Any bytes decode and parse, or are refused with a located WxMigrateError (bad encoding)."""
    try:
        text = decode(data)
    except WxMigrateError as error:
        assert re.match(r"^<bytes>:\d+: \S", str(error)), str(error)
        return
    _parse_or_report(text)


@given(hostile_texts())
def test_emit_parse_emit_is_stable(text: str) -> None:
    """Whatever the input, the Markdown we write parses back to the same model, which writes the
    same Markdown."""
    post = _parse_or_report(text)
    assume(post is not None)
    assert post is not None
    first = to_markdown(post)
    reparsed = wxmigrate.parse(first)
    note(f"our Markdown: {first!r}")
    assert reparsed == post
    assert to_markdown(reparsed) == first


#: Text full of what Markdown (and Liquid, and HTML) would read as markup.
MARKUP_TEXTS = st.lists(
    st.one_of(
        st.sampled_from(("*", "**", "_", "[", "]", "(", ")", "`", "\\", "#", "<", ">", "&", "!", "|", "-", "+", ".",
                         "=", "~", "{{", "{%", "&amp;", "&#123;", "1. ", "- ", "> ", "![", "](", "<b>", " ", "。", "“")),
        st.characters(exclude_categories=("Cs", "Cc")),
    ),
    min_size=1, max_size=12,
).map("".join).filter(lambda text: text.strip() == text and text.strip() != "")


@example(text="*斜*", heading=False)
@example(text="**粗**", heading=False)
@example(text="a_b_ c_", heading=False)
@example(text="[链接](x)", heading=False)
@example(text="`代码`", heading=True)
@example(text="<b>&amp;{{ x }}", heading=False)
@example(text="1. 非列表", heading=False)
@example(text="# 非标题", heading=False)
@given(text=MARKUP_TEXTS, heading=st.booleans())
def test_any_text_is_written_so_it_reads_back_the_same(text: str, heading: bool) -> None:
    """A paragraph (or heading) of any text, written as Markdown, reads back as the same text:
    the emitter escapes everything a parser would take for markup."""
    block = Heading(2, (Text(text),)) if heading else Paragraph((Text(text),))
    markdown = to_markdown(Post(blocks=(block,)))
    note(f"our Markdown: {markdown!r}")
    assert wxmigrate.parse(markdown).blocks == (block,)


@given(hostile_texts())
def test_repair_of_any_text_keeps_the_article(text: str) -> None:
    """Repair never fails on arbitrary text, keeps every letter and digit of the article, and its
    Markdown output holds them too."""
    post = _parse_or_report(text)
    assume(post is not None)
    assert post is not None
    repaired, _ = repair(post, keep_title_heading=True)
    assert article_text(repaired) == article_text(post)
    markdown = to_markdown(repaired)
    assert article_text(wxmigrate.parse(markdown)) == article_text(repaired)


# --------------------------------------------------------------------------
# HTML


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


def _without_cards(post: Post) -> Post:
    return attrs.evolve(post, blocks=tuple(b for b in post.blocks if not isinstance(b, (AccountCard, OriginalCard))))


def _html_tree(markup: str) -> Any:
    from lxml import html  # type: ignore[import-untyped]

    return html.fromstring("<div>" + markup + "</div>")


_COMMONMARK = MarkdownIt("commonmark")


def _commonmark(post: Post) -> Any:
    """The post's Markdown body as a strict CommonMark engine renders it (Liquid kept in URLs)."""
    return _html_tree(_COMMONMARK.render(split_front_matter(to_markdown(post)).body))


def _sources(tree: Any) -> list[str]:
    return [unquote(src) for src in tree.xpath("//img/@src")]


@needs_html
@given(damaged_posts(clean=posts(min_blocks=2, max_blocks=10)))
def test_html_and_markdown_carry_the_same_text_and_images(sample: DamagedPost) -> None:
    """A repaired post's HTML and its Markdown (rendered by CommonMark) show the same letters and
    digits in the same order and the same images.

    The account and original-source cards are written from their fields in
    HTML (the name once, not as the exporter's repeated lines), so the text is
    compared without them, and each card's fields are checked in its HTML.
    """
    assert to_html is not None
    repaired, _ = repair(_parsed(sample))
    html_tree = _html_tree(to_html(repaired))
    note(to_html(repaired))
    assert _sources(html_tree) == _sources(_commonmark(repaired))
    bare = _without_cards(repaired)
    assert _letters(_html_tree(to_html(bare)).text_content()) == _letters(_commonmark(bare).text_content())
    cards = {"wx-account": repaired.account, "wx-original": repaired.original}
    for css_class, card in cards.items():
        found = html_tree.xpath(f"//aside[@class='{css_class}']")
        assert len(found) == (card is not None)
        if card is None:
            continue
        shown = _letters(found[0].text_content())
        second = card.wechat_id if isinstance(card, AccountCard) else card.author
        fields = (card.name, second, card.intro)
        assert all(_letters(field) in shown for field in fields if field)


#: Elements that run script, load active content, or change where links go.
SCRIPT_CAPABLE = frozenset((
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "input", "button",
    "textarea", "select", "svg", "math", "template", "noscript", "style", "link", "isindex", "xmp",
    "plaintext", "portal",
))
_URL_ATTRIBUTES = frozenset((
    "href", "src", "srcset", "poster", "cite", "action", "formaction", "background", "data", "codebase",
    "xlink:href", "lowsrc", "dynsrc",
))
_SAFE_SCHEMES = ("http", "https", "mailto", "tel", "ftp", "ftps")


def _unsafe_url(name: str, value: str) -> bool:
    """Whether a URL attribute's value (entities already decoded) could run script."""
    if re.sub(r"\{\{\s*site\.(?:baseurl|url)\s*\}\}", "", value).count("{") and re.search(r"\{\{|\{%", value):
        return True  # other Liquid may expand to anything once Jekyll runs
    urls = [value]
    if name == "srcset":
        urls = [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    for url in urls:
        squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]|\{\{.*?\}\}", "", url).lower()
        scheme = re.match(r"([a-z][a-z0-9+.\-]*):", squeezed)
        if scheme and scheme.group(1) not in _SAFE_SCHEMES:
            return True
    return False


class _ScriptFinder(HTMLParser):
    """Collects every script-capable element and attribute an HTML parser sees."""

    def __init__(self, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        refresh = any(name == "http-equiv" for name, _ in attributes)
        if tag in SCRIPT_CAPABLE or (tag == "meta" and (not self.page or refresh)):
            self.found.append(f"<{tag}>")
        for name, value in attributes:
            value = value or ""
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.append(f"<{tag} {name}>")
            elif name in _URL_ATTRIBUTES and _unsafe_url(name, value):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and re.search(r"expression|url\s*\(|javascript|@import", value, re.IGNORECASE):
                self.found.append(f"<{tag} style={value!r}>")

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attributes)


def script_capable_markup(markup: str, *, page: bool = False) -> list[str]:
    """Every element or attribute of ``markup`` that could run script (empty when safe)."""
    finder = _ScriptFinder(page=page)
    finder.feed(markup)
    finder.close()
    return finder.found


def test_the_script_finder_finds_script() -> None:
    """The checker itself: it flags each way markup can run script, and passes plain markup."""
    bad = (
        '<script>x</script>', '<img src=x onerror=y>', '<a href="jav&#x61;script:x">', '<a href=" java\tscript:x">',
        '<iframe src=x>', '<p style="x:expression(y)">', '<a href="{{ page.x }}">', '<img srcset="x 1x, javascript:y 2x">',
    )
    for markup in bad:
        assert script_capable_markup(markup), markup
    fine = '<p><a href="https://x.test/">a</a><img src="{{site.baseurl}}/x.png" alt=""></p>'
    assert script_capable_markup(fine) == []


@needs_html
@given(hostile_texts(), st.booleans())
def test_no_input_yields_html_that_can_run_script(text: str, standalone: bool) -> None:
    """No generated input, however hostile, yields HTML with script-capable markup (repaired or not)."""
    assert to_html is not None
    post = _parse_or_report(text)
    assume(post is not None)
    assert post is not None
    for version in (post, repair(post)[0]):
        markup = to_html(version, standalone=standalone)
        note(markup)
        assert script_capable_markup(markup, page=standalone) == []


# --------------------------------------------------------------------------
# Gaps the properties found, each pinned by its minimal example.  Fixed ones stay as
# regression tests.  Open ones are strict xfails that run only their pinned example
# (so fixing one turns it into a failure that says to remove the mark), and the
# properties above step around them (_writes_back_differently).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("居民说是**“快查快打**”。\n", "居民说是“**快查快打**”。\n", id="quote-pair-leaves-bold-together"),
        pytest.param("开展活动\n**1户**\n。\n", "开展活动**1户**。\n", id="sentence-cut-twice"),
        pytest.param("居民说是“\n**快查快打**\n”。居民说是\n**“快查快打**\n”。\n",
                     "居民说是“**快查快打**”。居民说是“**快查快打**”。\n", id="a-term-twice-is-not-two-leads"),
    ],
)
def test_found_repairs_stay_fixed(text: str, expected: str) -> None:
    """Repairs the properties once found wrong give what they should (in an exported post)."""
    repaired, _ = repair(wxmigrate.parse(text, dialect="wechat"))
    assert to_markdown(repaired) == expected


@pytest.mark.parametrize(
    ("name", "text"),
    [("join_cut_sentences", "甲\n**一是**\n：乙。\n"), ("fit_bold_to_cjk_punctuation", "甲**乙，******丙\n")],
)
def test_found_rules_stay_idempotent(name: str, text: str) -> None:
    """Rules the properties once found not idempotent change nothing on their own output."""
    rule, options = RULES[name], make_options()
    once, _ = rule(wxmigrate.parse(text), options)
    assert [change.explain() for change in rule(once, options)[1]] == []


@pytest.mark.parametrize(
    "text",
    ["\n---\n", "\n+++\n\n文字。\n", "\t<div>x</div>\n", "<script\n", "<SCRIPT", "![x](a<b>)\n", "\\\n0\n",
     "## a \\#\n"],
)
def test_found_round_trips_stay_fixed(text: str) -> None:
    """Shapes the properties once found reading back differently parse back from our Markdown the
    same: a body opening with a fence line, indented block tags, unclosed raw HTML blocks, image
    sources with angle brackets, a line that is only a backslash, a heading ending with a hash."""
    _assert_round_trips(text)


def test_stray_bold_after_an_image_does_not_make_it_an_avatar() -> None:
    """An article image with stray ``****`` under a card without avatar stays in the article."""
    post = wxmigrate.parse("以下文章来源于南湖环保志愿队\n\n![]({{site.baseurl}}/assets/wx/photo01.jpeg)****\n")
    assert post.original is not None and post.original.avatar is None
    repaired, _ = repair(post)
    assert [type(block).__name__ for block in repaired.blocks] == ["OriginalCard", "Figure"]


def test_a_lone_surrogate_does_not_crash_the_parser() -> None:
    """parse() takes any Python string, a lone surrogate in the repost note included."""
    post = _parse_or_report("<blockquote><p>转载：梧桐社区服务站<br>\n\ud800\n来源：微信公众号</p></blockquote>\n")
    assert post is not None and post.repost is not None


def _assert_round_trips(text: str) -> None:
    post = wxmigrate.parse(text)
    assert wxmigrate.parse(to_markdown(post)) == post


#: What a rule removes before block HTML, and the HTML: together, a line that would open
#: with block HTML once the rule has run.
_BEFORE_HTML = st.sampled_from(["**", "****", "\xa0", "**\u200b", "![](\n", "正文\n**", "正文\n****", "** "])
_BLOCK_HTML_LINES = st.sampled_from(
    ["<script>x</script>", "<!-- 注释 -->", "<div>块</div>", "<textarea>t</textarea>", "<p>段</p>", "<pre>p</pre>"]
)


@given(text=st.builds(lambda a, b, c: a + b + c, _BEFORE_HTML, _BLOCK_HTML_LINES, st.sampled_from(["", "\n", "尾\n"])))
@example(text="**<script>\n")
@example(text="![](\n<!-- c -->\n")
@example(text="\xa0<textarea><script>alert(1)</script></textarea>\n---\nlayout: post\n---\n\n居民开展活动。\n")
def test_a_line_opening_with_block_html_round_trips(text: str) -> None:
    """No repaired paragraph has a line opening with block-level raw HTML, which our Markdown
    would read back as an HTML block: the parser ends a paragraph there (an image path split
    over lines included), and rules that would leave one (a dangling ``**``, a no-break space,
    an empty bold run before ``<script>``) leave that block alone."""
    post, _ = repair(wxmigrate.parse(text))
    assert wxmigrate.parse(to_markdown(post)) == post


@pytest.mark.parametrize(("markup", "shown"), [("<script>x", ""), ("<style>x", ""), ("<textarea>x", "x"), ("<title>x", "x")])
def test_an_unclosed_script_shows_no_invented_text(markup: str, shown: str) -> None:
    """The text of an unclosed raw-text element is the text of the closed one (none for a
    script's or a style's code, which a browser never shows)."""
    closing = "</" + markup[1 : markup.index(">")] + ">"
    assert html_text(markup) == html_text(markup + closing) == shown


