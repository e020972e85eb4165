"""What brings Python's full garbage collections while a long run plays: the objects promoted to the collector's
oldest generation, counted, and (``--where``) traced to the code that made them.

CPython 3.11 runs a full collection when the objects that survived a middle-generation collection since the last
full one exceed a quarter of those the last full one kept (the window alone: about 90k). So an object that is alive
at a middle-generation collection and dies a few hundred ms later still counts toward the next full collection.
Counting them is what the machine's load does not change: the figures here are objects, not milliseconds.

Three parts, on the 10-minute run of 200 users of bench_simview.py:

- working the run out ahead (no play): objects promoted per simulated second worked out;
- playing frames of the worked-out run at 8x (60 frames a second, each shown and painted as the event loop would):
  objects promoted per frame;
- (``--play``) 30 s of real play at 8x while the run is worked out, on the event loop: full collections, promoted
  objects a second, and the GUI thread's longest block; ``--stuck``: where the GUI thread was when it stopped
  answering for 40 ms or more.

``--where``: the promoted objects of the first two parts grouped by type and by the line of our code that allocated
them (tracemalloc, 12 frames); slow. ``--where --frames``: of the frames only. ``--types``: by type only, quick.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
import traceback
import tracemalloc
from collections import Counter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(__file__))
import bench_simview  # noqa: E402  (sets up a private home for recent files before Qt starts)
from heartbeat import Promotions  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from statediagram.gui.app import set_up_application  # noqa: E402
from statediagram.sim.scenario import SECOND  # noqa: E402

OURS = os.sep + "statediagram" + os.sep
FRAME_US = 16_000


def where_from(obj) -> str:
    """The innermost line of our code (else the innermost line) that allocated ``obj``."""
    tb = tracemalloc.get_object_traceback(obj)
    if tb is None:
        return "?"
    for frame in reversed(tb):  # the most recent last
        if OURS in frame.filename and "benchmarks" not in frame.filename:
            return f"{frame.filename.split(OURS)[-1]}:{frame.lineno}"
    return f"{tb[-1].filename.rsplit(os.sep, 1)[-1]}:{tb[-1].lineno}"


def table(seen: Counter, total: int, top: int = 25) -> str:
    return "\n".join(f"    {n:8,} {n / max(1, total):5.1%}  {what}" for what, n in seen.most_common(top))


def work_ahead(shown, where: bool) -> None:
    player = shown.player
    shown.sim.ui.simulate()
    player.set_playing(False)
    with Promotions(where=where_from if where else None) as seen:
        goal = 0
        while goal < player.end:
            goal += SECOND
            player.work_out(goal)
    secs = player.horizon / SECOND
    print(f"[work ahead] the 10-minute run worked out ({secs:.0f} s simulated): {seen.words()}; "
          f"{seen.promoted / secs:,.0f} objects promoted per simulated second")
    if where:
        print(table(seen.by_where, seen.promoted))


def play_frames(shown, where: bool, frames: int = 600) -> None:
    """``frames`` frames of the worked-out run at 8x (10 s of play), shown and painted one after the other."""
    player = shown.player
    player.seek(60 * SECOND)
    QApplication.processEvents()
    player.set_playing(True)
    t = player.t
    step = 8 * FRAME_US
    with Promotions(where=where_from if where else None) as seen:
        for _ in range(frames):
            t += step
            player.show_at(t)
            bench_simview.paint_what_changed()
    player.set_playing(False)
    print(f"[play] {frames} frames of the worked-out run at 8x ({frames * step / SECOND:.0f} s simulated): "
          f"{seen.words()}; {seen.promoted / frames:,.1f} objects promoted per frame")
    if where:
        print(table(seen.by_where, seen.promoted))


class Stuck:
    """``--stuck``: a thread looking every 5 ms at what the GUI thread is doing while it has not ticked for 40 ms;
    names the lines of our code seen then (the innermost of each look, and the chain of our calls to it)."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.gui = threading.get_ident()
        self.last = time.perf_counter()
        self.running = True
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        self.last = time.perf_counter()

    def __enter__(self) -> Stuck:
        self.timer.start()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.running = False
        self.thread.join()
        self.timer.stop()

    def _watch(self) -> None:
        while self.running:
            time.sleep(0.005)
            if time.perf_counter() - self.last > 0.040:
                frame = sys._current_frames().get(self.gui)
                ours = [f"{f.filename.split(OURS)[-1]}:{f.lineno} {f.name}"
                        for f in traceback.extract_stack(frame) if OURS in f.filename] if frame else []
                self.seen[" < ".join(reversed(ours[-4:])) or "(not in our code)"] += 1


def real_play(shown) -> None:
    sim, player = shown.sim, shown.player
    time.sleep(0.5)
    sim.ui.simulate()
    player.set_speed(8.0)
    stuck = Stuck() if "--stuck" in sys.argv else contextlib.nullcontext()
    with Promotions() as seen, stuck:
        _block, _beats, words = bench_simview.longest_block(30.0, lambda: sim.controller.inject("s1", "crash"))
    print(f"[30 s of play at 8x while worked out ahead, a crash by hand at 9 s] {words}; {seen.words()}; "
          f"{seen.promoted / 30:,.0f} objects promoted a second (load {os.getloadavg()[0]:.1f})")
    if isinstance(stuck, Stuck):
        print("  where the GUI thread was, 40 ms or more after its last tick (looks every 5 ms):")
        print(table(stuck.seen, sum(stuck.seen.values()), 15))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    set_up_application(app)
    where = "--where" in sys.argv or "--types" in sys.argv  # --types: by type only (quick, no tracemalloc)
    if "--play" in sys.argv:
        real_play(bench_simview.open_in_editor(bench_simview.ten_minutes()))
        return
    frames_only = "--frames" in sys.argv  # --where --frames: where the frames' promoted objects come from only
    if where and not frames_only and "--types" not in sys.argv:
        tracemalloc.start(12)
    shown = bench_simview.open_in_editor(bench_simview.ten_minutes())
    time.sleep(0.5)
    gc.collect()
    work_ahead(shown, where and not frames_only)
    if where and frames_only and "--types" not in sys.argv:
        tracemalloc.start(12)
    play_frames(shown, where)
    shown.close()
    del app


if __name__ == "__main__":
    main()
