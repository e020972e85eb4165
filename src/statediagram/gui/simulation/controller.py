"""The simulation controller: glues the player, the canvas layer, the panels, and the run's part of the input.

It takes the canvas's scene, a ``SceneGeometry`` for it, and a function returning the diagram to simulate.
It is the canvas's :class:`~statediagram.gui.canvas.input.RunInput`: the canvas's input router hands it a
click, a right-click or a Space tap while a run is shown, so no editor item has to know about the simulation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QObject, QPoint, QPointF, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGraphicsScene, QMenu

from ...core.catalog import KINDS
from ...core.model import Diagram
from ...core.topology import RAM, TOKEN, state_homes
from ...sim.kinds import sim_kind
from ...sim.replay import Replay, RunSetup
from ...sim.scenario import SECOND
from ..canvas.view import DiagramView
from ..kinds import gui_kind
from ..plain_text import menu_text, plain_action
from .backdrop import Backdrop
from .geometry import SceneGeometry, node_at
from .layer import SimulationLayer
from .player import Player, copy_for_run
from .tokens import MIN_TRIP_US, TokenPlanner


class SimulationController(QObject):
    """One simulation over one scene."""

    inspect_request = Signal(int)  # a token was clicked: its request id
    inspect_node = Signal(str)  # a store or server was clicked while a run is shown
    menu_shown = Signal(QMenu)

    def __init__(self, scene: QGraphicsScene, geometry: SceneGeometry, diagram: Callable[[], Diagram],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.geometry = geometry
        self.diagram = diagram
        self.player = Player(self)
        self.planner = TokenPlanner(geometry)
        self._layer: SimulationLayer | None = None
        self.backdrop: Backdrop | None = None
        self._run_args: tuple | None = None  # what the layer was told about the run, to tell a new one
        self.last_menu: QMenu | None = None
        self.scenario: str | None = None
        self.journey: str | None = None
        self.seed: int | None = None
        self.player.run_changed.connect(self._run_changed)
        self.player.frame_changed.connect(self._show)

    @property
    def layer(self) -> SimulationLayer:
        """The canvas layer; made again if the scene was cleared under it (the editor rebuilds its scene on a
        new or opened file)."""
        layer = self._current_layer()
        if layer is None:
            layer = self._layer = SimulationLayer(self.geometry)
            layer.backdrop = self.backdrop
            layer.setVisible(self.player.replay is not None)
            self.scene.addItem(layer)
            if self._run_args is not None:
                layer.set_run(*self._run_args)
        return layer

    def _current_layer(self) -> SimulationLayer | None:
        layer = self._layer
        if layer is None or not shiboken6.isValid(layer) or layer.scene() is not self.scene:
            return None
        return layer

    def attach_view(self, view: DiagramView) -> Backdrop:
        """Let ``view`` (of this scene) paint frames over a picture of the diagram drawn once (see Backdrop)."""
        self.backdrop = Backdrop(view, self._current_layer, lambda: self.active)
        self.layer.backdrop = self.backdrop
        return self.backdrop

    @contextmanager
    def canvas_held(self) -> Iterator[None]:
        """The view keeps what it shows, unpainted, while frames are drawn for a file: each frame shown to the
        layer for the export also repainted the canvas (and placed its labels again for the view's zoom), a
        repaint per turn of the event loop on top of the export's work. Repainted once at the end."""
        viewport = self.backdrop.viewport if self.backdrop is not None else None
        held = viewport is not None and viewport.updatesEnabled()
        if held:
            viewport.setUpdatesEnabled(False)
        try:
            yield
        finally:
            if held and shiboken6.isValid(viewport):
                viewport.setUpdatesEnabled(True)  # Qt repaints it now

    # --- runs -----------------------------------------------------------------------------------

    @property
    def replay(self) -> Replay | None:
        return self.player.replay

    @property
    def active(self) -> bool:
        return self.player.replay is not None

    def simulate(self, scenario: str | None = None, journey: str | None = None, seed: int | None = None,
                 chaos_seed: int | None = None, play: bool = True) -> None:
        """Start a fresh run of the current diagram (hand-made faults of an earlier run are dropped)."""
        self.scenario, self.journey, self.seed = scenario, journey, seed
        setup = RunSetup(copy_for_run(self.diagram()), scenario, journey, seed, [], chaos_seed)
        self.player.start(setup, play=play)

    def stop(self) -> None:
        self.player.stop()
        self.layer.set_highlight(())

    def inject(self, node: str, action: str) -> None:
        self.player.inject(node, action)

    def geometry_changed(self) -> None:
        """Call when nodes moved on the canvas."""
        self.planner.geometry_changed()
        self.layer.geometry_changed()
        self._show(self.player.t)

    def _run_changed(self) -> None:
        replay = self.player.replay
        self.planner.set_replay(replay)
        self.layer.setVisible(replay is not None)
        if replay is None:
            return
        d = replay.setup.diagram
        homes = {}
        for sid, h in state_homes(d).items():
            if h.sessions is None:  # a server that keeps no sessions (a websocket server): its pill says its own
                continue
            place = h.sessions.place
            homes[sid] = RAM if place == RAM else TOKEN if place == TOKEN else h.sessions.node
        self._run_args = ({n.id: n.kind for n in d.nodes}, replay.labels, homes)
        self.layer.set_run(*self._run_args)

    def _show(self, t: int) -> None:
        replay = self.player.replay
        if replay is None:
            return
        self.layer.show_frame(self.planner.frame(t, replay.node_states_at(t)))

    def highlight(self, nodes: tuple[str, ...], at_s: float | None) -> None:
        """Light up the nodes (and links between them) an explanation names; jump to its first loss."""
        self.layer.set_highlight(nodes)
        if at_s is not None:  # when the first such token is back with its user, its badge still showing
            self.player.set_playing(False)
            self.player.seek(int(at_s * SECOND) + MIN_TRIP_US)

    # --- nodes of the run shown, or of the diagram ---------------------------------------------

    def node_ids(self) -> list[str]:
        replay = self.player.replay
        d = replay.setup.diagram if replay else self.diagram()
        return [n.id for n in d.nodes]

    def kind_of(self, node: str) -> str | None:
        replay = self.player.replay
        d = replay.setup.diagram if replay else self.diagram()
        return next((n.kind for n in d.nodes if n.id == node), None)

    def _faultable(self, node: str) -> bool:
        kind = KINDS.get(self.kind_of(node) or "")
        return kind is not None and kind.faultable

    def _inspectable(self, node: str) -> bool:
        replay = self.player.replay
        if replay is not None and replay.live:  # what a real process holds is not read back into the app
            return False
        return sim_kind(self.kind_of(node) or "").inspectable

    # --- what a screen reader hears of a node during a run (canvas/accessible.py's RunWords) ------

    def status(self, node: str) -> str:
        replay = self.player.replay
        st = replay.node_states_at(self.player.t).get(node) if replay is not None else None
        if st is None:
            return ""
        return "up" if st.up else "failing over" if st.failing_over else "down"

    def words(self, node: str) -> str:
        """The node at the play head, as the canvas shows it: up or down, its live pill, its failure badges."""
        status = self.status(node)
        replay = self.player.replay
        if not status or replay is None:
            return ""
        st = replay.node_states_at(self.player.t)[node]
        parts = [f"During the run, at {self.player.t / SECOND:.2f} s: {status}"]
        if st.crashes:
            parts.append(f"crashed {st.crashes} time{'s' if st.crashes > 1 else ''} so far")
        layer = self._current_layer()
        live = gui_kind(self.kind_of(node) or "").live
        if live is not None and layer is not None:
            parts.append(live(st, layer.session_homes.get(node, RAM), replay.labels)[0])
        if layer is not None:
            parts += [f"{text} x{n}" if n > 1 else text for at, text, _outcome, n in layer.frame.badges if at == node]
        return "; ".join(parts) + "."

    # --- the run's part of the canvas's input (RunInput) ----------------------------------------

    def shown(self) -> bool:
        return self.active

    def click(self, at: QPointF) -> bool:
        rid = self.layer.token_at(at)
        if rid is not None:
            self.player.set_playing(False)
            self.inspect_request.emit(rid)
            return True  # the click was on a token, not on the editor's items
        node = node_at(self.geometry, self.node_ids(), at)
        if node is not None and self._inspectable(node):
            self.inspect_node.emit(node)
        return False  # the editor still selects what was clicked

    def menu(self, at: QPointF, screen: QPoint) -> bool:
        node = node_at(self.geometry, self.node_ids(), at)
        if node is None or not self._faultable(node):
            return False
        menu = self.node_menu(node)
        self.last_menu = menu
        self.menu_shown.emit(menu)
        menu.popup(screen)
        return True

    def play_or_pause(self) -> None:
        self.player.toggle()

    def node_menu(self, node: str) -> QMenu:
        """Crash / Restart / Replace (and Inspect) for one node, at the play head."""
        replay = self.player.replay
        label = replay.labels.get(node, node) if replay else node
        up = replay.node_states_at(self.player.t)[node].up if replay else True
        menu = QMenu()
        menu.setTitle(menu_text(label))
        at = " now, for real" if replay is not None and replay.live else f" at {self.player.t / SECOND:.1f} s"
        crash = plain_action(f"Crash {label}{at}", menu)
        crash.setEnabled(up)
        crash.triggered.connect(lambda: self.inject(node, "crash"))
        restart = plain_action(f"Restart {label}{at}", menu)
        restart.setEnabled(not up)
        restart.triggered.connect(lambda: self.inject(node, "restart"))
        menu.addAction(crash)
        menu.addAction(restart)
        if sim_kind(self.kind_of(node) or "").replaceable:
            replace = plain_action(f"Replace {label} with a new blank machine{at}", menu)
            replace.setToolTip("Cattle, not pets: the new machine has an empty RAM and an empty local disk")
            replace.triggered.connect(lambda: self.inject(node, "replace"))
            menu.addAction(replace)
        if self._inspectable(node):
            menu.addSeparator()
            inspect = plain_action(f"Inspect what {label} holds", menu)
            inspect.triggered.connect(lambda: self.inspect_node.emit(node))
            menu.addAction(inspect)
        return menu

    def action(self, menu: QMenu, verb: str) -> QAction | None:
        """The menu's action starting with ``verb`` (Crash, Restart, Replace, Inspect)."""
        return next((a for a in menu.actions() if a.text().startswith(verb)), None)

