"""Errors reach the user as one line each, the run goes on, and the exit code says what happened.

A bug met on one post (here provoked by making a function raise) is that
post's one-line error; the others are still written.  ``--traceback`` and
``WXMIGRATE_DEBUG=1`` let the bug propagate instead.  The public API raises
only :class:`wxmigrate.WxMigrateError`.
"""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import wxmigrate
from wxmigrate import migrate
from wxmigrate.cli import run
from wxmigrate.errors import InternalError, LimitError

GOOD = "---\ntitle: 好\n---\n\n好好的一段。\n"
#: A post only the broken parse below trips on.
BAD = "---\ntitle: 坏\n---\n\n这一篇会出错。\n"


def _site(tmp_path: Path, posts: dict[str, str]) -> Path:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    for name, text in posts.items():
        (site / "_posts" / name).write_text(text, encoding="utf-8")
    return site


def _break_parsing(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Make parsing raise ``error`` for the post holding ``这一篇会出错``, as a bug would."""
    parse = migrate.parse

    def broken(text: str, **keywords: object) -> wxmigrate.Post:
        if "这一篇会出错" in text:
            raise error
        return parse(text, **keywords)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "parse", broken)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (KeyError("tags"), r"internal error \(KeyError: 'tags'\); this is a bug in wxmigrate"),
        (TypeError("unhashable type: 'list'"), r"internal error \(TypeError: unhashable type"),
        (RecursionError("maximum recursion depth exceeded"), r"nested too deeply to process"),
        (PermissionError(13, "Permission denied"), r"cannot read or write: Permission denied"),
    ],
)
def test_a_bug_on_one_post_is_one_line_and_the_others_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, says: str
) -> None:
    site = _site(tmp_path, {"2024-01-01-good.md": GOOD, "2024-01-02-bad.md": BAD})
    _break_parsing(monkeypatch, error)
    code, _, err = _run("repair", str(site), "--out", str(tmp_path / "out"))
    assert code == 1
    assert "Traceback" not in err
    bad = site / "_posts" / "2024-01-02-bad.md"
    lines = [line for line in err.splitlines() if line.startswith(f"{bad}:0: ")]
    assert len(lines) == 1 and re.search(says, lines[0]), err
    assert (tmp_path / "out" / "_posts" / "2024-01-01-good.md").read_text(encoding="utf-8") == GOOD
    assert not (tmp_path / "out" / "_posts" / "2024-01-02-bad.md").exists()


def test_the_summary_lists_every_failed_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    posts = {"2024-01-01-good.md": GOOD, "2024-01-02-bad.md": BAD, "2024-01-03-bad.md": BAD}
    site = _site(tmp_path, posts)
    _break_parsing(monkeypatch, KeyError("x"))
    code, _, err = _run("repair", str(site), "--out", str(tmp_path / "out"))
    summary = err[err.index("wxmigrate repair: 3 post(s)") :]
    assert code == 1
    assert "2 post(s) failed" in summary
    for name in ("2024-01-02-bad.md", "2024-01-03-bad.md"):
        assert f"  failed: {site / '_posts' / name}" in summary
    assert "good.md" not in summary


def test_when_every_post_fails_nothing_was_done_and_the_exit_code_is_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path, {"2024-01-02-bad.md": BAD})
    _break_parsing(monkeypatch, KeyError("x"))
    code, _, err = _run("repair", str(site), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "1 post(s) failed" in err and "Traceback" not in err


@pytest.mark.parametrize("how", ["option after the command", "option before it", "environment"])
def test_traceback_lets_a_bug_propagate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    site = _site(tmp_path, {"2024-01-02-bad.md": BAD})
    _break_parsing(monkeypatch, KeyError("the bug"))
    argv = ["repair", str(site), "--out", str(tmp_path / "out")]
    if how == "option after the command":
        argv.append("--traceback")
    elif how == "option before it":
        argv.insert(0, "--traceback")
    else:
        monkeypatch.setenv("WXMIGRATE_DEBUG", "1")
    with pytest.raises(KeyError, match="the bug"):
        _run(*argv)


def test_a_bug_outside_any_post_is_still_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path, {"2024-01-01-good.md": GOOD})

    def broken(*args: object, **keywords: object) -> None:
        raise ValueError("boom\nsecond line")

    monkeypatch.setattr("wxmigrate.commands.repair.repair_site", broken)
    code, _, err = _run("repair", str(site), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.strip() == f"wxmigrate repair: {site}:0: internal error (ValueError: boom); " \
        "this is a bug in wxmigrate: please report it, with the output of --traceback"


def _boom(*args: object, **keywords: object) -> None:
    raise KeyError("deep")


@pytest.mark.parametrize(
    ("broken", "call"),
    [
        ("wxmigrate.parse:split_front_matter", lambda post: wxmigrate.parse("x", path="p.md")),
        ("wxmigrate.rules:make_options", lambda post: wxmigrate.repair(post)),
        ("wxmigrate.emit:render_body", lambda post: wxmigrate.to_markdown(post, "hugo")),
        ("wxmigrate.emit.html:_tidy", lambda post: wxmigrate.to_html(post)),
    ],
    ids=["parse", "repair", "to_markdown", "to_html"],
)
def test_the_api_raises_only_wxmigrate_errors(
    monkeypatch: pytest.MonkeyPatch, broken: str, call: Callable[[wxmigrate.Post], object]
) -> None:
    """A bug deep inside becomes an InternalError naming the post, chained to the bug."""
    post = wxmigrate.parse("x", path="p.md")  # parsed before the break
    module, name = broken.split(":")
    monkeypatch.setattr(importlib.import_module(module), name, _boom)
    with pytest.raises(InternalError, match=r"^p\.md:0: internal error \(KeyError: 'deep'\)") as raised:
        call(post)
    assert isinstance(raised.value.__cause__, KeyError)
    assert isinstance(raised.value, RuntimeError)


def test_deep_recursion_in_the_api_is_a_limit_error(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_module = importlib.import_module("wxmigrate.parse")

    def recursing(*args: object, **keywords: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse_module, "split_front_matter", recursing)
    with pytest.raises(LimitError, match=r"^deep\.md:0: nested too deeply") as raised:
        wxmigrate.parse("x", path="deep.md")
    assert isinstance(raised.value.__cause__, RecursionError)
    assert isinstance(raised.value, ValueError)  # callers catching ValueError still do


def test_inspect_shows_what_it_can_read_and_exits_1(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_bytes(b"---\ntitle: [\n---\n")
    code, out, err = _run("inspect", str(good), str(bad))
    assert code == 1
    assert "好" in out and err.startswith(f"{bad}:3: front matter is not valid YAML")
    assert _run("inspect", str(bad))[0] == 2
