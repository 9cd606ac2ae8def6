"""First, do no harm: ordinary hand-written sites, and this repo's own docs, come out of a repair as they went in.

``fixtures/ordinary-site/`` is a Jekyll blog of valid, hand-written posts
(English and Chinese, none a WeChat export) and ``fixtures/ordinary-engines/``
holds one small hand-written site per other engine, each with its own front
matter (Hugo TOML and YAML, Hexo, Zola, Pelican metadata lines, MkDocs,
Eleventy).  Repaired mirrored (no ``--engine``), every post must be written
back byte for byte, the run must report no change and exit 0, and nothing but
byte-identical copies of source files may appear in the output.  The README
and ``docs/*.md`` of this repository, repaired as a plain folder and again as
the posts of a Jekyll site (front matter added: they name an exporter's marks in
prose and code), must render as they went in (compared as
``../shared/tools/render-diff.py`` compares).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from lxml import html
from markdown_it import MarkdownIt

from wxmigrate.migrate import RunResult, repair_site

from .helpers import FIXTURES, ROOT

ORDINARY_SITE = FIXTURES / "ordinary-site"
ORDINARY_ENGINES = FIXTURES / "ordinary-engines"

#: Each fixture site, the engine it is a site of, and the folder its posts are in.
SITES: dict[str, tuple[Path, str, str]] = {
    "jekyll": (ORDINARY_SITE, "jekyll", "_posts"),
    "hugo": (ORDINARY_ENGINES / "hugo", "hugo", "content"),
    "hexo": (ORDINARY_ENGINES / "hexo", "hexo", "source/_posts"),
    "zola": (ORDINARY_ENGINES / "zola", "zola", "content"),
    "pelican": (ORDINARY_ENGINES / "pelican", "pelican", "content"),
    "mkdocs": (ORDINARY_ENGINES / "mkdocs", "mkdocs", "docs/blog/posts"),
    "eleventy": (ORDINARY_ENGINES / "eleventy", "eleventy", "posts"),
}

#: Section indexes, which engines do not treat as posts.
SECTION_INDEXES = ("_index.md",)


def fixture_posts(name: str) -> list[Path]:
    """The posts of a fixture site, relative to its root."""
    root, _engine, folder = SITES[name]
    return sorted(
        post.relative_to(root)
        for post in (root / folder).rglob("*.md")
        if post.name not in SECTION_INDEXES
    )


POSTS = [(name, post) for name in SITES for post in fixture_posts(name)]


@attrs.frozen
class SiteRun:
    """One mirrored repair of a fixture site."""

    source: Path
    out: Path
    result: RunResult


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SiteRun]:
    """Every fixture site repaired once, mirrored (no engine given)."""
    repaired = {}
    for name, (root, _engine, _folder) in SITES.items():
        out = tmp_path_factory.mktemp(f"ordinary-{name}") / "out"
        repaired[name] = SiteRun(root, out, repair_site(root, out=out))
    return repaired


def test_fixtures_hold_the_awkward_cases() -> None:
    """The ordinary site has a CRLF post, one with no final newline, trailing spaces, Liquid and Chinese posts."""
    texts = {post: (ORDINARY_SITE / post).read_bytes() for post in fixture_posts("jekyll")}
    assert any(b"\r\n" in text for text in texts.values())
    assert any(not text.endswith(b"\n") for text in texts.values())
    assert any(re.search(rb"\S \n", text) for text in texts.values())
    assert any(b"{% raw %}" in text and b"{{ site.url }}" in text and b"{% include" in text for text in texts.values())
    assert sum("的".encode() in text for text in texts.values()) >= 3
    assert re.search(rb"^#[^\s#]", b"\n".join(texts.values()), re.M)  # a #topic line, not a heading


def test_engine_fixtures_use_each_front_matter_style() -> None:
    """Hugo and Zola posts open with TOML, Pelican posts with metadata lines, the others with YAML."""
    opening = {name: {(SITES[name][0] / post).read_text(encoding="utf-8")[:4] for post in fixture_posts(name)} for name in SITES}
    assert "+++\n" in opening["hugo"] and "---\n" in opening["hugo"]
    assert opening["zola"] == {"+++\n"}
    assert opening["pelican"] == {"Titl"}
    for name in ("hexo", "mkdocs", "eleventy"):
        assert opening[name] == {"---\n"}, name


@pytest.mark.parametrize("name", SITES)
def test_site_is_mirrored_for_its_own_engine(runs: dict[str, SiteRun], name: str) -> None:
    """The fixture is read as a site of its engine, and written in the same layout."""
    result = runs[name].result
    assert (result.engine, result.relaid) == (SITES[name][1], False)
    assert sorted(post.source.relative_to(runs[name].source) for post in result.posts) == fixture_posts(name)


@pytest.mark.parametrize(("name", "post"), POSTS, ids=[f"{name}:{post.as_posix()}" for name, post in POSTS])
def test_post_written_byte_for_byte(runs: dict[str, SiteRun], name: str, post: Path) -> None:
    """The ordinary post is written back exactly as it was."""
    run = runs[name]
    found = next((p for p in run.result.posts if p.source.relative_to(run.source) == post), None)
    assert found is not None, f"{post} is not among the posts repaired"
    assert found.error is None
    written = run.out / post
    assert written.is_file(), f"{post} not written"
    assert written.read_bytes().decode("utf-8") == (run.source / post).read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", SITES)
def test_run_reports_no_change_and_exits_0(runs: dict[str, SiteRun], name: str) -> None:
    """Repairing the ordinary site reports no change, no problem, and exit code 0."""
    result = runs[name].result
    changes = [change.explain() for post in result.posts for change in post.changes]
    assert changes == []
    assert [(post.source.name, post.error, post.unresolved) for post in result.posts if not post.ok] == []
    assert result.exit_code == 0


@pytest.mark.parametrize("name", SITES)
def test_output_holds_only_copies_of_source_files(runs: dict[str, SiteRun], name: str) -> None:
    """Every file in the output is a byte-identical copy of the file at the same path in the source."""
    run = runs[name]
    written = sorted(
        path.relative_to(run.out)
        for path in run.out.rglob("*")
        if path.is_file() and ".wxmigrate" not in path.relative_to(run.out).parts  # the run's record
    )
    assert written, "nothing was written"
    foreign = [
        path.as_posix()
        for path in written
        if not (run.source / path).is_file() or (run.source / path).read_bytes() != (run.out / path).read_bytes()
    ]
    assert foreign == []


def test_cli_repair_of_ordinary_site(tmp_path: Path) -> None:
    """``python -m wxmigrate repair fixtures/ordinary-site --out TMP`` exits 0 and writes every post unchanged."""
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "wxmigrate", "repair", str(ORDINARY_SITE), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    changed = [
        post.as_posix() for post in fixture_posts("jekyll")
        if not (out / post).is_file() or (out / post).read_bytes() != (ORDINARY_SITE / post).read_bytes()
    ]
    assert changed == []


# -- this repository's own documentation ------------------------------------------------------

RENDERER = MarkdownIt("commonmark").enable("table")
_WHITESPACE = re.compile(r"\s+")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def shown(text: str) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    """What a reader sees, as render-diff.py reads it: (tag, attributes, text) per element,
    whitespace collapsed outside ``<pre>``.  (A plain folder has no front matter or Liquid,
    so nothing is stripped first.)"""
    root = html.fromstring("<div>" + RENDERER.render(text) + "</div>")
    items = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        keep = element.tag == "pre" or any(a.tag == "pre" for a in element.iterancestors())
        own = (element.text or "") + "".join((child.tail or "") for child in element)
        own = own if keep else _WHITESPACE.sub(" ", own).strip()
        items.append((element.tag, tuple(sorted(element.attrib.items())), own))
    return items


def assert_renders_same(source: str, output: str) -> None:
    """``output`` shows what ``source`` shows; else the first element that differs."""
    before, after = shown(source), shown(output)
    first = next((i for i, (x, y) in enumerate(zip(before, after)) if x != y), min(len(before), len(after)))
    assert after == before, f"first difference at element {first}: {before[first:first + 1]} -> {after[first:first + 1]}"


@pytest.fixture(scope="module")
def repaired_docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The README and docs/*.md copied into a plain folder and repaired once."""
    base = tmp_path_factory.mktemp("own-docs")
    source = base / "docs-site"
    for doc in DOCS:
        target = source / doc.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc, target)
    repair_site(source, out=base / "out")
    return source, base / "out"


def test_shown_sees_a_changed_rendering() -> None:
    """The comparison tells a joined line from a new paragraph, and ignores only whitespace."""
    assert shown("a\nb\n") == shown("a b\n")
    assert shown("a\nb\n") != shown("a\n\nb\n")
    assert shown("#topic\n") != shown("# topic\n")


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.relative_to(ROOT).as_posix())
def test_own_doc_renders_unchanged(repaired_docs: tuple[Path, Path], doc: Path) -> None:
    """The repo's own doc, repaired as a plain folder, renders as it went in."""
    source, out = repaired_docs
    name = doc.relative_to(ROOT)
    assert (out / name).is_file(), f"{name} not written"
    assert_renders_same((source / name).read_text(encoding="utf-8"), (out / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def repaired_doc_posts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The README and docs/*.md as the posts of a Jekyll site, each with front matter, repaired once."""
    base = tmp_path_factory.mktemp("own-docs-as-posts")
    posts = base / "site" / "_posts"
    posts.mkdir(parents=True)
    (base / "site" / "_config.yml").write_text("title: docs\n", encoding="utf-8")
    for doc in DOCS:
        front = f"---\nlayout: post\ntitle: {doc.stem}\n---\n"
        (posts / _post_name(doc)).write_text(front + doc.read_text(encoding="utf-8"), encoding="utf-8")
    repair_site(base / "site", out=base / "out")
    return posts, base / "out" / "_posts"


def _post_name(doc: Path) -> str:
    return f"2020-01-01-{doc.stem.lower()}.md"


def _body(text: str) -> str:
    return text.split("\n---\n", 1)[1]


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.relative_to(ROOT).as_posix())
def test_own_doc_as_a_post_renders_unchanged(repaired_doc_posts: tuple[Path, Path], doc: Path) -> None:
    """The repo's own doc, given front matter and repaired as a Jekyll post, renders as it went in."""
    source, out = repaired_doc_posts
    name = _post_name(doc)
    assert (out / name).is_file(), f"{name} not written"
    assert_renders_same(_body((source / name).read_text(encoding="utf-8")), _body((out / name).read_text(encoding="utf-8")))
