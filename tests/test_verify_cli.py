"""``wxmigrate verify``: table, JSON report, exit codes, --fix, --fetch, progress."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from wxmigrate.cli import run
from wxmigrate.commands import verify as command

from .helpers import terminal_line
from .test_verify_fix import FakeFetcher
from .test_verify_sites import DEMO_EXPORT, image_bytes, make_site, post_text


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["verify", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good_site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path / "good",
        {"2022-09-01-好.md": post_text("![]({{ site.baseurl }}/postimg/a.png)\n")},
        {"postimg/a.png": image_bytes("PNG")},
    )


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    body = "![](/postimg/gone.png)\n![](2022-09-02\n导出\\\\b.jpeg)\n![](/postimg/c.jpeg)\n"
    return make_site(
        tmp_path / "broken",
        {"2022-09-02-坏.md": post_text(body)},
        {
            "postimg/c.jpeg": image_bytes("PNG"),
            f"{DEMO_EXPORT}/b.jpeg": image_bytes("JPEG"),
        },
    )


def test_clean_site_exits_0(good_site: Path) -> None:
    """All images ok: exit 0, a table on standard output, nothing on standard error."""
    code, out, err = call(str(good_site))
    assert (code, err) == (0, "")
    assert out.startswith("1 image references\n  ok ")


def test_problems_exit_1_with_post_and_line(broken_site: Path) -> None:
    """Problems give exit 1 and one line each, post:line first."""
    code, out, _ = call(str(broken_site))
    assert code == 1
    assert "_posts/2022-09-02-坏.md:6: missing: /postimg/gone.png" in out
    assert "_posts/2022-09-02-坏.md:9: mismatched: postimg/c.jpeg (named as JPEG, bytes are PNG)" in out


def test_usage_and_fatal_errors_exit_2(tmp_path: Path, good_site: Path) -> None:
    """A missing source, a missing assets folder or a bad option exit 2 with one line."""
    code, out, err = call(str(tmp_path / "nowhere"))
    assert (code, out) == (2, "")
    assert err.strip().endswith("no such file or folder; expected a site folder or a post")
    assert call(str(good_site), "--assets", str(tmp_path / "none"))[0] == 2
    assert call(str(good_site), "--fetch")[0] == 2
    assert call(str(good_site), "--max-pixels", "lots")[0] == 2


def test_unreadable_post_exits_1_and_the_rest_is_verified(good_site: Path) -> None:
    """A post that cannot be read is one line on standard error; the others are still verified."""
    (good_site / "_posts" / "2022-09-03-坏.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    code, out, err = call(str(good_site))
    assert code == 1
    assert err.count("\n") == 1 and "2022-09-03-坏.md:" in err
    assert "  ok                1" in out


def test_when_no_post_can_be_read_verify_exits_2(tmp_path: Path) -> None:
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2022-09-03-坏.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    code, _, err = call(str(tmp_path))
    assert code == 2
    assert "2022-09-03-坏.md:3: front matter is not valid YAML" in err


def test_json_report_to_standard_output(broken_site: Path) -> None:
    """``--report -`` prints only JSON on standard output (the table goes to standard error)."""
    code, out, err = call(str(broken_site), "--report", "-")
    data = json.loads(out)
    assert code == 1
    assert [image["status"] for image in data["images"]] == ["missing", "ok", "mismatched"]
    assert "image references" in err


def test_json_report_to_a_file(broken_site: Path, tmp_path: Path) -> None:
    """``--report FILE`` writes the JSON there and still prints the table."""
    target = tmp_path / "report.json"
    code, out, _ = call(str(broken_site), "--report", str(target))
    assert code == 1 and "problems: 2" in out
    assert json.loads(target.read_text("utf-8"))["images"][1]["path"] == f"{DEMO_EXPORT}/b.jpeg"


def test_fix_then_verify_again(broken_site: Path) -> None:
    """``--fix`` lists its changes, then reports the site as it is after them."""
    code, out, _ = call(str(broken_site), "--fix")
    assert code == 1  # the missing image is still missing
    assert "--fix changed 4 thing(s):" in out
    assert "problems: 1\n" in out
    text = (broken_site / "_posts" / "2022-09-02-坏.md").read_text("utf-8")
    assert "![]({{ site.baseurl }}/postimg/b.jpeg)\n![]({{ site.baseurl }}/postimg/c.png)" in text


def test_fix_dry_run(broken_site: Path) -> None:
    """``--fix --dry-run`` says what it would do and leaves the post alone."""
    before = (broken_site / "_posts" / "2022-09-02-坏.md").read_bytes()
    code, out, _ = call(str(broken_site), "--fix", "--dry-run")
    assert code == 1 and "--fix would change 4 thing(s):" in out
    assert (broken_site / "_posts" / "2022-09-02-坏.md").read_bytes() == before


def test_fetch_uses_the_fetcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--fix --fetch`` downloads through the fetcher; a failure is one line and leaves the link."""
    url = "https://mmbiz.qpic.cn/mmbiz_gif/Gg1/640"
    site = make_site(tmp_path, {"2022-09-04-远程.md": post_text(f"![]({url})\n![](https://x.invalid/a.png)\n")}, {})
    fetcher = FakeFetcher({url: image_bytes("GIF", frames=2)})
    monkeypatch.setattr(command, "default_fetcher", lambda: fetcher)
    code, out, err = call(str(site), "--fix", "--fetch")
    assert code == 1
    assert "postimg/Gg1.gif: fetch: " in out
    assert err == "_posts/2022-09-04-远程.md:7: not found (fake)\n"
    assert (site / "postimg" / "Gg1.gif").read_bytes() == image_bytes("GIF", frames=2)


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    """Large trees draw a progress bar on a terminal's standard error, and nowhere else."""
    body = "".join("![](/postimg/a.png)\n" for _ in range(command.PROGRESS_MINIMUM))
    site = make_site(tmp_path, {"2022-09-05-多图.md": post_text(body)}, {"postimg/a.png": image_bytes("PNG")})

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, out = Terminal(), io.StringIO()
    assert run(["verify", str(site)], out=out, err=terminal) == 0
    assert f"| {command.PROGRESS_MINIMUM}/{command.PROGRESS_MINIMUM} [" in terminal.getvalue()
    assert " images/s]" in terminal.getvalue()
    assert terminal_line(terminal.getvalue()) == ""  # erased at the end
    code, _, err = call(str(site))
    assert (code, err) == (0, "")


def test_verifying_does_not_load_fixing(tmp_path: Path) -> None:
    """A run without --fix imports neither the fixing modules nor the HTTP client (start-up time)."""
    import subprocess
    import sys

    site = make_site(tmp_path / "site", {"2022-09-01-好.md": post_text("![](/postimg/a.png)\n")},
                     {"postimg/a.png": image_bytes("PNG")})
    script = (
        "import io, sys\n"
        "from wxmigrate.cli import run\n"
        f"code = run(['verify', {str(site)!r}, '--deep'], out=io.StringIO(), err=io.StringIO())\n"
        "print(code, sorted(m for m in ('wxmigrate.verify.fix', 'wxmigrate.verify.fetch', 'urllib.request') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "[]"]
