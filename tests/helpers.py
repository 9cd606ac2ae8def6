"""Where the fixtures and the shared corpus are."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
DEMO_SITE = FIXTURES / "demo-site"
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE_SITE = CORPUS / "sample-site"
WILD = CORPUS / "wild"


def benchmark_module(name: str) -> ModuleType:
    """A module of benchmarks/ (``bench``, ``baselines``, ``synthetic_site``), imported as
    the benchmark imports its own: from that folder."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def corpus_posts(folder: Path) -> list[Path]:
    """Posts under a corpus folder, or a skip when the shared corpus is not beside the repo."""
    if not folder.is_dir():
        pytest.skip(f"shared corpus not found at {folder} (it sits beside the repo in CI)")
    return sorted(p for p in folder.rglob("*.md") if p.is_file())


def terminal_line(written: str) -> str:
    """What a terminal shows of one line written with carriage returns (each starts over, overwriting)."""
    shown = ""
    for part in written.split("\r"):
        shown = part + shown[len(part):]
    return shown.rstrip()
