"""The pre-commit hooks of ``.pre-commit-hooks.yaml``, run as a user runs them: through
``pre-commit try-repo``, on a git repository holding a damaged post and a clean one.

pre-commit installs wxmigrate into an environment of its own (from a snapshot of this
repository's package, as ``try-repo`` does with a local repository), passes the staged
Markdown files, and fails a hook that exits non-zero or modifies a file.  The check
must fail naming the damaged post only, the repair must fix it and leave the clean
post byte for byte, and the check must then pass (docs/formatter.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

DAMAGED = "---\ntitle: 春天来了\n---\n#春天来了\n\n田里的油菜花开了。\n"
REPAIRED = "---\ntitle: 春天来了\n---\n\n# 春天来了\n\n田里的油菜花开了。\n"
CLEAN = "---\ntitle: Clean\n---\n\nA clean post with *emphasis* and a [link](https://example.com).\n"
#: What ``pip install .`` of the hook repository needs, and the hooks.
PACKAGE = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "wxmigrate")


def _environment(home: Path) -> dict[str, str]:
    """This environment, with pre-commit's store in ``home`` and a git identity to commit with."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith(("PRE_COMMIT", "GIT_"))},
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
    }


def _committed(folder: Path, environment: dict[str, str]) -> Path:
    """``folder`` made a git repository, everything in it committed."""
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *argv], cwd=folder, env=environment, check=True, capture_output=True, timeout=60)
    return folder


def _hook_repository(folder: Path, environment: dict[str, str]) -> Path:
    """This repository's package and hooks, committed in a repository of their own."""
    for name in PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)
    return _committed(folder, environment)


def _try_repo(site: Path, hooks: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--all-files", "--color", "never"],
        cwd=site, env=environment, capture_output=True, text=True, timeout=900, check=False,
    )


def test_the_hooks_check_then_repair_then_pass(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed by pre-commit")
    environment = _environment(tmp_path / "pre-commit-home")
    hooks = _hook_repository(tmp_path / "hooks", environment)
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: site\n", encoding="utf-8")
    (site / ".gitignore").write_text(".wxmigrate-backup/\n", encoding="utf-8")
    damaged, clean = site / "_posts" / "2024-03-01-damaged.md", site / "_posts" / "2024-03-02-clean.md"
    damaged.write_text(DAMAGED, encoding="utf-8")
    clean.write_text(CLEAN, encoding="utf-8")
    _committed(site, environment)

    # Every hook of the file, in its order: the check fails, then the repair fixes.
    first = _try_repo(site, hooks, environment)
    assert first.returncode == 1, first.stdout + first.stderr
    check, _, repair = first.stdout.partition("wxmigrate repair....")
    assert "wxmigrate check...." in check and "Failed" in check
    assert "would repair _posts/2024-03-01-damaged.md" in check and "2024-03-02-clean.md" not in check
    assert "Failed" in repair and "files were modified by this hook" in repair
    assert damaged.read_text(encoding="utf-8") == REPAIRED
    assert clean.read_text(encoding="utf-8") == CLEAN
    assert [path.read_text(encoding="utf-8") for path in (site / ".wxmigrate-backup").rglob("*.md")] == [DAMAGED]

    # Once repaired, both pass and nothing changes.
    second = _try_repo(site, hooks, environment)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2
    assert damaged.read_text(encoding="utf-8") == REPAIRED
