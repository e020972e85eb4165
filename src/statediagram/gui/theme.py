"""Look and z-order constants of the editor, in one place: colours, sizes, layers."""

from __future__ import annotations

from PySide6.QtGui import QColor

from .kinds import gui_kind

GRID = 20  # scene units between grid lines; snapping rounds node centres to it
NODE_WIDTH = 196.0
HEADER_HEIGHT = 58.0
BADGE_HEIGHT = 20.0
HANDLE_RADIUS = 7.0
LINK_HIT_WIDTH = 14.0  # the invisible stroke that makes thin links easy to click
EXPORT_MARGIN = 32.0

# z-order of the layers (higher is drawn on top)
Z_LINK = 0.0
Z_NODE = 10.0
Z_WIRE = 20.0

# One accent per kind: each kind's entry in gui/kinds.py (kind_colour below).

INK = QColor("#1F2430")
MUTED_INK = QColor("#5A6272")
CARD = QColor("#FFFFFF")
CARD_BORDER = QColor("#C5CAD3")
SELECTION = QColor("#2F6FEB")
LINK = QColor("#6B7280")
LINK_SELECTED = QColor("#2F6FEB")
CANVAS = QColor("#F7F8FA")
GRID_MINOR = QColor("#E9ECF1")
GRID_MAJOR = QColor("#DCE0E7")
WIRE_OK = QColor("#2F6FEB")
WIRE_REFUSED = QColor("#B00020")

# Badges: state kept on the server itself (lost on a crash) versus in a shared place. Told apart by
# fill, a dashed versus solid border and the text itself, never by red/green alone.
LOCAL_FILL = QColor("#FFF3D6")
LOCAL_BORDER = QColor("#A86400")
SHARED_FILL = QColor("#E2EEFB")
SHARED_BORDER = QColor("#1F5FA8")
WARNING_FILL = QColor("#F2B600")
WARNING_INK = QColor("#1F2430")


def kind_colour(kind: str) -> QColor:
    """The kind's one colour, the same on the canvas, in the simulation and in exported pictures."""
    return QColor(gui_kind(kind).colour)
