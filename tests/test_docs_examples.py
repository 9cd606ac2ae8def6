"""Every code example in docs/*.md runs as written.

Each page's fenced ``python`` blocks run in order, in one namespace, in a folder
that holds a copy of the demo site as ``site/`` (what the examples call "your
site") and as ``fixtures/demo-site/`` (what the README's quick start names).
The ``wxmigrate …`` lines of each ``sh`` and ``console`` block run one after
the other through :func:`wxmigrate.cli.run`, in a fresh such folder, with the
placeholders of the synopses (``SITE``, ``OUT``, ``POST.md``…) replaced by
real paths; none may end in a usage error (exit 2).  A block whose first line
is a comment starting ``not run:`` says why it is not run (it needs a
cluster, the network…).  docs/testing.md's blocks are run by
tests/test_testing_api.py, with the checks of their output that guide needs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from wxmigrate.cli import run

from .helpers import DEMO_SITE, ROOT

DOCS = ROOT / "docs"
#: Run by tests/test_testing_api.py::test_the_guide_runs_as_written, which also checks what they print.
RUN_ELSEWHERE = {"testing.md"}
FENCE = re.compile(r"^(?P<fence>`{3,})(?P<info>[^\n`]*)\n(?P<code>.*?)^(?P=fence)[ \t]*$", re.DOTALL | re.MULTILINE)
POST = "site/_posts/2022-03-05-春耕时节.md"
#: What the synopses' placeholders become in the example folder.
PLACEHOLDERS = {
    "_posts/POST.md": POST,
    "POST.md": POST,
    "SITE": "site",
    "SRC": "site",
    "DIR": "site",
    "OUT": "out",
    "DST": "out",
}
#: Command lines not run, and why: they reach the network.
OFFLINE_ONLY = ("--fetch",)
#: Options documented ahead of the code that adds them (each a strict xfail until it lands).
NOT_YET: dict[str, str] = {}
#: What a block needs Dask for (the optional extra): without it, such a block is skipped.
NEEDS_DASK = ("--scheduler dask", "dask_executor")
WITHOUT_DASK = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="runs on Dask, an optional extra: pip install -e '.[dask]' (CI installs it)",
)


def _pages() -> list[Path]:
    return sorted(path for path in DOCS.glob("*.md") if path.name not in RUN_ELSEWHERE)


def _python_pages() -> list[Any]:
    """Each page as a pytest parameter, skipped without Dask when a python block needs it."""
    params = []
    for page in _pages():
        needs = any(need in block for block in _blocks(page, {"python", "py"}) for need in NEEDS_DASK)
        params.append(pytest.param(page, id=page.name, marks=[WITHOUT_DASK] if needs else []))
    return params


def _blocks(path: Path, languages: set[str]) -> list[str]:
    """The code of each fenced block of ``path`` in one of ``languages``, unless marked not run."""
    blocks = []
    for match in FENCE.finditer(path.read_text(encoding="utf-8")):
        code = match["code"]
        language = (match["info"].split() or [""])[0]
        if language in languages and not re.match(r"\s*(#|\$ #) not run:", code):
            blocks.append(code)
    return blocks


def _command_blocks() -> list[Any]:
    """The ``wxmigrate`` command lines of each sh or console block, as a pytest parameter.

    In a ``console`` block only the lines after a ``$ `` prompt are commands (the rest is output).
    """
    params = []
    for path in _pages():
        for language in ("sh", "console"):
            for block in _blocks(path, {language}):
                lines = block.splitlines()
                if language == "console":
                    lines = [line.removeprefix("$ ") for line in lines if line.startswith("$ ")]
                commands = [
                    line.strip()
                    for line in lines
                    if line.startswith("wxmigrate ") and not any(option in line for option in OFFLINE_ONLY)
                ]
                if not commands:
                    continue
                marks = [
                    pytest.mark.xfail(reason=reason, strict=True)
                    for option, reason in NOT_YET.items()
                    if any(option in command for command in commands)
                ]
                if any(need in command for command in commands for need in NEEDS_DASK):
                    marks.append(WITHOUT_DASK)
                params.append(pytest.param(commands, id=f"{path.name}: {commands[0]}", marks=marks))
    return params


@pytest.fixture
def example_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the demo site as ``site/`` and ``fixtures/demo-site/``, made the working directory."""
    shutil.copytree(DEMO_SITE, tmp_path / "site")
    shutil.copytree(DEMO_SITE, tmp_path / "fixtures" / "demo-site")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _words(line: str) -> list[str]:
    """A command line's arguments after ``wxmigrate``, placeholders replaced, comment dropped."""
    words = shlex.split(line, comments=True)[1:]
    return [_placeholder(word) for word in words]


def _placeholder(word: str) -> str:
    """``word`` with a placeholder replaced; ``SITE/_posts/NAME.md`` (a post named on the command
    line) becomes one of the demo site's posts, a different one for each NAME."""
    if word.startswith("SITE/_posts/"):
        posts = sorted((DEMO_SITE / "_posts").glob("*.md"))
        index = sum(map(ord, word)) % len(posts)
        return f"site/_posts/{posts[index].name}"
    return PLACEHOLDERS.get(word, word)


@pytest.mark.parametrize("commands", _command_blocks())
def test_each_documented_command_runs(commands: list[str], example_folder: Path) -> None:
    """A block's ``wxmigrate`` command lines run one after the other on the demo site, none
    ending in a usage error."""
    for command in commands:
        out, err = io.StringIO(), io.StringIO()
        code = run(_words(command), out=out, err=err)
        assert code in (0, 1), f"{command}: exit {code}\n{err.getvalue()[-2000:]}"


@pytest.mark.parametrize("page", _python_pages())
def test_each_page_s_python_runs(page: Path, example_folder: Path) -> None:
    """Every ``python`` block of a page runs, in order, in one namespace, without an exception."""
    namespace: dict[str, Any] = {"__name__": f"docs.{page.stem}"}
    with contextlib.redirect_stdout(io.StringIO()):
        for number, block in enumerate(_blocks(page, {"python", "py"}), 1):
            exec(compile(block, f"<docs/{page.name}, python block {number}>", "exec"), namespace)  # noqa: S102


def test_the_examples_are_found() -> None:
    """The block finder sees the pages' examples (a broken pattern would make every test above vacuous)."""
    assert any("wxmigrate.load(" in block for page in _pages() for block in _blocks(page, {"python"}))
    assert any(command.startswith("wxmigrate verify") for param in _command_blocks() for command in param.values[0])
