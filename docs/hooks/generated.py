"""The pages of the documentation site that are generated at build time, so they cannot drift.

- ``rules.md``, the rule catalogue: every rule of :data:`wxmigrate.rules.RULES`, in the order
  it runs, with what ``wxmigrate rules --markdown`` says of it (the damage, where it runs, its
  module) and the before/after of each of its fixtures in ``fixtures/rules/<rule>/``.
- ``cli.md``, the command-line reference: every command and every option of the parser
  :func:`wxmigrate.cli.build_parser` builds, with its help text.
- ``benchmark.md``: the chart of the benchmark (``docs/images/benchmark.png``, drawn by
  ``benchmarks/chart.py``) and the figures it shows, read from the JSON file the chart names.

mkdocs calls :func:`on_files` (``hooks:`` in mkdocs.yml); tests/test_docs_generated.py calls the
page functions directly, so a new rule, fixture, command or option shows up with no edit here.
"""

from __future__ import annotations

import argparse
import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RULE_FIXTURES = Path("fixtures") / "rules"
CHART = Path("docs") / "images" / "benchmark.png"


# -- the rule catalogue ---------------------------------------------------------------------------


def rule_catalogue(root: Path = ROOT) -> str:
    """The rule catalogue page: each rule's documentation, then its fixtures' before and after."""
    from wxmigrate.commands.rules import rules_markdown

    parts = [
        "# Rule catalogue\n\n"
        "Every repair rule, in the order `wxmigrate repair` runs them (`wxmigrate rules` lists "
        "them the same way).  Each one says what damage it repairs, on which posts it runs "
        "(*any post*, or only *exported posts*: those a known exporter wrote, see "
        "[dialects](dialects.md)) and the module it lives in, then shows its fixtures: the "
        "test cases in `fixtures/rules/RULE/`, each repaired by that rule alone "
        "(`tests/test_rules.py`).  This page is generated from the rule registry and the "
        "fixture files when the site is built.\n"
    ]
    for name, section in _rule_sections(rules_markdown()):
        parts.append(section[1:].rstrip() + "\n\n" + _fixture_cases(root / RULE_FIXTURES / name))
    return "\n".join(parts)


def _rule_sections(markdown: str) -> Iterator[tuple[str, str]]:
    """``(rule name, its ### section)`` for each rule of ``wxmigrate rules --markdown``."""
    for section in re.split(r"^(?=### `)", markdown, flags=re.MULTILINE):
        if section.strip():
            yield section.split("`", 2)[1], section


def _fixture_cases(folder: Path) -> str:
    """A rule's fixtures: each changed case as before/after tabs, then the cases left unchanged."""
    lines = []
    for kind, cases in (("exported", folder), ("generic", folder / "generic")):
        for before in sorted(cases.glob("*.in.md")):
            label = "" if kind == "exported" else " (a post no exporter wrote)"
            after = before.with_name(before.name.removesuffix(".in.md") + ".out.md")
            lines.append(f"**{before.name.removesuffix('.in.md')}**{label}\n")
            lines.append(_tab("Before", before.read_text(encoding="utf-8")))
            lines.append(_tab("After", after.read_text(encoding="utf-8")))
    unchanged = sorted(
        f"`{path.relative_to(folder).as_posix()}`"
        for path in [*folder.glob("noop/*.md"), *folder.glob("generic/noop/*.md")]
    )
    if unchanged:
        lines.append("Left exactly as written: " + ", ".join(unchanged) + ".\n")
    if not lines:
        return "No fixtures.\n"
    return "\n".join(lines)


def _tab(title: str, text: str) -> str:
    """A content tab holding ``text`` as a Markdown code block (its fence longer than any in it)."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    block = f"{fence}markdown\n{text if text.endswith(chr(10)) else text + chr(10)}{fence}"
    return f'=== "{title}"\n\n' + "".join(f"    {line}\n" if line else "\n" for line in block.splitlines())


# -- the command-line reference -------------------------------------------------------------------


def cli_reference(root: Path = ROOT) -> str:
    """The command-line reference page: each command's usage and a table of its options."""
    from wxmigrate.commands import COMMANDS

    parts = [
        "# Command-line reference\n\n"
        "Every command and every option `wxmigrate` accepts, generated from its argument "
        "parser (`wxmigrate.cli.build_parser`) when the site is built; `wxmigrate COMMAND "
        "--help` prints the same.  `python -m wxmigrate` is the same program.  Exit codes: 0 "
        "clean, 1 done with problems left (each named as `path:line: what was wrong`), 2 usage "
        "error or nothing could be done.\n",
        _command_section("wxmigrate", command_parsers()["wxmigrate"]),
    ]
    for name in COMMANDS:
        parts.append(_command_section(f"wxmigrate {name}", command_parsers()[name]))
    return "\n".join(parts)


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """The top-level parser (as ``"wxmigrate"``) and each command's parser, by command name."""
    from wxmigrate.cli import build_parser
    from wxmigrate.commands import COMMANDS

    # build_parser gives a command its arguments only when its name is on the command line.
    parsers = {"wxmigrate": build_parser([])}
    for name in COMMANDS:
        (commands,) = (
            action
            for action in build_parser([name])._actions
            if isinstance(action, argparse._SubParsersAction)
        )
        parsers[name] = commands.choices[name]
    return parsers


def _command_section(title: str, parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=100)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    rows = [
        f"| {_invocation(formatter, action)} | {_cell(_help(formatter, action))} |"
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction)
    ]
    if any(isinstance(action, argparse._SubParsersAction) for action in parser._actions):
        from wxmigrate.commands import COMMANDS

        rows += [f"| [`{name}`](#wxmigrate-{name}) | {_cell(summary)} |" for name, summary in COMMANDS.items()]
    description = f"{parser.description}\n\n" if parser.description else ""
    return (
        f"## `{title}`\n\n{description}```text\n{formatter.format_help().strip()}\n```\n\n"
        "| argument | what it does |\n| --- | --- |\n" + "\n".join(rows) + "\n"
    )


def _invocation(formatter: argparse.HelpFormatter, action: argparse.Action) -> str:
    """``-h``, ``--help`` or ``--out DST``: each way of writing the argument as code."""
    return ", ".join(f"`{spelling}`" for spelling in formatter._format_action_invocation(action).split(", "))


def _help(formatter: argparse.HelpFormatter, action: argparse.Action) -> str:
    """The help text, with the default when the text does not give it and it is a value."""
    text = formatter._expand_help(action)
    if action.default in (None, False, [], argparse.SUPPRESS) or "default" in text:
        return text
    return f"{text} (default: {action.default})"


def _cell(text: str) -> str:
    """Help text as a table cell: no markup of its own, and no ``|`` that would end the cell."""
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", html.escape(text, quote=False))


# -- the benchmark chart --------------------------------------------------------------------------


def benchmark_page(root: Path = ROOT) -> str:
    """The benchmark page: the chart, and a table of the figures it was drawn from."""
    source = chart_source(root / CHART)
    figures = json.loads((root / source).read_text(encoding="utf-8"))
    machine = figures["machine"]
    posts = figures["sites"]["site"]["posts"]
    rows = [
        f"| {result['name']} | {result['cores']} | {_seconds(result)} | {_rate(result)} | {result['peak_mb']:.0f} MB |"
        for result in figures["results"]
    ]
    return (
        "# Benchmark chart\n\n"
        f"![The benchmark's speeds, ours against the peers'](images/{CHART.name})\n\n"
        f"`benchmarks/bench.py` on a generated site of {posts} posts, {machine['date']}, "
        f"{machine['cpu']}, Python {machine['python']}; each command pinned to as many cores as "
        "the table says.  "
        f"The chart was drawn by `benchmarks/chart.py` from `{source}`, which holds every "
        "figure of that run; the table below is read from the same file when the site is built.  "
        "How the figures are measured, what the targets are and how to reproduce them: "
        "[Performance](performance.md).\n\n"
        "| line | cores | seconds (median) | rate | peak memory |\n| --- | ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + "\n"
    )


def chart_source(chart: Path) -> str:
    """The JSON file (relative to the repository) a chart was drawn from, as chart.py records it."""
    from PIL import Image

    with Image.open(chart) as image:
        text: dict[str, str] = getattr(image, "text", {})
    return text["Source"]


def _seconds(result: dict[str, Any]) -> str:
    return f"{result['seconds']:.2f} s" if result["seconds"] >= 1 else f"{result['seconds'] * 1000:.0f} ms"


def _rate(result: dict[str, Any]) -> str:
    return f"{result['rate']:,.0f} {result['unit']}/s" if result["unit"] else "—"


# -- the hook -------------------------------------------------------------------------------------

#: Each generated page, by its path in the site, and the function that writes it.
PAGES: dict[str, Callable[[Path], str]] = {
    "rules.md": rule_catalogue,
    "cli.md": cli_reference,
    "benchmark.md": benchmark_page,
}


def on_files(files: Any, config: Any) -> Any:
    """Add the generated pages to the site (a hand-written page of the same name is an error)."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    for name, page in PAGES.items():
        if files.get_file_from_path(name) is not None:
            raise PluginError(f"docs/{name} is generated by docs/hooks/generated.py; remove the file")
        files.append(File.generated(config, name, content=page(ROOT)))
    return files


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """``mkdocs serve`` rebuilds the generated pages when the code or the fixtures they read change."""
    for folder in ("wxmigrate", "fixtures/rules"):
        server.watch(str(ROOT / folder))
    return server
