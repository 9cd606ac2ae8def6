"""Layouts: any folder of posts mirrored under OUT, or re-laid out for an engine; slugs and dates."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

import wxmigrate
from wxmigrate.cli import run
from wxmigrate.layout import parse_date, post_date, post_meta, post_slug, slugify, unique

from .helpers import WILD, corpus_posts

# Three exporters' ways of keeping posts, in miniature (sentences of our own).
DOCSIFY = (
    "# 社区菜园开张了\n\n[**返回列表页**](/gzh/梧桐社区)\n\n小懒自动备份，仅供查阅学习\n\n"
    "今天上午，社区菜园正式开张。\n\n居民可以认领一块地，种上喜欢的蔬菜。\n\n![](_media/garden.png)\n"
)
CLIPPING = (
    '---\ntitle: "雨后的河堤"\nsource: "https://mp.weixin.qq.com/s/x"\nauthor:\n  - "[[青禾农技]]"\n'
    'created: 2024-05-02\ntags:\n  - "散步"\n---\n\n雨停以后，河堤上的人多了起来。\n\n'
    "有人**钓鱼**，有人“**放风筝**”。\n"
)
FEED = (
    "#  夜市里的手艺人   \n原创 青禾  青禾农技   2023-11-02 17:59  \n  \n"
    "夜市开到十点，手艺人的摊位前总有人围着。  \n  \n他们做糖画，也修雨伞。  \n"
)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def wild_folder(tmp_path: Path) -> Path:
    """A folder of posts in no engine's layout: nested account folders, a clipping, a feed archive."""
    root = tmp_path / "wild"
    (root / "gzh" / "梧桐社区" / "_media").mkdir(parents=True)
    (root / "gzh" / "梧桐社区" / "社区菜园开张了.md").write_text(DOCSIFY, encoding="utf-8")
    (root / "Clippings").mkdir()
    (root / "Clippings" / "雨后的河堤.md").write_text(CLIPPING, encoding="utf-8")
    (root / "doc" / "2023" / "2023-11").mkdir(parents=True)
    (root / "doc" / "2023" / "2023-11" / "夜市里的手艺人.md").write_text(FEED, encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (12, 8), "green").save(root / "gzh" / "梧桐社区" / "_media" / "garden.png")
    return root


def _posts(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


def test_slugify_keeps_cjk_and_drops_punctuation() -> None:
    """Letters of any script stay; punctuation, spaces and URL-unsafe characters become one dash."""
    assert slugify("三个神器，必有一用！") == "三个神器-必有一用"
    assert (
        slugify("CVE-2024-4577｜PHP CGI 远程代码执行（POC）")
        == "cve-2024-4577-php-cgi-远程代码执行-poc"
    )
    assert slugify("a/b?c#d%e") == "a-b-c-d-e"
    assert slugify("！！！") == "post"
    assert len(slugify("长" * 200)) == 60


def test_parse_date_reads_the_usual_forms() -> None:
    """ISO dates, Chinese dates and a time after them; nonsense is None."""
    assert parse_date("2021-06-20") == dt.date(2021, 6, 20)
    assert parse_date("2021年6月20日 10:05") == dt.datetime(2021, 6, 20, 10, 5)
    assert parse_date("看雪学苑   2023-11-02 17:59") == dt.datetime(2023, 11, 2, 17, 59)
    assert parse_date(dt.date(2020, 1, 2)) == dt.date(2020, 1, 2)
    assert parse_date("2021-13-40") is None and parse_date("no date") is None


def test_post_date_and_slug_come_from_where_the_exporter_put_them(tmp_path: Path) -> None:
    """Front matter first, then the file or folder name, then a date line near the top."""
    clipping = wxmigrate.parse(CLIPPING)
    assert post_date(clipping, tmp_path / "雨后的河堤.md") == dt.date(2024, 5, 2)
    feed = wxmigrate.parse(FEED)
    assert post_date(feed, tmp_path / "x.md") == dt.datetime(2023, 11, 2, 17, 59)
    plain = wxmigrate.parse("正文。\n")
    assert post_date(plain, tmp_path / "2022-03-05-春耕.md") == dt.date(2022, 3, 5)
    assert post_date(plain, tmp_path / "x.md") is None
    assert post_slug(plain, tmp_path / "2022-03-05-春耕.md") == "春耕"
    assert post_slug(plain, tmp_path / "春耕" / "index.md") == "春耕"


def test_post_meta_reads_authors_and_tags_of_a_clipping(tmp_path: Path) -> None:
    """Obsidian's ``[[name]]`` author is the name; tags stay a list; source keys are kept."""
    meta = post_meta(wxmigrate.parse(CLIPPING), tmp_path / "雨后的河堤.md")
    assert (meta.title, meta.authors, meta.tags) == ("雨后的河堤", ("青禾农技",), ("散步",))
    assert meta.extra == {"source": "https://mp.weixin.qq.com/s/x"}


def test_unique_numbers_clashing_paths() -> None:
    """Two posts with one name get -2; bundles number their folder."""
    taken: set[str] = set()
    assert unique("_posts/a.md", taken) == "_posts/a.md"
    assert unique("_posts/A.md", taken) == "_posts/A-2.md"
    assert unique("content/posts/a/index.md", taken) == "content/posts/a/index.md"
    assert unique("content/posts/a/index.md", taken) == "content/posts/a-2/index.md"


def test_any_folder_is_mirrored_under_out(wild_folder: Path, tmp_path: Path) -> None:
    """Without --engine every post keeps its path, front matter and images, and nothing is generated."""
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(wild_folder), "--out", str(out))
    assert code == 0, stderr
    assert _posts(out) == _posts(wild_folder)
    clipping = (out / "Clippings" / "雨后的河堤.md").read_text(encoding="utf-8")
    assert clipping.startswith(CLIPPING.split("---\n\n")[0])  # front matter as written
    docsify = (out / "gzh" / "梧桐社区" / "社区菜园开张了.md").read_text(encoding="utf-8")
    assert "![](_media/garden.png)" in docsify
    assert (out / "gzh" / "梧桐社区" / "_media" / "garden.png").is_file()
    assert sorted(p.name for p in out.iterdir()) == [".wxmigrate", "Clippings", "doc", "gzh"]  # .wxmigrate: the record


def test_any_folder_is_relaid_out_for_an_engine(wild_folder: Path, tmp_path: Path) -> None:
    """With --engine hugo every post becomes a bundle with its front matter and images."""
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(wild_folder), "--out", str(out), "--engine", "hugo")
    assert code == 0, stderr
    assert _posts(out) == [
        "content/posts/夜市里的手艺人/index.md",
        "content/posts/社区菜园开张了/index.md",
        "content/posts/雨后的河堤/index.md",
    ]
    garden = wxmigrate.load(out / "content/posts/社区菜园开张了/index.md")
    assert garden.front_matter.get("title") == "社区菜园开张了"
    assert [image.src for image, _ in wxmigrate.images(garden)] == ["garden.png"]
    assert (out / "content/posts/社区菜园开张了/garden.png").is_file()
    feed = wxmigrate.load(out / "content/posts/夜市里的手艺人/index.md")
    assert feed.front_matter.get("date") == dt.datetime(2023, 11, 2, 17, 59)
    assert (out / "hugo.toml").is_file()


def test_relaid_out_folder_is_stable(wild_folder: Path, tmp_path: Path) -> None:
    """Repairing the re-laid-out folder for the same engine changes no byte."""
    first, second = tmp_path / "one", tmp_path / "two"
    _run("repair", str(wild_folder), "--out", str(first), "--engine", "jekyll")
    code, _, stderr = _run("repair", str(first), "--out", str(second), "--engine", "jekyll")
    assert code == 0, stderr
    names = _posts(first)
    assert names and [n for n in names if n.startswith("_posts/")] == names
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


@pytest.mark.corpus
@pytest.mark.parametrize(
    "folder",
    ["akan__obsidian_repo", "anonymous-echo__mpvulnHub", "cysk003__Lazy13source.github.io"],
)
def test_wild_folders_are_mirrored(folder: str, tmp_path: Path) -> None:
    """Wild export folders (a docsify backup, a feed archive, Obsidian clippings; six posts of
    each, to stay fast) are written under OUT with every post at its own path."""
    posts = corpus_posts(WILD / folder)[::8][:6]
    source = tmp_path / folder
    for post in posts:
        copy = source / post.relative_to(WILD / folder)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(post.read_bytes())
    out = tmp_path / "out"
    code, _, stderr = _run("repair", str(source), "--out", str(out), "--quiet")
    assert code in (0, 1), stderr
    assert _posts(out) == _posts(source) and len(_posts(out)) == len(posts) > 3
