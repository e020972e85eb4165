"""Tidy Up's layout: the nodes in columns by tier (clients, load balancers, servers, stores), each column in the
order that makes the fewest links cross, each node level with the nodes it links to where the column has room,
so routes are short and mostly straight. Pure arithmetic on ids, sizes and links (no Qt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SWEEPS = 4  # orderings by the neighbours' places, left to right then back; more changed nothing on the examples


@dataclass(frozen=True)
class Box:
    """A node as the layout sees it: its tier (column), its card's height, where it is now."""

    id: str
    tier: int
    height: float
    x: float
    y: float


def tier_layout(boxes: Iterable[Box], links: Iterable[tuple[str, str]], gap_x: float, gap_y: float,
                grid: float) -> dict[str, tuple[float, float]]:
    """Each node's new centre: column ``tier rank * gap_x``, at least ``gap_y`` between cards of a column, rows on
    the ``grid``. Same input, same output."""
    boxes = sorted(boxes, key=lambda b: b.id)
    by_id = {b.id: b for b in boxes}
    tiers = sorted({b.tier for b in boxes})
    col_of = {b.id: tiers.index(b.tier) for b in boxes}
    columns = [sorted((b for b in boxes if col_of[b.id] == c), key=lambda b: (b.y, b.x, b.id))
               for c in range(len(tiers))]
    neighbours: dict[str, set[str]] = {b.id: set() for b in boxes}
    for a, b in links:
        if a in by_id and b in by_id and col_of[a] != col_of[b]:
            neighbours[a].add(b)
            neighbours[b].add(a)
    order = [[b.id for b in column] for column in columns]
    rank = {nid: i for column in order for i, nid in enumerate(column)}

    def sort_by(column: list[str], side) -> list[str]:
        """The column ordered by the mean rank of each node's neighbours in ``side`` columns (kept where none)."""
        keyed = []
        for nid in column:
            near = [rank[n] for n in neighbours[nid] if side(col_of[n])]
            keyed.append((sum(near) / len(near) if near else rank[nid], rank[nid], nid))
        return [nid for *_, nid in sorted(keyed)]

    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        for c in range(1, len(order)) if forward else range(len(order) - 2, -1, -1):
            order[c] = sort_by(order[c], (lambda k, c=c: k < c) if forward else (lambda k, c=c: k > c))
            rank.update({nid: i for i, nid in enumerate(order[c])})

    ys: dict[str, float] = {}
    for column in order:  # stacked and centred: where a node with no neighbours to its left stays
        heights = [by_id[n].height for n in column]
        y = -(sum(heights) + gap_y * (len(column) - 1)) / 2
        for nid, h in zip(column, heights, strict=True):
            ys[nid] = y + h / 2
            y += h + gap_y
    for c in range(1, len(order)):  # each column level with what it links to on its left, where there is room
        _level(order[c], {n: _mean(ys, neighbours[n], lambda k, c=c: col_of[k] < c, col_of) for n in order[c]},
               by_id, ys, gap_y)
    if len(order) > 1:  # and the first column with what it links to on its right
        _level(order[0], {n: _mean(ys, neighbours[n], lambda k: col_of[k] > 0, col_of) for n in order[0]},
               by_id, ys, gap_y)
    return {nid: (float(col_of[nid] * gap_x), float(round(ys[nid] / grid) * grid)) for nid in by_id}


def _mean(ys: dict[str, float], near: set[str], side, col_of: dict[str, int]) -> float | None:
    placed = [ys[n] for n in near if side(n)]
    return sum(placed) / len(placed) if placed else None


def _level(column: list[str], wanted: dict[str, float | None], by_id: dict[str, Box], ys: dict[str, float],
           gap_y: float) -> None:
    """Move ``column``'s nodes towards their ``wanted`` centres, in their order, ``gap_y`` apart at least."""
    want = [wanted[n] if wanted[n] is not None else ys[n] for n in column]
    placed: list[float] = []
    for i, nid in enumerate(column):
        y = want[i]
        if placed:
            prev = column[i - 1]
            y = max(y, placed[-1] + by_id[prev].height / 2 + gap_y + by_id[nid].height / 2)
        placed.append(y)
    # Nodes pushed down to make room: the whole column back up by the mean push (the gaps stay as they are).
    shift = sum(w - p for w, p in zip(want, placed, strict=True)) / len(column) if column else 0.0
    for nid, y in zip(column, placed, strict=True):
        ys[nid] = y + shift
