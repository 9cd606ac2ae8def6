"""``import wxmigrate`` and ``wxmigrate --help`` load only the standard library.

Pillow, lxml, bs4, markdown-it, PyYAML, attrs (and Hypothesis, for
:mod:`wxmigrate.testing`) are imported when a function that needs them is
first called, so that start-up stays fast (docs/performance.md, "Start-up").
Each check runs in a fresh interpreter, since this one has imported
everything already; what is checked is ``sys.modules``, never a time.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import wxmigrate
from wxmigrate import model

from .helpers import DEMO_SITE, FIXTURES, ROOT

#: Prints, as JSON, the top-level modules outside the standard library that the code
#: before it imported, beyond what a bare interpreter starts with (site hooks and the like).
REPORT_IMPORTS = """
import json, sys
print(json.dumps(sorted(
    {name.partition(".")[0] for name in sys.modules} - BARE - set(sys.stdlib_module_names)
)))
"""


def python(code: str) -> str:
    """Run ``code`` in a fresh interpreter from the repository root; its standard output."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def third_party_imports(code: str) -> list[str]:
    """The modules outside the standard library that running ``code`` imports, wxmigrate aside."""
    script = f"import sys\nBARE = set(sys.modules)\n{code}\n{REPORT_IMPORTS}"
    loaded = json.loads(python(script).splitlines()[-1])
    return [name for name in loaded if name != "wxmigrate"]


def test_the_check_sees_a_heavy_import() -> None:
    """The helper itself: importing the HTML emitter does bring lxml, and rendering a table
    with it markdown-it (which it imports only then)."""
    assert "lxml" in third_party_imports("import wxmigrate.emit.html")
    table = "import wxmigrate\nassert '<table>' in wxmigrate.to_html(wxmigrate.parse('| a |\\n| - |\\n| b |\\n'))\n"
    assert "markdown_it" in third_party_imports(table)
    assert "markdown_it" not in third_party_imports("import wxmigrate.emit.html")


def test_import_wxmigrate_loads_only_the_standard_library() -> None:
    assert third_party_imports("import wxmigrate") == []


def test_parsing_a_plain_post_does_not_import_beautifulsoup() -> None:
    """BeautifulSoup is for repost notes of an unusual shape; a post without one never pays
    for its import (``verify`` parses every post)."""
    code = (
        "from wxmigrate import parse\n"
        "post = parse('---\\ntitle: t\\n---\\n\\n> 转载：某号\\n\\n正文。\\n', dialect='wechat-jekyll')\n"
        "assert post.blocks\n"
    )
    assert "bs4" not in third_party_imports(code)


def test_help_loads_only_the_standard_library() -> None:
    """``python -m wxmigrate --help`` lists every command without importing what they use."""
    code = (
        "import contextlib, io, runpy, sys\n"
        "sys.argv = ['wxmigrate', '--help']\n"
        "shown = io.StringIO()\n"
        "with contextlib.redirect_stdout(shown), contextlib.suppress(SystemExit):\n"
        "    runpy.run_module('wxmigrate', run_name='__main__')\n"
        "assert all(name in shown.getvalue() for name in ('inspect', 'repair', 'verify', 'rules'))\n"
    )
    assert third_party_imports(code) == []


def test_one_command_does_not_import_the_others() -> None:
    code = (
        "import io, sys\n"
        "from wxmigrate.cli import run\n"
        "assert run(['rules'], out=io.StringIO(), err=io.StringIO()) == 0\n"
        "print(sorted(name for name in sys.modules if name.startswith('wxmigrate.commands.')))\n"
    )
    assert python(code).splitlines()[0] == "['wxmigrate.commands.rules']"


def test_the_public_api_works_when_used() -> None:
    """The lazily imported functions are the real ones, and work."""
    code = (
        "import wxmigrate\n"
        "post = wxmigrate.parse('# 标题\\n\\n正文\\n', path='p.md')\n"
        "print(wxmigrate.to_html(post).count('正文'), type(post) is wxmigrate.Post)\n"
        f"report = wxmigrate.verify({str(DEMO_SITE)!r})\n"
        "print(report.posts_read > 0, len(report.images) > 0)\n"
    )
    assert python(code).split() == ["1", "True", "True", "True"]


def test_star_import_and_dir_give_every_public_name() -> None:
    code = (
        "import wxmigrate\n"
        "import wxmigrate.model as model\n"
        "namespace = {}\n"
        "exec('from wxmigrate import *', namespace)\n"
        "public = wxmigrate.__all__\n"
        "print(sorted(set(public) - set(namespace)), sorted(set(public) - set(dir(wxmigrate))))\n"
        "print(namespace['Post'] is model.Post, namespace['repair'].__module__, len(public))\n"
    )
    missing, identity = python(code).splitlines()
    assert missing == "[] []"
    same, module, count = identity.split()
    assert (same, module) == ("True", "wxmigrate.rules")
    assert int(count) > 40  # the errors, the functions and the model's classes


def test_a_subpackage_import_does_not_hide_the_function_of_its_name() -> None:
    """``wxmigrate.parse`` and ``wxmigrate.verify`` are both a function and a subpackage."""
    code = (
        "import wxmigrate\n"
        "import wxmigrate.parse.blocks, wxmigrate.verify.check\n"
        "from wxmigrate.parse import parse\n"
        "print(wxmigrate.parse is parse, callable(wxmigrate.verify))\n"
    )
    assert python(code).split() == ["True", "True"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    code = "import wxmigrate\ntry:\n    wxmigrate.nonexistent\nexcept AttributeError as error:\n    print(error)\n"
    assert python(code).strip() == "module 'wxmigrate' has no attribute 'nonexistent'"


def test_the_names_mypy_sees_are_the_names_exported() -> None:
    """``__all__`` is written out for mypy (under ``TYPE_CHECKING``) and built at run time: the same."""
    tree = ast.parse((ROOT / "wxmigrate" / "__init__.py").read_text(encoding="utf-8"))
    written = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(target, "id", "") == "__all__" for target in node.targets)
    )
    assert isinstance(written, ast.List)
    literal = {element.value for element in written.elts if isinstance(element, ast.Constant)}
    assert literal and literal | set(model.__all__) == set(wxmigrate.__all__)


def test_tqdm_is_imported_only_when_a_bar_is_drawn() -> None:
    code = (
        "import io, sys\n"
        "from wxmigrate.commands.progress import ProgressBar\n"
        "bar = ProgressBar(io.StringIO(), label='verifying', unit='images')\n"
        "bar(1, 199)\n"
        "print('tqdm' in sys.modules)\n"
        "bar(1, 200)\n"
        "print('tqdm' in sys.modules)\n"
    )
    assert python(code).split() == ["False", "True"]


def test_verify_in_one_process_does_not_import_the_worker_pool() -> None:
    """``verify`` without ``--jobs`` starts no worker: it loads neither :mod:`wxmigrate.verify.parallel`
    nor :mod:`multiprocessing`."""
    code = (
        "import io, sys\n"
        "from wxmigrate.cli import run\n"
        f"assert run(['verify', {str(DEMO_SITE)!r}], out=io.StringIO(), err=io.StringIO()) in (0, 1)\n"
        "print(sorted(name for name in ('multiprocessing', 'concurrent.futures', 'wxmigrate.verify.parallel')"
        " if name in sys.modules))\n"
    )
    assert python(code).splitlines()[-1] == "[]"


def test_verify_of_a_scanned_site_imports_no_html_or_markdown_library() -> None:
    """``verify`` of a site whose posts are all scanned (the demo site) never parses one, so it
    loads neither lxml, BeautifulSoup nor markdown-it (``wxmigrate.site`` reaches the engines
    for :func:`~wxmigrate.emit.detect_engine`, which need none of them)."""
    code = (
        "import io\n"
        "from wxmigrate.cli import run\n"
        f"assert run(['verify', {str(DEMO_SITE)!r}], out=io.StringIO(), err=io.StringIO()) in (0, 1)\n"
    )
    assert {"lxml", "bs4", "markdown_it"}.isdisjoint(third_party_imports(code))



#: What a repair run that needs none of them must not import: markdown-it (the render guard
#: and the HTML emitter's tables), the worker pool (``--jobs``), package metadata (the output
#: folder's record), the review's pages (``--review``).
NOT_FOR_EVERY_RUN = (
    "markdown_it", "multiprocessing", "concurrent.futures", "importlib.metadata", "email", "wxmigrate.review"
)


def imported_by(argv: list[str]) -> tuple[int, list[str]]:
    """The exit code of a ``wxmigrate`` command line run in a fresh interpreter, and which of
    :data:`NOT_FOR_EVERY_RUN` it imported."""
    code = (
        "import io, json, sys\n"
        "from wxmigrate.cli import run\n"
        f"code = run({argv!r}, out=io.StringIO(), err=io.StringIO())\n"
        f"print(json.dumps([code, [name for name in {NOT_FOR_EVERY_RUN!r} if name in sys.modules]]))\n"
    )
    found, names = json.loads(python(code).splitlines()[-1])
    return found, names


def one_post_site(root: Path, source: Path, post: str) -> Path:
    """A copy of the site ``source`` with only its post ``post`` (and all its other files)."""
    shutil.copytree(source, root)
    for other in (root / "_posts").iterdir():
        if other.name != post:
            other.unlink()
    return root / "_posts" / post


def test_repair_of_a_post_left_as_it_is_imports_only_what_it_uses(tmp_path: Path) -> None:
    """The pre-commit hook's ``repair --check POST`` and ``--in-place POST``, and ``--out DST
    --no-resume``, of a post already clean (with an image) import none of
    :data:`NOT_FOR_EVERY_RUN`; a run with a record imports package metadata, and only it."""
    post = one_post_site(tmp_path / "site", FIXTURES / "ordinary-site", "2021-03-14-keeping-a-sourdough-starter.md")
    site = tmp_path / "site"
    assert imported_by(["repair", "--check", str(post)]) == (0, [])
    assert imported_by(["repair", "--in-place", str(post)]) == (0, [])
    assert imported_by(["repair", str(site), "--out", str(tmp_path / "a"), "--no-resume"]) == (0, [])
    assert (tmp_path / "a" / "assets" / "img" / "starter-jar.png").is_file()  # the run did copy its image
    recorded = imported_by(["repair", str(site), "--out", str(tmp_path / "b")])
    assert recorded == (0, ["importlib.metadata", "email"])


def test_what_a_repair_run_needs_it_imports(tmp_path: Path) -> None:
    """The lazily imported modules are there when used: the render guard's markdown-it for a
    post whose body a rule changed, the worker pool for ``--jobs 2``, the review's pages for
    ``--review``."""
    post = one_post_site(tmp_path / "one", DEMO_SITE, "2022-03-05-春耕时节.md")
    assert imported_by(["repair", "--check", str(post)]) == (1, ["markdown_it"])
    site = DEMO_SITE  # two posts: --jobs 2 starts two workers
    jobs = imported_by(["repair", str(site), "--out", str(tmp_path / "a"), "--no-resume", "--jobs", "2"])
    assert {"multiprocessing", "concurrent.futures"} <= set(jobs[1])
    review = imported_by(["repair", str(site), "--out", str(tmp_path / "b"), "--no-resume", "--review", str(tmp_path / "r")])
    assert "wxmigrate.review" in review[1]
    assert (tmp_path / "r" / "index.html").is_file()
