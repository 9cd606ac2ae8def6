"""Benchmark wxmigrate end to end against its peers, in one run, on a generated site (run it by hand).

    .venv/bin/python benchmarks/bench.py --posts 1000 [--repeat 3] [--scaling] [--json FILE] [--keep DIR]

It writes a synthetic Jekyll site of damaged WeChat posts and their image
files (``synthetic_site.py``), then runs every command as a user runs it, a
whole process pinned to one core (``measure.py``), and takes the median of
``--repeat`` runs of each:

- ``wxmigrate repair SITE --out OUT`` (a fresh OUT each run), the same with
  ``--format html``, ``wxmigrate verify SITE`` and ``verify SITE --deep``;
  ``python -c "import wxmigrate"`` and ``wxmigrate --help``;
- the peers over the same files (``baselines.py``): read + one regex pass,
  markdown-it-py parse + render, mdformat, Pillow ``Image.open`` (alone,
  and with a SHA-256 of each file's bytes, for reference) and ``load()``;
- with ``--scaling``, ``repair`` and ``verify --deep`` again on a site ten
  times as large; ``--jobs 2`` runs (on two cores) once ``repair --help``
  and ``verify --help`` offer ``--jobs``.

It prints what each took with its peak memory, then every target of issue
13 as a ratio with pass or fail; ``--json FILE`` writes the same figures.
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from synthetic_site import SyntheticSite, build_site

HERE = Path(__file__).resolve().parent

PYTHON = sys.executable
#: The console script a user runs; ``python -m wxmigrate`` where it is not installed.
WXMIGRATE = (
    [str(Path(PYTHON).with_name("wxmigrate"))] if Path(PYTHON).with_name("wxmigrate").exists()
    else [PYTHON, "-m", "wxmigrate"]
)
#: Peak memory allowed, by the largest site it applies to (posts → MB).
MEMORY_LIMITS = ((1_000, 60.0), (10_000, 80.0))
START_UP_LIMIT = 0.150
#: The commands the scaling and ``--jobs`` targets are about, by task key.
SCALED = {"repair": "`repair`", "verify-deep": "`verify --deep`"}


@dataclass
class Task:
    """One command to time: what it is called in the table, and what its rate counts."""

    key: str
    name: str
    command: list[str]
    unit: str = ""  # "posts", "images", or "" (no rate)
    count: int = 0
    #: How many posts the site it runs on has (the memory limit depends on it).
    posts: int = 0
    #: True for wxmigrate's own commands over a site (those the memory limit applies to).
    ours: bool = False
    cores: int = 1
    #: A folder the command writes, removed before each run.
    fresh: str | None = None


@dataclass
class Result:
    """The median of a task's runs, and every run."""

    task: Task
    seconds: float
    runs: list[float]
    peak_mb: float
    exit_codes: list[int]

    @property
    def rate(self) -> float:
        """Posts or images per second (0 for a task without a unit)."""
        return self.task.count / self.seconds if self.task.unit else 0.0


@dataclass
class Target:
    """One target of the issue: what was measured against what was asked; None when not measured."""

    name: str
    measured: str
    goal: str
    passed: bool | None
    note: str = ""


@dataclass
class Run:
    """Everything one benchmark run measured."""

    machine: dict[str, str]
    sites: dict[str, dict[str, object]] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def result(self, key: str) -> Result | None:
        """The result of the task ``key``, if it ran."""
        return next((result for result in self.results if result.task.key == key), None)


# --------------------------------------------------------------------------
# Running


def cores(count: int) -> str | None:
    """``count`` CPUs this process may use, as ``measure.py`` takes them (the last ones); None if too few."""
    allowed = sorted(os.sched_getaffinity(0))
    return ",".join(str(core) for core in allowed[-count:]) if len(allowed) >= count else None


def measure(task: Task, log: Path) -> dict[str, float]:
    """Run ``task`` once through ``measure.py``: its seconds, exit code and peak MB."""
    if task.fresh:
        shutil.rmtree(task.fresh, ignore_errors=True)
    # What the command before wrote (a repair writes the whole site again) is put on disk
    # now, not while this one is timed.
    os.sync()
    pinned = cores(task.cores)
    assert pinned is not None, "checked when the task was made"
    wrapper = [PYTHON, str(HERE / "measure.py"), pinned, str(log), *task.command]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def run_task(task: Task, repeat: int, logs: Path) -> Result:
    """The median of ``repeat`` runs of ``task`` (the largest peak memory of them)."""
    log = logs / f"{task.key}.log"
    runs = [measure(task, log) for _ in range(repeat)]
    codes = [int(run["exit_code"]) for run in runs]
    if max(codes) > (1 if task.ours else 0):  # 1 is repair's and verify's "problems left"
        tail = log.read_text(encoding="utf-8", errors="replace")[-600:]
        print(f"warning: {task.name} exited with {codes}; the end of its output:\n{tail}", file=sys.stderr)
    seconds = [run["seconds"] for run in runs]
    return Result(task, statistics.median(seconds), seconds, max(run["peak_mb"] for run in runs), codes)


def offers_jobs(command: str) -> bool:
    """Whether ``wxmigrate COMMAND --help`` lists ``--jobs``."""
    done = subprocess.run([*WXMIGRATE, command, "--help"], capture_output=True, text=True, check=False)
    return "--jobs" in done.stdout


def warm_up(site: SyntheticSite, folder: Path) -> None:
    """Compile wxmigrate's bytecode, then run repair and verify once on one post, untimed.

    No timed run should compile bytecode: the peers' packages were compiled when pip
    installed them, as a user's wxmigrate is, but an editable install is not, and under
    ``PYTHONDONTWRITEBYTECODE`` (set on some machines) no run would ever write it.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    package = Path(importlib.util.find_spec("wxmigrate").origin).parent  # type: ignore[union-attr, arg-type]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], env=env, capture_output=True, check=False)
    post = str(site.posts[0])
    subprocess.run([*WXMIGRATE, "repair", post, "--out", str(folder / "warm")], capture_output=True, check=False)
    subprocess.run([*WXMIGRATE, "verify", post, "--deep"], capture_output=True, check=False)


# --------------------------------------------------------------------------
# What to run


def site_tasks(site: SyntheticSite, out: Path, suffix: str = "") -> list[Task]:
    """wxmigrate's commands and the peers over ``site``; ``suffix`` tells a second site's keys apart."""
    root, posts, images = str(site.root), len(site.posts), len(site.images)
    counts = {"posts": posts, "images": images}

    def ours(key: str, name: str, arguments: list[str], unit: str, fresh: Path | None = None) -> Task:
        return Task(key + suffix, name, [*WXMIGRATE, *arguments], unit, counts[unit], posts, ours=True,
                    fresh=str(fresh) if fresh else None)

    def peer(key: str, name: str, unit: str) -> Task:
        return Task(key + suffix, name, [PYTHON, str(HERE / "baselines.py"), key, root], unit, counts[unit], posts)

    return [
        ours("repair", "`wxmigrate repair SITE --out OUT`", ["repair", root, "--out", str(out / "md")], "posts",
             out / "md"),
        ours("repair-html", "`wxmigrate repair SITE --out OUT --format html`",
             ["repair", root, "--out", str(out / "html"), "--format", "html"], "posts", out / "html"),
        ours("verify", "`wxmigrate verify SITE`", ["verify", root], "images"),
        ours("verify-deep", "`wxmigrate verify SITE --deep`", ["verify", root, "--deep"], "images"),
        peer("regex", "read + one regex pass (floor)", "posts"),
        peer("markdown-it", "markdown-it-py parse + render", "posts"),
        peer("mdformat", "mdformat (to a string)", "posts"),
        peer("pillow-open", "Pillow `Image.open` (header)", "images"),
        peer("pillow-open-hash", "Pillow `Image.open` + SHA-256 of the bytes", "images"),
        peer("pillow-load", "Pillow `Image.open` + `load()` (every frame)", "images"),
    ]


def start_up_tasks() -> list[Task]:
    """Start-up costs: importing the package, and the shortest command."""
    return [
        Task("import", '`python -c "import wxmigrate"`', [PYTHON, "-c", "import wxmigrate"]),
        Task("help", "`wxmigrate --help`", [*WXMIGRATE, "--help"]),
    ]


def scaling_tasks(site: SyntheticSite, out: Path) -> list[Task]:
    """``repair`` and ``verify --deep`` on the large site of ``--scaling``."""
    return [task for task in site_tasks(site, out, "-large") if task.key.removesuffix("-large") in SCALED]


def jobs_tasks(site: SyntheticSite, out: Path, suffix: str, notes: list[str]) -> list[Task]:
    """``repair`` and ``verify --deep`` with ``--jobs 2`` on two cores, where wxmigrate offers it."""
    if cores(2) is None:
        notes.append("--jobs 2 not measured: this process may use only one core.")
        return []
    tasks = []
    for task in site_tasks(site, out, suffix):
        if task.key.removesuffix(suffix) not in SCALED:
            continue
        command = task.command[len(WXMIGRATE)]
        if not offers_jobs(command):
            notes.append(f"--jobs 2 not measured: `wxmigrate {command} --help` lists no --jobs.")
            continue
        tasks.append(dataclasses.replace(
            task, key=task.key + "-jobs2", name=task.name.removesuffix("`") + " --jobs 2`",
            command=[*task.command, "--jobs", "2"], cores=2,
        ))
    return tasks


# --------------------------------------------------------------------------
# Targets


def rate_target(run: Run, name: str, ours: str, peer: str, factor: float) -> Target:
    """``ours``'s rate is at least ``factor`` times ``peer``'s."""
    mine, theirs = run.result(ours), run.result(peer)
    if mine is None or theirs is None:
        return Target(name, "—", f"≥ {factor:g}×", None, "not measured")
    ratio = mine.rate / theirs.rate
    return Target(name, f"{ratio:.2f}×", f"≥ {factor:g}×", ratio >= factor)


def targets(run: Run) -> list[Target]:
    """Every target of issue 13 that this run measured (and those it did not, marked so)."""
    found = [
        rate_target(run, "repair vs markdown-it-py", "repair", "markdown-it", 0.75),
        rate_target(run, "repair vs mdformat", "repair", "mdformat", 3),
        rate_target(run, "repair --format html vs markdown-it-py", "repair-html", "markdown-it", 0.75),
        rate_target(run, "repair --format html vs mdformat", "repair-html", "mdformat", 3),
        rate_target(run, "stretch: repair vs the regex floor (within 5×)", "repair", "regex", 0.2),
        rate_target(run, "verify vs Pillow open", "verify", "pillow-open", 0.5),
        rate_target(run, "verify --deep vs Pillow load", "verify-deep", "pillow-load", 0.9),
    ]
    for key in ("import", "help"):
        result = run.result(key)
        if result is not None:
            found.append(Target(f"{result.task.name} time", f"{result.seconds * 1000:.0f} ms",
                                f"≤ {START_UP_LIMIT * 1000:.0f} ms", result.seconds <= START_UP_LIMIT))
    found += memory_targets(run)
    found += scaling_targets(run)
    found += [jobs_target(run, key) for key in SCALED]
    return found


def memory_limit(posts: int) -> float | None:
    """The peak memory allowed for a site of ``posts`` posts (None: the issue sets none)."""
    return next((limit for size, limit in MEMORY_LIMITS if posts <= size), None)


def memory_targets(run: Run) -> list[Target]:
    """The peak memory of each wxmigrate command, against the limit for its site's size."""
    found = []
    for result in run.results:
        if not result.task.ours:
            continue
        limit = memory_limit(result.task.posts)
        measured = f"{result.peak_mb:.0f} MB"
        name = f"peak memory, {result.task.name} ({result.task.posts:,} posts)"
        if limit is None:
            found.append(Target(name, measured, "—", None, "no limit set past 10,000 posts"))
        else:
            found.append(Target(name, measured, f"≤ {limit:.0f} MB", result.peak_mb <= limit))
    return found


def hash_floor_note(run: Run) -> str | None:
    """What ``verify``'s header level is against the least work that gives its facts of a
    file (Pillow's open and a SHA-256 of the bytes): a reference, not one of the targets."""
    mine, floor, header = run.result("verify"), run.result("pillow-open-hash"), run.result("pillow-open")
    if mine is None or floor is None or header is None:
        return None
    return (f"For reference (no target): Pillow `Image.open` + SHA-256 of each file runs at "
            f"{floor.rate / header.rate:.2f}× Pillow `Image.open` alone; `wxmigrate verify SITE` "
            f"runs at {mine.rate / floor.rate:.2f}× it.")


def scaling_targets(run: Run) -> list[Target]:
    """Per-post (per-image) cost on the large site against the small one: flat within ±15 %."""
    found = []
    for key, command in SCALED.items():
        small, large = run.result(key), run.result(f"{key}-large")
        name = f"{command}: cost per item, 10× the site"
        if small is None or large is None:
            found.append(Target(name, "—", "1 ± 0.15", None, "run with --scaling"))
            continue
        ratio = (large.seconds / large.task.count) / (small.seconds / small.task.count)
        found.append(Target(name, f"{ratio:.2f}×", "1 ± 0.15", abs(ratio - 1) <= 0.15))
    return found


def jobs_target(run: Run, key: str) -> Target:
    """``--jobs 2`` on two cores against one process on one core, on the largest site measured."""
    name = f"{SCALED[key]} --jobs 2 speed-up"
    for suffix in ("-large", ""):
        single, double = run.result(key + suffix), run.result(f"{key}{suffix}-jobs2")
        if single is not None and double is not None:
            speed_up = single.seconds / double.seconds
            return Target(name, f"{speed_up:.2f}×", "≥ 1.7×", speed_up >= 1.7)
    return Target(name, "—", "≥ 1.7×", None, "wxmigrate has no --jobs yet")


# --------------------------------------------------------------------------
# Reporting


def machine() -> dict[str, str]:
    """What this run ran on: date, CPU, cores, load, Python and library versions."""
    model = "unknown CPU"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {name: importlib.metadata.version(name)
                for name in ("wxmigrate", "markdown-it-py", "mdformat", "pillow", "hypothesis")}
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{model}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable)",
        "system": platform.platform(),
        "python": platform.python_version(),
        "load average at start": " ".join(f"{load:.1f}" for load in os.getloadavg()),
        "versions": ", ".join(f"{name} {version}" for name, version in versions.items()),
    }


def figure(value: float) -> str:
    """A rate or a size, with thousands separators and no false precision."""
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def results_table(results: Sequence[Result]) -> str:
    """The Markdown table of every task: seconds, rate, peak memory."""
    lines = ["| what | seconds | rate | peak MB |", "| --- | ---: | ---: | ---: |"]
    for result in results:
        rate = f"{figure(result.rate)} {result.task.unit}/s" if result.task.unit else ""
        sized = f" ({result.task.count:,} {result.task.unit})" if result.task.unit else ""
        lines.append(f"| {result.task.name}{sized} | {result.seconds:.3f} | {rate} | {result.peak_mb:.0f} |")
    return "\n".join(lines)


def targets_table(found: Sequence[Target]) -> str:
    """The Markdown table of every target: measured, goal, pass or fail."""
    lines = ["| target | measured | goal | result |", "| --- | ---: | ---: | --- |"]
    verdicts = {True: "pass", False: "**fail**", None: "not measured"}
    for target in found:
        verdict = verdicts[target.passed] + (f" ({target.note})" if target.note else "")
        lines.append(f"| {target.name} | {target.measured} | {target.goal} | {verdict} |")
    return "\n".join(lines)


def write_json(run: Run, path: Path) -> None:
    """Every figure of ``run`` as JSON (for the chart in the docs)."""
    data = {
        "machine": run.machine,
        "sites": run.sites,
        "results": [{**asdict(result.task), "seconds": result.seconds, "runs": result.runs,
                     "rate": result.rate, "peak_mb": result.peak_mb, "exit_codes": result.exit_codes}
                    for result in run.results],
        "targets": [asdict(target) for target in run.targets],
        "notes": run.notes,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def describe(site: SyntheticSite) -> dict[str, object]:
    """A site's size, as the report gives it."""
    size = sum(path.stat().st_size for path in site.posts)
    return {
        "posts": len(site.posts),
        "average post bytes": round(size / len(site.posts)),
        "image references": site.references,
        "image files": len(site.images),
        "image files by state": dict(site.damage()),
    }


# --------------------------------------------------------------------------
# Main


@contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    """``keep`` (emptied first), or a temporary folder removed afterwards."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="wxmigrate-bench-") as folder:
            yield Path(folder)
        return
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True)
    yield keep


def generate(folder: Path, posts: int, run: Run, label: str) -> SyntheticSite:
    """Write a site of ``posts`` posts into ``folder``, recording its description under ``label``."""
    start = time.perf_counter()
    site = build_site(folder, posts)
    run.sites[label] = {**describe(site), "generated in seconds": round(time.perf_counter() - start, 1)}
    print(f"{label}: {json.dumps(run.sites[label], ensure_ascii=False)}", file=sys.stderr)
    return site


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000, help="posts in the generated site (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the median is shown")
    parser.add_argument("--scaling", action="store_true",
                        help="also time repair and verify --deep on a site of 10× --posts")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every figure to FILE")
    parser.add_argument("--chart", type=Path, metavar="PNG",
                        help="also draw the figures as a chart (needs --json; see chart.py)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate into DIR (emptied first) and keep it, with each command's output")
    args = parser.parse_args(argv)
    if args.chart and not args.json:
        parser.error("--chart draws the figures --json writes: give --json FILE too")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Generate, measure, print the tables, write the JSON."""
    args = arguments(argv)
    run = Run(machine())
    with work_folder(args.keep) as folder:
        logs = folder / "logs"
        logs.mkdir()
        site = generate(folder / "site", args.posts, run, "site")
        warm_up(site, folder)
        tasks = [*site_tasks(site, folder / "out"), *start_up_tasks()]
        jobs_site, suffix = site, ""
        if args.scaling:
            jobs_site, suffix = generate(folder / "large-site", args.posts * 10, run, "large site"), "-large"
            tasks += scaling_tasks(jobs_site, folder / "out-large")
        tasks += jobs_tasks(jobs_site, folder / ("out-large" if suffix else "out"), suffix, run.notes)
        for task in tasks:
            print(f"timing {task.name} ...", file=sys.stderr)
            run.results.append(run_task(task, args.repeat, logs))
    run.machine["load average at end"] = " ".join(f"{load:.1f}" for load in os.getloadavg())
    run.targets = targets(run)
    note = hash_floor_note(run)
    if note is not None:
        run.notes.append(note)
    print("\n".join(f"- {key}: {value}" for key, value in run.machine.items()))
    print(f"- median of {args.repeat} runs, each a whole process pinned to one core (two for --jobs 2)")
    for label, facts in run.sites.items():
        print(f"- {label}: " + ", ".join(f"{key} {value}" for key, value in facts.items()))
    print()
    print(results_table(run.results))
    print()
    print(targets_table(run.targets))
    for note in run.notes:
        print(f"\n{note}")
    if args.json:
        write_json(run, args.json)
    if args.chart:
        import chart  # benchmarks/chart.py, beside this file (matplotlib only when asked)

        chart.main([str(args.json), str(args.chart)])


if __name__ == "__main__":
    main()
