"""File > Export picture: asks where, in the remembered folder, and writes the PNG or SVG (files/export.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from ..window import MainWindow


def export_picture(window: MainWindow, suffix: str, scale: float, transparent: bool) -> None:
    """Ask for a file name (the diagram's own, with ``suffix``) and export the diagram there; a failure says why."""
    from .export import export_diagram

    stem = window.files.display_name().removesuffix(".statediagram.json").removesuffix(".json")
    folder = Path(window.folders.folder())
    kind = "PNG pictures (*.png)" if suffix == ".png" else "SVG pictures (*.svg)"
    path, _ = QFileDialog.getSaveFileName(window, "Export picture", str(folder / (stem + suffix)), kind)
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
