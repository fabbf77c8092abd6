"""A progress bar for long management commands: on a terminal only, never in CI logs.

    with Progress(total=len(steps), label="seed_demo", stream=self.stderr) as bar:
        for step in steps:
            bar.advance(note=step)

The bar is drawn on one line of the terminal and redrawn in place. It stays silent
when the stream is not a terminal (a pipe, a log file) or when ``CI`` is set (true,
1 or yes), so logs carry only what the command itself prints. Lines the command
writes while the bar shows go through `Progress.output(stdout)`, which lifts the
bar out of the way, writes the line and draws the bar again under it.
"""

from __future__ import annotations

import os
import shutil
import sys
import time


def progress_enabled(stream) -> bool:
    """Whether a bar may be drawn on `stream`: a terminal, and not in CI."""
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """A bar of `total` steps written to `stream` (standard error by default)."""

    def __init__(self, *, total: int, label: str = "", stream=None, enabled: bool | None = None):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        # Django's OutputWrapper hides the real stream's isatty() behind `_out`.
        raw = getattr(self.stream, "_out", self.stream)
        self.enabled = progress_enabled(raw) if enabled is None else enabled
        self.done = 0
        self.note = ""
        self.started = time.monotonic()
        self._shown = False

    def __enter__(self) -> Progress:
        self.draw()
        return self

    def __exit__(self, *exc_info) -> None:
        self.clear()

    def advance(self, steps: int = 1, *, note: str = "") -> None:
        self.done = min(self.done + steps, self.total)
        if note:
            self.note = note
        self.draw()

    def start(self, note: str) -> None:
        """Say what the current step is, before it runs."""
        self.note = note
        self.draw()

    def line(self) -> str:
        width = shutil.get_terminal_size((80, 20)).columns
        share = self.done / self.total
        counter = f" {self.done}/{self.total} "
        elapsed = f" {int(time.monotonic() - self.started)}s "
        label = f"{self.label} " if self.label else ""
        bar_width = max(10, min(40, width - len(label) - len(counter) - len(elapsed) - 24))
        filled = int(bar_width * share)
        bar = "█" * filled + "░" * (bar_width - filled)
        text = f"{label}{bar}{counter}{elapsed}{self.note}"
        return text[: width - 1]

    def draw(self) -> None:
        if not self.enabled:
            return
        self._raw_write("\r\x1b[2K" + self.line())
        self._shown = True

    def clear(self) -> None:
        if self.enabled and self._shown:
            self._raw_write("\r\x1b[2K")
            self._shown = False

    def _raw_write(self, text: str) -> None:
        raw = getattr(self.stream, "_out", self.stream)
        raw.write(text)
        raw.flush()

    def output(self, stdout) -> _Lifting:
        """`stdout` wrapped so that each line written lifts the bar out of the way first."""
        return _Lifting(stdout, self)


class _Lifting:
    def __init__(self, stdout, bar: Progress):
        self._stdout, self._bar = stdout, bar

    def write(self, *args, **kwargs):
        self._bar.clear()
        result = self._stdout.write(*args, **kwargs)
        flush = getattr(self._stdout, "flush", None)
        if flush:
            flush()
        self._bar.draw()
        return result

    def __getattr__(self, name):
        return getattr(self._stdout, name)


def progress_iter(items, *, label: str = "", stream=None, describe=str):
    """Yield each of `items` while a bar shows how far along the loop is."""
    items = list(items)
    with Progress(total=len(items), label=label, stream=stream) as bar:
        for item in items:
            bar.start(describe(item))
            yield item
            bar.advance()
