"""The lesson reader: one section at a time, in plain Qt widgets, ending in "see it" and "try it"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...missions.lesson import Bullets, Lesson, Paragraph, Picture, Section, Table
from ...missions.lessondata import LessonFileError
from ..plain_text import tip
from .pictures import diagram_pixmap
from .table import ComparisonTable
from .text import heading, lesson_label

PICTURE_WIDTH = 400
MIN_WIDTH = 380  # the comparison table's three columns stay readable (the window asks for more, see DOCK_WIDTH)
NOTE_STYLE = "QFrame#lessonNote { background: #e8f1fb; border: 1px solid #5b8fc9; border-radius: 6px; }"


class LessonReader(QWidget):
    """Sections chosen from a list, read in a scrolling page, each ending in things to do."""

    see_requested = Signal(object)  # a RunSpec: open its diagram and run it
    try_requested = Signal(str)  # a mission id

    def __init__(self, lesson: Lesson, mission_known: Callable[[str], bool] = lambda _m: True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lessonReader")
        self.setMinimumWidth(MIN_WIDTH)
        self.lesson = lesson
        self.mission_known = mission_known
        self.section: Section | None = None
        self.see_buttons: list[QPushButton] = []
        self.try_buttons: list[QPushButton] = []
        self.table: ComparisonTable | None = None
        self.pictures: list[QLabel] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Lesson section")
        self.chooser.setToolTip("Choose a section of the lesson")
        for i, s in enumerate(lesson.sections):
            self.chooser.addItem(f"{i + 1}. {s.title}", s.id)
        top.addWidget(self.chooser, 1)
        layout.addLayout(top)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        nav = QHBoxLayout()
        self.previous = QPushButton("◀ &Previous")
        self.previous.setToolTip("The previous section (Alt+Left)")
        self.next = QPushButton("&Next ▶")
        self.next.setToolTip("The next section (Alt+Right)")
        nav.addWidget(self.previous)
        nav.addStretch(1)
        nav.addWidget(self.next)
        layout.addLayout(nav)
        for keys, step in (("Alt+Left", -1), ("Alt+Right", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.step(s))
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.chooser.currentIndexChanged.connect(self._show_index)
        self._show_index(0)

    def show_section(self, section_id: str) -> None:
        index = self.chooser.findData(section_id)
        if index < 0:
            raise KeyError(section_id)
        self.chooser.setCurrentIndex(index)

    def step(self, delta: int) -> None:
        index = self.chooser.currentIndex() + delta
        if 0 <= index < self.chooser.count():
            self.chooser.setCurrentIndex(index)

    def _show_index(self, index: int) -> None:
        self.section = self.lesson.sections[index]
        self.previous.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.lesson.sections) - 1)
        self.see_buttons, self.try_buttons, self.pictures, self.table = [], [], [], None
        self.scroll.setWidget(self._page(self.section))  # the old page is deleted with its widgets
        self.scroll.verticalScrollBar().setValue(0)

    def _page(self, section: Section) -> QWidget:
        page = QWidget()
        page.setObjectName("lessonPage")
        column = QVBoxLayout(page)
        column.setSpacing(10)
        column.addWidget(heading(section.title))
        for block in section.blocks:
            column.addWidget(self._block(block))
        if section.see or section.try_:
            column.addWidget(heading("Your turn", 1.1))
        for see in section.see:
            button = self._action_button(see.label, f"Opens {see.run.diagram} in the editor and runs it "
                                                    f"({see.run.describe()})")
            button.clicked.connect(lambda _c=False, spec=see.run: self.see_requested.emit(spec))
            self.see_buttons.append(button)
            column.addWidget(button)
        for trying in section.try_:
            button = self._action_button(trying.label, f"Opens the mission “{trying.mission}” and its starter")
            if not self.mission_known(trying.mission):
                button.setEnabled(False)
                button.setToolTip(tip(f"The mission “{trying.mission}” is not in this version of statediagram"))
            button.clicked.connect(lambda _c=False, m=trying.mission: self.try_requested.emit(m))
            self.try_buttons.append(button)
            column.addWidget(button)
        column.addStretch(1)
        return page

    def _action_button(self, label: str, words: str) -> QPushButton:
        button = QPushButton(label)  # the label is plain text; a & in it is shown, not a mnemonic
        button.setText(label.replace("&", "&&"))
        button.setToolTip(tip(words))  # the words name the teacher's diagram or mission: plain text
        button.setAccessibleName(label)
        button.setStyleSheet("QPushButton { text-align: left; padding: 6px 10px; }")
        return button

    def _block(self, block) -> QWidget:
        if isinstance(block, Paragraph):
            label = lesson_label(block.text)
            if not block.note:
                return label
            frame = QFrame()
            frame.setObjectName("lessonNote")
            frame.setStyleSheet(NOTE_STYLE)
            box = QVBoxLayout(frame)
            box.addWidget(label)
            return frame
        if isinstance(block, Bullets):
            holder = QWidget()
            box = QVBoxLayout(holder)
            box.setContentsMargins(8, 0, 0, 0)
            for item in block.items:
                box.addWidget(lesson_label("•  " + item))
            return holder
        if isinstance(block, Picture):
            return self._picture(block)
        if isinstance(block, Table):
            self.table = ComparisonTable(block)
            self.table.run_requested.connect(self.see_requested)
            return self.table
        raise TypeError(f"unknown lesson block {block!r}")

    def _picture(self, block: Picture) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        picture = QLabel()
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        try:
            picture.setPixmap(diagram_pixmap(block.run, PICTURE_WIDTH, self.devicePixelRatioF()))
            picture.setAccessibleName(f"Picture of the example {block.run.diagram}")
        except LessonFileError as exc:
            picture.setTextFormat(Qt.TextFormat.PlainText)
            picture.setWordWrap(True)
            picture.setText(f"(No picture: {exc})")
        picture.setToolTip(tip(block.caption or block.run.diagram))
        self.pictures.append(picture)
        box.addWidget(picture)
        if block.caption:
            caption = lesson_label(block.caption, plain=True)
            font = caption.font()
            font.setItalic(True)
            caption.setFont(font)
            box.addWidget(caption)
        return holder
