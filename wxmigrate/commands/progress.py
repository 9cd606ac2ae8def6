"""The progress bar the commands draw on a terminal for long runs."""

from __future__ import annotations

import time
from typing import TextIO


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (progress bars are drawn only there)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A one-line progress bar redrawn at most ten times a second, erased by :meth:`close`.

    Nothing is drawn for runs of fewer than ``minimum`` items.
    """

    def __init__(self, stream: TextIO, *, label: str, unit: str, minimum: int, width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.unit = unit
        self.minimum = minimum
        self.width = width
        self.drawn = 0.0
        self.visible = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < self.minimum or (now - self.drawn < 0.1 and done < total):
            return
        self.drawn = now
        filled = self.width * done // total
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {self.unit}")
        self.stream.flush()
        self.visible = True

    def close(self) -> None:
        if self.visible:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.visible = False
