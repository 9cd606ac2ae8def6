"""Benchmark ``wxmigrate verify`` on a generated tree of images (not a test; run it by hand).

    .venv/bin/python benchmarks/bench_verify.py [--images 10000] [--repeat 3]

It writes a Jekyll site of small images (JPEG, PNG, GIF with some animated,
WebP) and posts that use them into a temporary folder, then times, on the
same files in the same run:

- baseline: open each file, read it and hash it (SHA-256): the floor any
  verification pays, since the report holds every file's hash;
- ``check_file`` on each file, header level and ``deep``;
- ``verify(site)`` end to end (posts read and parsed, references resolved,
  files checked, orphans and duplicates found), header level and ``deep``.

Each figure is the best of ``--repeat`` runs, after one untimed pass that
puts the files in the page cache; images/s is reported with its cost
relative to the baseline (time ÷ baseline time).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from images import encode, picture  # noqa: E402
from wxmigrate.verify import check_file, verify  # noqa: E402
from wxmigrate.verify.formats import declared_format

FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
EXTENSIONS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
PER_POST = 100


def encode_image(index: int) -> tuple[str, bytes]:
    """A small distinct image: 64×48 to 160×120, one in ten GIFs animated (3 frames)."""
    rng = random.Random(index)
    fmt = FORMATS[index % len(FORMATS)]
    size = (rng.randrange(64, 161), rng.randrange(48, 121))
    frames = 3 if fmt == "GIF" and index % 10 == 2 else 1
    return fmt, encode([picture(size, rng) for _ in range(frames)], fmt)


def build_site(root: Path, count: int) -> list[Path]:
    """Write ``count`` images into ``root/postimg`` and posts that use them all; return the images."""
    (root / "_posts").mkdir(parents=True)
    (root / "postimg").mkdir()
    (root / "_config.yml").write_text('baseurl: ""\n', encoding="utf-8")
    files = []
    for index in range(count):
        fmt, data = encode_image(index)
        path = root / "postimg" / f"img{index:05d}.{EXTENSIONS[fmt]}"
        path.write_bytes(data)
        files.append(path)
    for first in range(0, count, PER_POST):
        lines = [f"![]({{{{site.baseurl}}}}/postimg/{path.name})" for path in files[first : first + PER_POST]]
        body = "\n".join(["本期共有图片如下。", *lines, ""])
        text = f"---\nlayout: post\ntitle: 图集 {first // PER_POST}\n---\n\n{body}"
        (root / "_posts" / f"2023-01-01-gallery-{first // PER_POST:03d}.md").write_text(text, encoding="utf-8")
    return files


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def hash_all(files: list[Path]) -> None:
    for path in files:
        with open(path, "rb") as stream:
            hashlib.sha256(stream.read()).hexdigest()


def check_all(files: list[Path], *, deep: bool) -> None:
    for path in files:
        check = check_file(path, declared=declared_format(path.name), deep=deep)
        assert check.status == "ok", (path, check)


def verify_site(root: Path, count: int, *, deep: bool) -> None:
    report = verify(root, deep=deep)
    assert report.counts() == {"ok": count}, report.counts()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wxmigrate-bench-") as folder:
        root = Path(folder) / "site"
        start = time.perf_counter()
        files = build_site(root, args.images)
        size = sum(path.stat().st_size for path in files)
        print(f"generated {len(files)} images ({size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s")
        hash_all(files)  # warm the page cache
        rows = [
            ("open + read + SHA-256 (baseline)", lambda: hash_all(files)),
            ("check_file, header level", lambda: check_all(files, deep=False)),
            ("check_file, --deep", lambda: check_all(files, deep=True)),
            ("verify(site), header level", lambda: verify_site(root, len(files), deep=False)),
            ("verify(site), --deep", lambda: verify_site(root, len(files), deep=True)),
        ]
        baseline = 0.0
        print(f"{'what':36} {'seconds':>8} {'images/s':>10} {'cost vs baseline':>17}")
        for name, work in rows:
            seconds = best_of(args.repeat, work)
            baseline = baseline or seconds
            print(f"{name:36} {seconds:8.2f} {len(files) / seconds:10.0f} {seconds / baseline:16.1f}×")


if __name__ == "__main__":
    main()
