"""Which side of a card a link leaves from, and the room it needs there (pure geometry, no Qt)."""

from __future__ import annotations

from .routegeometry import CLEAR, Rect

MIN_STUB = 8.0  # the shortest straight piece out of a port
CORNER = 10.0  # ports keep clear of a card's rounded corners

RIGHT, LEFT, BOTTOM, TOP = "right", "left", "bottom", "top"
OUTWARD = {RIGHT: (1.0, 0.0), LEFT: (-1.0, 0.0), BOTTOM: (0.0, 1.0), TOP: (0.0, -1.0)}


def choose_sides(ra: Rect, rb: Rect) -> tuple[str, str]:
    """The sides of ``ra`` and ``rb`` a link between them leaves from: facing each other, across the columns
    (left to right, as the tiers run) unless the cards are above one another."""
    gx = max(rb[0] - ra[2], ra[0] - rb[2])
    gy = max(rb[1] - ra[3], ra[1] - rb[3])
    horizontal = gx >= 2 * MIN_STUB and (gx >= 40 or gx >= gy or gy < 2 * MIN_STUB)
    if not horizontal and gy >= 2 * MIN_STUB:
        return (BOTTOM, TOP) if rb[1] >= ra[3] else (TOP, BOTTOM)
    return (RIGHT, LEFT) if (rb[0] + rb[2]) >= (ra[0] + ra[2]) else (LEFT, RIGHT)


def side_strip(r: Rect, side: str) -> Rect:
    """The room a route needs to leave ``r`` from ``side``: as long as the side (less its corners), a stub deep."""
    depth = MIN_STUB + CLEAR
    if side == RIGHT:
        return r[2], r[1] + CORNER, r[2] + depth, r[3] - CORNER
    if side == LEFT:
        return r[0] - depth, r[1] + CORNER, r[0], r[3] - CORNER
    if side == BOTTOM:
        return r[0] + CORNER, r[3], r[2] - CORNER, r[3] + depth
    return r[0] + CORNER, r[1] - depth, r[2] - CORNER, r[1]
