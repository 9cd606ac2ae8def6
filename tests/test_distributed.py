"""``--scheduler dask``: on a Dask ``LocalCluster`` of 2 workers, the same files, output,
report and exit code as one local process (docs/scale.md).

The site is the benchmark's generator (benchmarks/synthetic_site.py), a few hundred
posts, plus posts whose names clash (tests/test_jobs.py), so that what one run decides
across posts is decided on the cluster too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from wxmigrate.errors import ConfigError
from wxmigrate.migrate import repair_site

from .test_jobs import _run, _tree, generated_site

pytest.importorskip("distributed", reason="the Dask extra: pip install -e '.[dask]'")
pytest.importorskip("hypothesis", reason="the site is drawn from wxmigrate.testing: pip install -e '.[test]'")

POSTS = 200


@pytest.fixture(scope="module")
def site_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated site of a few hundred posts, two of them of one title."""
    return generated_site(tmp_path_factory.mktemp("dask") / "site", POSTS)


def _local_then_dask(tmp_path: Path, template: Path, argv: list[str]) -> list[tuple[object, ...]]:
    """The run of ``argv`` here (one process), then on a LocalCluster of 2 workers: each
    run's exit code, stdout, stderr and output tree, on fresh copies at the same paths."""
    site, out = tmp_path / "site", tmp_path / "out"
    runs = []
    for where in (["--jobs", "1"], ["--scheduler", "dask", "--jobs", "2"]):
        shutil.rmtree(site, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(template, site)
        args = [arg.replace("SITE", str(site)).replace("OUT", str(out)) for arg in argv]
        code, stdout, stderr = _run(*args, *where)
        runs.append((code, stdout, stderr, _tree(out) if out.exists() else {}))
    return runs


@pytest.mark.parametrize(
    "options", [["--explain"], ["--engine", "hexo", "--format", "html"]], ids=["mirrored", "hexo-html"]
)
def test_repair_on_a_local_cluster_is_a_local_run(tmp_path: Path, site_template: Path, options: list[str]) -> None:
    """Same exit code, stdout (explanations, the JSON report), stderr and every byte written."""
    local, dask = _local_then_dask(tmp_path, site_template, ["repair", "SITE", "--out", "OUT", "--report", "-", *options])
    assert local == dask
    code, stdout, stderr, out = local
    assert code == 1 and f"{POSTS + 2} post(s)" in str(stderr) and '"copied_images": [' in str(stdout)
    assert isinstance(out, dict) and len(out) > POSTS


def test_verify_on_a_local_cluster_is_a_local_run(tmp_path: Path, site_template: Path) -> None:
    """verify --deep: the same table, JSON report and exit code."""
    local, dask = _local_then_dask(tmp_path, site_template, ["verify", "SITE", "--deep", "--report", "-"])
    assert local == dask
    assert local[0] == 1 and '"status": "truncated"' in str(local[1])


def test_the_executor_from_python(tmp_path: Path, site_template: Path) -> None:
    """repair_site(executor=dask_executor()) gives the results of a local run, in order."""
    from wxmigrate.distributed import dask_executor

    local = repair_site(site_template, out=tmp_path / "a")
    dask = repair_site(site_template, out=tmp_path / "b", jobs=2, executor=dask_executor())
    assert [(p.source, p.changes, p.error) for p in dask.posts] == [(p.source, p.changes, p.error) for p in local.posts]
    assert len(dask.copied) == len(local.copied) > POSTS and dask.exit_code == local.exit_code


def test_without_dask_the_scheduler_is_a_usage_error(
    tmp_path: Path, site_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dask not installed: one line saying what to install, exit 2, nothing written."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(ConfigError, match=r"pip install 'wxmigrate\[dask\]'"):
        from wxmigrate.distributed import dask_executor

        dask_executor()
    code, _, stderr = _run("repair", str(site_template), "--out", str(tmp_path / "o"), "--scheduler", "dask")
    assert code == 2 and "needs Dask" in stderr and not (tmp_path / "o").exists()


def test_a_bad_scheduler_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run("verify", ".", "--scheduler", "spark")
    assert code == 2 and "expected local, dask or dask:ADDRESS" in capsys.readouterr().err


def test_a_rerun_on_a_local_cluster_skips_what_was_written(tmp_path: Path, site_template: Path) -> None:
    """Run on the cluster, then again: the same output, report and exit code as the rerun with
    --no-resume; and the posts were skipped, on the workers: results altered in the record show."""
    from wxmigrate.resume import RECORD

    from .test_resume import _alter_stored_results

    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(site_template, site)
    argv = ["repair", str(site), "--out", str(out), "--report", "-", "--scheduler", "dask", "--jobs", "2"]
    first = _run(*argv)
    assert first[0] == 1 and (out / RECORD).is_file()
    tree = _tree(out)
    resumed = _run(*argv)
    assert resumed == _run(*argv, "--no-resume") and _tree(out) == tree
    assert '"written": true' not in resumed[1] and f"{POSTS + 2} post(s)" in resumed[2]
    altered = _alter_stored_results(out, "FROM-THE-RECORD")
    assert altered > POSTS / 2
    assert _run(*argv)[1].count("FROM-THE-RECORD") == altered
