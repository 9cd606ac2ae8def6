"""The documentation site's generated pages say exactly what the code has (docs/hooks/generated.py).

The rule catalogue lists every registered rule, in the order they run, with
every fixture case; the command-line reference lists every command and exactly
the options its parser has; the benchmark chart is still the drawing of the
figures file it names; the API page documents every public name of
``wxmigrate``; and every page of docs/ is in the site's navigation.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

import wxmigrate
from wxmigrate.commands import COMMANDS
from wxmigrate.rules import ORDER
from wxmigrate.rules.base import REGISTRY

from .helpers import FIXTURES, ROOT

DOCS = ROOT / "docs"


def _load(path: Path) -> ModuleType:
    """A script that is not in a package (the mkdocs hook, the chart script) as a module."""
    spec = importlib.util.spec_from_file_location(f"_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generated = _load(DOCS / "hooks" / "generated.py")
#: Written once for the many tests that read it.
catalogue = functools.cache(generated.rule_catalogue)


def _sections(page: str) -> dict[str, str]:
    """Each ``## `title` …`` section of a page by its title (what stands between the backticks)."""
    parts = re.split(r"^## `([^`]+)`.*$", page, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def test_the_catalogue_lists_exactly_the_registered_rules_in_order() -> None:
    """The rule catalogue has one section per registered rule, in the order they run."""
    assert list(_sections(catalogue())) == list(ORDER)
    assert set(ORDER) == set(REGISTRY)


@pytest.mark.parametrize(
    "case", sorted((FIXTURES / "rules").glob("**/*.md")), ids=lambda path: str(path.relative_to(FIXTURES))
)
def test_the_catalogue_shows_every_fixture_case(case: Path) -> None:
    """Every fixture case is in its rule's section: a pair as its before and after, a no-op by name."""
    relative = case.relative_to(FIXTURES / "rules")
    section = _sections(catalogue())[relative.parts[0]]
    if "noop" in relative.parts:
        assert f"`{Path(*relative.parts[1:]).as_posix()}`" in section
    else:
        text = case.read_text(encoding="utf-8")
        assert f"**{case.name.removesuffix('.in.md').removesuffix('.out.md')}**" in section
        assert "".join(f"    {line}\n" if line else "\n" for line in text.splitlines()) in section


def test_the_cli_reference_lists_every_command() -> None:
    """The reference has the top-level command, then each command in the order --help lists them."""
    assert list(_sections(generated.cli_reference())) == ["wxmigrate", *(f"wxmigrate {name}" for name in COMMANDS)]


@pytest.mark.parametrize("name", ["wxmigrate", *COMMANDS])
def test_the_cli_reference_lists_exactly_the_parser_s_options(name: str) -> None:
    """A command's table names exactly the options and positional arguments its parser has."""
    parser = generated.command_parsers()[name]
    section = _sections(generated.cli_reference())["wxmigrate" if name == "wxmigrate" else f"wxmigrate {name}"]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    listed = {spelling.split()[0] for row in table for spelling in re.findall(r"`([^`]+)`", row.split(" | ")[0])}
    expected = {
        spelling
        for action in parser._actions
        if action.help != argparse.SUPPRESS and action.dest != "command"
        for spelling in (action.option_strings or [action.metavar or action.dest])
    }
    assert listed == expected


def test_the_chart_is_the_drawing_of_the_figures_it_names() -> None:
    """docs/images/benchmark.png names a figures file that exists, unchanged since it was drawn."""
    from PIL import Image

    with Image.open(ROOT / generated.CHART) as chart:
        recorded = dict(getattr(chart, "text", {}))
    figures = ROOT / recorded["Source"]
    assert hashlib.sha256(figures.read_bytes()).hexdigest() == recorded["Source-SHA256"], (
        f"{figures.name} changed since the chart was drawn: "
        f"python benchmarks/chart.py {recorded['Source']} {generated.CHART.as_posix()}"
    )


def test_the_benchmark_page_shows_every_figure_of_the_chart() -> None:
    """The benchmark page has a row for each line of the run the chart shows."""
    page = generated.benchmark_page()
    figures = json.loads((ROOT / generated.chart_source(ROOT / generated.CHART)).read_text(encoding="utf-8"))
    rows = [line for line in page.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [result["name"] for result in figures["results"]]


def test_the_api_page_documents_every_public_name() -> None:
    """Each name of ``wxmigrate.__all__`` is on docs/api.md, itself or as a member of a module there."""
    targets = re.findall(r"^::: (\S+)", (DOCS / "api.md").read_text(encoding="utf-8"), flags=re.MULTILINE)
    missing = [name for name in wxmigrate.__all__ if not any(_documents(target, name) for target in targets)]
    assert missing == []


def _documents(target: str, name: str) -> bool:
    """Whether mkdocstrings' ``::: target`` shows public name ``name`` of wxmigrate."""
    wanted = getattr(wxmigrate, name)
    module_name, _, attribute = target.rpartition(".")
    try:
        return getattr(importlib.import_module(target), name, None) is wanted
    except ImportError:
        return getattr(importlib.import_module(module_name), attribute, None) is wanted


def test_every_page_is_in_the_navigation() -> None:
    """Each page of docs/, hand-written or generated, is in mkdocs.yml's nav, and nav names no other."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config[config.index("\nnav:") :]
    named = set(re.findall(r":\s+(\S+\.md)\s*$", nav, flags=re.MULTILINE))
    assert named == {path.name for path in DOCS.glob("*.md")} | set(generated.PAGES)


def test_the_chart_records_the_figures_it_was_drawn_from(tmp_path: Path) -> None:
    """benchmarks/chart.py writes a PNG naming its figures file, relative to the repository, and its hash."""
    pytest.importorskip("matplotlib", reason="matplotlib is in the bench extras: pip install -e '.[bench]'")
    from PIL import Image

    chart = _load(ROOT / "benchmarks" / "chart.py")
    figures = DOCS / "performance-after-first-pass.json"
    chart.main([str(figures), str(tmp_path / "chart.png")])
    with Image.open(tmp_path / "chart.png") as drawn:
        assert drawn.format == "PNG"
        recorded = dict(getattr(drawn, "text", {}))
    assert recorded["Source"] == "docs/performance-after-first-pass.json"
    assert recorded["Source-SHA256"] == hashlib.sha256(figures.read_bytes()).hexdigest()
