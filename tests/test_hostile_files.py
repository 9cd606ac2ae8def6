"""The filesystem is hostile too: links out of the site, loops, references that escape it,
non-images under image names, faults mid-run, odd names.  Nothing outside the site is read,
nothing outside the output is written, and a fault loses no data."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from wxmigrate import write
from wxmigrate.cli import run
from wxmigrate.lock import LOCK_NAME, folder_lock
from wxmigrate.migrate import repair_site
from wxmigrate.write import TEMP_PREFIX, atomic_write, backup, copy_file, remove_stale_temporaries

from .test_verify_sites import image_bytes, png_claiming

SECRET = b"SECRET-OUTSIDE-THE-SITE"
#: A post that repair changes (two rules fire), read as a WeChat export.
CHANGED = "---\ntitle: T\n---\n\n#标题\n\n**加粗 **文字\n"
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def make(root: Path, posts: dict[str, str], files: dict[str, bytes] | None = None) -> Path:
    """A Jekyll site at ``root`` with ``_posts/NAME`` posts and other files."""
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text("title: t\n", encoding="utf-8")
    for name, text in posts.items():
        (root / "_posts" / name).write_text(text, encoding="utf-8")
    for name, data in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def post(body: str) -> str:
    return f"---\ntitle: T\n---\n\n{body}\n"


def secret_in(folder: Path) -> list[str]:
    """Files below ``folder`` holding the outside file's bytes."""
    return [str(p) for p in folder.rglob("*") if p.is_file() and SECRET in p.read_bytes()]


def snapshot(*folders: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and modification time (symlinks as their target's name)."""
    found: dict[str, tuple[bytes, int]] = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_symlink():
                found[str(path)] = (os.readlink(path).encode(), 0)
            elif path.is_file():
                found[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A real image file outside every site, whose bytes must never reach an output."""
    path = tmp_path / "outside" / "secret.png"
    path.parent.mkdir()
    path.write_bytes(image_bytes("PNG") + SECRET)
    (path.parent / "secret.md").write_bytes(b"---\ntitle: S\n---\n\n" + SECRET + b"\n")
    return path


# Symlinks


def test_symlink_loops_crash_neither_repair_nor_verify(tmp_path: Path) -> None:
    """A post, an image and a folder that are symlink loops: reported, the rest written."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("![](/img/a.png)\n\n![](/img/loop.png)")},
                {"img/a.png": image_bytes("PNG")})
    os.symlink("loop.md", site / "_posts" / "loop.md")
    os.symlink("loop.png", site / "img" / "loop.png")
    os.symlink("folder", site / "img" / "folder")
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 1
    assert f"{site}/_posts/loop.md:0: is a symlink that leads to no file" in err
    assert "Traceback" not in err
    assert (out / "_posts/2020-01-01-a.md").is_file() and (out / "img/a.png").is_file()
    code, stdout, err = call("verify", str(site))
    assert code == 1  # a post could not be read, the other was verified
    assert "Traceback" not in err
    assert "_posts/2020-01-01-a.md:7: missing: /img/loop.png" in stdout


def test_links_out_of_the_site_are_not_followed(tmp_path: Path, outside: Path) -> None:
    """An image and a post that link to files outside the site: not read, not copied, named."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("text\n\n![](/img/a.png)")})
    (site / "img").mkdir()
    os.symlink(outside, site / "img" / "a.png")
    os.symlink(outside.parent / "secret.md", site / "_posts" / "2020-01-02-b.md")
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 1
    assert secret_in(out) == []
    assert (out / "_posts/2020-01-01-a.md").read_text(encoding="utf-8").count("text") == 1
    assert f"{site}/_posts/2020-01-02-b.md:0: is a link to {outside.parent / 'secret.md'}, outside the site" in err
    assert f"_posts/2020-01-01-a.md:7: image /img/a.png: {site}/img/a.png is a link to {outside}" in err
    code, stdout, err = call("verify", str(site))
    assert "unsafe: /img/a.png" in stdout
    assert f"{site}/_posts/2020-01-02-b.md:0: is a link to" in err


def test_links_that_stay_inside_the_site_are_followed(tmp_path: Path) -> None:
    """A symlinked image whose file is in the site is copied like any other."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("![](/img/a.png)")},
                {"files/real.png": image_bytes("PNG")})
    (site / "img").mkdir()
    os.symlink(site / "files" / "real.png", site / "img" / "a.png")
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 0, err
    assert (out / "img/a.png").read_bytes() == image_bytes("PNG")


# References that escape the site


ESCAPES = (
    "../../../outside/secret.png",
    "{outside}",
    "file://{outside}",
    "C:\\outside\\secret.png",
    "\\\\server\\share\\secret.png",
    "%2e%2e/%2e%2e/%2e%2e/outside/secret.png",
    "/../../../outside/secret.png",
)


@pytest.mark.parametrize("fix", [False, True], ids=["repair", "repair --fix-assets"])
def test_references_that_escape_the_site_read_nothing_outside(tmp_path: Path, outside: Path, fix: bool) -> None:
    """``../``, absolute, ``file://``, drive, UNC and percent-encoded references: the file
    outside the site never reaches the output, each is reported."""
    body = "\n\n".join(f"![]({src.format(outside=outside)})" for src in ESCAPES)
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)}, {"img/other.png": image_bytes("PNG")})
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out), *(["--fix-assets"] if fix else []))
    assert code == 1
    assert secret_in(out) == []
    assert not (out / "img/secret.png").exists()
    # The UNC path is a protocol-relative URL; file:// is a URL: neither is a local file.
    assert err.count("image not found") == len(ESCAPES) - 2


def test_verify_reads_nothing_outside_for_escaping_references(tmp_path: Path, outside: Path) -> None:
    """verify resolves none of them to the outside file (unsafe, missing or remote)."""
    body = "\n\n".join(f"![]({src.format(outside=outside)})" for src in ESCAPES)
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)})
    code, stdout, _ = call("verify", str(site), "--report", "-")
    assert code == 1
    images = json.loads(stdout)["images"]
    assert len(images) == len(ESCAPES)
    assert {image["status"] for image in images} <= {"unsafe", "missing", "remote"}
    assert all(image["path"] is None and image["sha256"] is None for image in images)


# Non-images under image names


def test_only_what_decodes_is_copied(tmp_path: Path) -> None:
    """An HTML page as .jpeg and a scripted SVG as .png or .svg are not copied, and named;
    a clean SVG is copied; a PNG named .jpeg is copied (under its name, the link kept as written)."""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>'
    files = {
        "img/page.jpeg": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "img/evil.png": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "img/evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(2)</script></svg>',
        "img/good.svg": svg,
        "img/png.jpeg": image_bytes("PNG"),
    }
    body = "\n\n".join(f"![](/{name})" for name in files)
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)}, files)
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 1
    assert sorted(p.name for p in (out / "img").iterdir()) == ["good.svg", "png.jpeg"]
    assert f"image /img/page.jpeg: {site}/img/page.jpeg is undecodable: an HTML page" in err
    assert "image /img/evil.png:" in err and "an SVG that can run script (onload)" in err
    assert "image /img/evil.svg:" in err and "(script)" in err
    assert "image /img/png.jpeg:" in err and "named as JPEG, bytes are PNG; copied under its name" in err


def test_a_reference_cut_over_lines_is_reported_on_one_line(tmp_path: Path) -> None:
    """Exported references cut over lines, one missing and one empty: each report is one
    line that starts with the post and line, the cut shown as ``⏎``."""
    body = "![](exports/2021-06-20标题前半\n标题后半/a.jpg)\n\n![](exports/2021-06-20标题\r\n后半/b.png)"
    empty = {"exports/2021-06-20标题后半/b.png": b""}
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)}, empty)
    for argv in (("repair", str(site), "--out", str(tmp_path / "out"), "--quiet"), ("verify", str(site))):
        code, out, err = call(*argv)
        assert code == 1
        reports = [line for line in (out + err).splitlines() if "a.jpg" in line or "b.png" in line]
        assert len(reports) == 2, reports
        where = ("_posts/2020-01-01-a.md:", f"{site}/_posts/2020-01-01-a.md:")  # verify's, repair's
        assert all(line.startswith(where) for line in reports)
        assert any("2021-06-20标题前半⏎标题后半/a.jpg" in line for line in reports)


def test_mislabelled_image_of_an_export_follows_its_true_extension(tmp_path: Path) -> None:
    """In an exported post (links are wxmigrate's to write), a PNG named .jpeg is copied as .png
    and the link follows."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("![](/img/a.jpeg)")},
                {"img/a.jpeg": image_bytes("PNG")})
    out = tmp_path / "out"
    result = repair_site(site, out=out, dialect="wechat")
    assert result.exit_code == 0
    assert (out / "img/a.png").read_bytes() == image_bytes("PNG")
    assert not (out / "img/a.jpeg").exists()
    assert "/img/a.png)" in (out / "_posts/2020-01-01-a.md").read_text(encoding="utf-8")


BAD_IMAGES = {
    "img/bomb.png": png_claiming(50000, 50000),
    "img/cut.png": image_bytes("PNG", size=(64, 64))[:70],
    "img/zero.png": b"",
    "img/label.jpeg": image_bytes("PNG"),
}


def test_damaged_images_in_verify_deep_are_statuses_in_bounded_time(tmp_path: Path) -> None:
    """A 50000×50000 bomb, a truncated, a zero-byte and a mislabelled image: one status each,
    quickly, in a subprocess (no traceback, no memory blow-up)."""
    body = "\n\n".join(f"![](/{name})" for name in BAD_IMAGES)
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)}, BAD_IMAGES)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "wxmigrate", "verify", str(site), "--deep"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert time.monotonic() - started < 30
    assert done.returncode == 1 and "Traceback" not in done.stderr
    for status, name in (("bomb", "bomb.png"), ("truncated", "cut.png"), ("empty", "zero.png"),
                         ("mismatched", "label.jpeg")):
        assert f": {status}: img/{name} (" in done.stdout


def test_damaged_images_are_not_copied_by_repair_fix_assets(tmp_path: Path) -> None:
    """repair --fix-assets copies neither the bomb nor the empty image; the truncated one is
    the real picture cut short, copied as it is; each is reported with its status; the
    mislabelled one gets a copy under its true extension."""
    body = "\n\n".join(f"![](/{name})" for name in BAD_IMAGES)
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(body)}, BAD_IMAGES)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "wxmigrate", "repair", str(site), "--out", str(out), "--fix-assets"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert sorted(p.name for p in (out / "img").iterdir()) == ["cut.png", "label.jpeg", "label.png"]
    assert (out / "img" / "cut.png").read_bytes() == (site / "img" / "cut.png").read_bytes()
    for status, name in (("bomb", "bomb.png"), ("truncated", "cut.png"), ("empty", "zero.png")):
        assert f"image /img/{name}: {site}/img/{name} is {status}:" in done.stderr
    assert "cut.png is truncated: " in done.stderr and "; copied as it is" in done.stderr


# Faults: the lock


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    """In place, and into --out: one clear line, exit 2, nothing written."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": CHANGED})
    before = snapshot(site)
    with folder_lock(site):
        code, _, err = call("repair", str(site), "--in-place", "--dialect", "wechat")
        assert code == 2
        assert err == (f"wxmigrate repair: {site / LOCK_NAME}:0: another wxmigrate run "
                       f"(process {os.getpid()}) is writing here; wait for it to end\n")
        assert {k: v for k, v in snapshot(site).items() if not k.endswith(LOCK_NAME)} == before
    out = tmp_path / "out"
    with folder_lock(out):
        code, _, err = call("repair", str(site), "--out", str(out))
        assert code == 2 and "another wxmigrate run" in err
        assert not (out / "_posts").exists()
    assert not (out / LOCK_NAME).exists() and not (site / LOCK_NAME).exists()


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    """The lock file names a process that has ended: the run goes ahead and removes it."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": CHANGED})
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (site / LOCK_NAME).write_text(f"{dead.pid}\n", encoding="ascii")
    code, _, err = call("repair", str(site), "--in-place", "--dialect", "wechat")
    assert code == 0, err
    assert "# 标题" in (site / "_posts/2020-01-01-a.md").read_text(encoding="utf-8")
    assert not (site / LOCK_NAME).exists()


# Faults: full disk, interruption, temporary files


def _fail_writes(monkeypatch: pytest.MonkeyPatch, exception: BaseException) -> None:
    def refuse(handle: int, data: object) -> int:
        raise exception
    monkeypatch.setattr(write.os, "write", refuse)


def test_full_disk_during_out_names_the_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills after the first post: each later write is one line naming the post and
    the file, the run goes on and exits 1, and no temporary file is left."""
    site = make(tmp_path / "site", {f"2020-01-0{n}-a.md": post("a") for n in (1, 2, 3)})
    out = tmp_path / "out"
    real_write = os.write
    writes: list[int] = []

    def fill(handle: int, data: bytes) -> int:
        writes.append(handle)
        if len(writes) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(handle, data)

    monkeypatch.setattr(write.os, "write", fill)
    code, _, err = call("repair", str(site), "--out", str(out), "--quiet")
    assert code == 1
    assert err.splitlines() == [
        f"{site}/_posts/2020-01-0{n}-a.md:0: cannot write {out}/_posts/2020-01-0{n}-a.md: No space left on device"
        for n in (2, 3)
    ] + [f"{out}:0: cannot write the site's files: No space left on device"]
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [".wxmigrate/done.sqlite", "_posts/2020-01-01-a.md"]  # the post, and the run's record of it


def test_full_disk_for_every_post_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not one post could be written: nothing was done, exit 2, each post named."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a"), "2020-01-02-b.md": post("b")})
    out = tmp_path / "out"
    _fail_writes(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    code, _, err = call("repair", str(site), "--out", str(out), "--quiet")
    assert code == 2
    assert err.count("No space left on device") == 3
    assert [p for p in out.rglob("*") if p.is_file()] == []


def test_full_disk_during_a_backup_leaves_the_original_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--in-place: the backup cannot be written, so the post is not rewritten; no partial backup."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": CHANGED})
    original = (site / "_posts/2020-01-01-a.md").read_bytes()
    _fail_writes(monkeypatch, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    result = repair_site(site, in_place=True, dialect="wechat")
    assert result.exit_code == 2  # its only post failed
    assert result.posts[0].error is not None and "cannot back up" in result.posts[0].error
    assert "No space left on device; left as it was" in result.posts[0].error
    assert (site / "_posts/2020-01-01-a.md").read_bytes() == original
    assert [p for p in (site / ".wxmigrate-backup").rglob("*") if p.is_file()] == []


def test_an_existing_backup_is_never_overwritten(tmp_path: Path) -> None:
    """A backup with other bytes at the same place: FileExistsError, the old backup kept."""
    (tmp_path / "site").mkdir()
    source = tmp_path / "site" / "a.md"
    source.write_bytes(b"new")
    folder = tmp_path / "backup"
    (folder).mkdir()
    (folder / "a.md").write_bytes(b"original")
    with pytest.raises(FileExistsError):
        backup(source, tmp_path / "site", folder)
    assert (folder / "a.md").read_bytes() == b"original"


def test_interrupted_writes_leave_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KeyboardInterrupt in the middle of a write: the temporary file and the lock are gone."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")}, {"img/a.png": image_bytes("PNG")})
    out = tmp_path / "out"
    _fail_writes(monkeypatch, KeyboardInterrupt())
    code, _, err = call("repair", str(site), "--out", str(out))
    assert (code, err) == (2, "wxmigrate: interrupted\n")
    assert [p for p in out.rglob("*") if p.is_file()] == []


def test_sigterm_mid_run_cleans_up(tmp_path: Path) -> None:
    """SIGTERM while a post is being written: exit 143, no temporary file, no lock left."""
    site = make(tmp_path / "site", {f"2020-01-{n:02}-a.md": post("a") for n in range(1, 4)})
    out = tmp_path / "out"
    script = (
        "import os, signal, sys\n"
        "from wxmigrate import write\n"
        "real = write.os.replace\n"
        "def replace(temporary, target):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    real(temporary, target)\n"
        "write.os.replace = replace\n"
        "from wxmigrate.cli import main\n"
        f"sys.argv = ['wxmigrate', 'repair', {str(site)!r}, '--out', {str(out)!r}]\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert [p.name for p in out.rglob("*") if p.is_file()] == []


def test_stale_temporary_files_are_removed_by_the_next_run(tmp_path: Path) -> None:
    """A killed run's ``.wxmigrate-tmp-*`` files in the output go; other hidden files stay."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    out = tmp_path / "out"
    (out / "_posts").mkdir(parents=True)
    (out / "_posts" / f"{TEMP_PREFIX}0123").write_bytes(b"half")
    (out / ".keep").write_bytes(b"")
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 0, err
    assert not (out / "_posts" / f"{TEMP_PREFIX}0123").exists()
    assert (out / ".keep").exists()
    assert remove_stale_temporaries(out) == []


def test_copy_file_uses_a_temporary_name_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy cut short leaves neither the target nor a temporary file."""
    source = tmp_path / "a.png"
    source.write_bytes(image_bytes("PNG"))
    _fail_writes(monkeypatch, OSError(errno.ENOSPC, "full"))
    with pytest.raises(OSError):
        copy_file(source, tmp_path / "out" / "a.png")
    assert list((tmp_path / "out").iterdir()) == []


# File modes


def test_new_files_get_the_umask_mode_and_replaced_files_keep_theirs(tmp_path: Path) -> None:
    """Posts, configuration, generated site files and copied images: 0666 less the umask."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("![](/img/a.png)")}, {"img/a.png": image_bytes("PNG")})
    (site / "img/a.png").chmod(0o600)
    old = os.umask(0o022)
    try:
        repair_site(site, out=tmp_path / "out")
        repair_site(site, out=tmp_path / "hugo", engine="hugo")
        target = tmp_path / "kept.md"
        target.write_bytes(b"old")
        target.chmod(0o640)
        atomic_write(target, b"new")
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o777
             for p in tmp_path.glob("*/**/*") if p.is_file() and "site" not in p.parts}
    assert {"out/_config.yml", "out/_posts/2020-01-01-a.md", "out/img/a.png", "hugo/hugo.toml"} <= set(modes)
    assert set(modes.values()) == {0o644}
    assert target.stat().st_mode & 0o777 == 0o640


# --dry-run


def test_dry_run_lists_every_file_and_touches_nothing(tmp_path: Path) -> None:
    """--out (re-laid out for Hugo, so site files too) and --in-place: one line per file,
    no file created or changed, the output folder not even created."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": CHANGED + "\n![](/img/a.png)\n"},
                {"img/a.png": image_bytes("PNG")})
    before = snapshot(site)
    out = tmp_path / "out"
    code, stdout, _ = call("repair", str(site), "--out", str(out), "--dry-run", "--engine", "hugo")
    assert code == 0
    lines = stdout.splitlines()
    assert f"would write {out}/content/posts/a/index.md" in lines
    assert f"would copy {site}/img/a.png -> {out}/content/posts/a/a.png" in lines
    assert f"would write {out}/hugo.toml" in lines
    assert len(lines) == 7  # the post, its image, hugo.toml and four layouts
    assert not out.exists()
    code, stdout, _ = call("repair", str(site), "--in-place", "--dry-run", "--dialect", "wechat")
    lines = stdout.splitlines()
    assert lines[1] == f"would write {site}/_posts/2020-01-01-a.md"
    assert lines[0].startswith(f"would back up {site}/_posts/2020-01-01-a.md -> {site}/.wxmigrate-backup/")
    assert len(lines) == 2
    assert snapshot(site) == before


# The output folder


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    (tmp_path / "file").write_bytes(b"x")
    code, _, err = call("repair", str(site), "--out", str(tmp_path / "file"))
    assert (code, err) == (2, f"wxmigrate repair: {tmp_path / 'file'}:0: is a file, not a folder; "
                              "--out needs a folder (or a new path)\n")
    assert (tmp_path / "file").read_bytes() == b"x"


@pytest.mark.parametrize("inner", ["out", "_posts/out"])
def test_output_folder_inside_the_source_is_refused(tmp_path: Path, inner: str) -> None:
    """Posts written there would be read again by a later run: one line, exit 2, nothing written."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    before = snapshot(site)
    code, _, err = call("repair", str(site), "--out", str(site / inner))
    assert code == 2
    assert err.startswith(f"wxmigrate repair: {site / inner}:0: is inside the source") and err.count("\n") == 1
    assert snapshot(site) == before and not (site / inner).exists()


def test_output_folder_the_source_never_reads_is_allowed(tmp_path: Path) -> None:
    """``SITE/_site`` is never walked: fine as an output, and a second run reads one post."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    for _ in range(2):
        result = repair_site(site, out=site / "_site")
        assert [p.source.name for p in result.posts] == ["2020-01-01-a.md"]


@pytest.mark.skipif(ROOT_USER, reason="root writes into read-only folders")
def test_read_only_output_folder(tmp_path: Path) -> None:
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        code, _, err = call("repair", str(site), "--out", str(tmp_path / "ro"))
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert (code, err) == (2, f"wxmigrate repair: {tmp_path / 'ro'}:0: cannot write here: Permission denied\n")


def test_unwritable_output_folder_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where even the lock cannot be made (read-only, as root here simulated): exit 2, one line."""
    site = make(tmp_path / "site", {"2020-01-01-a.md": post("a")})
    real_open = os.open

    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(LOCK_NAME):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr("wxmigrate.lock.os.open", refuse)
    code, _, err = call("repair", str(site), "--out", str(tmp_path / "out"))
    assert (code, err) == (2, f"wxmigrate repair: {tmp_path / 'out'}:0: cannot write here: Permission denied\n")


# Weird file names


def test_weird_post_names_are_repaired(tmp_path: Path) -> None:
    """Spaces, quotes, a leading dash and a 255-byte name: each written under its own name."""
    names = ["with space.md", "quo'te\".md", "-x.md", "a" * 252 + ".md"]
    site = make(tmp_path / "site", {name: CHANGED for name in names})
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out), "--dialect", "wechat")
    assert code == 0, err
    for name in names:
        assert "# 标题" in (out / "_posts" / name).read_text(encoding="utf-8")
    code, _, err = call("repair", "--out", str(tmp_path / "one"), "--", str(site / "_posts" / "-x.md"))
    assert code == 0, err


def test_long_names_in_place_are_backed_up(tmp_path: Path) -> None:
    """A 255-byte name: the temporary and backup files do not grow past the limit."""
    name = "b" * 252 + ".md"
    site = make(tmp_path / "site", {name: CHANGED})
    result = repair_site(site, in_place=True, dialect="wechat")
    assert result.exit_code == 0 and result.posts[0].written
    assert [p.read_text(encoding="utf-8") for p in (site / ".wxmigrate-backup").rglob(name)] == [CHANGED]


def test_nfd_file_found_by_its_nfc_name(tmp_path: Path) -> None:
    """The post links ``café.png`` in NFC, the file is named in NFD (as macOS writes it)."""
    nfc, nfd = unicodedata.normalize("NFC", "café.png"), unicodedata.normalize("NFD", "café.png")
    site = make(tmp_path / "site", {"2020-01-01-a.md": post(f"![](/img/{nfc})")}, {f"img/{nfd}": image_bytes("PNG")})
    out = tmp_path / "out"
    code, _, err = call("repair", str(site), "--out", str(out))
    assert code == 0, err
    text = (out / "_posts/2020-01-01-a.md").read_text(encoding="utf-8")
    linked = text.rsplit("/", 1)[1].rstrip(")\n")
    assert (out / "img" / linked).read_bytes() == image_bytes("PNG")
    code, stdout, _ = call("verify", str(site))
    assert "missing" not in stdout
