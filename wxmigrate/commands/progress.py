"""The progress bar the commands draw on a terminal for long runs: tqdm's, imported only then.

tqdm costs tens of milliseconds to import, so it is imported when a run
first proves long enough to draw a bar, never at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

#: Runs of fewer items than this draw no bar.
PROGRESS_MINIMUM = 200


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (progress bars are drawn only there)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """A ``progress(done, total)`` callback drawing a tqdm bar on ``stream``, erased by :meth:`close`.

    Nothing is drawn (and tqdm is not imported) for runs of fewer than ``minimum`` items.
    """

    def __init__(
        self, stream: TextIO, *, label: str, unit: str, minimum: int = PROGRESS_MINIMUM
    ) -> None:
        self.stream = stream
        self.label = label
        self.unit = unit
        self.minimum = minimum
        self.bar: tqdm[None] | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < self.minimum:
            return
        if self.bar is None:
            self.bar = _new_bar(self.stream, label=self.label, unit=self.unit, total=total)
        self.bar.update(done - self.bar.n)
        if done >= total:  # tqdm redraws at most ten times a second: show the end
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _new_bar(stream: TextIO, *, label: str, unit: str, total: int) -> tqdm[None]:
    from tqdm import tqdm

    class Bar(tqdm):  # type: ignore[type-arg]
        monitor_interval = 0  # no monitor thread: the commands update the bar themselves

    return Bar(
        total=total, desc=label, unit=f" {unit}", file=stream, leave=False, disable=False, dynamic_ncols=True
    )
