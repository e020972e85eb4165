"""The Simulate bar: scenario, journey, seed, Simulate, play/pause/step, speed, clock, faults by hand, chaos
monkey, compare and export; with the timeline under it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...sim.scenario import SECOND
from .player import SPEEDS
from .timeline import Timeline

SCENARIOS = (("As in the file", None), ("Calm (no faults)", "calm"), ("Crash drill", "standard"),
             ("Chaos (servers, then stores)", "chaos"))
JOURNEYS = (("As in the file", None), ("Sessions (GET /profile)", "sessions"),
            ("Full (profile, cart, avatar)", "full"), ("Chat (WebSocket messages)", "chat"))


# The run's own keys: they belong to the run wherever the focus is (see SeedBox).
RUN_KEYS = {(Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)}


class SeedBox(QSpinBox):
    """The seed: a number box that leaves the run's keys to the run. A spin box claims Space and Shift+arrows
    as typing (it accepts Qt's shortcut override), so Play / Pause and stepping never saw them."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if (Qt.Key(event.key()), mods) in RUN_KEYS:
                event.ignore()  # not claimed: the application-wide shortcut takes the key
                return True
        return super().event(event)


def _button(text: str, tip: str, action: QAction | None = None) -> QToolButton:
    b = QToolButton()
    if action is not None:
        b.setDefaultAction(action)
    b.setText(text)
    b.setToolTip(tip)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return b


class SimulationControls(QWidget):
    """Buttons and choices; the panel wires them to the controller."""

    simulate_clicked = Signal()
    fault_clicked = Signal(str)  # crash, restart or replace the selected node
    chaos_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.scenario = QComboBox()
        for text, value in SCENARIOS:
            self.scenario.addItem(text, value)
        self.scenario.setToolTip("Crash drill: every server crashes in turn for 5 s (the contract's standard)")
        self.journey = QComboBox()
        for text, value in JOURNEYS:
            self.journey.addItem(text, value)
        self.seed = SeedBox()
        self.seed.setRange(0, 999_999)
        self.seed.setSpecialValueText("seed: file")
        self.seed.setPrefix("seed ")
        self.seed.setToolTip("Same diagram, scenario and seed: the same run, event for event")
        self.simulate = QToolButton()
        self.simulate.setText("▶ Simulate")
        self.simulate.setToolTip("Run the diagram as it is now")
        self.simulate.setStyleSheet("QToolButton { font-weight: bold; padding: 3px 10px; }")
        self.simulate_action = QAction("Simulate", self)
        self.simulate_action.setShortcut(QKeySequence("F5"))
        self.simulate_action.setToolTip("Run the diagram as it is now (F5)")
        self.simulate_action.triggered.connect(self.simulate_clicked)
        self.simulate.clicked.connect(self.simulate_action.trigger)
        self.simulate.setToolTip("Run the diagram as it is now (F5)")
        self.live_action = QAction("Run for real", self)
        self.live_action.setShortcut(QKeySequence("Ctrl+F5"))
        self.live_action.setToolTip("Run the diagram as real processes on this machine and crash them for real "
                                    "(Ctrl+F5; needs the live extra, HAProxy, redis-server and PostgreSQL)")
        self.live_action.setStatusTip(self.live_action.toolTip())
        self.live = _button("Run for real", self.live_action.toolTip(), self.live_action)

        self.play_action = QAction("▶ Play", self)
        self.play = _button("▶ Play", "Play / pause (Space)", self.play_action)
        self.back_action = QAction("◀ Step back", self)
        self.back_action.setShortcut(QKeySequence("Shift+Left"))
        self.step_action = QAction("Step ▶", self)
        self.step_action.setShortcut(QKeySequence("Shift+Right"))
        self.back = _button("◀ Step back", "Back to the previous event (Shift+Left)", self.back_action)
        self.step = _button("Step ▶", "On to the next event (Shift+Right)", self.step_action)
        self.restart_action = QAction("↺ Restart", self)
        self.restart = _button("↺ Restart", "Play again from 0 s", self.restart_action)
        self.speed = QComboBox()
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}×", s)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Playback speed (requests are drawn in slow motion at any speed)")
        self.clock = QLabel("t = 0.0 s")
        self.clock.setFixedWidth(230)  # a fixed width: the text changes every frame, the layout must not
        self.clock.setStyleSheet("font-family: monospace; font-weight: bold;")

        self.crash_action, self.crash = self._fault(
            "crash", "✗ Crash", "Crash the selected node", "Ctrl+Shift+K", "Crash the selected server or store now")
        self.restart_node_action, self.restart_node = self._fault(
            "restart", "Restart", "Restart the selected node", "Ctrl+Shift+R", "Restart the selected node now")
        self.replace_action, self.replace = self._fault(
            "replace", "Replace", "Replace the selected server with a blank machine", "Ctrl+Shift+B",
            "Replace the selected server with a new blank machine (cattle, not pets)")
        self.chaos = QCheckBox("Chaos monkey")
        self.chaos.setToolTip("Crash random servers now and then (seeded: the same seed, the same monkey)")
        self.chaos.toggled.connect(self.chaos_toggled)
        self.compare_action = QAction("Compare…", self)
        self.export_report_action = QAction("Export report…", self)
        self.export_movie_action = QAction("Export animation…", self)
        # The two lists both start at "As in the file": a label says which is which (and a screen reader too).
        scenario_label, journey_label = QLabel("Scenario:"), QLabel("Journey:")
        scenario_label.setBuddy(self.scenario)
        journey_label.setBuddy(self.journey)
        self.scenario.setAccessibleName("Scenario")
        self.journey.setAccessibleName("Journey")
        self.journey.setToolTip("What each simulated user does: log in, then the requests of the journey")
        self.seed.setAccessibleName("Seed")
        # The lists shrink below their longest entry (shown in full when opened) when the window is narrow: the
        # bar then fits a 1280-pixel screen, where it made the window 1,358 pixels wide at least.
        for combo in (self.scenario, self.journey):
            combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("Crash drill") + 40)
        # Run for real stands in for the separator before the playback buttons: the bar keeps to 1280 pixels.
        for w in (scenario_label, self.scenario, journey_label, self.journey, self.seed, self.simulate, self.live,
                  self.back, self.play, self.step, self.restart, self.speed, self.clock):
            row.addWidget(w)
        row.addStretch(1)
        outer.addLayout(row)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(QLabel("Faults by hand, at the play head (or right-click a node):"))
        self._more = (
            _button("Compare…", "Run another design with the same seed and faults, side by side",
                    self.compare_action),
            _button("Export report…", "Save the report as JSON", self.export_report_action),
            _button("Export animation…", "Save the replay as an animated PNG", self.export_movie_action))
        for w in (self.crash, self.restart_node, self.replace, self.chaos, _sep(), *self._more):
            row.addWidget(w)
        row.addStretch(1)
        outer.addLayout(row)
        self.timeline = Timeline()
        outer.addWidget(self.timeline)
        self.set_running(False)
        # Stepping works wherever the focus is (a floating run bar, the properties panel, a list).
        for action in (self.back_action, self.step_action):
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.addActions([self.play_action, self.back_action, self.step_action])

    def _fault(self, verb: str, label: str, text: str, keys: str, tip: str) -> tuple[QAction, QToolButton]:
        """A fault by hand: its action (menu text ``text``, shortcut ``keys``) and its button in the bar."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda: self.fault_clicked.emit(verb))
        button = _button(label, f"{tip} ({keys})")
        button.clicked.connect(action.trigger)
        return action, button

    def choices(self) -> tuple[str | None, str | None, int | None]:
        seed = self.seed.value() or None
        return self.scenario.currentData(), self.journey.currentData(), seed

    def set_choices(self, scenario: str | None, journey: str | None, seed: int | None = None) -> None:
        """Choose the scenario, journey and seed the next Simulate runs (None: as in the file)."""
        for combo, value in ((self.scenario, scenario), (self.journey, journey)):
            index = combo.findData(value)
            if index < 0:
                raise ValueError(f"no such choice: {value!r}")
            combo.setCurrentIndex(index)
        self.seed.setValue(seed or 0)

    def set_running(self, running: bool) -> None:
        for w in (self.play, self.back, self.step, self.restart, self.speed, self.crash, self.restart_node,
                  self.replace, self.chaos, self.timeline):
            w.setEnabled(running)
        for a in (self.play_action, self.back_action, self.step_action, self.restart_action,
                  self.export_report_action, self.export_movie_action, self.crash_action,
                  self.restart_node_action, self.replace_action):
            a.setEnabled(running)

    def set_live(self, live: bool) -> None:
        """A run for real is shown: what works out a simulated run again (the monkey, compare, the exports) is off;
        play, step, the timeline and faults by hand (sent to the real processes) stay."""
        for w in (self.chaos, *self._more):
            w.setEnabled(not live)
        for a in (self.compare_action, self.export_report_action, self.export_movie_action):
            a.setEnabled(not live)

    def set_playing(self, playing: bool) -> None:
        self.play_action.setText("❚❚ Pause" if playing else "▶ Play")

    def set_clock(self, t: int, end: int, catching_up: bool) -> None:
        note = " (working…)" if catching_up else ""
        self.clock.setText(f"t = {t / SECOND:5.1f} s / {end / SECOND:g} s{note}")


def _sep() -> QWidget:
    line = QLabel("│")
    line.setStyleSheet("color: #bbb;")
    return line
