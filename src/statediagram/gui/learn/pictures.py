"""Pictures of the lesson's diagrams, drawn at show time by the same code as the canvas and the PNG export
(so a picture never goes stale when the look or an example changes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap

from ...missions.lessonruns import RunSpec, load_run_diagram
from ..files.export import render_image


def diagram_pixmap(spec: RunSpec, width: int, device_ratio: float = 1.0) -> QPixmap:
    """The spec's diagram, ``width`` pixels wide (sharp on a high-density screen); LessonFileError if it cannot
    be read."""
    image = render_image(load_run_diagram(spec), scale=max(1.0, device_ratio))
    target = round(width * device_ratio)
    if image.width() > target:
        image = image.scaledToWidth(target, Qt.TransformationMode.SmoothTransformation)
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(device_ratio)
    return pixmap
