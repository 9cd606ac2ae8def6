"""Benchmark parsing, repairing and writing posts (not a test; run it by hand).

    .venv/bin/python benchmarks/bench_repair.py [--corpus DIR] [--repeat 5] [--copies 1]

Reads every Markdown post under ``--corpus`` (default: the shared wild corpus
next to this repository, else ``fixtures/``) into memory, then times, on the
same texts in the same run:

- baseline: markdown-it-py's CommonMark preset rendering each post to HTML
  (what any engine pays to show a post at all);
- ``wxmigrate.parse`` of each post (the model);
- ``parse`` and ``repair`` (every rule, passes until nothing changes);
- ``parse``, ``repair`` and ``to_markdown`` (what ``wxmigrate repair`` writes);
- ``parse`` and ``to_html`` (sanitised HTML).

Each figure is the best of ``--repeat`` runs after one untimed pass, with its
cost relative to the baseline (time ÷ baseline time).  ``--copies N`` repeats
the corpus N times in each run, for steadier figures on a small corpus.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import wxmigrate  # noqa: E402
from wxmigrate.emit import to_markdown  # noqa: E402
from wxmigrate.emit.html import to_html  # noqa: E402

WILD = ROOT.parent / "shared" / "corpus" / "wild"


def load_corpus(folder: Path) -> list[tuple[str, str]]:
    """``(path, text)`` of every Markdown post below ``folder``."""
    paths = sorted(p for p in folder.rglob("*") if p.suffix in (".md", ".markdown") and p.is_file())
    return [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def best(task: Callable[[], object], repeat: int) -> float:
    task()  # warm up: imports, caches, regexes
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=WILD if WILD.is_dir() else ROOT / "fixtures")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()

    posts = load_corpus(args.corpus) * args.copies
    characters = sum(len(text) for _, text in posts)
    commonmark = MarkdownIt("commonmark")

    def baseline() -> None:
        for _, text in posts:
            commonmark.render(text)

    def parse() -> None:
        for path, text in posts:
            wxmigrate.parse(text, path=path)

    def repair() -> None:
        for path, text in posts:
            wxmigrate.repair(wxmigrate.parse(text, path=path))

    def repair_and_write() -> None:
        for path, text in posts:
            to_markdown(wxmigrate.repair(wxmigrate.parse(text, path=path))[0])

    def html() -> None:
        for path, text in posts:
            to_html(wxmigrate.parse(text, path=path))

    tasks = [
        ("markdown-it CommonMark render (baseline)", baseline),
        ("wxmigrate.parse", parse),
        ("parse + repair", repair),
        ("parse + repair + to_markdown", repair_and_write),
        ("parse + to_html", html),
    ]
    print(f"{len(posts)} posts, {characters / 1e6:.2f} M characters, from {args.corpus}; best of {args.repeat}")
    print(f"| what | seconds | posts/s | cost vs baseline |\n| --- | ---: | ---: | ---: |")
    floor = None
    for name, task in tasks:
        seconds = best(task, args.repeat)
        floor = floor or seconds
        print(f"| {name} | {seconds:.2f} | {len(posts) / seconds:,.0f} | {seconds / floor:.1f}× |")


if __name__ == "__main__":
    main()
