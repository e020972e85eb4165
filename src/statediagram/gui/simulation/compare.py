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
    QVBoxLayout,
    QWidget,
)

from ...core.fileio import DiagramError, load_diagram, parse_diagram
from ...core.model import Diagram
from ...sim.replay import RunSetup
from ...sim.report import Report
from ...sim.wording import counter_names, counter_word, run_words, verdict_word
from ..plain_text import PlainView, PlainWriter, Run
from ..progress import POLL_MS, ProgressRun, in_child_process, run_with_progress


def starter_diagram() -> Diagram:
    """The first mission's starter (the stand-alone simulation window has no mission open)."""
    text = resources.files("statediagram").joinpath("assets/missions/stateless.statediagram.json").read_text("utf-8")
    return parse_diagram(text).diagram


def write_report(out: PlainWriter, title: str, report: Report) -> None:
    """One side of the comparison: the design's title (as its file writes it), the verdict, the counters and the
    findings (which name nodes as the file does), all as plain text."""
    ok = report.survives
    colour = "#0d652d" if ok else "#a50e0e"
    t = report.totals
    out.paragraph(Run(title, bold=True, size=1.17))
    out.paragraph(Run(f"{'✓' if ok else '✗'} {verdict_word(ok)}", bold=True, colour=colour, size=1.5))
    out.paragraph(f"{run_words(report)}, seed {report.seed}")
    out.table(None, [[counter_word(key), Run(str(t.count(key)), bold=True)]
                     for key in counter_names(t, report.journey)], right=(1,))
    for f in report.findings:
        out.paragraph(f"•  {f.message}", gap=4)


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
        self.left, self.right = PlainView(), PlainView()
        self.left.setAccessibleName("This design")
        self.right.setAccessibleName("The other design")
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
            self.right.say(Run(str(exc), colour="#a50e0e"))
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
        self.left.say(f"{mine_title}: running…")
        self.right.say(f"{title}: waiting…")

        def words(message: tuple) -> str:
            return f"Running {mine_title if message[2] == 0 else title}…"

        def show(reports: tuple[Report, Report]) -> None:
            self.job = None
            mine, theirs = reports
            self.left.write(lambda out: write_report(out, mine_title, mine))
            self.right.write(lambda out: write_report(out, title, theirs))
            self.reports = (mine, theirs)

        def failed(message: str) -> None:
            self.job = None
            self.left.clear()
            self.right.say(f"Could not compare: {message}")

        work = in_child_process("statediagram.sim.side_by_side", (setup, other), words)
        self.job = run_with_progress(work, "Compare two designs", self, on_done=show, on_error=failed, poll_ms=POLL_MS)
        self.job.cancelled.connect(lambda: (self.left.setPlainText("Cancelled."), self.right.clear()))
        return self.job
