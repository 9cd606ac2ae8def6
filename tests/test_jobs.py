"""``--jobs N``: the same files, output, report and exit code as one process; texts not kept.

The site is the benchmark's generator (benchmarks/synthetic_site.py) plus posts
whose names clash: two image files of one name and different content (the
second gets ``NAME-<sha8>``), two posts of one title (re-laid out: ``-2``) and
two post paths that differ only in case.  Chunks are made small so that the
clashing posts land in different workers.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from wxmigrate import migrate, names, pool, work, write
from wxmigrate.cli import run
from wxmigrate.errors import ConfigError, LockError, ReadError
from wxmigrate.lock import LOCK_NAME
from wxmigrate.migrate import repair_site
from wxmigrate.write import TEMP_PREFIX

from .helpers import ROOT

pytest.importorskip("hypothesis", reason="the site is drawn from wxmigrate.testing: pip install -e '.[test]'")

CLASH_A = "---\ntitle: 同名文章\n---\n\n第一篇。\n\n![](/assets/one/pic.png)\n"
CLASH_B = "---\ntitle: 同名文章\n---\n\n第二篇。\n\n![](/assets/two/pic.png)\n"


def generated_site(root: Path, count: int) -> Path:
    """The benchmark's generated site of ``count`` posts at ``root``, plus two posts of one title."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import synthetic_site
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    synthetic_site.build_site(root, count)
    (root / "_posts" / "2016-01-01-aaa-clash.md").write_text(CLASH_A, encoding="utf-8")
    (root / "_posts" / "2030-01-01-aaa-clash.md").write_text(CLASH_B, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated site of 30 posts, with clashing names."""
    root = generated_site(tmp_path_factory.mktemp("jobs") / "site", 30)
    posts = root / "_posts"
    (posts / "2030-02-01-Case.md").write_text("# 大写\n\n正文。\n", encoding="utf-8")
    (posts / "2030-02-01-case.md").write_text("# 小写\n\n正文。\n", encoding="utf-8")
    for folder, color in (("one", "red"), ("two", "blue")):
        (root / "assets" / folder).mkdir(parents=True)
        Image.new("RGB", (4, 4), color).save(root / "assets" / folder / "pic.png")
    return root


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CHUNK", 3)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` and its bytes; a backup folder's time stamp made constant;
    not the output folder's record (:mod:`wxmigrate.resume`: it notes the files' times)."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".wxmigrate" not in path.relative_to(root).parts:
            name = re.sub(r"\d{8}-\d{6}", "STAMP", path.relative_to(root).as_posix())
            files[name] = path.read_bytes()
    return files


def _same_run(tmp_path: Path, template: Path, argv: list[str]) -> Iterator[tuple[object, ...]]:
    """For --jobs 1 then 2: the run's exit code, stdout, stderr and the trees of the site and
    the output, each run on a fresh copy of ``template`` at the same paths."""
    site, out = tmp_path / "site", tmp_path / "out"
    for jobs in ("1", "2"):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(template, site)
        args = [arg.replace("SITE", str(site)).replace("OUT", str(out)) for arg in argv]
        code, stdout, stderr = _run(*args, "--jobs", jobs)
        stamp = re.compile(r"\d{8}-\d{6}")
        yield code, stamp.sub("STAMP", stdout), stamp.sub("STAMP", stderr), _tree(site), _tree(out)


@pytest.mark.parametrize(
    "options",
    [
        ["--explain", "--diff"],
        ["--engine", "hexo"],
        ["--format", "html", "--dry-run"],
    ],
    ids=["mirrored", "hexo", "html-dry-run"],
)
def test_repair_jobs_2_is_jobs_1(tmp_path: Path, site_template: Path, options: list[str]) -> None:
    """Same exit code, stdout (explanations, diffs, the JSON report), stderr, and every byte written."""
    argv = ["repair", "SITE", "--out", "OUT", "--report", "-", *options]
    one, two = _same_run(tmp_path, site_template, argv)
    assert one == two
    code, stdout, stderr, _site, out = one
    assert code == 1 and "image(s) not found" in stderr  # the generated damage is there
    report = json.loads(stdout[stdout.index('{\n  "source"') :])
    assert len(report["posts"]) == 34
    if options == ["--engine", "hexo"]:
        # The clashes were decided: one pic.png, the other renamed by its digest; two posts
        # of one title, the second with -2.
        assert sum(1 for name in out if re.search(r"/pic-[0-9a-f]{8}\.png$", name)) == 1
        assert any(name.endswith("/pic.png") for name in out)
        assert "source/_posts/aaa-clash-2.md" in out
    if options == ["--explain", "--diff"]:
        assert "_posts/2030-02-01-case-2.md" in out  # paths that differ only in case
        assert "@@ " in stdout and ": " in stdout


def test_in_place_jobs_2_backs_up_as_jobs_1(tmp_path: Path, site_template: Path) -> None:
    """In place: the same posts rewritten, the same backups, the same report."""
    one, two = _same_run(tmp_path, site_template, ["repair", "SITE", "--in-place", "--report", "-"])
    assert one == two
    site = one[3]
    assert isinstance(site, dict)
    backups = [name for name in site if name.startswith(".wxmigrate-backup/STAMP/")]
    assert len(backups) > 10
    assert not any(LOCK_NAME in name or TEMP_PREFIX in name for name in site)


@pytest.mark.parametrize("command", ["repair", "verify"])
def test_an_image_index_on_disk_gives_the_run_one_in_memory_gives(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Past :data:`~wxmigrate.names.KEPT` files (an archive's half a million), the images by
    name are kept on disk, and the forked workers read them there: with every file on disk,
    ``--jobs`` 1 and 2 give what they give with every file in memory."""
    argv = ["repair", "SITE", "--out", "OUT", "--engine", "hexo"] if command == "repair" else ["verify", "SITE"]
    argv += ["--report", "-"]
    in_memory = list(_same_run(tmp_path / "memory", site_template, argv))
    monkeypatch.setattr(names, "KEPT", 0)
    on_disk = list(_same_run(tmp_path / "disk", site_template, argv))
    paths = re.compile(re.escape(str(tmp_path)) + r"/(memory|disk)")
    assert [paths.sub("TMP", repr(run)) for run in on_disk] == [paths.sub("TMP", repr(run)) for run in in_memory]
    assert in_memory[0] == in_memory[1]
    assert "image(s) not found" in str(in_memory[0][2]) or '"missing"' in str(in_memory[0][1])


def test_verify_jobs_2_is_jobs_1(tmp_path: Path, site_template: Path) -> None:
    """verify --deep --jobs 2: the same table, JSON report and exit code."""
    one, two = _same_run(tmp_path, site_template, ["verify", "SITE", "--deep", "--report", "-"])
    assert one == two
    code, stdout, stderr = one[:3]
    assert code == 1 and '"status": "truncated"' in str(stdout) and "missing" in str(stderr)


def test_a_post_failing_in_a_worker_is_reported_as_in_one(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception while repairing one post (in a worker) is that post's one-line error."""
    real = migrate.repair

    def failing(post: object, options: object) -> object:
        if "2016-01-01-aaa-clash" in str(getattr(post, "path", "")):
            raise RuntimeError("boom")
        return real(post, options)  # type: ignore[arg-type]

    monkeypatch.setattr(migrate, "repair", failing)
    one, two = _same_run(tmp_path, site_template, ["repair", "SITE", "--out", "OUT"])
    assert one == two
    stderr = str(one[2])
    failed = tmp_path / "site" / "_posts" / "2016-01-01-aaa-clash.md"  # not its namesake of 2030
    lines = [line for line in stderr.splitlines() if line.startswith(f"{failed}:0: ")]
    assert len(lines) == 1 and "RuntimeError: boom" in lines[0]
    assert f"failed: {failed}" in stderr


def test_results_keep_no_texts_unless_asked(tmp_path: Path, site_template: Path) -> None:
    """A run keeps each post's summary, not its texts; on_post sees them; keep_texts keeps them."""
    seen: list[str] = []
    result = repair_site(site_template, out=tmp_path / "a", jobs=2, on_post=lambda post: seen.append(post.original))
    assert all(post.original == "" and post.repaired is None for post in result.posts)
    assert sum(post.changed for post in result.posts) > 10
    assert len(seen) == 34 and all(seen)
    kept = repair_site(site_template, out=tmp_path / "b", keep_texts=True)
    assert [post.changed for post in kept.posts] == [post.changed for post in result.posts]
    assert all(post.original for post in kept.posts)


@pytest.mark.parametrize("jobs", ["-1", "two"])
def test_bad_jobs_is_a_usage_error(
    tmp_path: Path, site_template: Path, jobs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = _run("repair", str(site_template), "--out", str(tmp_path / "o"), "--jobs", jobs)
    assert code == 2 and "argument --jobs: expected 0 (one per core)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_jobs_0_is_one_per_core(tmp_path: Path, site_template: Path) -> None:
    code, _, stderr = _run("repair", str(site_template), "--out", str(tmp_path / "o"), "--jobs", "0")
    assert code == 1 and "34 post(s)" in stderr
    assert pool.worker_count(0) == (os.cpu_count() or 1)


def test_terminated_run_with_workers_leaves_no_temporary_file_or_lock(
    tmp_path: Path, site_template: Path
) -> None:
    """SIGTERM during ``--jobs 2``: the workers finish what they write, the lock goes, exit 143."""
    site = tmp_path / "site"
    shutil.copytree(site_template, site)
    for copy in range(4):  # enough posts to be still running when the signal comes
        for post in list((site_template / "_posts").glob("*post-*.md")):
            shutil.copy(post, site / "_posts" / f"{post.stem}-{copy}.md")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "wxmigrate", "repair", str(site), "--out", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(out.glob("_posts/*.md")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert not (out / LOCK_NAME).exists()
    assert not [path for path in out.rglob("*") if path.name.startswith(TEMP_PREFIX)]


def test_errors_cross_from_a_worker_whole() -> None:
    """An error raised in a worker reaches the main process as it was (type, path, line, detail)."""
    for error in (ReadError("a.md", 3, "cannot read"), ConfigError("unknown rule"), LockError("x", 0, "held")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)
        assert (again.path, again.line, again.detail) == (error.path, error.line, error.detail)


def test_a_lost_worker_loses_nothing_and_a_second_run_finishes(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-run: the posts not done are reported so (exit 1), nothing half
    written is left, and the same command run again finishes them, rewriting nothing that
    was written already; the output is then a clean run's."""
    real = work.repair_one
    victim = sorted(path.name for path in (site_template / "_posts").iterdir())[20]  # mid-run

    def dying(path: Path, *args: object) -> object:
        if path.name == victim and os.getpid() != parent:
            (out / f"{TEMP_PREFIX}half-copied").write_bytes(b"half")  # killed mid-write,
            os._exit(9)  # at once, as under the OOM killer
        return real(path, *args)  # type: ignore[arg-type]

    parent = os.getpid()
    monkeypatch.setattr(work, "repair_one", dying)
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(site_template, site)
    code, _, stderr = _run("repair", str(site), "--out", str(out), "--jobs", "2")
    not_done = [line for line in stderr.splitlines() if ":0: not done: the workers were lost" in line]
    assert code == 1 and f"{site / '_posts' / victim}:0: not done" in stderr
    assert 0 < len(not_done) < 34 and "run the same command again" in not_done[0]
    assert not [path for path in out.rglob("*") if path.name.startswith(TEMP_PREFIX) or path.name == LOCK_NAME]
    before = {path: path.stat().st_ino for path in out.rglob("*.md")}

    monkeypatch.setattr(work, "repair_one", real)
    code, _, stderr = _run("repair", str(site), "--out", str(out), "--jobs", "2")
    assert code == 1 and "not done" not in stderr and "34 post(s)" in stderr  # 1: the generated damage
    assert {path: path.stat().st_ino for path in before} == before  # written once, not again
    clean = tmp_path / "clean"
    code, _, stderr = _run("repair", str(site), "--out", str(clean))
    assert code == 1 and _tree(out) == _tree(clean), stderr


def _terminated_mid_write(folder: Path) -> None:
    pool._install(None)
    with write._temporary(folder / "post.md") as (handle, _):
        os.write(handle, b"half a post")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler ends the process before this does
    os._exit(0)  # never reached


def test_a_worker_told_to_stop_mid_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM (what the pool sends its other workers once one is lost) ends a worker at
    once, removing the temporary file it was writing."""
    process = multiprocessing.get_context("fork").Process(target=_terminated_mid_write, args=(tmp_path,))
    process.start()
    process.join(20)
    assert process.exitcode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


def test_a_run_keeps_its_posts_and_files_on_disk(tmp_path: Path, site_template: Path) -> None:
    """RunResult's posts, copies and actions are read back from the run's ledger, in order,
    each file once (a shared image at the first post that needed it)."""
    result = repair_site(site_template, out=tmp_path / "o", dry_run=True)
    posts = result.posts
    assert len(posts) == 34 and [post.source for post in posts] == list(result.site.posts)
    assert posts[-1] == list(posts)[-1] and posts[1:3] == list(posts)[1:3]
    actions = list(result.actions)
    assert len({action.path for action in actions}) == len(actions) == len(result.actions)
    copies = [(action.source, action.path) for action in actions if action.verb == "copy"]
    assert copies == list(result.copied) and len(copies) > 30
    assert result.counts.posts == 34 and result.counts.failed == len(result.failed)
