"""What a long command is doing, told on stderr: one stage at a time, with elapsed seconds.

On a terminal a stage with steps (the export's files, the rules) shows a tqdm bar that disappears when the stage
ends, leaving one line "loading export: 34 files ... 1.2 s"; a stage without steps shows its name, then its time.
When stderr is not a terminal (piped, redirected to a log) every stage is one plain line written as it starts,
prefixed with the seconds since the command began, and a stage may add a line per step ("loading Tickets.csv
(3/34)"):

    [  0.0 s] loading export: 34 files
    [  0.0 s] loading Companies.csv (1/34)
    ...
    [  1.1 s] running 37 rules
    [  1.6 s] writing outputs
    [  2.1 s] finished (exit code 0)

Only the command-line entry points make a Progress; library calls get QUIET (or None) and print nothing, so
stdout keeps just the summary lines that scripts parse. This module imports nothing from readiness.
"""

from __future__ import annotations

import contextlib
import sys
import time
from typing import Callable, Iterator


class Stage:
    """One running stage; `step(label)` is the callback the loader and the rule engine call per file / rule."""

    def __init__(self, progress: "Progress", text: str, total: int | None, each: str | None):
        self.progress, self.text, self.total, self.each = progress, text, total, each
        self.done = 0
        self.bar = None

    def step(self, label=None, *_ignored) -> None:
        """Count one step (a file about to be loaded, a rule about to run)."""
        self.done += 1
        p = self.progress
        if not p.enabled:
            return
        if self.bar is not None:
            if label is not None:
                self.bar.set_postfix_str(str(label), refresh=False)
            self.bar.update(1)
        elif not p.tty and self.each:
            p.line(self.each.format(label=label, n=self.done, total=self.total if self.total is not None else "?"))


class Progress:
    """Stages of one command on `stream` (default stderr); `tty` defaults to whether the stream is a terminal."""

    def __init__(self, stream=None, tty: bool | None = None, enabled: bool = True):
        self.stream = stream if stream is not None else sys.stderr
        if tty is None:
            tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.tty = tty
        self.enabled = enabled
        self.started = time.perf_counter()
        self.shown = 0  # stages shown so far

    def finish(self, code: int) -> None:
        """When piped and a stage was shown: a last line with the total time, so the last stage's time is known."""
        if self.enabled and not self.tty and self.shown:
            self.line(f"finished (exit code {code})")

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def line(self, text: str) -> None:
        """One plain line: `[  1.2 s] text` when piped, the text alone on a terminal."""
        if not self.enabled:
            return
        msg = text if self.tty else f"[{self.elapsed():5.1f} s] {text}"
        print(msg, file=self.stream, flush=True)

    @contextlib.contextmanager
    def stage(self, text: str, total: int | None = None, each: str | None = None) -> Iterator[Stage]:
        """A stage named `text`. `total` steps show a bar on a terminal; `each` ("loading {label} ({n}/{total})")
        adds a line per step when piped. Yields the Stage, whose `step` is the per-step callback."""
        st = Stage(self, text, total, each)
        if not self.enabled:
            yield st
            return
        self.shown += 1
        start = time.perf_counter()
        if not self.tty:
            self.line(text)
        elif total:
            from tqdm import tqdm

            st.bar = tqdm(total=total, desc=text, file=self.stream, leave=False, dynamic_ncols=True,
                          bar_format="{desc} |{bar}| {n_fmt}/{total_fmt} {postfix}")
        else:
            print(f"{text} ...", end="", file=self.stream, flush=True)
        ok = False
        try:
            yield st
            ok = True
        finally:
            if self.tty:
                if st.bar is not None:
                    st.bar.close()
                    print(f"{text} ...", end="", file=self.stream)
                took = time.perf_counter() - start
                print(f" {took:.1f} s" if ok else " failed", file=self.stream, flush=True)


QUIET = Progress(enabled=False)


def callback(stage: Stage | None) -> Callable | None:
    """The step callback of `stage`, or None when there is no stage (library calls)."""
    return stage.step if stage is not None and stage.progress.enabled else None
