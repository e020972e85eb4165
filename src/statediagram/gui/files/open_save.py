"""New, Open, Save, Save As and the recent files list, for the main window."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...core.fileio import FILE_SUFFIX, DiagramError, Loaded, atomic_write, load_diagram, save_diagram
from ...core.model import Diagram
from ...core.text import terminal_safe
from ..document import Document
from ..plain_text import message
from .folders import RememberedFolder

MAX_RECENT = 8
# Our exported PNGs carry the diagram (core/pngchunk.py): the first filter shows them with the diagram files.
FILE_FILTER = (f"Diagrams and exported pictures (*{FILE_SUFFIX} *.json *.png);;Diagrams (*{FILE_SUFFIX} *.json);;"
               "Exported pictures (*.png);;All files (*)")
SAVE_FILTER = f"Diagrams (*{FILE_SUFFIX})"


def _recent_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("statediagram", appauthor=False)) / "recent.json"


def read_recent() -> list[str]:
    try:
        data = json.loads(_recent_file().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [p for p in data if isinstance(p, str)][:MAX_RECENT] if isinstance(data, list) else []


def remember_recent(path: str) -> list[str]:
    path = str(Path(path).resolve())
    recent = [path] + [p for p in read_recent() if p != path]
    recent = recent[:MAX_RECENT]
    try:
        _recent_file().parent.mkdir(parents=True, exist_ok=True)
        atomic_write(_recent_file(), json.dumps(recent, indent=1).encode("utf-8"), durable=False)
    except OSError:
        pass  # a recent-files list that cannot be written is not worth interrupting the learner
    return recent


class FileController(QObject):
    """Knows the document's file and asks before throwing away unsaved work."""

    path_changed = Signal()
    opened = Signal()
    message = Signal(str)

    def __init__(self, doc: Document, parent: QWidget, show_error: Callable[[str, str], None],
                 folders: RememberedFolder | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.folders = folders or RememberedFolder()
        self.widget = parent
        self.show_error = show_error
        self.path: str | None = None

    def display_name(self) -> str:
        if self.path:
            return Path(self.path).name
        return self.doc.diagram.title or "Untitled diagram"

    # --- asking -------------------------------------------------------------------------------------

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel: asked when unsaved work would be closed."""
        return message(
            self.widget,
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"Save the changes to “{self.display_name()}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the diagram."""
        if self.doc.undo_stack.isClean():
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def choose_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self.widget, "Open diagram", self._folder(), FILE_FILTER)
        return path

    def choose_save_path(self) -> str:
        suggested = str(Path(self._folder()) / (self._stem() + FILE_SUFFIX))
        path, _ = QFileDialog.getSaveFileName(self.widget, "Save diagram", suggested, SAVE_FILTER)
        if path and not path.endswith(".json"):
            path += FILE_SUFFIX
        return path

    def _folder(self) -> str:
        return self.folders.folder()

    def _stem(self) -> str:
        name = self.display_name()
        return name[: -len(FILE_SUFFIX)] if name.endswith(FILE_SUFFIX) else name.replace("/", "-")

    # --- actions --------------------------------------------------------------------------------------

    def new(self, diagram: Diagram | None = None) -> bool:
        if not self.maybe_save():
            return False
        self.doc.replace(diagram or Diagram())
        self.path = None
        self.path_changed.emit()
        self.opened.emit()
        return True

    def open(self, path: str | None = None) -> bool:
        if not self.maybe_save():
            return False
        path = path or self.choose_open_path()
        if not path:
            return False
        return self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open ``path``; an unreadable file shows the loader's message and changes nothing."""
        try:
            loaded = load_diagram(path)
        except DiagramError as exc:
            self.show_error("Cannot open this diagram", f"{terminal_safe(Path(path).name)}: {exc}")
            return False
        self.show_loaded(loaded, path)
        return True

    def show_loaded(self, loaded: Loaded, path: str) -> None:
        """Show a diagram read from ``path`` (at once, or at the end of a big file's progress)."""
        self.doc.replace(loaded.diagram)
        # A PNG is a picture: saving writes the diagram next to it, never over the picture.
        self.path = None if path.lower().endswith(".png") else str(Path(path).resolve())
        remember_recent(path)
        self.folders.remember(path)
        self.path_changed.emit()
        self.opened.emit()
        for warning in loaded.warnings:
            self.message.emit(warning)

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path)

    def save_as(self) -> bool:
        path = self.choose_save_path()
        return bool(path) and self._write(path)

    def _write(self, path: str) -> bool:
        try:
            save_diagram(self.doc.diagram, path)
        except OSError as exc:
            self.show_error("Cannot save", f"{path}: {exc.strerror or exc}")
            return False
        self.path = str(Path(path).resolve())
        self.doc.undo_stack.setClean()
        remember_recent(self.path)
        self.folders.remember(self.path)
        self.path_changed.emit()
        self.message.emit(f"Saved {Path(path).name}.")
        return True
