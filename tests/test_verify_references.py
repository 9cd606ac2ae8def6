"""``load_blocks`` and ``scan``, verification's quick reads of a post, find exactly the references ``load`` does.

Verification reads each post with :func:`wxmigrate.parse.load_blocks`, which
skips what :func:`~wxmigrate.parse.load` derives after the blocks (title,
metadata, findings).  These tests compare the image references of both
readings, and the error when a post cannot be read, on every fixture post,
the shared corpus and generated posts, clean and damaged.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wxmigrate.errors import WxMigrateError
from wxmigrate.model import Image, images, inline_lines, walk_blocks, walk_inlines
from wxmigrate.parse import load, load_blocks
from wxmigrate.testing import DamagedPost, GeneratedPost, damaged_posts, posts
from wxmigrate.verify.references import Reference, references
from wxmigrate.verify.scan import scan

from .helpers import FIXTURES, ROOT, SAMPLE_SITE, WILD, corpus_posts
from .spec_examples import COMMONMARK_SPEC, GFM_SPEC, load_examples


def both_readings(path: Path) -> tuple[list[Reference] | str, list[Reference] | str]:
    """The references (or the error) of ``path`` read by ``load`` and by ``load_blocks``."""
    readings: list[list[Reference] | str] = []
    for reader in (load, load_blocks):
        try:
            readings.append(list(references(reader(path))))
        except WxMigrateError as error:
            readings.append(str(error))
    return readings[0], readings[1]


def fixture_posts() -> list[Path]:
    return sorted(path for path in FIXTURES.rglob("*.md") if path.is_file())


def test_fixture_posts_have_the_same_references() -> None:
    paths = fixture_posts()
    assert len(paths) > 50
    found = 0
    for path in paths:
        full, quick = both_readings(path)
        assert quick == full, path
        found += len(full) if isinstance(full, list) else 0
    assert found > 50  # the fixtures do hold images: the comparison is not of empty lists


@pytest.mark.corpus
@pytest.mark.parametrize("folder", [SAMPLE_SITE, WILD], ids=["sample-site", "wild"])
def test_corpus_posts_have_the_same_references(folder: Path) -> None:
    for path in corpus_posts(folder):
        full, quick = both_readings(path)
        assert quick == full, path


def same_when_written(text: str) -> None:
    """Write ``text`` as a post and compare both readings of it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8")
        full, quick = both_readings(path)
    assert quick == full


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_damaged_posts_have_the_same_references(sample: DamagedPost) -> None:
    same_when_written(sample.text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_clean_posts_have_the_same_references(sample: GeneratedPost) -> None:
    same_when_written(sample.text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("-:\n ![]()<>*`#{}a/\\\"'"), max_size=120))
def test_odd_text_has_the_same_references_or_error(text: str) -> None:
    same_when_written(text)


def test_broken_front_matter_is_the_same_error(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: [unclosed\n---\n![](a.png)\n", encoding="utf-8")
    full, quick = both_readings(path)
    assert isinstance(full, str) and quick == full


def test_images_are_at_the_lines_inline_lines_gives() -> None:
    """``model.images`` counts lines only up to each image: the same lines as counting every run."""
    for path in fixture_posts():
        try:
            post = load(path)
        except WxMigrateError:
            continue
        every_run = [
            (inner, line)
            for block in walk_blocks(post.blocks)
            for inline, line in inline_lines(block)
            for inner in walk_inlines((inline,))
            if isinstance(inner, Image)
        ]
        assert list(images(post)) == every_run, path


# --------------------------------------------------------------------------
# The scan: verification's fast path finds what the parse finds, or leaves the post to it.

#: Front matter that makes a post an exporter's (``wechat-jekyll``), which the scan reads;
#: a generic post is always parsed.
WECHAT_FRONT_MATTER = "---\nauthor: 转载\n---\n"


def scan_agrees(path: Path) -> bool:
    """Whether the scan of ``path`` left it to the parser (False) or found exactly the
    references ``load`` finds (True); a disagreement fails the test."""
    scanned = scan(path)
    if scanned is None:
        return False
    full, _quick = both_readings(path)
    assert scanned == full, path
    return True


def scan_agrees_on(text: str) -> bool:
    """:func:`scan_agrees` on ``text`` written as a post."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8")
        return scan_agrees(path)


def test_scan_agrees_on_the_fixture_posts() -> None:
    scanned = [path for path in fixture_posts() if scan_agrees(path)]
    assert len(scanned) >= 10  # the fast path is taken, not only left to the parser


@pytest.mark.corpus
@pytest.mark.parametrize("folder", [SAMPLE_SITE, WILD], ids=["sample-site", "wild"])
def test_scan_agrees_on_the_corpus(folder: Path) -> None:
    for path in corpus_posts(folder):
        scan_agrees(path)


def test_scan_decides_the_benchmark_posts(tmp_path: Path) -> None:
    """The benchmark's posts (damaged as exports are) are scanned, and as the parser reads them."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic_site
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    site = synthetic_site.build_site(tmp_path / "site", 12, distinct_count=12)
    scanned = [path for path in site.posts if scan_agrees(path)]
    assert len(scanned) >= 9


@pytest.mark.parametrize("spec", [COMMONMARK_SPEC, GFM_SPEC], ids=["commonmark", "gfm"])
def test_scan_agrees_on_the_spec_examples(spec: Path) -> None:
    """Every spec example, as a generic post and as an exporter's."""
    scanned = 0
    for example in load_examples(spec):
        scan_agrees_on(example["markdown"])
        scanned += scan_agrees_on(WECHAT_FRONT_MATTER + example["markdown"])
    assert scanned >= 10  # some are scanned: the comparison is not only of posts left to the parser


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_scan_agrees_on_damaged_posts(sample: DamagedPost) -> None:
    scan_agrees_on(sample.text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(posts())
def test_scan_agrees_on_clean_posts(sample: GeneratedPost) -> None:
    scan_agrees_on(sample.text)


#: What the scan must be careful about: emphasis, brackets, escapes, entities, captions, HTML.
ODD_CHARACTERS = "-:\n ![]()<>*_`#{}a/\\\"'&;▲|~=>+1.\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ODD_CHARACTERS), max_size=160))
def test_scan_agrees_on_odd_text(text: str) -> None:
    scan_agrees_on(WECHAT_FRONT_MATTER + text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["![](a.png)", "![x](b/c.png)", "![](d\ne.png)", "![](f\\g.png)", "**", "*", "_", "\n", "\n\n",
             "▲图", "文字", "<p>", "<div>", "# 标题", "***", "&#10;", "\\", "[a]", "(b)", " ", "`"]
        ),
        max_size=30,
    )
)
def test_scan_agrees_on_image_lines(pieces: list[str]) -> None:
    """Images among bold runs, captions, line ends and HTML: the lines the parser gives them."""
    scan_agrees_on(WECHAT_FRONT_MATTER + "".join(pieces))


def runs_agree(text: str) -> None:
    """The scan taken a run of non-blank lines at a time gives what its line-by-line loop
    gives over the whole body (the fast path and the slow path agree)."""
    from wxmigrate.parse.dialects import UNNESTED_BOLD, detect
    from wxmigrate.read import split_front_matter
    from wxmigrate.verify.scan import _body_references, _lines_references

    try:
        source = split_front_matter(text, "post.md")
    except WxMigrateError:
        return
    if "![" not in source.body:
        assert _body_references(source) == []  # no image: nothing to go through
        return
    dialect = detect(source.front_matter, source.body)
    if "]:" in source.body or dialect == "generic":
        return  # left to the parser before either runs
    lines = source.body.split("\n")
    nested_bold = dialect not in UNNESTED_BOLD
    assert _body_references(source) == _lines_references(lines, source.body_line, nested_bold)


#: Odd characters and every kind of blank: a line of only these is no line of text.
RUN_CHARACTERS = ODD_CHARACTERS + "\u00a0\u3000转载 \n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(RUN_CHARACTERS), max_size=200))
def test_runs_agree_with_lines_on_odd_text(text: str) -> None:
    runs_agree(WECHAT_FRONT_MATTER + text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_posts())
def test_runs_agree_with_lines_on_damaged_posts(sample: DamagedPost) -> None:
    runs_agree(sample.text)


def test_runs_agree_with_lines_on_the_fixture_posts() -> None:
    for path in fixture_posts():
        runs_agree(path.read_text(encoding="utf-8", errors="replace"))


# --------------------------------------------------------------------------
# A paragraph where only its images' lines are in doubt is parsed alone, not the whole post.

#: Paragraphs whose images' lines the scan cannot tell by itself: a bold run from the line
#: above (the benchmark's posts, damaged so), a caption before an image, a run opened before
#: an image over two lines.
IN_DOUBT = [
    "**守护工作人员“光盘行动”**\n![](a/photo.gif)**二****是**，发放便民服务\n**1****939小时**\n",
    "**其****次：**完成植树活动**13****台**、\n**截至1月4日4时\n![](b.png)**\n文字\n",
    "▲图注![](c.png)\n",
    "![](d.png)  \n▲活动现场![](e.png)\n",
    "**甲 ![](f\ng.png)** ![](h.png) 乙\n",
    "##标题\n**粗**\n![](h.png)**乙**\n",
]


@pytest.mark.parametrize("paragraph", IN_DOUBT)
def test_a_paragraph_in_doubt_is_parsed_alone(paragraph: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The post is scanned (not left to the parser), the paragraph read by the parser's block
    reader, and the references are the whole parse's."""
    from wxmigrate.verify import scan as scanning

    parsed: list[list[str]] = []
    real = scanning._parsed_images

    def counted(lines: list[str], nested_bold: bool) -> list[tuple[int, str]]:
        parsed.append(lines)
        return real(lines, nested_bold)

    monkeypatch.setattr(scanning, "_parsed_images", counted)
    text = WECHAT_FRONT_MATTER + "正文。\n\n" + paragraph + "\n尾。\n"
    assert scan_agrees_on(text)
    assert parsed  # the paragraph was parsed alone


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["![](a.png)", "![x](b/c.png)", "![](d\ne.png)", "**", "*", "_", "\n", "▲图", "文字", " ", "  \n"]),
        max_size=30,
    ),
    st.sampled_from([WECHAT_FRONT_MATTER, "---\nsource: s\ncreated: 2020-01-01\n---\n"]),
)
def test_paragraphs_in_doubt_agree(pieces: list[str], front_matter: str) -> None:
    """Bold runs, captions and images over lines in one paragraph, in a dialect that nests bold
    runs and in one that does not (Obsidian's): the scan finds what the parse finds."""
    scan_agrees_on(front_matter + "".join(pieces))


def test_a_body_without_an_image_is_not_scanned() -> None:
    """A body with no ``![`` has no image references, whatever it holds (quotes, code, lists,
    HTML, reference definitions, a generic post): the scan finds the front matter's only."""
    text = "---\ncover: c.png\n---\n> 引用\n\n- 列表\n\n```\n代码 <img src=x.png>\n```\n\n[a]: b.png\n\n<div>x</div>\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.md"
        path.write_text(text, encoding="utf-8")
        assert scan_agrees(path)
        assert [ref.key for ref in scan(path) or []] == ["cover"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(RUN_CHARACTERS + "0123456789)_"), max_size=200))
def test_special_line_starts_are_those_of_both_line_patterns(text: str) -> None:
    """``_SPECIAL_START`` (the shared start taken out of its alternatives) finds the line ends
    that its two line patterns, joined as written, find."""
    import re

    from wxmigrate.verify.scan import _RULE_LIKE_LINE, _SPECIAL_START, _UNSURE_START

    joined = re.compile(rf"\n(?:{_RULE_LIKE_LINE}|{_UNSURE_START})", re.MULTILINE)
    body = "\n" + text
    assert [m.span() for m in _SPECIAL_START.finditer(body)] == [m.span() for m in joined.finditer(body)]
