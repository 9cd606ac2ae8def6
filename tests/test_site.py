"""Which files are a site's posts: one answer for repair and verification."""

from __future__ import annotations

import os
import pickle
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wxmigrate import names
from wxmigrate.site import discover, path_order, post_files, site_root
from wxmigrate.verify import find_site


def _tree(root: Path, files: list[str]) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# 标题\n\n正文。\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "posts"),
    [
        # A Hugo site: only content/ holds posts; its README, theme and section index do not.
        (["hugo.toml", "README.md", "themes/t/README.md", "content/posts/a.md", "content/posts/_index.md"],
         ["content/posts/a.md"]),
        # A Jekyll site: _posts/ (verification also reads _drafts/).
        (["_config.yml", "README.md", "_posts/2021-01-01-a.md"], ["_posts/2021-01-01-a.md"]),
        # Any other folder of Markdown: every post in any layout, but not the export folder,
        # build output, dependencies or hidden folders.
        (["gzh/九边/a.md", "b.markdown", "exports/2021-01-01x/c.md", "node_modules/m/d.md", ".obsidian/e.md",
          "_site/f.md"],
         ["b.markdown", "gzh/九边/a.md"]),
    ],
    ids=["hugo", "jekyll", "plain-folder"],
)
def test_repair_and_verify_read_the_same_posts(tmp_path: Path, files: list[str], posts: list[str]) -> None:
    root = _tree(tmp_path / "site", files)
    repaired = sorted(p.relative_to(root).as_posix() for p in discover(root).posts)
    verified = sorted(p.relative_to(root.resolve()).as_posix() for p in find_site(root).posts)
    assert repaired == verified == sorted(posts)


def test_verification_also_reads_jekyll_drafts(tmp_path: Path) -> None:
    root = _tree(tmp_path / "site", ["_config.yml", "_posts/2021-01-01-a.md", "_drafts/b.md"])
    assert [p.name for p in post_files(root)] == ["2021-01-01-a.md"]
    assert sorted(p.name for p in find_site(root).posts) == ["2021-01-01-a.md", "b.md"]


def test_site_root_of_one_post(tmp_path: Path) -> None:
    root = _tree(tmp_path / "site", ["_config.yml", "_posts/2021/2021-01-01-a.md"])
    assert site_root(root / "_posts" / "2021" / "2021-01-01-a.md") == root.resolve()
    loose = _tree(tmp_path / "loose", ["a.md"])
    assert site_root(loose / "a.md") == loose.resolve()


def test_one_post_is_read_in_its_site(tmp_path: Path) -> None:
    """Repairing one post of a Hugo site finds the site around it (its images in static/),
    and keeps the paths as the user wrote them."""
    root = _tree(tmp_path / "site", ["hugo.toml", "content/posts/a.md"])
    (root / "static" / "img").mkdir(parents=True)
    (root / "static" / "img" / "a.png").write_bytes(b"png")
    site = discover(root / "content" / "posts" / "a.md")
    assert site.root == root and site.posts == (root / "content" / "posts" / "a.md",)
    assert "a.png" in site.images


_PARTS = st.lists(
    st.text(st.sampled_from(["a", "A", "b", "-", ".", " ", "_", "~", "\x01", "图", "é", "\udcff"]), min_size=1, max_size=3)
    .filter(lambda part: part not in (".", "..")),
    min_size=1,
    max_size=4,
)


@given(st.lists(_PARTS, max_size=12))
def test_path_order_sorts_paths_as_path_objects_do(paths: list[list[str]]) -> None:
    """Sorting a site's paths as strings (``path_order``) gives the order of their ``Path``s,
    whatever characters sort before or after the separator."""
    names = [os.path.join(os.sep, "site", *parts) for parts in paths]
    assert sorted(names, key=path_order) == [os.fspath(path) for path in sorted(map(Path, names))]


@pytest.mark.parametrize("kept", [0, names.KEPT], ids=["on-disk", "in-memory"])
def test_the_image_index_finds_each_file_and_pickles_into_one_that_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """In memory or on disk (past ``KEPT`` files), the index gives each name's files in the
    order of the walk; a copy pickled for a Dask worker (which cannot open this machine's
    temporary folder) finds the same, and groups the same names."""
    monkeypatch.setattr(names, "KEPT", kept)
    files = ["a/pic.png", "b/pic.png", "b/Pic.PNG", "c/other.gif", f"c/{unicodedata.normalize('NFD', 'café')}.png"]
    for file in files:
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes(b"x")
    index = discover(tmp_path).images
    copy = pickle.loads(pickle.dumps(index))
    for one in (index, copy):
        assert list(one) == ["pic.png", "Pic.PNG", "café.png", "other.gif"]
        assert len(one) == 4
        assert one["pic.png"] == (tmp_path / "a/pic.png", tmp_path / "b/pic.png")
        assert one["café.png"] == (tmp_path / "c" / unicodedata.normalize("NFD", "café.png"),)
        assert one.get("absent.png") is None
        assert {value: sorted(found) for value, found in one.shared(str.casefold)} == {
            "pic.png": [tmp_path / "a/pic.png", tmp_path / "b/Pic.PNG", tmp_path / "b/pic.png"]
        }
