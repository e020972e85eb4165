"""The window's process never loads the simulation's libraries: a run, its inspector and its report come from
child processes (sim/child_run.py, sim/node_tables.py). Every object those libraries make at import (fakeredis and
redis: about 21k) would be walked by each full garbage collection of the window's process, stopping the window.

Checked in a fresh interpreter: the test process itself imports them for other tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import sys, time
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from statediagram.gui.window import MainWindow
    from statediagram.gui import warmup

    def until(ok, what):
        deadline = time.monotonic() + 60
        while not ok():
            app.processEvents()
            time.sleep(0.005)
            if time.monotonic() > deadline:
                sys.exit(f"timed out: {what}")

    w = MainWindow()
    w.show()
    for name in ("stateless-full", "jwt"):
        assert w.open_path(sys.argv[1] + f"/examples/{name}.statediagram.json")
        w.simulation.ui.simulate()
        player = w.simulation.controller.player
        player.set_playing(False)
        player.work_out()
        assert player.replay.report is not None
        for node in player.replay.store_ids + player.replay.server_ids:
            player.seek(5_000_000)
            w.simulation.ui.inspect_node(node)
            until(lambda: not w.simulation.panel.inspector.reading, "the inspector's table")
        token = next(r.id for r in player.replay.requests[:] if r.credential)
        w.simulation.panel.inspector.show_request(player.replay, token)  # a cookie, or a JWT verified
        w.simulation.controller.stop()
    warmup.wait_for_warm_up()
    print(sorted(m for m in ("fakeredis", "redis") if m in sys.modules))
""")


def test_playing_inspecting_and_reporting_load_no_engine_library_in_the_window(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT / "src"), XDG_CONFIG_HOME=str(tmp_path),
               XDG_DATA_HOME=str(tmp_path), XDG_STATE_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
