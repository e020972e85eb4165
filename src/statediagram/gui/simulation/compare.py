"""Compare: the same seed, scenario, journey and hand-made faults on this diagram and on another one (a file,
or the mission's starter), side by side with both verdicts."""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core.fileio import DiagramError, load_diagram, parse_diagram
from ...core.model import Diagram
from ...sim.replay import RunSetup
from ...sim.report import Report
from ...sim.wording import counter_names, counter_word, run_words, verdict_word
from ..plain_text import esc
from ..progress import POLL_MS, ProgressRun, in_child_process, run_with_progress


def starter_diagram() -> Diagram:
    """The first mission's starter (the stand-alone simulation window has no mission open)."""
    text = resources.files("statediagram").joinpath("assets/missions/stateless.statediagram.json").read_text("utf-8")
    return parse_diagram(text).diagram


def report_html(title: str, report: Report) -> str:
    ok = report.survives
    colour = "#0d652d" if ok else "#a50e0e"
    head = f"{'✓' if ok else '✗'} {verdict_word(ok)}"
    t = report.totals
    rows = "".join(f"<tr><td>{counter_word(key)}</td><td align=right><b>{t.count(key)}</b></td></tr>"
                   for key in counter_names(t, report.journey))
    findings = "".join(f"<li>{esc(f.message)}</li>" for f in report.findings)
    return (f"<h3>{esc(title)}</h3><p style='color:{colour}; font-size:15pt'><b>{head}</b></p>"
            f"<p>{esc(run_words(report))}, seed {report.seed}</p>"
            f"<table>{rows}</table><ul>{findings}</ul>")


class CompareDialog(QDialog):
    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare two designs")
        self.resize(900, 560)
        self.controller = controller
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.starter = QPushButton("Compare with the mission's starter")
        self.starter.clicked.connect(self.compare_with_starter)
        self.open = QPushButton("Compare with a file…")
        self.open.clicked.connect(self._open)
        buttons.addWidget(self.starter)
        buttons.addWidget(self.open)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.note = QLabel("Same seed, scenario, journey and hand-made faults on both.")
        layout.addWidget(self.note)
        sides = QHBoxLayout()
        self.left, self.right = QTextBrowser(), QTextBrowser()
        sides.addWidget(self.left)
        sides.addWidget(self.right)
        layout.addLayout(sides, 1)
        self.reports: tuple[Report, Report] | None = None
        self.job: ProgressRun | None = None  # the comparison under way

    def compare_with_starter(self) -> ProgressRun:
        """Against the starter of the mission open in the window (the first mission's when none is)."""
        starter_of = getattr(self.parent(), "mission_starter", None)
        starter, title = starter_of() if starter_of is not None else (starter_diagram(), "Mission starter")
        return self.compare_with(starter, title)

    def _open(self) -> None:
        folders = getattr(self.parent(), "folders", None)  # the window's one remembered folder, if any
        start = folders.folder() if folders is not None else ""
        path, _ = QFileDialog.getOpenFileName(self, "Compare with", start, "Diagrams and pictures (*.json *.png)")
        if not path:
            return
        if folders is not None:
            folders.remember(path)
        try:
            other = load_diagram(path).diagram
        except DiagramError as exc:
            self.right.setHtml(f"<p style='color:#a50e0e'>{esc(str(exc))}</p>")
            return
        self.compare_with(other, other.title or path)

    def compare_with(self, other: Diagram, title: str) -> ProgressRun:
        """Run this diagram and ``other`` alike in a child process (sim/side_by_side.py), with a progress dialog
        (Cancel stops it); both verdicts show when done (``reports`` then holds both reports)."""
        player = self.controller.player
        setup = player.setup or RunSetup(self.controller.diagram().copy())
        setup = RunSetup(setup.diagram.copy(), setup.scenario, setup.journey, setup.seed, list(setup.hand_faults),
                         setup.chaos_seed)  # the thread's own copies: the window goes on with its own
        other = other.copy()
        mine_title = setup.diagram.title or "This diagram"
        self.reports = None
        if self.job is not None:
            self.job.cancel()
        self.left.setPlainText(f"{mine_title}: running…")
        self.right.setPlainText(f"{title}: waiting…")

        def words(message: tuple) -> str:
            return f"Running {mine_title if message[2] == 0 else title}…"

        def show(reports: tuple[Report, Report]) -> None:
            self.job = None
            mine, theirs = reports
            self.left.setHtml(report_html(mine_title, mine))
            self.right.setHtml(report_html(title, theirs))
            self.reports = (mine, theirs)

        def failed(message: str) -> None:
            self.job = None
            self.left.clear()
            self.right.setPlainText(f"Could not compare: {message}")

        work = in_child_process("statediagram.sim.side_by_side", (setup, other), words)
        self.job = run_with_progress(work, "Compare two designs", self, on_done=show, on_error=failed, poll_ms=POLL_MS)
        self.job.cancelled.connect(lambda: (self.left.setPlainText("Cancelled."), self.right.clear()))
        return self.job
