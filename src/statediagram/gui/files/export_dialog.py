"""File > Export picture: asks where, in the remembered folder, and writes the PNG or SVG (files/export.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QWidget

from ..document import Document
from .folders import RememberedFolder
from .open_save import FileController


class ExportHost(Protocol):
    """What the export needs of the main window."""

    doc: Document
    files: FileController
    folders: RememberedFolder

    def show_error(self, title: str, text: str) -> None: ...
    def show_message(self, text: str) -> None: ...


def export_picture(window: ExportHost, parent: QWidget, suffix: str, scale: float, transparent: bool) -> None:
    """Ask for a file name (the diagram's own, with ``suffix``) and export the diagram there; a failure says why."""
    from .export import export_diagram

    stem = window.files.display_name().removesuffix(".statediagram.json").removesuffix(".json")
    folder = Path(window.folders.folder())
    kind = "PNG pictures (*.png)" if suffix == ".png" else "SVG pictures (*.svg)"
    path, _ = QFileDialog.getSaveFileName(parent, "Export picture", str(folder / (stem + suffix)), kind)
    if not path:
        return
    if not path.lower().endswith(suffix):
        path += suffix
    try:
        export_diagram(window.doc.diagram, path, scale=scale, transparent=transparent)
    except (OSError, ValueError) as exc:
        window.show_error("Cannot export", str(exc))
        return
    window.folders.remember(path)
    window.show_message(f"Exported {Path(path).name}.")
