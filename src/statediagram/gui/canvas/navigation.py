"""Moving the selection between nodes from the keyboard, and what a screen reader says about the node chosen.

The canvas widget speaks for its selection: its accessible name says which node is selected, its description the
node's kind, its badges (where it keeps each kind of state), its findings and its links, in the same words as the
card and its tooltip. Each node and link is also an accessible item of its own (accessible.py), saying the same.
"""

from __future__ import annotations

import math

from ...core.catalog import KINDS
from ..document import Document
from .items import NodeItem

COLUMN = 120.0  # nodes whose centres are this close in x read as one column (Tidy Up puts tiers 240 apart)


def reading_order(items: list[NodeItem]) -> list[NodeItem]:
    """Nodes as Tab visits them: column by column, left to right, each from the top down."""
    return sorted(items, key=lambda i: (round(i.x() / COLUMN), i.y(), i.x(), i.node_id))


def next_in_order(items: list[NodeItem], current: NodeItem | None, forward: bool) -> NodeItem | None:
    """The node after (or before) ``current`` in reading order; the first (or last) when none is current;
    None past the end, where the keyboard's focus moves on out of the canvas."""
    order = reading_order(items)
    if not order:
        return None
    if current is None or current not in order:
        return order[0] if forward else order[-1]
    i = order.index(current) + (1 if forward else -1)
    return order[i] if 0 <= i < len(order) else None


def nearest_towards(items: list[NodeItem], x: float, y: float, dx: int, dy: int,
                    exclude: NodeItem | None = None) -> NodeItem | None:
    """The node nearest to (x, y) in the direction (dx, dy) (one of the four arrows): ahead of the point,
    with a sideways offset counting double."""
    best, best_score = None, math.inf
    for item in items:
        if item is exclude:
            continue
        ahead = (item.x() - x) * dx + (item.y() - y) * dy
        side = abs((item.x() - x) * dy) + abs((item.y() - y) * dx)
        if ahead <= 0 or side > 3 * ahead + 40:
            continue
        score = ahead + 2 * side
        if score < best_score:
            best, best_score = item, score
    return best


def spoken_name(item: NodeItem) -> str:
    """"Server A, Server"; just "Users" when the label is the kind's own name (not "Users, Users")."""
    kind = KINDS.get(item.kind)
    kind_name = kind.label if kind else item.kind
    return item.label if item.label.casefold() == kind_name.casefold() else f"{item.label}, {kind_name}"


def spoken_description(item: NodeItem, doc: Document) -> str:
    """The node as its card and tooltip show it, in sentences: kind, badges, findings, the nodes it is linked to."""
    kind = KINDS.get(item.kind)
    neighbours = [doc.node(n).label for n in doc.diagram.neighbours(item.node_id) if doc.has_node(n)]
    parts = [f"{item.label}: {kind.description if kind else item.kind}".rstrip(".") + "."]
    parts.append(f"{item.subtitle}." if item.subtitle else "")
    for badge in item.badges():
        lost = " (own: lost if this server crashes)" if badge.shared is False else ""
        parts.append(f"{badge.title}: {badge.where}{lost}.")
    for warning in item.warnings:
        parts.append(f"Warning: {warning}".rstrip(".") + ".")
    if neighbours:
        parts.append("Linked to " + ", ".join(neighbours) + ".")
    else:
        parts.append("Not linked to anything.")
    return " ".join(p for p in parts if p)
