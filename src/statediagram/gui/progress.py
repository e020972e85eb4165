"""Long work without a frozen window: a progress dialog with Cancel over work done a slice at a time.

Work that must touch Qt objects (drawing frames, the run on the canvas) is a generator run on the GUI thread's
event loop: each turn of the loop runs it for about ``SLICE_S`` and then lets the window handle its events.
Work that needs no Qt (a simulation to compare, a file to read and check) runs in a thread of its own
(:func:`in_background`); the GUI thread only looks at how far it got. Either way the generator yields
``(fraction done, what it is doing)``; Cancel closes it, so its ``finally`` blocks run and nothing half-made is
left (files are written whole at the end, through ``atomic_write``).

The dialog shows only when the work lasts longer than ``SHOW_AFTER_MS``: quick work finishes without a flash.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressDialog, QWidget

from ..core.breathing import breathing
from ..sim.child_run import CallWork, Inbox, Outbox, start_child, stop_child_soon
from .turns import slice_end

Step = tuple[float, str]  # fraction done (0 to 1), what is being done, in the lesson's words
Work = Generator[Step, None, Any]

# Work per turn of the event loop; the window's own events and paints (3-5 ms) come on top. Each turn ends with a
# 1 ms pause for the window's timers. Measured on the busy machine (load 6-8), a ten-minute run's report: 15 ms
# turns took 2.8x as long as the work at once (the process loses its core at each pause), 25 ms turns 1.3-1.4x,
# with at most 26-37 ms of GUI-thread work between two beats of a 1 ms heartbeat.
SLICE_S = 0.025
SHOW_AFTER_MS = 300  # the dialog appears only for work longer than this
POLL_MS = 30  # how often the GUI thread looks at work done in the background


class ProgressRun(QObject):
    """Runs ``work`` in slices with a progress dialog over ``parent``; ``done`` gets the work's result,
    ``failed`` its error message, ``cancelled`` fires when Cancel stopped it."""

    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, title: str, parent: QWidget, poll_ms: int = 0) -> None:
        super().__init__(parent)
        self.work = work
        self.poll_ms = poll_ms
        self.running = False
        self.result: Any = None
        self.error: str | None = None
        self.dialog = QProgressDialog(parent)
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # the words may quote a file's title: never markup
        self.dialog.setLabel(label)
        self.dialog.setLabelText(title)
        self.dialog.setRange(0, 1000)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)  # no edits while the work reads the diagram
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.dialog.setValue(0)  # starts the dialog's own clock: shown after SHOW_AFTER_MS if not done by then
        self.slices = 0  # how many turns of the event loop the work took (for tests and benchmarks)
        self.longest_slice_s = 0.0  # the longest the work itself took in one turn (for benchmarks)

    def start(self) -> ProgressRun:
        self.running = True
        QTimer.singleShot(0, self._slice)
        return self

    def _slice(self) -> None:
        if not self.running:
            return
        if self.dialog.wasCanceled():  # cancelled without the signal (the dialog's cancel() called directly)
            self.cancel()
            return
        self.slices += 1
        began = time.perf_counter()
        end = slice_end(SLICE_S)
        try:
            while True:
                step_began = time.perf_counter()
                fraction, words = next(self.work)
                now = time.perf_counter()
                # Another step only when one as long as the last still fits the slice: stopping only once past
                # its end let a turn run a whole step over (20 ms slices with 10-20 ms steps: turns of 30-50 ms
                # of work, then the window's own repaints on top: 67-150 ms blocks measured while exporting).
                if self.poll_ms or now + (now - step_began) >= end:
                    break
        except StopIteration as stop:
            self._end()
            self.result = stop.value
            self.done.emit(stop.value)
            return
        except Exception as exc:  # noqa: BLE001 - the work's own error, shown to the learner as a message
            self._end()
            self.error = str(exc) or type(exc).__name__
            self.failed.emit(self.error)
            return
        self.longest_slice_s = max(self.longest_slice_s, time.perf_counter() - began)
        # setValue on a modal dialog runs the event loop: here, between two steps, where Cancel may close the work.
        self.dialog.setLabelText(words)
        self.dialog.setValue(max(0, min(999, int(fraction * 1000))))
        # The next slice after a 1 ms timer, not a 0 ms one: a 0 ms timer ran the next slice before the window's
        # own timers had their turn, two slices to a turn of the event loop (measured: 25-28 ms of GUI-thread work
        # between two beats of a 1 ms heartbeat, then 12-15 ms).
        QTimer.singleShot(max(1, self.poll_ms), self._slice)

    def cancel(self) -> None:
        """Stop the work now: its generator is closed (its clean-up runs), nothing more is done."""
        if not self.running:
            return
        self._end()
        self.work.close()
        self.cancelled.emit()

    def _end(self) -> None:
        self.running = False
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()


def run_with_progress(work: Work, title: str, parent: QWidget, on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[str], None] | None = None, poll_ms: int = 0) -> ProgressRun:
    run = ProgressRun(work, title, parent, poll_ms)
    if on_done is not None:
        run.done.connect(on_done)
    if on_error is not None:
        run.failed.connect(on_error)
    return run.start()


def finish(work: Work) -> Any:
    """Do ``work`` at once, without a window (tests, the command line); returns its result."""
    while True:
        try:
            next(work)
        except StopIteration as stop:
            return stop.value


class Cancelled(Exception):
    """Raised inside background work when Cancel was pressed."""


class Reporter:
    """What background work gets: ``report(fraction, words)`` to say how far it is, which raises ``Cancelled``
    once Cancel was pressed (so the work stops at its next report)."""

    def __init__(self) -> None:
        self.step: Step = (0.0, "")
        self.stop = threading.Event()

    def report(self, fraction: float, words: str) -> None:
        if self.stop.is_set():
            raise Cancelled
        self.step = (fraction, words)


def in_background(fn: Callable[[Reporter], Any], words: str) -> Work:
    """Qt-free ``fn(reporter)`` run in a thread of its own, as work for :class:`ProgressRun` (with a poll
    interval): it yields how far the thread got until the thread is done, then returns its result or raises its
    error. Closing it (Cancel) asks the thread to stop at its next report and does not wait for it."""
    reporter = Reporter()
    reporter.step = (0.0, words)
    box: dict[str, Any] = {}

    def body() -> None:
        try:
            with breathing():  # its long loops let the window's thread have Python every 2 ms (core/breathing.py)
                box["result"] = fn(reporter)
        except Cancelled:
            box["cancelled"] = True
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which reports it
            box["error"] = exc

    thread = threading.Thread(target=body, name="statediagram-work", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            yield reporter.step
        if "error" in box:
            raise box["error"]
        return box.get("result")
    finally:
        reporter.stop.set()


def in_spare_child(name: str, *args: object, words: str) -> Work:
    """A call of ``sim.child_run.CALLS`` (Qt-free work on the engine) in a child process started ahead, as work
    for :class:`ProgressRun` with a poll interval: its imports are done, so the work's own time is all it takes,
    and the window's process neither waits for it nor keeps what it made. Closing it (Cancel) stops the child."""
    work = CallWork(name, *args)
    try:
        while not work.poll():
            yield 0.0, words
        return work.result()
    finally:
        work.close()


def in_child_process(module: str, payload: object, words: Callable[[tuple], str]) -> Work:
    """Qt-free work in a child process, ``python -m module`` (a fresh interpreter: no Qt, no share of this
    process's interpreter lock or garbage collector), as work for :class:`ProgressRun` with a poll interval.
    ``payload`` goes to the child pickled on its stdin; the child answers on its stdout with messages, each a
    pickle after its length (4 bytes, big-endian): ``("progress", fraction, ...)`` (``words(message)`` says
    them), then ``("done", result)`` or ``("error", message)``. Closing the work (Cancel) kills the child; it has
    nothing to leave behind."""
    child = start_child(module)
    try:
        # Without waiting: two big diagrams are more than a pipe holds, and the child reads only once its imports
        # are done (0.6-0.8 s); the rest is written at each poll.
        outbox = Outbox(child)
        outbox.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL), last=True)
        inbox = Inbox(child.stdout)
        step: Step = (0.0, "Starting…")
        while True:
            outbox.flush()
            inbox.read()
            while (message := inbox.take()) is not None:  # from the child started above, nothing else
                if message[0] == "done":
                    return message[1]
                if message[0] == "error":
                    raise RuntimeError(message[1])
                step = (message[1], words(message))
            if inbox.ended:
                raise RuntimeError(f"the work stopped unexpectedly (exit status {child.poll()})")
            yield step
    finally:
        stop_child_soon(child)  # reaped when a later child starts: nothing here waits for it
