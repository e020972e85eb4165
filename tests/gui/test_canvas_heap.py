"""A big diagram's canvas keeps few objects for Python's cyclic garbage collector.

Every full collection looks at each object the collector tracks, and it holds every thread meanwhile: a 2,000-node
diagram's canvas kept 120,000 of them (its routes as lists of Qt points, each piece of a link a Qt line, every
card its own rectangles), and each full collection froze the window 0.1-0.2 s while the file opened and after.
Counted, not timed: the count does not depend on the machine's load (benchmarks/bench_open_big.py times it).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QPointF

from statediagram.core.model import Diagram, Link, Node
from statediagram.gui.canvas.scene import DiagramScene
from statediagram.gui.canvas.view import DiagramView
from statediagram.gui.document import Document
from statediagram.gui.editing.editor import Editor

ROWS = 60


def web_tiers(rows: int = ROWS) -> Diagram:
    """``rows`` small web tiers one under the other: users, a load balancer, two servers, a Redis and PostgreSQL;
    the servers' links to the stores bend (the stores sit between the servers' rows)."""
    d = Diagram(title="tiers")
    for r in range(rows):
        y = r * 320.0
        ids = {name: f"{name}{r}" for name in ("users", "lb", "s1", "s2", "redis", "pg")}
        d.nodes += [
            Node(ids["users"], "client", f"Users {r}", 0.0, y),
            Node(ids["lb"], "load_balancer", f"LB {r}", 260.0, y),
            Node(ids["s1"], "server", f"Server {r}.1", 540.0, y - 80),
            Node(ids["s2"], "server", f"Server {r}.2", 540.0, y + 80),
            Node(ids["redis"], "redis", f"Redis {r}", 840.0, y - 150),
            Node(ids["pg"], "postgres", f"DB {r}", 840.0, y + 150),
        ]
        d.links += [
            Link(ids["users"], ids["lb"]),
            Link(ids["lb"], ids["s1"]),
            Link(ids["lb"], ids["s2"]),
            Link(ids["s1"], ids["redis"]),
            Link(ids["s2"], ids["redis"]),
            Link(ids["s1"], ids["pg"]),
            Link(ids["s2"], ids["pg"]),
        ]
    return d


def tracked() -> int:
    gc.collect()
    return len(gc.get_objects())


def shown(qtbot, doc: Document) -> DiagramView:
    scene = DiagramScene(doc)
    view = DiagramView(scene, Editor(doc, scene))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not scene.router.provisional)  # every link routed for good
    view.zoom_to_fit()  # far out: the view draws the overview of every link and card
    view.viewport().grab()
    qtbot.wait(100)
    return view


def test_a_big_diagrams_canvas_keeps_few_objects_for_the_collector_near_and_far(qtbot):
    shown(qtbot, Document(web_tiers(12)))  # what a first canvas imports and makes once is not counted
    doc = Document(web_tiers())
    items = len(doc.diagram.nodes) + len(doc.diagram.links)
    before = tracked()
    view = shown(qtbot, doc)
    assert view.scene().overview_mode.on
    far = tracked() - before
    view.set_zoom(1.0)  # near: the links in sight paint themselves
    view.centerOn(QPointF(540.0, 10 * 320.0))
    view.viewport().grab()
    near = tracked() - before
    # A card or link is an item; its key, its box, its route and where a server keeps its state are numbers and
    # strings in tuples, which the collector lets go of. Measured: 1.86 and 2.48 objects an item. Before, 4.29 and
    # 4.91: a link's key a frozenset and its box a QRectF, a server's card holding its homes (dataclasses), the
    # router's sets of links per card and per cell; and 17 before that (every link's points and pieces as Qt objects).
    assert far / items < 2.15, (f"{far} objects for {items} cards and links far out: what the canvas keeps per card "
                                "or link, every full garbage collection looks at (see the module's docstring)")
    assert near / items < 2.85, (f"{near} objects for {items} cards and links near: what the canvas keeps per card "
                                 "or link, every full garbage collection looks at (see the module's docstring)")


WARMED_UP = textwrap.dedent("""
    import linecache
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from statediagram.gui.warmup import wait_for_warm_up, warm_up_imports, warm_up_later
    warm_up_imports()
    warm_up_later("jwt")  # as for a run whose servers sign tokens
    wait_for_warm_up()
    kept = [name for name in linecache.cache if "/jwt/" in name or "cryptography" in name or "statediagram" in name]
    print(len(kept), sum(len(entry[2]) for entry in linecache.cache.values() if len(entry) > 1))
""")


def test_the_heavy_libraries_source_is_not_kept_once_they_are_loaded(tmp_path):
    """PySide6 reads the source of every module imported after it, and Python keeps the lines: 305k lines of
    networkx, fakeredis and the rest when the window loaded them, walked by every full collection. Once the warm-up
    has loaded what it loads (Run for real's part; PyJWT for a run whose servers sign tokens), none is kept (a
    fresh process: this one's imports came in another order)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    done = subprocess.run([sys.executable, "-c", WARMED_UP], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    files, lines = map(int, done.stdout.split())
    assert files == 0
    assert lines < 1_000
