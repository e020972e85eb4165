"""The design findings on the real main window come from a child process: the window's own process never imports
networkx (its 20.7k objects made every full garbage collection of the window longer, and such a collection stops
the window). Run in a fresh interpreter: other tests import networkx into the test process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, sys, time
    from PySide6.QtWidgets import QApplication
    from statediagram.gui.app import set_up_application
    from statediagram.gui.warmup import wait_for_warm_up
    from statediagram.gui.window import MainWindow

    app = QApplication(["statediagram"])
    set_up_application(app)
    w = MainWindow()
    w.show()

    def settled():
        deadline = time.monotonic() + 30
        while (w.findings_work.busy or w._findings_timer.isActive()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        return [w.findings.item(i).text() for i in range(w.findings.count())]

    assert w.open_path(sys.argv[1])
    opened = settled()
    w.scene.select_ids(["lb"])  # the single point of failure's card carries its warning too
    lb_warnings = list(w.scene.node_items["lb"].warnings)
    lone = w.editor.add_node("server", -900, -900)  # an edit: a server no client reaches
    edited = settled()
    assert w.simulation is not None  # the simulation's part of the window, built a moment after it showed
    wait_for_warm_up()
    print(json.dumps({"opened": opened, "lb": lb_warnings, "edited": edited,
                      "lone": w.doc.node(lone).label, "networkx": "networkx" in sys.modules}))
    w.doc.undo_stack.setClean()
    w.close()
""")


def test_the_window_shows_the_design_findings_without_importing_networkx(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT / "src"),
               XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_DATA_HOME=str(tmp_path / "d"),
               XDG_STATE_HOME=str(tmp_path / "s"), XDG_CACHE_HOME=str(tmp_path / "k"))
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "examples" / "stateless-full.statediagram.json")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert any(text.startswith("Warning: Load balancer is a single point of failure") for text in seen["opened"])
    assert any("single point of failure" in warning for warning in seen["lb"])
    assert not any(seen["lone"] in text for text in seen["opened"])
    assert any(text.startswith(f"Warning: {seen['lone']} gets no traffic") for text in seen["edited"])
    assert seen["networkx"] is False, "the window's process imported networkx"
