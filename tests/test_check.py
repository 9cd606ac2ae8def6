"""``wxmigrate repair --check``: repair nothing, write nothing, say which posts would change.

The exit code is 1 when a post would change (or could not be read), 0 otherwise, 2 for
a usage error or when every post failed; the posts that would change are listed on
standard output, one per line, and everything else goes to standard error
(docs/formatter.md).  Several SRC (the post files a pre-commit hook passes) are each
repaired as a post of their own site.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wxmigrate.cli import run

#: Exporter damage a rule safe for any post repairs: ``#Title`` repeating the title.
DAMAGED = "---\ntitle: 春天来了\n---\n#春天来了\n\n田里的油菜花开了。\n"
REPAIRED = "---\ntitle: 春天来了\n---\n\n# 春天来了\n\n田里的油菜花开了。\n"
CLEAN = "---\ntitle: Clean\n---\n\nA clean post with *emphasis* and a [link](https://example.com).\n"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _site(folder: Path, posts: dict[str, str]) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: site\n", encoding="utf-8")
    for name, text in posts.items():
        (folder / "_posts" / name).write_text(text, encoding="utf-8")
    return folder


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder`` (hidden ones too): its bytes and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_check_lists_the_post_that_would_change_and_writes_nothing(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED, "2024-03-02-clean.md": CLEAN})
    before = _state(site)
    code, out, err = _run("repair", str(site), "--check")
    assert code == 1
    assert out == f"would repair {site / '_posts' / '2024-03-01-damaged.md'}\n"
    assert "1 would change" in err
    assert _state(site) == before  # no post, no backup, no lock file


def test_check_passes_on_a_site_with_nothing_to_repair(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-02-clean.md": CLEAN})
    assert _run("repair", str(site), "--check") == (0, "", "wxmigrate repair: 1 post(s): 0 would change (0 changes)\n")


def test_check_after_in_place_passes(tmp_path: Path) -> None:
    """What --check lists is what --in-place repairs: after it, --check finds nothing."""
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    assert _run("repair", str(site), "--in-place", "--quiet")[0] == 0
    assert (site / "_posts" / "2024-03-01-damaged.md").read_text(encoding="utf-8") == REPAIRED
    assert _run("repair", str(site), "--check", "--quiet") == (0, "", "")


def test_check_with_diff_shows_the_diff_then_the_list(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED, "2024-03-02-clean.md": CLEAN})
    post = site / "_posts" / "2024-03-01-damaged.md"
    code, out, _ = _run("repair", str(site), "--check", "--diff", "--quiet")
    assert code == 1
    assert out == (
        f"--- {post}\n+++ {post}\n@@ -1,6 +1,7 @@\n ---\n title: 春天来了\n ---\n-#春天来了\n+\n+# 春天来了\n"
        f" \n 田里的油菜花开了。\nwould repair {post}\n"
    )


def test_a_post_that_cannot_be_read_fails_the_check(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-02-clean.md": CLEAN})
    broken = site / "_posts" / "2024-03-03-broken.md"
    broken.symlink_to(tmp_path / "nowhere.md")
    code, out, err = _run("repair", str(site), "--check", "--quiet")
    assert (code, out) == (1, "")
    assert err == f"{broken}:0: is a symlink that leads to no file (a loop or a dangling link); not read\n"


def test_check_exits_2_when_every_post_failed(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {})
    (site / "_posts" / "2024-03-03-broken.md").symlink_to(tmp_path / "nowhere.md")
    assert _run("repair", str(site), "--check", "--quiet")[0] == 2


def test_an_image_not_found_is_reported_but_does_not_fail_the_check(tmp_path: Path) -> None:
    """A hand-written link to a missing picture is no change a repair could make."""
    text = "---\ntitle: Pictures\n---\n\nA picture: ![a](/img/missing.png)\n"
    site = _site(tmp_path / "site", {"2024-03-04-pictures.md": text})
    code, out, err = _run("repair", str(site), "--check", "--quiet")
    assert (code, out) == (0, "")
    assert err == f"{site / '_posts' / '2024-03-04-pictures.md'}:5: image not found: /img/missing.png\n"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ((), "one of --out DST, --in-place or --check is needed"),
        (("more.md", "--out", "out"), "several SRC need --in-place or --check"),
        (("more.md", "--check", "--review", "review"), "--review takes one SRC"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path: Path, argv: tuple[str, ...], says: str) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    before = _state(tmp_path)
    code, out, err = _run("repair", str(site), *argv)
    assert (code, out) == (2, "")
    assert says in err
    assert _state(tmp_path) == before


def test_check_excludes_out_and_in_place(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    assert _run("repair", str(site), "--check", "--out", str(tmp_path / "out"))[0] == 2
    assert _run("repair", str(site), "--check", "--in-place")[0] == 2
    assert not (tmp_path / "out").exists()


def test_check_keeps_each_post_in_place_so_another_engine_is_a_usage_error(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    code, _, err = _run("repair", str(site), "--check", "--engine", "hugo")
    assert code == 2
    assert "in place (--in-place, --check) each post stays where it is, as Markdown" in err


def test_several_post_files_as_pre_commit_passes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths inside two sites: each post is checked within its own site, only those given."""
    one = _site(tmp_path / "one", {"2024-03-01-damaged.md": DAMAGED, "2024-03-02-clean.md": CLEAN})
    _site(tmp_path / "two", {"2024-03-01-damaged.md": DAMAGED, "2024-03-05-other.md": DAMAGED})
    monkeypatch.chdir(tmp_path)
    files = ["one/_posts/2024-03-01-damaged.md", "one/_posts/2024-03-02-clean.md", "two/_posts/2024-03-01-damaged.md"]
    code, out, err = _run("repair", "--check", *files)
    assert code == 1
    assert out == "would repair one/_posts/2024-03-01-damaged.md\nwould repair two/_posts/2024-03-01-damaged.md\n"
    assert err.splitlines() == [
        "wxmigrate repair: 2 post(s): 1 would change (1 changes)",
        "wxmigrate repair: 1 post(s): 1 would change (1 changes)",
    ]
    assert _run("repair", "--check", "--quiet", files[1]) == (0, "", "")
    assert (one / "_posts" / "2024-03-01-damaged.md").read_text(encoding="utf-8") == DAMAGED


def test_several_post_files_in_place_repair_only_those(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED, "2024-03-05-other.md": DAMAGED})
    monkeypatch.chdir(site)
    absolute = str(site / "_posts" / "2024-03-01-damaged.md")
    code, _, err = _run("repair", "--in-place", absolute, "_posts/2024-03-01-damaged.md", "_config.yml")
    assert code == 0, err
    assert "2 post(s): 1 changed" in err  # the post named twice is one post
    assert (site / "_posts" / "2024-03-01-damaged.md").read_text(encoding="utf-8") == REPAIRED
    assert (site / "_posts" / "2024-03-05-other.md").read_text(encoding="utf-8") == DAMAGED
    backups = list((site / ".wxmigrate-backup").rglob("2024-03-01-damaged.md"))
    assert [path.read_text(encoding="utf-8") for path in backups] == [DAMAGED]
    assert (site / "_config.yml").read_text(encoding="utf-8") == "title: site\n"  # Markdown no rule changes


def test_a_missing_file_among_several_is_reported_and_the_others_checked(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    missing = site / "_posts" / "gone.md"
    code, out, err = _run("repair", "--check", "--quiet", str(missing), str(site / "_posts" / "2024-03-01-damaged.md"))
    assert code == 1
    assert out == f"would repair {site / '_posts' / '2024-03-01-damaged.md'}\n"
    assert f"{missing}:0: does not exist" in err


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_no_colour_is_written_even_on_a_terminal(tmp_path: Path) -> None:
    """wxmigrate uses no colour (so NO_COLOR has nothing to turn off): not even on a terminal."""
    site = _site(tmp_path / "site", {"2024-03-01-damaged.md": DAMAGED})
    out, err = Terminal(), Terminal()
    assert run(["repair", str(site), "--check", "--diff", "--explain"], out=out, err=err) == 1
    assert "would repair" in out.getvalue() and "\x1b" not in out.getvalue() + err.getvalue()
