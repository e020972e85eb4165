"""Simulation view speed: frame time with 1,000 tokens on a 200-node diagram, the longest GUI-thread block while
playing and scrubbing, and scrubbing anywhere in a 10-minute run. Offscreen; prints figures.

Targets (issue 4): frame (update + paint) <= 8 ms median; no block > 50 ms; a scrub <= 100 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from statediagram.core import Diagram, Fault, Link, Node, ScenarioSpec  # noqa: E402
from statediagram.gui.simulation.window import SimulationWindow  # noqa: E402
from statediagram.sim.scenario import SECOND  # noqa: E402


def wide_diagram(users_per_client: int = 200) -> Diagram:
    """200 nodes: 9 clients, 9 load balancers, 152 servers, 10 Redis, 10 PostgreSQL, 10 object storage."""
    d = Diagram(title="200 nodes")
    groups = 9
    servers_per_group = 152 // groups + 1
    s = 0
    for g in range(groups):
        y0 = g * 420
        d.nodes += [Node(f"c{g}", "client", f"Users {g}", 0, y0 + 200, {"users": users_per_client}),
                    Node(f"lb{g}", "load_balancer", f"LB {g}", 260, y0 + 200)]
        d.links.append(Link(f"c{g}", f"lb{g}"))
        for i in range(servers_per_group):
            if s >= 152:
                break
            sid = f"s{s:03d}"
            d.nodes.append(Node(sid, "server", f"Server {s}", 560 + (i % 2) * 180, y0 + (i // 2) * 60))
            d.links.append(Link(f"lb{g}", sid))
            s += 1
    for k in range(10):
        d.nodes += [Node(f"r{k}", "redis", f"Redis {k}", 1000, k * 370),
                    Node(f"p{k}", "postgres", f"PG {k}", 1240, k * 370),
                    Node(f"o{k}", "object_storage", f"S3 {k}", 1480, k * 370)]
    for i, n in enumerate(sorted(x.id for x in d.nodes if x.kind == "server")):
        k = i % 10
        d.links += [Link(n, f"r{k}"), Link(n, f"p{k}"), Link(n, f"o{k}")]
    assert len(d.nodes) == 200, len(d.nodes)
    return d


def ten_minutes(users: int = 200) -> Diagram:
    d = Diagram(title="10 minutes")
    d.nodes += [Node("users", "client", "Users", 0, 200, {"users": users}), Node("lb", "load_balancer", "LB", 250, 200),
                Node("redis", "redis", "Redis", 760, 200)]
    d.links.append(Link("users", "lb"))
    faults = []
    for i in range(6):
        sid = f"s{i}"
        d.nodes.append(Node(sid, "server", f"Server {i}", 500, i * 80))
        d.links += [Link("lb", sid), Link(sid, "redis")]
        faults += [Fault(60 + 90 * i, sid, "crash"), Fault(75 + 90 * i, sid, "restart")]
    d.scenario = ScenarioSpec(seed=3, journey="sessions", faults=faults, duration_s=600)
    return d


def open_window(d: Diagram) -> SimulationWindow:
    w = SimulationWindow(d)
    w.resize(1400, 900)
    w.show()
    QApplication.processEvents()
    w.view.fitInView(w.scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
    return w


def frame_benchmark() -> None:
    w = open_window(wide_diagram(200))
    w.sim.controls.scenario.setCurrentIndex(w.sim.controls.scenario.findData("calm"))
    ctl = w.sim.controller
    player = ctl.player
    t0 = time.perf_counter()
    w.sim.ui.simulate()
    player.set_playing(False)
    player.work_out()
    total = player.replay.report["totals"]["requests"]
    print(f"200-node diagram, {sum(n.props.get('users', 0) for n in w.diagram.nodes)} users, calm 30 s: "
          f"{total} requests worked out in {time.perf_counter() - t0:.1f} s")
    # Find a stretch with about 1,000 tokens in flight, then time frames 16 ms (simulated, at 1x) apart.
    t = 10 * SECOND
    player.seek(t)
    viewport = w.view.viewport()
    frames, tokens = [], []
    player.set_playing(True)  # as while playing: the side panel refreshes 20 times a second, not every frame
    for _ in range(120):
        start = time.perf_counter()
        player.t = t
        player.frame_changed.emit(t)  # the app's per-frame update: tokens, badges, flashes, node states
        viewport.repaint()  # synchronous paint of the whole view: 200 nodes, links, the layer
        frames.append(time.perf_counter() - start)
        tokens.append(len(ctl.layer.frame.tokens))
        t += 16_000
    player.set_playing(False)
    med = statistics.median(frames) * 1000
    print(f"frame (update + paint), {statistics.median(tokens):.0f} tokens in flight (min {min(tokens)}), "
          f"200 nodes, 1400x900 offscreen: median {med:.2f} ms, p95 {sorted(frames)[113] * 1000:.2f} ms "
          f"(target <= 8 ms)")
    update = []
    for _ in range(60):
        start = time.perf_counter()
        ctl.planner.frame(t, player.replay.node_states_at(t))
        update.append(time.perf_counter() - start)
        t += 16_000
    print(f"  of which update only (tokens, badges, flashes, node states): median "
          f"{statistics.median(update) * 1000:.2f} ms")
    ctl.layer.setVisible(False)
    base = []
    for _ in range(30):
        start = time.perf_counter()
        viewport.repaint()
        base.append(time.perf_counter() - start)
    ctl.layer.setVisible(True)
    print(f"  the diagram alone (no simulation layer): median {statistics.median(base) * 1000:.2f} ms a paint")
    panel = []
    for _ in range(30):
        start = time.perf_counter()
        w.sim.ui.show_time(t, force=True)
        panel.append(time.perf_counter() - start)
        t += 16_000
    print(f"  side panel refresh (counters, chart, 152 load bars, caption), 20 times a second while playing: "
          f"median {statistics.median(panel) * 1000:.2f} ms")
    w.close()


def longest_block(seconds: float, on_the_way=None) -> tuple[float, int]:
    """Run the real event loop for ``seconds``; a 1 ms heartbeat timer shows the longest the GUI thread was busy."""
    beats: list[float] = []
    heart = QTimer()
    heart.setInterval(1)
    heart.timeout.connect(lambda: beats.append(time.perf_counter()))
    heart.start()
    if on_the_way is not None:
        QTimer.singleShot(int(seconds * 300), on_the_way)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    heart.stop()
    gaps = [b - a for a, b in zip(beats, beats[1:], strict=False)]
    return max(gaps), len(beats)


def blocking_benchmark() -> None:
    w = open_window(ten_minutes())
    player = w.sim.controller.player
    viewport = w.view.viewport()
    time.sleep(0.5)  # let the warm-up thread load fakeredis, PyJWT and networkx, as it does while the app starts
    w.sim.ui.simulate()
    player.set_speed(8.0)
    start = time.perf_counter()
    block, beats = longest_block(30.0, lambda: w.sim.controller.inject("s1", "crash"))
    worked = player.replay.horizon / SECOND
    print(f"10-minute run, 200 users, playing at 8x for 30 s while the engine works ahead ({worked:.0f} s of 600 s "
          f"worked out) and a hand-made crash rebuilds the run: longest GUI-thread block {block * 1000:.1f} ms "
          f"(target <= 50 ms; {beats} heartbeats in {time.perf_counter() - start:.0f} s)")
    player.set_playing(False)
    player.work_out()
    block, _ = longest_block(2.0)
    print(f"  at the end of the run (report, verdict): longest block {block * 1000:.1f} ms")
    rng = random.Random(1)
    scrubs = []
    for _ in range(100):
        t = rng.randrange(0, player.end)
        s = time.perf_counter()
        w.sim.ui.seek(t)
        w.sim.ui.show_time(player.t, force=True)
        viewport.repaint()
        scrubs.append(time.perf_counter() - s)
    print(f"scrub anywhere in the 10-minute run ({player.replay.report['totals']['requests']} requests; seek + "
          f"counters, chart, load bars, canvas): median {statistics.median(scrubs) * 1000:.1f} ms, worst "
          f"{max(scrubs) * 1000:.1f} ms (target <= 100 ms)")
    w.close()


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    frame_benchmark()
    blocking_benchmark()
    del app


if __name__ == "__main__":
    main()
