"""Running ``repair --out DST`` again: the posts already written, unchanged, are skipped
(wxmigrate/resume.py, docs/scale.md), and the run says and writes what a full run would.

Skipping is proved two ways: the per-post repair (``work.repair_one``) is replaced by a
counter, or the record's stored result of a post is altered, which only a skipped post
can show.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from wxmigrate import pool, read, work
from wxmigrate.migrate import repair_site
from wxmigrate.resume import RECORD

from .test_jobs import _run, _tree, generated_site

pytest.importorskip("hypothesis", reason="the site is drawn from wxmigrate.testing: pip install -e '.[test]'")

MISSING = "---\ntitle: 缺图\n---\n\n图片还没有。\n\n![](/assets/later/new.png)\n"


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated site of 20 posts (two of one title), and one whose image is missing."""
    root = generated_site(tmp_path_factory.mktemp("resume") / "site", 20)
    (root / "_posts" / "2030-03-01-missing.md").write_text(MISSING, encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "CHUNK", 3)


def _count_repairs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, the names of the posts repaired (not skipped) in this process, in order."""
    names: list[str] = []
    real = work.repair_one

    def counting(path: Path, *args: object) -> object:
        names.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(work, "repair_one", counting)
    return names


@pytest.fixture
def repaired(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the posts repaired (not skipped) in this process, in order."""
    yield _count_repairs(monkeypatch)


def _copy(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(template, site)
    return site, out


def _repair(site: Path, out: Path, *options: str) -> tuple[int, str, str]:
    return _run("repair", str(site), "--out", str(out), "--report", "-", "--explain", *options)


def _posts(site: Path) -> list[str]:
    return sorted(path.name for path in (site / "_posts").iterdir())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_rerun_skips_every_post_and_says_what_a_full_rerun_says(
    tmp_path: Path, site_template: Path, repaired: list[str], jobs: str
) -> None:
    """Run, run again: no post repaired; the same exit code, stdout (explanations, JSON
    report), stderr and files as the same rerun with --no-resume."""
    site, out = _copy(site_template, tmp_path)
    first = _repair(site, out, "--jobs", jobs)
    assert first[0] == 1 and (out / RECORD).is_file()
    kept = tmp_path / "kept"
    shutil.copytree(out, kept)
    repaired.clear()
    resumed = _repair(site, out, "--jobs", jobs)
    if jobs == "1":
        assert repaired == []  # with jobs 2 the workers repair: see the next test
    resumed_tree = _tree(out)
    shutil.rmtree(out)
    shutil.copytree(kept, out)
    full = _repair(site, out, "--jobs", jobs, "--no-resume")
    assert resumed == full and resumed_tree == _tree(out)
    assert '"written": true' not in resumed[1] and '"changes": [\n' in resumed[1]
    assert f"{len(_posts(site))} post(s)" in resumed[2] and "0 image(s) copied" in resumed[2]


def _alter_stored_results(out: Path, marker: str) -> int:
    """Put ``marker`` into every stored result's first change; how many were altered."""
    with sqlite3.connect(out / RECORD) as connection:
        rows = connection.execute("SELECT post, result FROM posts").fetchall()
        altered = 0
        for post, text in rows:
            data = json.loads(zlib.decompress(text))
            if data["changes"]:
                data["changes"][0][3] = marker
                stored = zlib.compress(json.dumps(data).encode("ascii"))
                connection.execute("UPDATE posts SET result = ? WHERE post = ?", (stored, post))
                altered += 1
    return altered


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_skipped_post_reports_its_stored_result(tmp_path: Path, site_template: Path, jobs: str) -> None:
    """The rerun shows what the record holds (altered here), so it did not repair those posts;
    --no-resume repairs them and shows the real changes."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out, "--jobs", jobs)
    altered = _alter_stored_results(out, "FROM-THE-RECORD")
    assert altered > 15
    _code, stdout, _err = _repair(site, out, "--jobs", jobs)
    assert stdout.count("FROM-THE-RECORD") == 2 * altered  # the explanation and the report
    _code, stdout, _err = _repair(site, out, "--jobs", jobs, "--no-resume")
    assert "FROM-THE-RECORD" not in stdout


def test_a_source_edit_repairs_only_that_post(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """One post edited: it alone is repaired, and its output is the edit's."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    edited = site / "_posts" / _posts(site)[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新的一段。\n", encoding="utf-8")
    repaired.clear()
    code, _, stderr = _repair(site, out)
    assert repaired == [edited.name] and code == 1, stderr
    assert "新的一段。" in (out / "_posts" / edited.name).read_text(encoding="utf-8")


def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """Same size, same modification time, other bytes: the digest tells, the post is repaired."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    edited = site / "_posts" / _posts(site)[3]
    found = edited.stat()
    data = edited.read_bytes()
    edited.write_bytes(data.replace("的".encode(), "地".encode(), 1))
    os.utime(edited, ns=(found.st_atime_ns, found.st_mtime_ns))
    assert edited.stat().st_size == found.st_size and edited.read_bytes() != data
    repaired.clear()
    _repair(site, out)
    assert repaired == [edited.name]


def test_an_option_changed_repairs_every_post(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """Another setting (here --strip-boilerplate) can change every output: all are repaired;
    run again with it, only the posts that failed are (a failure is never recorded)."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    repaired.clear()
    _code, stdout, _ = _repair(site, out, "--strip-boilerplate")
    assert repaired == _posts(site)
    report = json.loads(stdout[stdout.index("\n{\n") :])
    failed = [Path(post["path"]).name for post in report["posts"] if post["error"]]
    assert 0 < len(failed) < len(repaired)
    repaired.clear()
    _repair(site, out, "--strip-boilerplate")
    assert repaired == failed


def test_an_image_that_appears_repairs_the_post_that_uses_it(
    tmp_path: Path, site_template: Path, repaired: list[str]
) -> None:
    """An image not found, then put in place: the post using it is repaired and the image
    copied; then the image changed: that post again, and no other."""
    site, out = _copy(site_template, tmp_path)
    code, _, stderr = _repair(site, out)
    assert "image not found: /assets/later/new.png" in stderr
    (site / "assets" / "later").mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(site / "assets" / "later" / "new.png")
    repaired.clear()
    code, _, stderr = _repair(site, out)
    assert repaired == ["2030-03-01-missing.md"] and "new.png" not in stderr
    assert (out / "assets" / "later" / "new.png").is_file() and "1 image(s) copied" in stderr
    Image.new("RGB", (8, 8), "blue").save(site / "assets" / "later" / "new.png")
    repaired.clear()
    code, _, stderr = _repair(site, out)
    assert repaired == ["2030-03-01-missing.md"]


def test_an_output_deleted_or_edited_is_written_again(
    tmp_path: Path, site_template: Path, repaired: list[str]
) -> None:
    """The output file of a post deleted, another's edited: those two are repaired and written."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    clean = _tree(out)
    names = _posts(site)
    (out / "_posts" / names[2]).unlink()
    (out / "_posts" / names[7]).write_text("edited by hand\n", encoding="utf-8")
    repaired.clear()
    _code, stdout, _ = _repair(site, out)
    assert repaired == [names[2], names[7]] and stdout.count('"written": true') == 2
    assert _tree(out) == clean


def test_an_image_copy_deleted_is_copied_again(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """An image deleted from the output: the skipped posts make the copy again, as a full run does."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    clean = _tree(out)
    image = next(path for path in sorted((out / "assets").rglob("*")) if path.is_file())
    image.unlink()
    repaired.clear()
    _code, stdout, stderr = _repair(site, out)
    assert repaired == [] and "1 image(s) copied" in stderr and str(image) in stdout
    assert _tree(out) == clean


def test_a_damaged_record_is_a_warning_and_a_full_run(
    tmp_path: Path, site_template: Path, repaired: list[str]
) -> None:
    """A record that is not a database: one line on stderr, every post repaired, the exit code
    of a run; a new record is started, which the next run uses."""
    site, out = _copy(site_template, tmp_path)
    first = _repair(site, out)
    (out / RECORD).write_bytes(b"this is not a database\n" * 100)
    repaired.clear()
    code, stdout, stderr = _repair(site, out)
    warnings = [line for line in stderr.splitlines() if "warning" in line]
    assert warnings == [
        f"wxmigrate repair: warning: {out / RECORD}:0: cannot be read (file is not a database); "
        "every post is repaired, and a new record started"
    ]
    assert repaired == _posts(site) and code == first[0] and "Traceback" not in stderr
    repaired.clear()
    code, _, stderr = _repair(site, out)
    assert repaired == [] and "warning" not in stderr


def test_a_damaged_entry_is_repaired(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """An entry whose fields are not what the record writes: no traceback, a warning, a full run."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out)
    with sqlite3.connect(out / RECORD) as connection:
        connection.execute("UPDATE posts SET copies = 'not json'")
    repaired.clear()
    code, _, stderr = _repair(site, out)
    assert repaired == _posts(site) and "Traceback" not in stderr
    assert "done.sqlite:0: cannot be read" in stderr and code == 1


def test_dry_runs_checks_and_no_resume_write_no_record(tmp_path: Path, site_template: Path) -> None:
    """--dry-run, --check (in place) and --no-resume leave no record anywhere."""
    site, out = _copy(site_template, tmp_path)
    _run("repair", str(site), "--out", str(out), "--dry-run")
    _run("repair", str(site), "--check")
    assert not (out / RECORD).exists() and not (site / RECORD).exists()
    _repair(site, out, "--no-resume")
    assert not (out / RECORD).exists() and (out / "_posts").is_dir()


def test_in_place_keeps_no_record(tmp_path: Path, site_template: Path) -> None:
    """In place the source is the output: no record is kept in it."""
    site, _out = _copy(site_template, tmp_path)
    _run("repair", str(site), "--in-place")
    assert not (site / ".wxmigrate").exists()


def test_the_config_key_turns_it_off(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """``resume = false`` in wxmigrate.toml: every post repaired, no record."""
    site, out = _copy(site_template, tmp_path)
    (site / "wxmigrate.toml").write_text("resume = false\n", encoding="utf-8")
    _repair(site, out)
    _repair(site, out)
    assert repaired == _posts(site) * 2 and not (out / RECORD).exists()


def test_relaid_out_reruns_skip_too(tmp_path: Path, site_template: Path, repaired: list[str]) -> None:
    """Re-laid out for Hugo (output paths given out in post order, two posts of one title):
    the rerun skips every post, with jobs 1 and 2 alike, and says what a full rerun says."""
    site, out = _copy(site_template, tmp_path)
    _repair(site, out, "--engine", "hugo")
    repaired.clear()
    resumed = _repair(site, out, "--engine", "hugo")
    assert repaired == [] and resumed == _repair(site, out, "--engine", "hugo", "--jobs", "2")
    assert resumed == _repair(site, out, "--engine", "hugo", "--no-resume")
    assert sum(1 for path in (out / "content" / "posts").rglob("*.md")) == len(_posts(site))


def test_an_interrupted_run_is_finished_by_repairing_only_the_rest(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers lost mid-run (a worker process killed): the rerun repairs only the posts not
    done, and its output is a clean run's."""
    real = work.repair_one
    names = sorted(path.name for path in (site_template / "_posts").iterdir())
    victim = names[12]
    parent = os.getpid()
    repaired: list[str] = []

    def dying(path: Path, *args: object) -> object:
        if path.name == victim and os.getpid() != parent:
            os._exit(9)  # the worker dies at once, as under the OOM killer
        if os.getpid() == parent:
            repaired.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(work, "repair_one", dying)
    site, out = _copy(site_template, tmp_path)
    code, _, stderr = _run("repair", str(site), "--out", str(out), "--jobs", "2")
    not_done = sorted(
        Path(line.split(":0: not done")[0]).name for line in stderr.splitlines() if ":0: not done:" in line
    )
    assert code == 1 and victim in not_done and len(not_done) < len(names)
    code, _, stderr = _run("repair", str(site), "--out", str(out), "--jobs", "1")
    assert "not done" not in stderr and repaired == not_done
    clean = tmp_path / "clean"
    _run("repair", str(site), "--out", str(clean))
    assert _tree(out) == _tree(clean)


def test_from_python_the_skipped_results_have_their_texts(tmp_path: Path, site_template: Path) -> None:
    """repair_site(on_post=...) of a rerun: each post's texts (for --diff, --review) as a full run gives them."""
    site, out = _copy(site_template, tmp_path)
    full: list[tuple[object, ...]] = []
    resumed: list[tuple[object, ...]] = []
    repair_site(site, out=out)
    for seen, resume in ((resumed, True), (full, False)):
        repair_site(
            site, out=out, resume=resume,
            on_post=lambda post, seen=seen: seen.append((post.source, post.original, post.repaired, post.images)),
        )
    assert resumed == full and all(original and repaired for _, original, repaired, _ in full)


def _source_digests(out: Path) -> dict[str, str]:
    with sqlite3.connect(out / RECORD) as connection:
        return dict(connection.execute("SELECT post, source_digest FROM posts").fetchall())


def test_a_recording_run_reads_each_post_once_and_records_the_bytes_it_repaired(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record's source digest is of the bytes the repair read, from the same read: a
    post file is opened once by a recording run, and a post changed once it was read (its
    entry stands for the bytes repaired) is repaired again by the next run."""
    site, out = _copy(site_template, tmp_path)
    posts = site / "_posts"
    changed = posts / _posts(site)[3]
    original = changed.read_bytes()
    opened: list[Path] = []
    real_open, real_decode = open, read.decode

    def noting(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, (str, Path)) and Path(file).parent == posts:
            opened.append(Path(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    def decoding(data: bytes, name: str = "<bytes>", **kwargs: object) -> str:
        if name == str(changed) and data == original:  # changed behind the run once read
            changed.write_bytes(original + "\n后来加的一句。\n".encode("utf-8"))
        return real_decode(data, name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("builtins.open", noting)
    monkeypatch.setattr(read, "decode", decoding)
    code, _, stderr = _repair(site, out, "--jobs", "1")
    monkeypatch.setattr("builtins.open", real_open)
    monkeypatch.setattr(read, "decode", real_decode)
    assert code in (0, 1), stderr
    assert sorted(opened) == sorted(posts.iterdir())  # each post file opened once
    digests = _source_digests(out)
    assert digests[changed.relative_to(site).as_posix()] == hashlib.sha256(original).hexdigest()
    again = _count_repairs(monkeypatch)
    _repair(site, out, "--jobs", "1")
    assert again == [changed.name]


def test_image_states_from_the_runs_real_paths_are_realpaths(tmp_path: Path) -> None:
    """:func:`~wxmigrate.resume.image_state` with a run's
    :meth:`~wxmigrate.migrate.ImagePlan.real_path` (each folder resolved once) is the state
    ``os.path.realpath`` gives: image folders reached through a link, a file that is a link
    (and one dangling), asked twice."""
    from wxmigrate.migrate import make_plan
    from wxmigrate.resume import image_state
    from wxmigrate.site import discover

    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "2020-01-01-a.md").write_text("# a\n\n![](/assets/a.png)\n", encoding="utf-8")
    (site / "assets" / "store").mkdir(parents=True)
    (site / "assets" / "a.png").write_bytes(b"png")
    (site / "assets" / "store" / "real.png").write_bytes(b"png")
    (site / "assets" / "b.png").symlink_to(site / "assets" / "store" / "real.png")
    (site / "assets" / "gone.png").symlink_to(site / "assets" / "store" / "gone.png")
    (site / "images").symlink_to(site / "assets" / "store", target_is_directory=True)
    found = discover(site)
    plan = make_plan(found, None)
    names = sorted(found.images)
    assert {"a.png", "b.png", "real.png"} <= set(names)
    for _ in range(2):
        for name in names:
            assert image_state(found, [name], plan.images.real_path) == image_state(found, [name])
        assert image_state(found, names, plan.images.real_path) == image_state(found, names)
