"""Draw the benchmark's figures as a chart: ``benchmarks/chart.py FIGURES.json CHART.png``.

    .venv/bin/python benchmarks/bench.py --posts 1000 --json figures.json
    .venv/bin/python benchmarks/chart.py figures.json docs/images/benchmark.png

One panel per unit the figures count (posts per second, images per second; the
start-up lines, which count nothing, in milliseconds), each line of the run a
bar: wxmigrate's commands in colour, the peers in grey (pinned to one core
each, the ``--jobs 2`` lines to two), on a logarithmic scale
where they differ a hundredfold or more.  The PNG records which JSON file it was drawn
from and that file's SHA-256 (its ``Source`` and ``Source-SHA256`` text
chunks): the documentation site prints the figures of that file beside the
chart, and tests/test_docs_generated.py checks that the file is still the one
drawn.  Needs matplotlib (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OURS = "#2e7d32"
PEERS = "#9e9e9e"


def draw(figures: dict[str, Any], chart: Path, *, metadata: dict[str, str]) -> None:
    """Write the chart of ``figures`` (what ``bench.py --json`` writes) to ``chart`` as a PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the chart goes to a file
    from matplotlib import pyplot

    panels = _panels(figures["results"])
    heights = [len(results) + 1.5 for _, results in panels]
    figure, axes = pyplot.subplots(
        len(panels), 1, figsize=(9, 0.32 * sum(heights) + 1), gridspec_kw={"height_ratios": heights}
    )
    site = figures["sites"]["site"]
    for axis, (unit, results) in zip(axes, panels):
        _panel(axis, unit, results, site["posts"])
    figure.suptitle(
        f"wxmigrate benchmark: {site['posts']} posts, {site['image files']} images "
        f"({figures['machine']['date']})",
        fontsize=11,
    )
    figure.tight_layout()
    chart.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(chart, dpi=110, metadata=metadata)
    pyplot.close(figure)


def _panels(results: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The results grouped by unit, in the order each unit first appears."""
    units: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        units.setdefault(result["unit"], []).append(result)
    return list(units.items())


def _panel(axis: Any, unit: str, results: list[dict[str, Any]], posts: int) -> None:
    """One panel: a bar per result, its value written at its end."""
    values = [result["rate"] if unit else result["seconds"] * 1000 for result in results]
    labels = [_label(result, posts) for result in results]
    # The start-up lines are wxmigrate's own, though no peer is measured against them.
    colours = [OURS if "wxmigrate" in result["name"] else PEERS for result in results]
    positions = range(len(results))
    axis.barh(positions, values, color=colours)
    axis.set_yticks(positions, labels, fontsize=8)
    axis.invert_yaxis()
    if max(values) >= 10 * min(values):  # a hundredfold apart: only a log scale shows both
        axis.set_xscale("log")
        axis.set_xlim(min(values) / 2, max(values) * 4)
    else:
        axis.set_xlim(0, max(values) * 1.25)
    axis.set_xlabel(f"{unit} per second (more is better)" if unit else "milliseconds (less is better)", fontsize=9)
    for position, value in zip(positions, values):
        axis.text(value * 1.08, position, f"{value:,.0f}", va="center", fontsize=8)
    axis.grid(axis="x", which="major", alpha=0.3)


def _label(result: dict[str, Any], posts: int) -> str:
    """A line's name as the chart shows it: no Markdown, the posts of its site when not the
    title's ``posts`` (the ``--scaling`` lines), and its cores when more than one."""
    name = result["name"].replace("`", "")
    notes = [f"{result['posts']:,} posts"] if result.get("posts") and result["posts"] != posts else []
    notes += [f"{result['cores']} cores"] if result["cores"] > 1 else []
    return f"{name} ({', '.join(notes)})" if notes else name


def main(argv: Sequence[str] | None = None) -> None:
    """Draw the chart of a ``bench.py --json`` file."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("figures", type=Path, help="the JSON file bench.py --json wrote")
    parser.add_argument("chart", type=Path, help="the PNG to write")
    args = parser.parse_args(argv)
    data = args.figures.read_bytes()
    source = Path(os.path.relpath(args.figures.resolve(), ROOT)).as_posix()
    metadata = {"Source": source, "Source-SHA256": hashlib.sha256(data).hexdigest()}
    draw(json.loads(data), args.chart, metadata=metadata)


if __name__ == "__main__":
    main()
