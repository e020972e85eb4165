"""The player: a play head over a replayable run, steered by hand.

A timer ticks about 60 times a second. Each tick moves the play head by the wall time elapsed times the
speed, and lets the engine work ahead for a small budget, so the GUI thread never blocks for long. The
screen always shows the replay's index at the play head, so going back shows exactly what was seen going
forward. A fault made by hand starts a fresh run with every fault so far (the old run keeps showing until
the new one has caught up with the play head; before the fault they are the same).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from ...core.model import Diagram
from ...sim.child_run import SPARES, ChildReplay
from ...sim.replay import Replay, RunSetup
from ...sim.scenario import SECOND
from ..warmup import warm_up_imports, warm_up_later
from .tokens import MIN_TRIP_US as SHOWN_TRIP_US

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
TICK_MS = 16
RELEASE_PER_TICK = 10_000  # entries of a discarded run's lists freed per tick: about 4 ms
WORK_BUDGET_S = 0.010  # taking in the child's news, per tick: with a frame, its paint and the panels, under 50 ms
FIRST_SECOND_WAIT_S = 0.030  # a new run's first second, waited for (the engine is in a child: waiting is idle)
# How long Simulate waits for the new run's child to tell the run's facts before leaving it to the ticks. A child
# started ahead answers in a few ms; one started by the run before is still loading its libraries (0.6-0.8 s), and
# waiting for it held the window 280-300 ms when Simulate was pressed twice 0.2 s apart (measured 2026-12-02).
START_WAIT_S = 0.020
START_TIMEOUT_S = 10.0  # a child that has not told the run's facts by then is taken for one that will not


class Player(QObject):
    """Owns the run being shown and the play head (simulated microseconds)."""

    frame_changed = Signal(int)  # the play head moved (or what is shown at it changed)
    run_changed = Signal()  # a new run: new faults, new scenario, new diagram
    playing_changed = Signal(bool)
    progress_changed = Signal(int)  # how far the run is worked out (its horizon)
    run_failed = Signal(str)  # the run's child process stopped before the run's end: why, in words
    finished = Signal(object)  # the run is worked out to its end: its report (a sim.report.Report)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replay: Replay | None = None
        self._next: Replay | None = None  # a rebuilt run catching up with the play head
        self._starting: tuple[ChildReplay, bool, float] | None = None  # (run, play it, when asked) until shown
        self.t = 0
        self._wanted = 0  # where a seek asked to go; the play head follows as the run is worked out
        self.playing = False
        self.speed = 1.0
        self._last_wall = 0.0
        self._reported = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._discarded: list[Replay] = []  # closed runs, freed a slice per tick (see ``Replay.release``)
        self._worked_by = 0  # how many ``working_out`` generators are under way (an export working the run out)
        self._failed = False  # the run's child stopped before its end: nothing more is worked out
        warm_up_imports()
        SPARES.prepare()  # the first run's engine is ready to start in a child of its own

    def dispose(self, replay: Replay | None) -> None:
        """Close a run; it is freed over the next ticks, never all at once (50 ms for a 10-minute run)."""
        if replay is not None:
            replay.close()
            self._discarded.append(replay)
            self.timer.start()

    def _free_some(self) -> None:
        if self._discarded and self._discarded[0].release(RELEASE_PER_TICK):
            self._discarded.pop(0)

    # --- runs -----------------------------------------------------------------------------------

    def start(self, setup: RunSetup, play: bool = True) -> None:
        """A fresh run from t = 0, shown as soon as its child has told the run's facts: at once when that takes
        under START_WAIT_S (a child started ahead answers in a few milliseconds), else by a later tick. Meanwhile
        the run shown, if any, stays paused on screen, and a run still starting is dropped for this one."""
        if self._starting is not None:
            self.dispose(self._starting[0])
        self._starting = (ChildReplay(setup, SHOWN_TRIP_US), play, time.perf_counter())
        if not self._show_when_ready(START_WAIT_S):
            self.set_playing(False)
            self.timer.start()

    @property
    def starting(self) -> bool:
        """A run was asked for and its child has not told its facts yet (it is still loading its libraries)."""
        return self._starting is not None

    def _show_when_ready(self, wait_s: float) -> bool:
        """Show the run being started if its child has told the run's facts (waiting up to ``wait_s``); False
        while it has not. A child that fails or never answers leaves no run shown, and says why."""
        replay, play, asked_at = self._starting
        try:
            if not replay.poll_ready(wait_s):
                if time.perf_counter() - asked_at < START_TIMEOUT_S:
                    return False
                raise RuntimeError("the simulation did not start")
        except RuntimeError as exc:  # no run to show: say why, as the run bar shows no run
            self._starting = None
            self.dispose(replay)
            self.stop()
            self.run_failed.emit(str(exc))
            return True
        self._starting = None
        self.dispose(self.replay)
        self.dispose(self._next)
        self.replay, self._next = replay, None
        self._failed = False
        if replay.facts.tokens:  # its servers sign tokens: the inspector verifies them with PyJWT
            warm_up_later("jwt")
        self._reported = False
        self.t = self._wanted = 0
        replay.advance(SECOND, budget_s=FIRST_SECOND_WAIT_S)
        self.run_changed.emit()
        self.frame_changed.emit(self.t)
        self.timer.start()
        self.set_playing(play)
        return True

    def start_live(self, replay: Replay) -> None:
        """Show a run for real (``live.feed.LiveReplay``): the play head follows the run as it is told; going back
        shows what was seen, as in a simulated run."""
        self.dispose(self.replay)
        self.dispose(self._next)
        self.replay, self._next = replay, None
        if replay.facts.tokens:
            warm_up_later("jwt")
        self._reported = False
        self.t = self._wanted = 0
        self.run_changed.emit()
        self.frame_changed.emit(self.t)
        self.timer.start()
        self.set_playing(True)

    @property
    def setup(self) -> RunSetup | None:
        return self.replay.setup if self.replay else None

    def rebuild(self, **changes) -> None:
        """The same run with some of its setup changed (hand faults, chaos), shown from the play head on."""
        if self.replay is None or self.replay.live:  # a run for real is not worked out again
            return
        old = self.replay.setup
        setup = RunSetup(
            changes.get("diagram", old.diagram), changes.get("scenario", old.scenario),
            changes.get("journey", old.journey), changes.get("seed", old.seed),
            changes.get("hand_faults", list(old.hand_faults)), changes.get("chaos_seed", old.chaos_seed),
        )
        self.dispose(self._next)
        self._next = ChildReplay(setup, SHOWN_TRIP_US)  # worked out in its child, taken in by the ticks
        self._failed = False
        self._reported = False
        self.timer.start()

    def inject(self, node: str, action: str) -> None:
        """Crash, restart or replace ``node`` now (at the play head, to the millisecond)."""
        if self.replay is None:
            return
        if self.replay.live:  # the run kills (or starts) the real process now, and tells when it did
            self.replay.ask_fault(node, action)
            return
        at = (self.t // 1000) * 1000
        faults = [*self.setup.hand_faults, (at, node, action)]
        self.rebuild(hand_faults=faults)

    def set_chaos(self, seed: int | None) -> None:
        self.rebuild(chaos_seed=seed)

    def _catch_up(self, budget_s: float, wait: bool = True) -> None:
        nxt = self._next
        if nxt is None:
            return
        if nxt.advance(self.t + 1, budget_s=budget_s, wait=wait):
            self.dispose(self.replay)
            self.replay, self._next = nxt, None
            self.run_changed.emit()
            self.frame_changed.emit(self.t)

    @property
    def catching_up(self) -> bool:
        return self._next is not None

    # --- play head ------------------------------------------------------------------------------

    @property
    def end(self) -> int:
        return self.replay.end if self.replay else 0

    @property
    def horizon(self) -> int:
        return self.replay.horizon if self.replay else 0

    def set_playing(self, playing: bool) -> None:
        if self.replay is None:
            playing = False
        if playing and self.t >= self.end:
            self.seek(0)
        self.playing = playing
        self._last_wall = time.perf_counter()
        self.playing_changed.emit(playing)

    def toggle(self) -> None:
        self.set_playing(not self.playing)

    def set_speed(self, speed: float) -> None:
        self.speed = speed

    def seek(self, t: int) -> None:
        """Show time ``t`` (clamped to what is worked out; the engine keeps working towards it)."""
        if self.replay is None:
            return
        self._wanted = max(0, min(int(t), self.end))
        self.t = min(self._wanted, self.horizon)
        self.frame_changed.emit(self.t)

    def show_at(self, t: int) -> None:
        """Move the play head to ``t`` as a playing tick does (no clamping to the horizon; for benchmarks)."""
        self.t = self._wanted = t
        self.frame_changed.emit(t)

    def step(self) -> None:
        self.set_playing(False)
        if self.replay is not None:
            self.seek(self.replay.next_moment(self.t))

    def step_back(self) -> None:
        self.set_playing(False)
        if self.replay is not None:
            self.seek(self.replay.previous_moment(self.t))

    def restart(self) -> None:
        self.seek(0)
        self.set_playing(True)

    # --- the tick -------------------------------------------------------------------------------

    def tick(self) -> None:
        self._free_some()
        if self._starting is not None:
            self._show_when_ready(0.0)
        replay = self.replay
        if replay is None:
            if not self._discarded and self._starting is None:
                self.timer.stop()
            return
        # While an export works the run out a slice per turn, the tick leaves it to it: both working in the same
        # turn of the event loop made turns of 60-75 ms (measured, bench_long_work.py).
        works = not self._worked_by and not self._failed
        try:
            if works and self._next is not None:
                self._catch_up(WORK_BUDGET_S, wait=False)
                replay = self.replay  # it may have been swapped for the rebuilt run: report that one, not the old
            elif works and not replay.finished:
                replay.advance(budget_s=WORK_BUDGET_S, wait=False)  # takes what its child has sent, no more
                self.progress_changed.emit(replay.horizon)
        except RuntimeError as exc:  # its child process stopped (killed, out of memory): what was seen stays
            self._fail(str(exc))
            return
        if replay.finished and not self._reported and self._next is None:
            self._reported = True
            self.progress_changed.emit(replay.horizon)
            self.finished.emit(replay.report)
        moved = False
        if self.playing:
            now = time.perf_counter()
            step = int((now - self._last_wall) * self.speed * SECOND)
            self._last_wall = now
            target = min(self.t + step, self.end)
            self.t = min(target, replay.horizon)
            self._wanted = self.t
            moved = True
            if self.t >= self.end:
                self.set_playing(False)
        elif self._wanted > self.t:  # a seek beyond what was worked out
            self.t = min(self._wanted, replay.horizon)
            moved = True
        if moved:
            self.frame_changed.emit(self.t)

    def _fail(self, why: str) -> None:
        """The run cannot be worked out further: the play head stops where it is, and the panel says why."""
        self._failed = True
        self.dispose(self._next)
        self._next = None
        self.set_playing(False)
        self.run_failed.emit(why)

    def work_out(self, until_us: int | None = None) -> None:
        """Work the run out up to ``until_us`` (the end when None) at once: for tests and benchmarks."""
        for _step in self.working_out(until_us, budget_s=1.0):
            pass

    def working_out(self, until_us: int | None = None, budget_s: float = WORK_BUDGET_S):
        """Work the run out up to ``until_us`` (the end when None), ``budget_s`` at a time: a generator yielding
        (fraction done, words) between slices, for work shown with a progress dialog (gui/progress.py). While it
        is under way the ticks leave the working out to it."""
        self._worked_by += 1
        try:
            yield from self._working_out(until_us, budget_s)
        finally:
            self._worked_by -= 1

    def _working_out(self, until_us: int | None, budget_s: float):
        while self._starting is not None and not self._show_when_ready(budget_s):
            yield 0.0, "Starting the run…"
        while self._next is not None:
            self._catch_up(budget_s)
            yield 0.0, "Working out the run with the faults made by hand…"
        replay = self.replay
        if replay is None or (replay.live and not replay.finished):  # a run for real goes at its own pace
            return
        goal = replay.end if until_us is None else until_us
        while not replay.advance(goal, budget_s=budget_s):
            self.progress_changed.emit(replay.horizon)
            words = f"Working out the run: {replay.horizon // SECOND} s of {goal // SECOND} s"
            yield replay.horizon / max(1, goal), words
        self.progress_changed.emit(replay.horizon)
        if replay.finished and not self._reported:
            self._reported = True
            self.finished.emit(replay.report)

    def stop(self) -> None:
        self.set_playing(False)
        self.timer.stop()
        if self._starting is not None:
            self.dispose(self._starting[0])
            self._starting = None
        self.dispose(self.replay)
        self.dispose(self._next)
        self.replay = self._next = None
        self.run_changed.emit()


def copy_for_run(diagram: Diagram) -> Diagram:
    """The run works on its own copy: editing the diagram afterwards never changes a run in progress."""
    return diagram.copy()
