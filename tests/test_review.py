"""``wxmigrate repair --review DIR``: the pages it writes, what they show, and where."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]

from wxmigrate.cli import run
from wxmigrate.migrate import ImageUse, PostResult, repair_site
from wxmigrate.review import Review
from wxmigrate.review.index import Summary, order

from .helpers import DEMO_SITE

SPRING = "2022-03-05-春耕时节"
LIBRARY = "2022-04-18-社区图书角开放"


def _site(tmp_path: Path) -> Path:
    """The demo site with one image broken (in the first post) and one missing (in the second)."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / "assets" / "wx" / "field04.jpeg").write_bytes(b"not a picture at all")
    second = site / "_posts" / f"{LIBRARY}.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n![缺图](/assets/wx/gone.png)\n", encoding="utf-8")
    return site


def _repair(*arguments: str) -> int:
    return run(["repair", *arguments, "--quiet"], out=io.StringIO(), err=io.StringIO())


def _page(review: Path, post: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(next((review / "posts").glob(f"*-{post}.html")))).getroot()


@pytest.fixture
def review(tmp_path: Path) -> Path:
    site = _site(tmp_path)
    assert _repair(str(site), "--out", str(tmp_path / "out"), "--review", str(tmp_path / "review")) == 1
    return tmp_path / "review"


def test_review_has_an_index_and_a_page_per_post(review: Path) -> None:
    """index.html, and one page per post named after it."""
    assert (review / "index.html").is_file()
    names = sorted(path.name for path in (review / "posts").iterdir())
    assert names == [f"0001-{SPRING}.html", f"0002-{LIBRARY}.html"]


def test_index_puts_posts_with_problems_first_then_the_most_changed(tmp_path: Path) -> None:
    """A post with a problem heads the list even with fewer changes; then changes decide."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    second = site / "_posts" / f"{LIBRARY}.md"
    second.write_text(second.read_text(encoding="utf-8") + "\n![缺图](/assets/wx/gone.png)\n", encoding="utf-8")
    assert _repair(str(site), "--out", str(tmp_path / "out"), "--review", str(tmp_path / "review")) == 1
    index = lxml_html.parse(str(tmp_path / "review" / "index.html")).getroot()
    rows = index.xpath("//table[@class='posts']//tr[td]")
    assert [row.xpath("string(td[1]/a)") for row in rows] == ["社区图书角开放", "春耕时节"]
    assert "1 image(s) missing" in rows[0].xpath("string(td[2])")
    assert [unquote(href) for href in index.xpath("//table[@class='posts']//a/@href")] == [
        f"posts/0002-{LIBRARY}.html", f"posts/0001-{SPRING}.html"
    ]


def test_order_sorts_by_problems_then_changes() -> None:
    """Problems first; among equals, most changes first; then by path."""
    def post(source: str, changes: int, *problems: str) -> Summary:
        return Summary(source, source, source, (("rule", changes),) if changes else (), problems, bool(changes))

    posts = [post("a", 1), post("b", 9), post("c", 0, "error"), post("d", 9)]
    assert [summary.source for summary in order(posts)] == ["c", "b", "d", "a"]


def test_index_counts_changes_by_rule(review: Path) -> None:
    """The rule table adds up to the changes of the run, with the posts each rule touched."""
    index = lxml_html.parse(str(review / "index.html")).getroot()
    counts = {
        row.xpath("string(td[1])"): (int(row.xpath("string(td[2])")), int(row.xpath("string(td[3])")))
        for row in index.xpath("//table[@class='rules']//tr[td]")
    }
    assert counts["space_after_heading_marks"] == (2, 2)
    assert counts["merge_adjacent_bold"] == (3, 1)
    per_post = sum(int(row.xpath("string(td[3])")) for row in index.xpath("//table[@class='posts']//tr[td]"))
    assert sum(changes for changes, _posts in counts.values()) == per_post


def test_each_change_stands_beside_the_block_it_was_made_in(review: Path) -> None:
    """A rule's note is in the row of the original block holding its line."""
    page = _page(review, LIBRARY)
    rows = page.xpath("//section[contains(@class,'original')]//div[contains(@class,'row')]")
    heading = next(row for row in rows if "space_after_heading_marks" in row.xpath("string(aside)"))
    assert heading.xpath("string(div[@class='block'])").startswith("#社区图书角开放")
    assert heading.get("id") == "line-13"
    for row in rows:
        first = int(row.get("id", "line-0").removeprefix("line-"))
        lines = [int(line) for line in re.findall(r"line (\d+)", row.xpath("string(aside)"))]
        assert all(line >= first or first == 0 for line in lines)


def test_change_notes_show_rule_before_and_after(review: Path) -> None:
    """Each note names the rule and shows the before and after of --explain."""
    page = _page(review, SPRING)
    notes = page.xpath("//aside[@class='changes']//li")
    merged = next(note for note in notes if note.xpath("string(span[@class='rule'])") == "merge_adjacent_bold")
    assert merged.xpath("string(del)") == "**梧桐****社区****服务站**"
    assert merged.xpath("string(ins)") == "**梧桐社区服务站**"
    assert len(notes) == 38


def test_repaired_column_shows_the_repair(review: Path) -> None:
    """The repaired side has bold where the original shows asterisks."""
    page = _page(review, SPRING)
    repaired = page.xpath("string(//section[contains(@class,'repaired')])")
    original = page.xpath("string(//section[contains(@class,'original')])")
    assert "**" in original and "**" not in repaired
    strong = [element.text_content() for element in page.xpath("//section[contains(@class,'repaired')]//strong")]
    assert "守护农户“饭碗”" in strong


def test_images_are_local_thumbnails_or_marked(review: Path) -> None:
    """Every picture is a file of the source, linked relatively; the rest are marked boxes."""
    for page_file in (review / "posts").iterdir():
        page = lxml_html.parse(str(page_file)).getroot()
        for src in page.xpath("//img/@src"):
            assert not re.match(r"[a-z]+:|//", src), src
            assert (page_file.parent / unquote(src)).resolve().is_file(), src
    spring = _page(review, SPRING)
    broken = spring.xpath("//span[contains(@class,'image-undecodable')]")
    assert broken and all(not box.xpath(".//img") for box in broken)
    remote = spring.xpath("//span[contains(@class,'image-remote')]")
    assert remote and all("remote: not loaded" in box.text_content() and not box.xpath(".//img") for box in remote)
    library = _page(review, LIBRARY)
    missing = library.xpath("//span[contains(@class,'image-missing')]")
    assert missing and all("missing" in box.text_content() and not box.xpath(".//img") for box in missing)


def test_image_table_lists_every_image_with_its_status(review: Path) -> None:
    """One row per image of the post, in source order, with the run's verdict."""
    page = _page(review, SPRING)
    statuses = [row.xpath("string(td[3])") for row in page.xpath("//section[@class='images']//tr[td]")]
    assert statuses == ["remote", "ok", "ok", "ok", "ok", "undecodable", "ok"]


def test_pages_load_nothing_from_elsewhere(review: Path) -> None:
    """No script, no remote address in any src or link to a stylesheet; the style is inline."""
    for page_file in [review / "index.html", *(review / "posts").iterdir()]:
        text = page_file.read_text(encoding="utf-8")
        assert "<script" not in text.lower()
        page = lxml_html.fromstring(text)
        assert not page.xpath("//link | //iframe | //object | //embed")
        assert all(not re.match(r"[a-z]+:|//", value) for value in page.xpath("//@src | //@srcset | //@poster"))
        assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_dry_run_writes_the_review_and_nothing_else(tmp_path: Path) -> None:
    """With --dry-run the output folder stays empty, the review is written."""
    site = _site(tmp_path)
    code = _repair(str(site), "--out", str(tmp_path / "out"), "--dry-run", "--review", str(tmp_path / "review"))
    assert code == 1
    assert not (tmp_path / "out").exists()
    assert len(list((tmp_path / "review" / "posts").iterdir())) == 2
    assert "dry run" in (tmp_path / "review" / "index.html").read_text(encoding="utf-8")


def test_a_page_is_written_as_its_post_is_done(tmp_path: Path) -> None:
    """Each page exists before the next post is done; the review keeps only summaries."""
    review = Review(tmp_path / "review")
    written: list[int] = []

    def add(post: PostResult) -> None:
        review.add(post)
        written.append(len(list(review.posts_folder.iterdir())))

    result = repair_site(DEMO_SITE, out=tmp_path / "out", dry_run=True, on_post=add)
    assert written == [1, 2]
    assert all(isinstance(summary, Summary) for summary in review.summaries)
    assert not any("梧桐社区的便民服务窗口" in repr(summary) for summary in review.summaries)
    assert review.finish(result).is_file()


def test_a_post_that_fails_is_listed_first_with_its_error(tmp_path: Path) -> None:
    """A post that cannot be read still has a page, and heads the index with its error."""
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    (site / "_posts" / "2022-05-01-坏.md").write_text("---\ntitle: 坏\ndate: 2022-05-01\n正文\n", encoding="utf-8")
    assert _repair(str(site), "--out", str(tmp_path / "out"), "--review", str(tmp_path / "review")) == 1
    index = lxml_html.parse(str(tmp_path / "review" / "index.html")).getroot()
    first = index.xpath("//table[@class='posts']//tr[td]")[0]
    assert "2022-05-01-坏.md" in first.xpath("string(td[1])")
    assert "never closed" in first.xpath("string(td[2])")
    page = _page(tmp_path / "review", "2022-05-01-坏")
    assert "not repaired" in page.xpath("string(//section[contains(@class,'repaired')])")


def test_html_output_is_reviewed_as_html(tmp_path: Path) -> None:
    """With --format html the repaired column is the HTML written, its images found."""
    code = _repair(str(DEMO_SITE), "--out", str(tmp_path / "out"), "--format", "html", "--review", str(tmp_path / "review"))
    assert code == 0
    page = _page(tmp_path / "review", SPRING)
    repaired = page.xpath("//section[contains(@class,'repaired')]")[0]
    assert repaired.xpath(".//strong") and "**" not in repaired.text_content()
    assert repaired.xpath(".//span[contains(@class,'image-ok')]/img")


def test_review_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    """A file where the review folder should be: one line naming it, exit 2, nothing repaired."""
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    err = io.StringIO()
    code = run(["repair", str(DEMO_SITE), "--out", str(tmp_path / "out"), "--review", str(tmp_path / "taken")],
               out=io.StringIO(), err=err)
    assert code == 2
    assert "cannot make the review folder" in err.getvalue() and str(tmp_path / "taken") in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_results_kept_by_a_run_hold_no_images() -> None:
    """A run keeps each post without its texts and images (memory does not grow with them)."""
    use = ImageUse("a.png", 3, "ok", Path("a.png"), "/a.png")
    post = PostResult(source=Path("a.md"), original="x", repaired="y", images=(use,))
    assert post.without_texts() == PostResult(source=Path("a.md"))
