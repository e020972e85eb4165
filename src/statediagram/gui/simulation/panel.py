"""The side panel (verdict, metrics, inspector) and the wiring between controls, player and panels."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QScrollArea, QVBoxLayout, QWidget

from ...core.topology import state_homes
from ...sim.report import Report
from ...sim.scenario import SECOND, RunTooBig, resolve
from ...sim.wording import narrate
from ..plain_text import notice, set_plain
from ..progress import run_with_progress
from .controller import SimulationController
from .controls import SimulationControls
from .inspectors import Inspector
from .metrics import MetricsPanel
from .style import LOOKS, look_icon
from .verdict import VerdictBanner

PANEL_SPACING = 48  # margins and spacing of the panel's column and the verdict's frame, in pixels
METRICS_EVERY_S = 0.05  # while playing, the panels refresh 20 times a second; the canvas every frame


class NoteBox(QFrame):
    """The "What just happened" box: a bold line (with the outcome's token when a request failed) and the story,
    both plain text since the story names nodes as the file does. Shown only while it has something to say (an
    empty yellow box after opening a file read as a missing message)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("happened")
        self.setStyleSheet("QFrame#happened { background: #fff8e1; border: 1px solid #f9a825; border-radius: 6px; }")
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.icon = QLabel()  # the token's shape and colour, as on the canvas and in the counters
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        row.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.head, 1)
        column.addLayout(row)
        column.addWidget(self.body)
        self.setMinimumHeight(40)
        self.hide()

    def tell(self, head: str, story: str, outcome: str | None = None) -> None:
        set_plain(self.head, head, bold=True)
        set_plain(self.body, story)
        self.icon.setVisible(outcome is not None)
        if outcome is not None:
            self.icon.setPixmap(look_icon(outcome, 16).pixmap(16, 16))
        self.setAccessibleName(f"{head}. {story}")
        self.show()

    def text(self) -> str:
        """What it says: its line and its story, or nothing while hidden."""
        return f"{self.head.text()}\n{self.body.text()}" if not self.isHidden() else ""

    def clear(self) -> None:
        self.head.clear()
        self.body.clear()
        self.hide()


class SimulationPanel(QScrollArea):
    """Verdict on top, live metrics, then the inspector: one column that scrolls as a whole only when the window
    is too short for it. The metrics had a scroll area of their own inside the panel: at 1280x720 the counters,
    chart and load bars got 3-4 rows of it, under a second scroll bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName("Verdict, metrics and inspector")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)  # with two lines of explanations at least: the column fits 1280x720 under a title bar
        self.verdict = VerdictBanner()
        self.happened = NoteBox()  # hidden until a run has something to tell
        self.metrics = MetricsPanel()
        self.inspector = Inspector()
        layout.addWidget(self.verdict)
        layout.addWidget(self.happened)
        layout.addWidget(self.metrics)  # at its full height: the counters, chart and load bars
        layout.addWidget(self.inspector)  # a line of hint until something is inspected, then its table
        layout.addStretch(1)
        self.setWidget(content)
        self.setMinimumWidth(370)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.share_height()

    def share_height(self) -> None:
        """The explanations get what the headline, the note, the figures and the inspector leave (at least a few
        lines, scrolled within): the counters, chart and load bars keep their full height."""
        width = self.viewport().width() - 8
        shown = [w for w in (self.happened, self.metrics, self.inspector, self.verdict.headline) if not w.isHidden()]
        # Wrapped words are as tall as the column's width makes them (a size hint guesses a width of its own).
        others = sum(w.heightForWidth(width) if w.hasHeightForWidth() else w.sizeHint().height() for w in shown)
        cap = max(self.verdict.findings.minimumHeight(), min(260, self.viewport().height() - others - PANEL_SPACING))
        if cap != self.verdict.list_cap:
            self.verdict.list_cap = cap
            self.verdict.refit()


class SimulationUI(QObject):
    """Wires one controller to its controls and panel. ``selected`` tells which node is selected, if any."""

    def __init__(self, controller: SimulationController, controls: SimulationControls, panel: SimulationPanel,
                 selected: Callable[[], str | None] | None = None, host: QWidget | None = None) -> None:
        super().__init__(controller)
        self.controller, self.controls, self.panel = controller, controls, panel
        self.selected = selected or (lambda: None)
        self.host = host
        self.player = controller.player
        self._metrics_wall = 0.0
        self._starting_said = False  # the verdict says the run is starting (its child still loading)
        self.report: Report | None = None
        self.homes: dict = {}
        c, p = controls, self.player
        c.simulate_clicked.connect(self.simulate)
        c.play_action.triggered.connect(p.toggle)
        c.back_action.triggered.connect(p.step_back)
        c.step_action.triggered.connect(p.step)
        c.restart_action.triggered.connect(p.restart)
        c.speed.currentIndexChanged.connect(lambda _i: p.set_speed(c.speed.currentData()))
        c.fault_clicked.connect(self.fault_on_selected)
        c.chaos_toggled.connect(self.chaos)
        c.timeline.seek_requested.connect(self.seek)
        c.compare_action.triggered.connect(self.compare)
        c.export_report_action.triggered.connect(self.export_report)
        c.export_movie_action.triggered.connect(self.export_movie)
        p.frame_changed.connect(self.show_time)
        p.playing_changed.connect(c.set_playing)
        p.run_changed.connect(self.run_changed)
        p.progress_changed.connect(lambda h: c.timeline.set_time(p.t, h))
        p.finished.connect(self.finished)
        p.run_failed.connect(lambda why: panel.verdict.tell_plain(f"The run could not go on: {why}."))
        controller.inspect_request.connect(self.inspect_request)
        controller.inspect_node.connect(self.inspect_node)
        panel.verdict.finding_clicked.connect(controller.highlight)

    # --- actions --------------------------------------------------------------------------------

    def simulate(self) -> None:
        scenario, journey, seed = self.controls.choices()
        chaos = (seed or 1) if self.controls.chaos.isChecked() else None
        try:  # a design beyond what one run simulates (core/limits.py) opens, but no run starts: say why
            resolve(self.controller.diagram(), scenario, journey, seed)
        except RunTooBig as exc:
            self.stop()
            self.panel.verdict.running("Too big to simulate:")
            notice(self.host, QMessageBox.Icon.Warning, "Too big to simulate", str(exc))  # it quotes the file
            return
        self.report = None
        self.panel.verdict.running()
        self.controller.layer.set_highlight(())
        self.controller.simulate(scenario, journey, seed, chaos_seed=chaos)
        if self.player.starting:  # its child is still loading its libraries: the run comes within a second
            self.panel.verdict.running("Starting the run…")
            self._starting_said = True
        self.controls.set_running(True)

    def stop(self) -> None:
        """Back to editing: no run shown."""
        self.controller.stop()
        self.report = None
        self.panel.verdict.running("Press Simulate:")
        self.panel.happened.clear()
        self.panel.metrics.clear()
        self.panel.inspector.clear()
        self.controls.timeline.clear()
        self.controls.clock.setText("t = 0.0 s")
        self.controls.set_running(False)

    def diagram_changed(self) -> None:
        """The diagram was edited: the run shown is of the old design until Simulate is pressed again."""
        if self.player.replay is not None:
            self.panel.verdict.tell(
                "<b>The diagram changed.</b> This run shows the design as it was; press <b>▶ Simulate</b> to "
                "run the new one.")

    def seek(self, t: int) -> None:
        self.player.set_playing(False)
        self.player.seek(t)

    def fault_on_selected(self, action: str) -> None:
        node = self.selected()
        if node is None or node not in self.controller.node_ids():
            QMessageBox.information(self.host, "Select a node",
                                    f"Select a server or store on the canvas first, then press {action.title()}.\n"
                                    "(Or right-click it.)")
            return
        self.controller.inject(node, action)

    def chaos(self, on: bool) -> None:
        if self.player.replay is None:
            return
        seed = self.player.replay.plan.seed
        self.player.set_chaos(seed if on else None)

    def inspect_request(self, rid: int) -> None:
        if self.player.replay is not None:
            self.panel.inspector.show_request(self.player.replay, rid)

    def inspect_node(self, node: str) -> None:
        if self.player.replay is not None:
            self.panel.inspector.show_node(self.player.replay, node, self.player.t)

    # --- updates --------------------------------------------------------------------------------

    def run_changed(self) -> None:
        replay = self.player.replay
        said, self._starting_said = self._starting_said, False
        if replay is None:
            self.controls.set_running(False)
            return
        if said:  # the run asked for is on screen now
            self.panel.verdict.running()
        self.controls.set_live(replay.live)
        self.controls.timeline.set_run(replay.end, replay.faults, replay.extra_faults, replay.labels)
        self.panel.metrics.load.show_load([])
        self.homes = state_homes(replay.setup.diagram)
        self.show_time(self.player.t, force=True)
        self.follow_inspector(self.player.t, reread=True)  # a fault by hand or the monkey changed the run

    def show_time(self, t: int, force: bool = False) -> None:
        replay = self.player.replay
        if replay is None:
            return
        c = self.controls
        c.set_clock(t, replay.end, self.player.catching_up)
        c.timeline.set_time(t, replay.horizon)
        now = time.perf_counter()
        if not force and self.player.playing and now - self._metrics_wall < METRICS_EVERY_S:
            return
        self._metrics_wall = now
        self.refresh_metrics(t)
        self.narrate(t)
        self.follow_inspector(t)
        if self.report is not None and t >= replay.end:
            self.panel.verdict.show_report(self.report)
            self.panel.share_height()

    def refresh_metrics(self, t: int) -> None:
        replay = self.player.replay
        m = self.panel.metrics
        chat = replay.connections is not None  # a chat run
        m.show_chat(chat)
        m.show_totals(replay.totals_at(t))
        m.chart.show_losses(replay.losses_per_second(t), replay.end, replay.down_windows(t),
                            replay.chat_per_second(t) if chat else None)
        states = replay.node_states_at(t)
        m.load.show_load([(replay.labels.get(s, s), states[s].served, states[s].up) for s in replay.server_ids])

    def follow_inspector(self, t: int, reread: bool = False) -> None:
        """The node inspected follows the play head: its table read again at ``t`` when paused (or the run
        changed), its up / DOWN at ``t`` while playing."""
        inspector, replay = self.panel.inspector, self.player.replay
        if inspector.node is None or replay is None:
            return
        if self.player.playing and not reread:
            inspector.show_node_state(replay, t)
        elif reread or inspector.node_t != t:
            inspector.show_node(replay, inspector.node, t)

    def narrate(self, t: int) -> None:
        replay = self.player.replay
        req = replay.last_failure(t, within_us=4 * SECOND)
        if req is None:
            down = [replay.labels.get(n, n) for n, st in replay.node_states_at(t).items() if not st.up]
            quiet = "nothing failed in the last 4 s"
            if down:
                quiet += f"; down now: {', '.join(down)}"
            self.panel.happened.tell(f"What just happened (t = {t / SECOND:.1f} s)", f"{quiet}.")
            return
        look = LOOKS[req.outcome]
        self.panel.happened.tell(f"What just happened at {replay.shown_at(req) / SECOND:.1f} s: {look.name} "
                                 f"({look.shape})", narrate(req, replay.labels, self.homes), req.outcome)

    def finished(self, report: Report) -> None:
        self.report = report
        if self.player.t >= self.player.end:  # a run for real tells its report after the play head got there
            self.show_time(self.player.t, force=True)

    # --- compare and export ---------------------------------------------------------------------

    def compare(self) -> None:
        from .compare import CompareDialog

        dialog = CompareDialog(self.controller, self.host)
        dialog.show()
        self.compare_dialog = dialog

    def export_report(self) -> None:
        from .export import save_report

        if self.player.replay is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.host, "Export report", "report.json", "JSON (*.json)")
        if not path:
            return

        def work():
            yield from self.player.working_out()
            save_report(self.player.replay.report, path)

        self.job = run_with_progress(work(), "Export report", self.host, on_error=self._export_failed)

    def export_movie(self) -> None:
        """The run as an animated PNG, drawn a frame at a time with a progress dialog (Cancel writes nothing)."""
        from .export import replay_apng_steps

        if self.player.replay is None:
            return
        path, _ = QFileDialog.getSaveFileName(self.host, "Export animation", "simulation.apng",
                                              "Animated PNG (*.apng *.png)")
        if path:
            self.job = run_with_progress(replay_apng_steps(self.controller, path), "Export animation", self.host,
                                         on_error=self._export_failed)

    def _export_failed(self, message: str) -> None:
        notice(self.host, QMessageBox.Icon.Warning, "Export failed", message)
